"""The workforce dashboard (issue 7, dashboard 5): the staff mix over time, the DfE vacancy,
agency and turnover rates over time for each council area and the whole arrangement, the latest
month's caseloads by team against the limit, and the latest month's posts and rates with their
RAG in words; for the scrutiny pack, each approved month's workforce summary.

Approved workforce returns only (and, for caseloads beside them, the same month's approved
performance return). The rates are the ones ``workforce.reads`` computes, as exact fractions,
turned into decimal strings here; each rate's numerator and denominator are columns of their
own. FTE are numbers (kind "number"), heads of people and cases are counts. The demo's synthetic
months stay marked wherever a month is shown.

Besides the blocks, the "rates-by-month" page (every rate of every group, each month) and the
pack, the snapshot holds ``latest_month`` and ``caseload_limit`` for the workforce overview page,
which reads this snapshot back (``workforce/overview.py``) rather than compute anything across
months on request.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import plotly.graph_objects as go
from django.utils import timezone

from performance.dashboards import OVERALL, Figure, figures_entered_in
from performance.models import Indicator
from performance.rag import Status
from trust_portal.dashboards import figures
from trust_portal.dashboards.figures import column, decimal_text, table
from trust_portal.dashboards.registry import builder, pack_return, pack_section
from workforce import reads
from workforce.models import WorkforceReturn
from workforce.rates import ZERO, percent, ratio

NAME = "workforce"
TITLE = "Workforce"
# (key of the chart block, rate key in reads.RATES, numerator's words, denominator's words)
RATE_CHARTS = [
    ("vacancy-rate", "vacancy_rate", "Vacant (FTE)", "Vacant + employed (FTE)"),
    ("agency-rate", "agency_rate", "Agency (FTE)", "Agency + employed (FTE)"),
    ("turnover", "turnover", "Leavers in the 12 months (FTE)", "Average employed (FTE)"),
]
WORKED_OUT = {
    "vacancy_rate": "vacant FTE ÷ (vacant + employed FTE)",
    "agency_rate": "agency FTE ÷ (agency + employed FTE)",
    "turnover": "leavers' FTE in 12 months ÷ average employed FTE",
    "experienced_share": "experienced permanent FTE ÷ establishment FTE",
    "average_caseload": "open cases held ÷ workers holding cases",
    "over_limit_share": "workers above the caseload limit ÷ workers holding cases",
}
UNITS = {"percentage": "%", "ratio": "cases a worker"}
# The staff mix's columns: (key, label, fields of reads.Totals added up)
MIX_KINDS = [
    ("experienced", "Experienced permanent", ("experienced_fte",)),
    ("asye", "Newly qualified (ASYE)", ("asye_fte",)),
    ("international", "International, first year", ("international_fte",)),
    (
        "inexperienced",
        "Inexperienced permanent (ASYE and international first year)",
        ("asye_fte", "international_fte"),
    ),
    ("agency", "Agency", ("agency_fte",)),
    ("vacant", "Vacant", ("vacant_fte",)),
]
# What the staff mix chart stacks, bottom up.
MIX_STACK = ["experienced", "inexperienced", "agency", "vacant"]
DEFINITIONS = (
    "As the DfE children's social work workforce census defines them. Employed means permanent "
    "staff: experienced, newly qualified (ASYE) and international first year; agency workers "
    "are not employed staff. Vacancy rate: vacant FTE ÷ (vacant + employed FTE). Agency rate: "
    "agency FTE ÷ (agency + employed FTE). Turnover: permanent leavers' FTE in the 12 months to "
    "the month ÷ the average employed FTE over the months of those 12 with an approved return; "
    "with fewer than 12 it is shown but not rated. These differ from shares of posts (each kind "
    "÷ the establishment). A team's area is the area it serves now."
)
PACK_RATES = ["vacancy_rate", "agency_rate", "turnover", "average_caseload"]


# --- Cells -----------------------------------------------------------------------------------


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def figure_text(value: Fraction | None) -> str | None:
    """An exact rate as a decimal string to one place ("24.0"); None for no data."""
    return None if value is None else decimal_text(value, places=1)


def amount(value) -> str | int | None:
    """A numerator or denominator as a cell: FTE as a decimal string, heads as an int, an
    average (a fraction) to two places."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return decimal_text(value, places=2)
    return str(Decimal(value))


def rag_word(measure: reads.Measure) -> str:
    status = measure.rating.status
    return "grey" if status == Status.NONE else str(status)


def synthetic_text(synthetic: bool) -> str:
    return "yes" if synthetic else ""


def mix_fte(totals, fields: tuple[str, ...]) -> Decimal:
    return sum((getattr(totals, f) for f in fields), ZERO)


def mix_share(totals, fte: Decimal) -> str | None:
    share = percent(ratio(fte, totals.establishment_fte))
    return figure_text(share)


def mix_cells(totals) -> list:
    cells = [str(totals.establishment_fte)]
    for _, _, fields in MIX_KINDS:
        fte = mix_fte(totals, fields)
        cells += [str(fte), mix_share(totals, fte)]
    return cells


def mix_columns() -> list[dict]:
    columns = [column("establishment", "Establishment (FTE)", "number")]
    for key, label, _ in MIX_KINDS:
        columns += [
            column(f"{key}_fte", f"{label} (FTE)", "number"),
            column(f"{key}_share", f"{label} (% of posts)", "percent"),
        ]
    return columns


# The long table of rates: one row per rate of a group (an area or the arrangement).
RATE_COLUMNS = [
    column("area_code", "Area code"),
    column("area", "Area"),
    column("rate", "Rate"),
    column("figure", "Figure", "number"),
    column("unit", "Unit"),
    column("numerator", "Numerator", "number"),
    column("denominator", "Denominator", "number"),
    column("worked_out", "Worked out as"),
    column("target", "Target"),
    column("rag", "RAG", "rag"),
    column("status", "Against the target, in words"),
    column("small_numbers", "Small numbers"),
    column("note", "Note"),
]


def rate_cells(code: str, label: str, measure: reads.Measure) -> list:
    return [
        code,
        label,
        measure.label,
        figure_text(measure.value),
        UNITS.get(measure.unit, ""),
        amount(measure.numerator),
        amount(measure.denominator),
        WORKED_OUT[measure.key],
        measure.target_text,
        rag_word(measure),
        measure.status_words,
        "yes" if measure.rating.small_numbers else "",
        measure.note,
    ]


# --- Reading ---------------------------------------------------------------------------------


def groups_over_time(arrangement, synthetic: set[date]) -> list[tuple[str, str, list]]:
    """[(code, label, points)] for each council area, then the whole arrangement; every
    approved month's totals, rates and rolling turnover (reads.over_time)."""
    groups = []
    for council in arrangement.councils.order_by("code"):
        points = reads.over_time(
            arrangement, synthetic=synthetic, pick=lambda f, pk=council.pk: f.team.area_id == pk
        )
        groups.append((council.code, f"{council.name} ({council.code})", points))
    points = reads.over_time(arrangement, synthetic=synthetic)
    groups.append((arrangement.code, f"All of {arrangement.code}", points))
    return groups


def rates_frame(groups) -> pd.DataFrame:
    """One row per month, group and rate (pandas, cells kept as objects: no floats)."""
    records = []
    for code, label, points in groups:
        for point in points:
            for key, measure in point.measures.items():
                records.append(
                    {
                        "month": month_key(point.month),
                        "synthetic": point.synthetic,
                        "code": code,
                        "label": label,
                        "key": key,
                        "measure": measure,
                        "turnover": point.turnover,
                    }
                )
    return pd.DataFrame(records, dtype=object)


# --- Blocks ----------------------------------------------------------------------------------


def synthetic_runs(months: list[date], synthetic: set[date]) -> list[tuple[date, date]]:
    """Runs of consecutive approved months that are synthetic: [(first, last)]."""
    runs, current = [], []
    for month in months:
        if month in synthetic:
            current.append(month)
        elif current:
            runs.append((current[0], current[-1]))
            current = []
    if current:
        runs.append((current[0], current[-1]))
    return runs


def mark_synthetic(figure: go.Figure, months: list[date], synthetic: set[date]) -> None:
    """Shade and label (in words) the synthetic months on a time axis."""
    for first, last in synthetic_runs(months, synthetic):
        figure.add_vrect(
            x0=(first - timedelta(days=15)).isoformat(),
            x1=(last + timedelta(days=15)).isoformat(),
            fillcolor="#b1b4b6",
            opacity=0.25,
            line_width=0,
            annotation_text="Synthetic (demo data)",
            annotation_position="top left",
        )


def month_range_words(months: list[date]) -> str:
    if len(months) == 1:
        return f"{months[0]:%B %Y}"
    return f"{months[0]:%B %Y} to {months[-1]:%B %Y}"


def staff_mix_block(points, synthetic: set[date]) -> dict:
    rows = [[month_key(p.month), synthetic_text(p.synthetic), *mix_cells(p.totals)] for p in points]
    columns = [
        column("month", "Month", "month"),
        column("synthetic", "Synthetic (demo)"),
        *mix_columns(),
    ]
    figure = go.Figure()
    months = [p.month for p in points]
    labels = {key: label for key, label, _ in MIX_KINDS}
    fields = {key: f for key, _, f in MIX_KINDS}
    for key in MIX_STACK:
        figure.add_bar(
            name=labels[key],
            x=[month_key(m) for m in months],
            y=[str(mix_fte(p.totals, fields[key])) for p in points],
            hovertext=["synthetic (demo data)" if p.synthetic else "" for p in points],
        )
    figure.update_layout(barmode="stack", yaxis_title="FTE", xaxis_title="Month")
    mark_synthetic(figure, months, synthetic)
    last = points[-1]
    experienced = mix_share(last.totals, last.totals.experienced_fte)
    vacant = mix_share(last.totals, last.totals.vacant_fte)
    summary = (
        f"Social work posts by kind each approved month, {month_range_words(months)}: "
        f"in {last.month:%B %Y}, {last.totals.establishment_fte} FTE posts, {experienced}% "
        f"filled by experienced permanent staff and {vacant}% vacant."
    )
    return figures.chart_block(
        "staff-mix", "Staff mix over time (FTE)", figure, table(columns, rows), summary=summary
    )


def rate_chart_block(
    frame: pd.DataFrame,
    block_id: str,
    key: str,
    top: str,
    bottom: str,
    synthetic: set[date],
    months: list[date],
) -> dict:
    chosen = frame[frame["key"] == key]
    label = next(r[2] for r in reads.RATES if r[0] == key)
    rows = []
    figure = go.Figure()
    for (code, group_label), group in chosen.groupby(["code", "label"], sort=False):
        values = []
        for record in group.to_dict("records"):
            rows.append(_rate_row(record, code, group_label, key))
            values.append(figure_text(record["measure"].value))
        figure.add_scatter(
            name=group_label,
            x=list(group["month"]),
            y=values,
            hovertext=["synthetic (demo data)" if s else "" for s in group["synthetic"]],
        )
    rows.sort(key=lambda r: (r[0], r[2]))
    figure.update_layout(yaxis_title="%", xaxis_title="Month")
    mark_synthetic(figure, months, synthetic)
    return figures.chart_block(
        block_id,
        f"{label} over time",
        figure,
        table(_rate_columns(key, label, top, bottom), rows),
        summary=_rate_summary(chosen, key, label),
    )


def _rate_columns(key: str, label: str, top: str, bottom: str) -> list[dict]:
    """The rate table's columns (turnover adds the months with an approved return)."""
    columns = [
        column("month", "Month", "month"),
        column("synthetic", "Synthetic (demo)"),
        column("area_code", "Area code"),
        column("area", "Area"),
        column("rate", f"{label} (%)", "percent"),
        column("numerator", top, "number"),
        column("denominator", bottom, "number"),
    ]
    if key == "turnover":
        columns.append(column("months", "Months with an approved return (of 12)", "number"))
    columns += [
        column("target", "Target"),
        column("rag", "RAG", "rag"),
        column("status", "Against the target, in words"),
    ]
    return columns


def _rate_row(record: dict, code: str, group_label: str, key: str) -> list:
    """One area's rate in one month, as a row of the rate table."""
    measure = record["measure"]
    row = [
        record["month"],
        synthetic_text(record["synthetic"]),
        code,
        group_label,
        figure_text(measure.value),
        amount(measure.numerator),
        amount(measure.denominator),
    ]
    if key == "turnover":
        row.append(record["turnover"].months)
    row += [measure.target_text, rag_word(measure), measure.status_words]
    return row


def _rate_summary(chosen: pd.DataFrame, key: str, label: str) -> str:
    """The rate for the whole arrangement in the last month, in words."""
    whole = chosen.iloc[-1]
    latest = whole["measure"]
    words = f"{label} each approved month, for each council area and the whole arrangement"
    if key == "turnover":
        words += " (permanent leavers over the 12 months to the month)"
    return (
        f"{words}: {latest.text} for the whole arrangement in "
        f"{date.fromisoformat(whole['month'] + '-01'):%B %Y} "
        f"({latest.status_words.lower()})."
    )


CASELOAD_COLUMNS = [
    column("team", "Team"),
    column("area_code", "Area code"),
    column("service", "Service"),
    column("open_cases", "Open cases held", "count"),
    column("workers", "Workers holding cases", "count"),
    column("average", "Average caseload", "number"),
    column("over", "Workers above the limit", "count"),
    column("over_share", "Share of workers above the limit (%)", "percent"),
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
    month = summary.workforce_return.period
    words = (
        f"Average caseload of each team in {month:%B %Y} against the limit of {limit} "
        f"cases: {len(above)} of {len(teams)} teams above the limit; "
        f"{summary.arrangement.measures['average_caseload'].text} cases a worker "
        f"across the arrangement."
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


def area_code(group: reads.Group, summary: reads.ReturnSummary) -> str:
    """A council's code, or the arrangement's for the whole arrangement."""
    if group.area == reads.ARRANGEMENT:
        return summary.workforce_return.arrangement.code
    return group.area


def latest_posts_block(summary: reads.ReturnSummary) -> dict:
    columns = [column("area_code", "Area code"), column("area", "Area"), *mix_columns()]
    rows = [
        [area_code(g, summary), g.label, *mix_cells(g.totals)]
        for g in [*summary.areas, summary.arrangement]
    ]
    month = summary.workforce_return.period
    return figures.table_block(
        "latest-posts",
        f"Posts by kind, {month:%B %Y}",
        table(columns, rows),
        summary=(
            f"Social work posts in {month:%B %Y} by kind, for each council area and the "
            "whole arrangement, as FTE and as shares of the establishment."
        ),
    )


def latest_rates_block(summary: reads.ReturnSummary) -> dict:
    rows = [
        rate_cells(area_code(g, summary), g.label, m)
        for g in [*summary.areas, summary.arrangement]
        for m in g.measures.values()
    ]
    month = summary.workforce_return.period
    whole = summary.arrangement.measures
    return figures.table_block(
        "latest-rates",
        f"Rates in {month:%B %Y}, with red, amber or green against the targets",
        table(RATE_COLUMNS, rows),
        summary=(
            f"In {month:%B %Y} the whole arrangement's vacancy rate was "
            f"{whole['vacancy_rate'].text} ({whole['vacancy_rate'].status_words.lower()}), "
            f"its agency rate {whole['agency_rate'].text} and its turnover over 12 months "
            f"{whole['turnover'].text}."
        ),
    )


CASELOADS_COMPARED_COLUMNS = [
    column("area_code", "Area code"),
    column("area", "Area"),
    column("average_workforce", "Average caseload: workforce return", "number"),
    column("average_performance", "Average caseload: performance return", "number"),
    column("over_workforce", "Workers above the limit (%): workforce return", "percent"),
    column("over_workforce_n", "Workers above the limit: workforce return", "count"),
    column("holding_workforce_n", "Workers holding cases: workforce return", "count"),
    column("over_performance", "Workers above the limit (%): performance return", "percent"),
    column("over_performance_n", "Workers above the limit: performance return", "count"),
    column("holding_performance_n", "Workers holding cases: performance return", "count"),
    column("source", "Performance figures' source"),
    column("average_performance_rag", "Average caseload RAG: performance return", "rag"),
    column("average_performance_status", "Average caseload against the target: performance"),
    column("over_performance_rag", "Workers above the limit RAG: performance return", "rag"),
    column("over_performance_status", "Workers above the limit against the target: performance"),
]


def caseloads_compared_block(summary: reads.ReturnSummary) -> dict:
    month = summary.workforce_return.period
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
                figure_text(c.workforce_average.value),
                figure_text(perf_avg.value) if perf_avg else None,
                figure_text(c.workforce_over.value),
                amount(c.workforce_over.numerator),
                amount(c.workforce_over.denominator),
                figure_text(perf_over.value) if perf_over else None,
                amount(perf_over.numerator) if perf_over else None,
                amount(perf_over.denominator) if perf_over else None,
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


def rates_by_month_page(frame: pd.DataFrame) -> dict:
    columns = [
        column("month", "Month", "month"),
        column("synthetic", "Synthetic (demo)"),
        *RATE_COLUMNS,
    ]
    rows = [
        [
            r["month"],
            synthetic_text(r["synthetic"]),
            *rate_cells(r["code"], r["label"], r["measure"]),
        ]
        for r in frame.sort_values(["month"], kind="stable").to_dict("records")
    ]
    block = figures.table_block(
        "rates-by-month",
        "Every rate, each approved month",
        table(columns, rows),
        summary=(
            "The DfE rates of each council area and the whole arrangement, each approved "
            "month, with red, amber or green against the targets in force that month."
        ),
    )
    return {"title": "Rates by month", "range": True, "blocks": [block]}


# --- The scrutiny pack -----------------------------------------------------------------------

PACK_COLUMNS = [
    column("area", "Area"),
    column("posts", "Posts (FTE)", "number"),
    column("vacancy", "Vacancy rate (%)", "percent"),
    column("vacant", "Vacant (FTE)", "number"),
    column("vacancy_base", "Vacant + employed (FTE)", "number"),
    column("agency", "Agency rate (%)", "percent"),
    column("agency_fte", "Agency (FTE)", "number"),
    column("agency_base", "Agency + employed (FTE)", "number"),
    column("turnover", "Turnover, 12 months (%)", "percent"),
    column("leavers", "Leavers in the 12 months (FTE)", "number"),
    column("employed", "Average employed (FTE)", "number"),
    column("caseload", "Average caseload", "number"),
    column("open_cases", "Open cases held", "count"),
    column("workers", "Workers holding cases", "count"),
]
PACK_RAG_COLUMNS = [
    column("area", "Area"),
    column("rate", "Rate"),
    column("figure", "Figure", "number"),
    column("unit", "Unit"),
    column("target", "Target"),
    column("rag", "RAG", "rag"),
    column("status", "Against the target, in words"),
]


def pack_blocks(month: date, by_group: list[tuple[str, reads.MonthPoint]]) -> list[dict]:
    """The workforce summary of one approved month: [(area label, its point)], the whole
    arrangement last."""
    rows, rag_rows = [], []
    for label, point in by_group:
        m = point.measures
        rows.append(
            [
                label,
                str(point.totals.establishment_fte),
                figure_text(m["vacancy_rate"].value),
                amount(m["vacancy_rate"].numerator),
                amount(m["vacancy_rate"].denominator),
                figure_text(m["agency_rate"].value),
                amount(m["agency_rate"].numerator),
                amount(m["agency_rate"].denominator),
                figure_text(m["turnover"].value),
                amount(m["turnover"].numerator),
                amount(m["turnover"].denominator),
                figure_text(m["average_caseload"].value),
                m["average_caseload"].numerator,
                m["average_caseload"].denominator,
            ]
        )
        for key in PACK_RATES:
            rag_rows.append(
                [
                    label,
                    m[key].label,
                    figure_text(m[key].value),
                    UNITS.get(m[key].unit, ""),
                    m[key].target_text,
                    rag_word(m[key]),
                    m[key].status_words,
                ]
            )
    label, whole = by_group[-1]
    words = f"{month:%B %Y}"
    return [
        figures.table_block(
            "workforce-summary",
            f"Workforce, {words}",
            table(PACK_COLUMNS, rows),
            summary=(
                f"Social work posts, the DfE vacancy and agency rates, turnover over 12 "
                f"months and the average caseload in {words}, for each council area and "
                f"the whole arrangement: the vacancy rate was "
                f"{whole.measures['vacancy_rate'].text} and turnover "
                f"{whole.measures['turnover'].text}."
            ),
        ),
        figures.table_block(
            "workforce-rag",
            f"Workforce rates against the targets, {words}",
            table(PACK_RAG_COLUMNS, rag_rows),
            summary="Red, amber or green against the targets the councils set, in words.",
        ),
        figures.note_block("workforce-approval", "About these figures", approval_note(whole)),
    ]


def approval_note(point: reads.MonthPoint) -> str:
    workforce_return = point.workforce_return
    revision = (
        "the original return"
        if workforce_return.revision == 1
        else f"correction {workforce_return.revision - 1}"
    )
    approved = ""
    if workforce_return.approved_at:
        day = timezone.localdate(workforce_return.approved_at)
        approved = f" on {day.day} {day:%B %Y}"
    words = [
        f"From the workforce return for {point.month:%B %Y} ({revision}), approved by the "
        f"councils{approved}."
    ]
    spell = point.turnover
    if spell.complete:
        words.append(f"Turnover covers the 12 months {spell.first:%B %Y} to {spell.last:%B %Y}.")
    else:
        words.append(
            f"Turnover does not cover 12 months: only {spell.months} of the 12 months "
            f"{spell.first:%B %Y} to {spell.last:%B %Y} {'has' if spell.months == 1 else 'have'} "
            "an approved return, so it is "
            "shown but not rated."
        )
    if point.synthetic:
        words.append("These figures are synthetic demo data, not a real return.")
    return " ".join(words)


# --- For the performance dashboards and the scrutiny pack -------------------------------------


@figures_entered_in(Indicator.EnteredIn.WORKFORCE)
def rate_figures(arrangement, indicators, councils) -> dict:
    """{(code, area, month): Figure} for the workforce rates, from approved workforce returns
    (their parts are FTE, so only the value is kept): what the performance dashboards show for
    the workforce indicators."""
    codes = {code: key for key, code, _, _ in reads.RATES}
    wanted = [i.code for i in indicators if i.entered_in == Indicator.EnteredIn.WORKFORCE]
    picks = [(c.code, lambda f, pk=c.pk: f.team.area_id == pk) for c in councils]
    picks.append((OVERALL, lambda f: True))
    result = {}
    for area, pick in picks:
        for point in reads.over_time(arrangement, pick=pick):
            for code in wanted:
                measure = point.measures.get(codes.get(code))
                if measure is None:
                    continue
                result[(code, area, point.month)] = Figure(
                    measure.value, counted=False, rated=not measure.note
                )
    return result


pack_section(
    NAME,
    title="Workforce summary",
    missing="No approved workforce return for {month}.",
    order=40,
)
pack_return("Workforce return", WorkforceReturn, order=20)


# --- The builder -----------------------------------------------------------------------------


@builder(
    NAME,
    title=TITLE,
    source="approved monthly workforce returns (caseloads beside the approved performance "
    "return of the same month)",
    order=50,
)
def build_workforce(arrangement) -> dict:
    synthetic = reads.synthetic_months(arrangement)
    groups = groups_over_time(arrangement, synthetic)
    points = groups[-1][2]
    if not points:
        return _no_returns_snapshot()
    months = [p.month for p in points]
    latest = points[-1]
    summary = reads.summary(latest.workforce_return)
    frame = rates_frame(groups)
    blocks = []
    marked = sorted(synthetic & set(months))
    if marked:
        blocks.append(_synthetic_note(marked, months))
    blocks.append(latest_rates_block(summary))
    blocks.append(latest_posts_block(summary))
    blocks.append(staff_mix_block(points, synthetic))
    for block_id, key, top, bottom in RATE_CHARTS:
        blocks.append(rate_chart_block(frame, block_id, key, top, bottom, synthetic, months))
    blocks.append(caseload_block(summary))
    blocks.append(caseloads_compared_block(summary))
    blocks.append(
        figures.note_block(
            "definitions",
            "How the rates are worked out",
            DEFINITIONS,
        )
    )
    return {
        "title": TITLE,
        "period": f"{month_range_words(months)}; latest approved month {latest.month:%B %Y}",
        # For the workforce overview page, which reads this snapshot back.
        "latest_month": month_key(latest.month),
        "caseload_limit": summary.caseload_limit,
        "blocks": blocks,
        "pages": {"rates-by-month": rates_by_month_page(frame)},
        "pack": {"by_month": _pack_by_month(groups, points)},
    }


def _no_returns_snapshot() -> dict:
    """The snapshot while no workforce return is approved: a note and nothing else."""
    return {
        "title": TITLE,
        "period": "",
        "blocks": [
            figures.note_block(
                "no-returns",
                "No approved workforce return yet",
                "There is no approved workforce return yet. The "
                "figures appear here once the councils approve one.",
            )
        ],
    }


def _synthetic_note(marked: list[date], months: list[date]) -> dict:
    """A note naming the approved months that are synthetic demo data."""
    return figures.note_block(
        "synthetic",
        "Synthetic months",
        f"{len(marked)} of the {len(months)} approved months are synthetic demo data, "
        f"marked “Synthetic” in the tables and shaded on the charts: "
        f"{', '.join(f'{m:%b %Y}' for m in marked)}.",
    )


def _pack_by_month(groups: list, points: list) -> dict:
    """The pack's blocks for each approved month, keyed by month."""
    by_month = {}
    area_points = [(label, {p.month: p for p in pts}) for _, label, pts in groups]
    for point in points:
        by_group = [
            (label, found[point.month]) for label, found in area_points if point.month in found
        ]
        by_month[month_key(point.month)] = pack_blocks(point.month, by_group)
    return by_month
