"""Caseloads: the latest month's average caseload of each team against the limit, and the
workforce return's caseloads beside those of the same month's approved performance return."""

from __future__ import annotations

import plotly.graph_objects as go

from trust_portal.dashboards import figures
from trust_portal.dashboards.figures import column, table
from workforce import reads
from workforce.dashboards.cells import (
    AREA,
    AREA_CODE,
    OPEN_CASES,
    WORKERS,
    figure_text,
    measure_cells,
    rag_word,
)

CASELOAD_COLUMNS = [
    column("team", "Team"),
    AREA_CODE,
    column("service", "Service"),
    OPEN_CASES,
    WORKERS,
    column("case_holding_fte", "Case-holding FTE, agency included", "number"),
    column("census", "Caseload, census method", "number"),
    column("average", "Average caseload per worker", "number"),
    column(
        "over", "Workers above the limit", "count", beneath="over_share", beneath_words="of workers"
    ),
    column("over_share", "Share of workers above the limit (%)", "percent", page=False),
    column("unallocated", "Unallocated cases", "count"),
    column("rag", "Average caseload RAG", "rag"),
    column("status", "Against the target, in words"),
]


def caseload_block(summary: reads.ReturnSummary) -> dict:
    """Per team: its average caseload against the limit. The returns hold each team's workers
    and cases, not each worker's caseload, so there are no caseload bands to count."""
    limit = summary.caseload_limit
    teams = [g for g in summary.teams if g.reported]
    rows, within, above = [], [], []
    for group in teams:
        rows.append(_caseload_row(group))
        value = group.measures["average_caseload"].value
        (above if value is not None and value > limit else within).append(
            (group.label, figure_text(value))
        )
    month = summary.month
    words = (
        f"Average caseload of each team in {month:%B %Y} against the limit of {limit} "
        f"cases: {len(above)} of {len(teams)} teams above the limit; "
        f"{summary.arrangement.measures['average_caseload'].text} cases a worker "
        f"across the arrangement ({summary.arrangement.measures['census_caseload'].text} "
        f"a full-time equivalent by the census method)."
    )
    return figures.chart_block(
        "caseloads",
        f"Caseloads by team, {month:%B %Y}",
        _caseload_figure(teams, within, above, limit),
        table(CASELOAD_COLUMNS, rows),
        summary=words,
    )


def _caseload_row(group: reads.Group) -> list:
    """One team's caseload figures, as a row of the caseload table."""
    average = group.measures["average_caseload"]
    totals = group.totals
    return [
        group.label,
        group.area,
        group.team.get_service_display(),
        totals.open_cases,
        totals.workers_holding_cases,
        str(totals.case_holding_fte),
        figure_text(group.measures["census_caseload"].value),
        figure_text(average.value),
        totals.workers_over_limit,
        figure_text(group.measures["over_limit_share"].value),
        totals.unallocated_cases,
        rag_word(average),
        average.status_words,
    ]


def _caseload_figure(teams: list, within: list, above: list, limit) -> go.Figure:
    """Each team's average caseload as a bar, coloured by the limit, with the limit marked."""
    figure = go.Figure()
    for name, bars in [("At or below the limit", within), ("Above the limit", above)]:
        figure.add_bar(
            name=name,
            orientation="h",
            y=[b[0] for b in bars],
            x=[b[1] for b in bars],
            text=[b[1] for b in bars],
            textposition="outside",
        )
    figure.add_vline(
        x=limit,
        line_dash="dash",
        line_color="#0b0c0c",
        annotation_text=f"Limit: {limit} cases",
        annotation_position="top",
    )
    figure.update_layout(
        barmode="overlay",
        xaxis_title="Average caseload (open cases held ÷ workers holding cases)",
        yaxis={
            "categoryorder": "array",
            "categoryarray": [g.label for g in reversed(teams)],
            "automargin": True,
        },
        height=max(300, 40 + 28 * len(teams)),
        hovermode="closest",
    )
    return figure


def _over_limit_columns(source: str) -> list[dict]:
    """Workers above the limit, as a share and as counts, from one source's return."""
    return [
        column(f"over_{source}", f"Workers above the limit (%): {source} return", "percent"),
        column(f"over_{source}_n", f"Workers above the limit: {source} return", "count"),
        column(f"holding_{source}_n", f"Workers holding cases: {source} return", "count"),
    ]


def _performance_rag_columns(key: str, words: str) -> list[dict]:
    """One of the performance return's caseload figures against its target."""
    return [
        column(f"{key}_performance_rag", f"{words} RAG: performance return", "rag"),
        column(f"{key}_performance_status", f"{words} against the target: performance"),
    ]


CASELOADS_COMPARED_COLUMNS = [
    AREA_CODE,
    AREA,
    column("census_workforce", "Caseload, census method: workforce return", "number"),
    column("average_workforce", "Average caseload per worker: workforce return", "number"),
    column("average_performance", "Average caseload per worker: performance return", "number"),
    *_over_limit_columns("workforce"),
    *_over_limit_columns("performance"),
    column("source", "Performance figures' source"),
    *_performance_rag_columns("average", "Average caseload"),
    *_performance_rag_columns("over", "Workers above the limit"),
]


def caseloads_compared_block(summary: reads.ReturnSummary) -> dict:
    month = summary.month
    if summary.performance_return is None:
        return figures.note_block(
            "caseloads-compared",
            "Beside the performance return's caseloads",
            f"There is no approved performance return for {month:%B %Y}, so there are no "
            "caseloads from the child-level extract to show beside these.",
        )
    rows = []
    code = summary.workforce_return.arrangement.code
    for c in summary.caseloads:
        perf_avg, perf_over = c.performance_average, c.performance_over
        rows.append(
            [
                code if c.key == reads.ARRANGEMENT else c.key,
                c.label,
                figure_text(c.workforce_census.value),
                figure_text(c.workforce_average.value),
                figure_text(perf_avg.value) if perf_avg else None,
                *measure_cells(c.workforce_over),
                *(measure_cells(perf_over) if perf_over else [None, None, None]),
                c.source,
                rag_word(perf_avg) if perf_avg else None,
                perf_avg.status_words if perf_avg else "",
                rag_word(perf_over) if perf_over else None,
                perf_over.status_words if perf_over else "",
            ]
        )
    return figures.table_block(
        "caseloads-compared",
        "Beside the performance return's caseloads",
        table(CASELOADS_COMPARED_COLUMNS, rows),
        summary=(
            f"Caseloads in {month:%B %Y} from the workforce return beside those of the "
            "approved performance return for the same month. The extract counts each "
            "worker once even when they hold cases in both areas, so the arrangement's "
            "figure is not the sum of the areas'."
        ),
    )
