"""The DfE vacancy, agency and turnover rates: over time for each council area and the whole
arrangement, the latest month's with their RAG, every rate each month (a page of its own), and
the workforce rates the performance dashboards show (``figures_entered_in``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from performance.dashboards import OVERALL, Figure, figures_entered_in
from performance.models import Indicator
from trust_portal.dashboards import figures
from trust_portal.dashboards.figures import column, table
from trust_portal.dashboards.shared import shared
from workforce import reads
from workforce.dashboards.cells import (
    AGAINST_TARGET,
    AREA,
    AREA_CODE,
    RATE_COLUMNS,
    by_area,
    figure_text,
    mark_synthetic,
    measure_cells,
    month_key,
    rag_word,
    rate_cells,
    synthetic_text,
)

# (key of the chart block, rate key in reads.RATES, numerator's words, denominator's words)
RATE_CHARTS = [
    (
        "vacancy-rate",
        "vacancy_rate",
        "Vacancies, agency-covered included (FTE)",
        "Vacancies + FTE social workers (FTE)",
    ),
    ("agency-rate", "agency_rate", "Agency (FTE)", "Agency + FTE social workers (FTE)"),
    (
        "turnover",
        "turnover",
        "Leavers in the 12 months (FTE)",
        "FTE social workers in post in the month (FTE)",
    ),
]


def groups_over_time(arrangement, synthetic: set[date]) -> list[tuple[str, str, list]]:
    """[(code, label, points)] for each council area, then the whole arrangement; every
    approved month's totals, rates and rolling turnover (reads.over_time)."""
    groups = []
    for council in arrangement.councils.order_by("code"):
        points = marked(area_points(arrangement, council.pk), synthetic)
        groups.append((council.code, f"{council.name} ({council.code})", points))
    points = marked(area_points(arrangement, None), synthetic)
    groups.append((arrangement.code, f"All of {arrangement.code}", points))
    return groups


def area_points(arrangement, council_id: int | None) -> list[reads.MonthPoint]:
    """``reads.over_time`` of a council's teams (all teams for None), worked out once per
    recompute for this builder and the performance dashboards' workforce rates alike."""
    return shared(
        ("workforce.area_points", arrangement.pk, council_id),
        lambda: reads.over_time(arrangement, pick=_in_area(council_id)),
    )


def _in_area(council_id: int | None):
    """The rows of a council's teams (every row for None)."""
    if council_id is None:
        return lambda f: True
    return lambda f: f.team.area_id == council_id


def marked(points: list[reads.MonthPoint], synthetic: set[date]) -> list[reads.MonthPoint]:
    """The points, each marked synthetic if its month is (copies: the shared ones stay)."""
    return [replace(point, synthetic=point.month in synthetic) for point in points]


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
        AREA_CODE,
        AREA,
        column("rate", f"{label} (%)", "percent"),
        column("numerator", top, "number"),
        column("denominator", bottom, "number"),
    ]
    if key == "turnover":
        columns.append(column("months", "Months with an approved return (of 12)", "number"))
    return columns + AGAINST_TARGET


def _rate_row(record: dict, code: str, group_label: str, key: str) -> list:
    """One area's rate in one month, as a row of the rate table."""
    measure = record["measure"]
    row = [
        record["month"],
        synthetic_text(record["synthetic"]),
        code,
        group_label,
        *measure_cells(measure),
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
        words += (
            " (permanent leavers over the 12 months to the month ÷ permanent social workers in "
            "post in the month)"
        )
    return (
        f"{words}: {latest.text} for the whole arrangement in "
        f"{date.fromisoformat(whole['month'] + '-01'):%B %Y} "
        f"({latest.status_words.lower()})."
    )


def latest_rates_block(summary: reads.ReturnSummary) -> dict:
    rows = [
        rate_cells(code, g.label, m) for code, g in by_area(summary) for m in g.measures.values()
    ]
    month = summary.month
    whole = summary.arrangement.measures
    return figures.table_block(
        "latest-rates",
        f"Rates in {month:%B %Y}, with red, amber or green against the targets",
        table(RATE_COLUMNS, rows),
        summary=(
            f"In {month:%B %Y}, by the census method, the whole arrangement's vacancy rate was "
            f"{whole['vacancy_rate'].text} ({whole['vacancy_rate'].status_words.lower()}), "
            f"its agency rate {whole['agency_rate'].text} and its turnover over 12 months "
            f"{whole['turnover'].text}."
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
            "The census-method rates and the other views of each council area and the whole "
            "arrangement, each approved "
            "month, with red, amber or green against the targets in force that month."
        ),
    )
    return {"title": "Rates by month", "range": True, "blocks": [block]}


@figures_entered_in(Indicator.EnteredIn.WORKFORCE)
def rate_figures(arrangement, indicators, councils) -> dict:
    """{(code, area, month): Figure} for the workforce rates, from approved workforce returns
    (their parts are FTE, so only the value is kept): what the performance dashboards show for
    the workforce indicators."""
    codes = {code: key for key, code, _, _ in reads.RATES}
    wanted = [i.code for i in indicators if i.entered_in == Indicator.EnteredIn.WORKFORCE]
    areas = [(c.code, c.pk) for c in councils] + [(OVERALL, None)]
    result = {}
    for area, council_id in areas:
        for point in area_points(arrangement, council_id):
            for code in wanted:
                measure = point.measures.get(codes.get(code))
                if measure is None:
                    continue
                result[(code, area, point.month)] = Figure(
                    measure.value, counted=False, rated=not measure.note
                )
    return result
