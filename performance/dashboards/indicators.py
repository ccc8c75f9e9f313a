"""Indicator trends: each indicator's latest approved overall figure, and a page of its own with
its trend against its target, tolerance and benchmarks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import plotly.graph_objects as go

from performance.dashboards.approved import OVERALL
from performance.dashboards.cells import (
    month_key,
    rag_words,
    shown,
    value_cells,
    value_columns,
    with_unit,
)
from performance.dashboards.control import control_blocks
from performance.dashboards.history import SOURCE, History, load
from performance.dashboards.moves import moves_block
from performance.dashboards.rules import trend_note
from performance.models import ALL_AREAS, Benchmark, Indicator, Target
from performance.rag import Status
from trust_portal.dashboards import figures
from trust_portal.dashboards.parts import KeptParts
from trust_portal.dashboards.registry import builder
from trust_portal.periods import financial_year_of, next_month

KIND_WORDS = {
    Benchmark.Kind.ENGLAND: "England average",
    Benchmark.Kind.STATISTICAL_NEIGHBOURS: "Statistical neighbours' average",
    Benchmark.Kind.JOINT_AREA: "Joint area's published figure, the councils together",
}
KIND_ORDER = {kind: order for order, kind in enumerate(KIND_WORDS)}


def benchmark_series(history: History, indicator: Indicator) -> list[tuple[str, str, dict]]:
    """[(kind, area, {financial year: benchmark})] loaded for the indicator."""
    found = defaultdict(dict)
    for (code, kind, area, year), benchmark in history.benchmarks.items():
        if code == indicator.code:
            found[(kind, area)][year] = benchmark
    return [
        (k, a, found[(k, a)]) for k, a in sorted(found, key=lambda ka: (KIND_ORDER[ka[0]], ka[1]))
    ]


def benchmark_name(kind: str, area: str) -> str:
    return KIND_WORDS[kind] + ("" if area == ALL_AREAS else f" ({area})")


def edge_of(indicator: Indicator, target: Target | None):
    """The tolerance's far edge: below the target when higher is better, above when lower."""
    if target is None:
        return None
    sign = -1 if indicator.polarity == Indicator.Polarity.HIGHER else 1
    return target.target + sign * target.tolerance


def _kind(indicator: Indicator) -> str:
    """A value's column kind: a percentage shows with "%" (85.3%), anything else as a number."""
    return "percent" if indicator.unit == Indicator.Unit.PERCENTAGE else "number"


def _tolerance_column(indicator: Indicator) -> dict:
    """A percentage's tolerance is in points ("5 points")."""
    points = {"unit": "points"} if indicator.unit == Indicator.Unit.PERCENTAGE else {}
    return figures.column("tolerance", "Tolerance", "number", trim=True, **points)


def trend_months(history: History, indicator: Indicator) -> list[date]:
    """Every month from the indicator's first approved figure to its last (gaps included, so
    a missing month shows as a break rather than being skipped over)."""
    known = history.months_of.get(indicator.code, [])
    if not known:
        return []
    months, month = [], known[0]
    while month <= known[-1]:
        months.append(month)
        month = next_month(month)
    return months


def trend_page(history: History, indicator: Indicator) -> dict:
    months = trend_months(history, indicator)
    series = benchmark_series(history, indicator)
    targets = [history.target(indicator, m) if indicator.has_rag else None for m in months]
    chart = figures.chart_block(
        "trend",
        f"{indicator.name}: trend",
        _trend_figure(history, indicator, months, targets, series),
        _trend_chart_table(history, indicator, months, targets, series),
        summary=trend_summary(history, indicator, months, targets, series),
    )
    why = moves_block(history, indicator, months)
    return {
        "title": indicator.name,
        "range": True,
        "blocks": [
            chart,
            *control_blocks(history, indicator, months),
            *([why] if why else []),
            trend_table(history, indicator, months, targets, series),
            trend_note(history, indicator, months),
        ],
    }


def _area_values(history: History, indicator: Indicator, months, area) -> list:
    """An area's shown value of the indicator for each month (None where there is none)."""
    return [
        shown(indicator, getattr(history.figures.get((indicator.code, area, m)), "value", None))
        for m in months
    ]


def _trend_figure(history: History, indicator: Indicator, months, targets, series) -> go.Figure:
    """The trend chart: a line per area, the target and tolerance band, then the benchmarks."""
    x = [month_key(m) for m in months]
    unit = "%" if indicator.unit == "percentage" else ""
    figure = go.Figure()
    for area, name in history.areas:
        label = "Overall" if area == OVERALL else f"{name} ({area})"
        hover = f"{label}: %{{y}}{unit}<extra></extra>"
        figure.add_trace(
            go.Scatter(
                x=x,
                y=_area_values(history, indicator, months, area),
                name=label,
                hovertemplate=hover,
            )
        )
    if any(targets):
        _add_target_traces(figure, indicator, x, targets)
    for kind, area, by_year in series:
        picked = [by_year.get(financial_year_of(m)) for m in months]
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[figures.plain(b.value) if b else None for b in picked],
                name=benchmark_name(kind, area),
                mode="lines",
                line={"shape": "hv"},
                text=[b.source if b else "" for b in picked],
                hovertemplate=(
                    f"{benchmark_name(kind, area)}: %{{y}}{unit} (%{{text}})<extra></extra>"
                ),
            )
        )
    figure.update_layout(
        yaxis={"title": {"text": "per cent" if unit else indicator.unit}},
        xaxis={"type": "date"},  # ticked a month, quarter or year apart by figure_json
    )
    return figure


def _add_target_traces(figure: go.Figure, indicator: Indicator, x, targets) -> None:
    """The target line and the edge of tolerance, shaded between them."""
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[figures.plain(t.target) if t else None for t in targets],
            name="Target",
            mode="lines",
            line={"shape": "hv", "dash": "dash", "color": "#0b0c0c"},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[figures.plain(edge_of(indicator, t)) for t in targets],
            name="Edge of tolerance",
            mode="lines",
            line={"shape": "hv", "dash": "dot", "color": "#505a5f"},
            fill="tonexty",
            fillcolor="rgba(177, 180, 182, 0.3)",
        )
    )


def _trend_chart_table(history: History, indicator: Indicator, months, targets, series) -> dict:
    """The trend chart's data as a table: month, each area, target, edge, each benchmark."""
    chart_columns = [figures.column("month", "Month", "month")]
    kind = _kind(indicator)
    chart_columns += [
        figures.column(f"{area}_value", "Overall" if area == OVERALL else area, kind)
        for area, _ in history.areas
    ]
    chart_columns += [
        figures.column("target", "Target", kind, trim=True),
        figures.column("edge", "Edge of tolerance", kind, trim=True),
    ]
    chart_columns += [
        figures.column(f"{b_kind}_{area}", benchmark_name(b_kind, area), kind)
        for b_kind, area, _ in series
    ]
    per_area = {area: _area_values(history, indicator, months, area) for area, _ in history.areas}
    chart_rows = []
    for index, (month, target) in enumerate(zip(months, targets, strict=True)):
        row = [month_key(month), *(per_area[area][index] for area, _ in history.areas)]
        row += [target.target if target else None, edge_of(indicator, target)]
        for _, _, by_year in series:
            benchmark = by_year.get(financial_year_of(month))
            row.append(benchmark.value if benchmark else None)
        chart_rows.append(row)
    return figures.table(chart_columns, chart_rows)


def trend_summary(history, indicator, months, targets, series) -> str:
    if not months:
        return f"{indicator.name} has no approved figures yet."
    parts = []
    for area, _ in history.areas:
        got = [history.figures.get((indicator.code, area, m)) for m in months]
        got = [(m, f.value) for m, f in zip(months, got, strict=True) if f and f.value is not None]
        if got:
            who = "overall" if area == OVERALL else area
            parts.append(
                f"{who} {with_unit(indicator, got[0][1])} in {got[0][0]:%b %Y} and "
                f"{with_unit(indicator, got[-1][1])} in {got[-1][0]:%b %Y}"
            )
    text = f"{indicator.name} from {months[0]:%B %Y} to {months[-1]:%B %Y}: " + "; ".join(parts)
    if targets[-1] is not None:
        text += (
            f". Target in {months[-1]:%B %Y}: {targets[-1].target.normalize():f}, "
            f"tolerance {targets[-1].tolerance.normalize():f}"
        )
    if series:
        text += ". Benchmarks: " + ", ".join(benchmark_name(k, a) for k, a, _ in series)
    return text + "."


def trend_table(history, indicator, months, targets, series) -> dict:
    columns = [figures.column("month", "Month", "month")]
    for area, _ in history.areas:
        columns += value_columns(area, "Overall" if area == OVERALL else area)
        columns.append(figures.column(f"{area}_rag", f"{area}: RAG", "rag"))
    columns += [
        figures.column("target", "Target", _kind(indicator), trim=True),
        _tolerance_column(indicator),
    ]
    for kind, area, _ in series:
        name = benchmark_name(kind, area)
        columns += [
            figures.column(f"{kind}_{area}", name, _kind(indicator)),
            figures.column(f"{kind}_{area}_source", f"{name}: source"),
        ]
    rows = []
    for month, target in zip(months, targets, strict=True):
        row = [month_key(month)]
        for area, _ in history.areas:
            figure = history.figures.get((indicator.code, area, month))
            rating = history.rating(indicator, figure, month)
            row += value_cells(indicator, figure)
            row.append(rating.status.value if rating.status != Status.NONE else None)
        row += [target.target if target else None, target.tolerance if target else None]
        for _, _, by_year in series:
            benchmark = by_year.get(financial_year_of(month))
            source = ""
            if benchmark:
                source = benchmark.source + (f" ({benchmark.note})" if benchmark.note else "")
            row += [benchmark.value if benchmark else None, source]
        rows.append(row)
    return figures.table_block(
        "figures",
        f"{indicator.name}: figures by month",
        figures.table(columns, rows),
        summary="Each approved month's figures per council area and overall, with the target, "
        "tolerance and benchmarks in force.",
    )


@builder("indicators", title="Indicator trends", source=SOURCE, order=20)
def build_indicators(arrangement) -> dict:
    history = load(arrangement)
    columns = [
        figures.column("code", "Code"),
        figures.column("indicator", "Indicator"),
        figures.column("month", "Latest month", "month"),
        *value_columns(),
        figures.column("rag", "RAG", "rag"),
        figures.column("rag_words", "Rating"),
    ]
    rows, pages = [], {}
    parts = KeptParts(arrangement, "indicators")  # each page kept while what it reads is the same
    for indicator in history.indicators:
        known = history.months_of.get(indicator.code, [])
        overall = [m for m in known if (indicator.code, OVERALL, m) in history.figures]
        latest = overall[-1] if overall else None
        figure = history.figures.get((indicator.code, OVERALL, latest)) if latest else None
        rating = history.rating(indicator, figure, latest) if latest else None
        rows.append(
            [
                indicator.code,
                indicator.name,
                month_key(latest) if latest else None,
                *value_cells(indicator, figure),
                rating.status.value if rating and rating.status != Status.NONE else None,
                rag_words(rating, figure) if rating else "No approved figures yet",
            ]
        )
        pages[indicator.code] = parts.part(
            indicator.code,
            history.indicator_inputs(indicator),
            lambda i=indicator: trend_page(history, i),
        )
    parts.save()
    block = figures.table_block(
        "indicators",
        "Indicators",
        figures.table(columns, rows),
        summary="Every indicator's latest approved overall figure and rating; each has a page "
        "of its own with its trend.",
    )
    return {"title": "Indicator trends", "blocks": [block], "pages": pages}
