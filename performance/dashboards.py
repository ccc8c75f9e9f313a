"""The performance dashboards: the overview scorecard (every indicator for the latest approved
month, per council area and overall) and each indicator's trend against its target, tolerance
and benchmarks.

Read from approved returns only: each month's approved revision of the performance return,
and for the indicators entered in another app's return (the workforce rates, entered in the
workforce return) what that app registers with ``figures_entered_in`` (performance names no
other app: ``workforce/dashboards.py`` registers the workforce rates). Values stay exact
fractions until shown (one decimal place, half up); RAG compares the exact value
(``performance.rag``).

"Overall" is the sum of the areas' numerators and denominators for an indicator whose areas add
up (``Indicator.additive``), and the return's own figure for all areas (ALL) for one that does
not (average caseload: a worker may hold cases in several areas).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

import pandas as pd
import plotly.graph_objects as go
from django.utils import timezone

from performance.models import (
    ALL_AREAS,
    Benchmark,
    Commentary,
    Indicator,
    Measurement,
    MonthlyReturn,
    PerformanceSettings,
    Target,
)
from performance.rag import Rating, Status, rate, value_of
from performance.services.benchmarks import benchmarks_of
from trust_portal.approvals.models import State
from trust_portal.dashboards import figures
from trust_portal.dashboards.registry import builder, pack_return, pack_section
from trust_portal.periods import financial_year_of, next_month, previous_month

OVERALL = ALL_AREAS
KIND_WORDS = {
    Benchmark.Kind.ENGLAND: "England average",
    Benchmark.Kind.STATISTICAL_NEIGHBOURS: "Statistical neighbours' average",
}


@dataclass(frozen=True)
class Figure:
    """One indicator's figure for one area in one approved month."""

    value: Fraction | None
    numerator: int | None = None  # whole counts (performance returns); None for FTE rates
    denominator: int | None = None
    counted: bool = True  # False: a workforce rate, whose parts are FTE, not counts
    rated: bool = True  # False: shown but not rated (turnover over fewer than 12 months)


@dataclass
class History:
    """Everything the builders need, read once: approved figures by (code, area, month)."""

    arrangement: object
    indicators: list[Indicator]
    areas: list[tuple[str, str]]  # (code, name), councils then OVERALL
    figures: dict[tuple[str, str, date], Figure]
    returns: dict[date, MonthlyReturn]
    commentary: dict[tuple[date, str], str]
    targets: dict[int, list[Target]]  # by indicator id
    benchmarks: dict[tuple[str, str, str, int], Benchmark]
    small_number: int
    months_of: dict[str, list[date]] = field(default_factory=dict)

    def target(self, indicator: Indicator, month: date) -> Target | None:
        year, found = financial_year_of(month), None
        for row in self.targets.get(indicator.pk, ()):  # in the order in_force reads them
            if row.financial_year == year and row.valid_from <= month:
                found = row  # later rows replace earlier ones
        return found

    def rating(self, indicator: Indicator, figure: Figure | None, month: date) -> Rating:
        target = self.target(indicator, month) if indicator.has_rag else None
        common = {
            "polarity": indicator.polarity,
            "target": target.target if target else None,
            "tolerance": target.tolerance if target else None,
            "small_number": self.small_number,
        }
        if figure is None:
            return rate(numerator=None, denominator=None, unit=indicator.unit, **common)
        if figure.counted:
            result = rate(
                numerator=figure.numerator,
                denominator=figure.denominator,
                unit=indicator.unit,
                **common,
            )
        else:  # the exact value itself, rated as a number
            result = rate(numerator=figure.value, denominator=None, unit="count", **common)
        if not figure.rated and result.status != Status.NONE:
            return Rating(Status.GREY, result.value, result.small_numbers)
        return result


# Indicators entered in another app's return: {Indicator.EnteredIn value: what reads their
# approved figures}, registered by that app (see ``figures_entered_in``).
_ENTERED_ELSEWHERE: dict[str, Callable[..., dict]] = {}


def figures_entered_in(entered_in: str):
    """Register what reads the approved figures of the indicators entered in another app's
    return (``entered_in``, an ``Indicator.EnteredIn``): a function ``(arrangement, indicators,
    councils)`` returning ``{(code, area, month): Figure}``, ``area`` a council's code or
    ``OVERALL``. The app registers it in its ``dashboards.py``, which Django imports at start."""

    def register(function):
        if _ENTERED_ELSEWHERE.get(entered_in, function) is not function:
            raise RuntimeError(f"Two readers of the figures entered in {entered_in!r}.")
        _ENTERED_ELSEWHERE[entered_in] = function
        return function

    return register


def load(arrangement) -> History:
    indicators = list(Indicator.objects.all())
    councils = list(arrangement.councils.order_by("code"))
    areas = [(c.code, c.name) for c in councils] + [(OVERALL, f"All of {arrangement.code}")]
    approved = {
        r.period: r
        for r in MonthlyReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)
    }
    found = _performance_figures(arrangement, indicators, [c.code for c in councils])
    for entered_in, read in _ENTERED_ELSEWHERE.items():
        if any(i.entered_in == entered_in for i in indicators):
            found.update(read(arrangement, indicators, councils))
    commentary = {
        (c.monthly_return.period, c.indicator.code): c.text
        for c in Commentary.objects.filter(
            monthly_return__arrangement=arrangement, monthly_return__state=State.APPROVED
        ).select_related("monthly_return", "indicator")
    }
    targets = defaultdict(list)
    rows = Target.objects.filter(arrangement=arrangement)
    for row in rows.order_by("indicator_id", "valid_from", "pk"):
        targets[row.indicator_id].append(row)
    months_of = defaultdict(set)
    for code, _, month in found:
        months_of[code].add(month)
    return History(
        arrangement=arrangement,
        indicators=indicators,
        areas=areas,
        figures=found,
        returns=approved,
        commentary=commentary,
        targets=targets,
        benchmarks=benchmarks_of(arrangement),
        small_number=PerformanceSettings.of(arrangement).small_number,
        months_of={code: sorted(months) for code, months in months_of.items()},
    )


def _whole(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _performance_figures(arrangement, indicators, council_codes) -> dict:
    """{(code, area, month): Figure} from every approved performance return: each council's
    figure, and overall (summed for additive indicators, the ALL figure for the others)."""
    units = {i.code: i.unit for i in indicators}
    additive = {i.code for i in indicators if i.additive}
    rows = Measurement.objects.filter(
        monthly_return__arrangement=arrangement,
        monthly_return__state=State.APPROVED,
        indicator__entered_in=Indicator.EnteredIn.PERFORMANCE,
    ).values_list("monthly_return__period", "indicator__code", "area", "numerator", "denominator")
    frame = pd.DataFrame(list(rows), columns=["month", "code", "area", "numerator", "denominator"])
    if frame.empty:
        return {}
    frame = frame.astype({"numerator": "Int64", "denominator": "Int64"})
    by_area = frame[frame["area"].isin(council_codes) & frame["code"].isin(additive)]
    # Overall is a sum only when every area has its figure: a missing area is no figure.
    summed = (
        by_area.groupby(["month", "code"])[["numerator", "denominator"]]
        .sum(min_count=len(council_codes))
        .reset_index()
        .assign(area=OVERALL)
    )
    mine = frame[frame["area"].isin(council_codes) | ~frame["code"].isin(additive)]
    result = {}
    for row in pd.concat([mine, summed], ignore_index=True).itertuples(index=False):
        numerator, denominator = _whole(row.numerator), _whole(row.denominator)
        value = value_of(numerator, denominator, unit=units[row.code])
        result[(row.code, row.area, row.month)] = Figure(value, numerator, denominator)
    return result


# --- Words and cells -------------------------------------------------------------------------


def shown(indicator: Indicator, value: Fraction | None) -> str | None:
    if value is None:
        return None
    return figures.decimal_text(value, places=0 if indicator.unit == "count" else 1)


def with_unit(indicator: Indicator, value: Fraction | None) -> str:
    text = shown(indicator, value)
    if text is None:
        return "no figure"
    return f"{text}%" if indicator.unit == "percentage" else text


def signed(indicator: Indicator, change: Fraction | None) -> str | None:
    text = shown(indicator, change)
    if text is None or change <= 0:
        return text
    return f"+{text}"


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def day_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def rag_words(rating: Rating, figure: Figure | None) -> str:
    if rating.status == Status.GREY and figure is not None and not figure.rated:
        return "Not rated: fewer than 12 months"
    if rating.status == Status.GREY and rating.value is not None:
        return "No target"
    return rating.label


def value_columns(prefix: str = "", label: str = "") -> list[dict]:
    """A percentage column and a number column (each row fills the one its unit needs), and
    the numerator and denominator as counts: the pack hides a value whose counts it hides."""
    key = f"{prefix}_" if prefix else ""
    words = f"{label}: " if label else ""
    counts = [f"{key}numerator", f"{key}denominator"]
    # On the page the percentage shows "581 of 923" beneath it; the counts' own columns are in
    # the download, the API and the pack.
    return [
        figures.column(
            f"{key}percent",
            f"{words}percentage" if words else "Percentage",
            "percent",
            counts=counts,
            of=counts,
        ),
        figures.column(
            f"{key}number", f"{words}number" if words else "Number", "number", counts=counts
        ),
        figures.column(f"{key}numerator", f"{words}numerator", "count", page=False),
        figures.column(f"{key}denominator", f"{words}denominator", "count", page=False),
    ]


def value_cells(indicator: Indicator, figure: Figure | None) -> list:
    if figure is None:
        return [None, None, None, None]
    text = shown(indicator, figure.value)
    percent = text if indicator.unit == "percentage" else None
    number = None if indicator.unit == "percentage" else text
    return [percent, number, figure.numerator, figure.denominator]


# --- The overview scorecard ------------------------------------------------------------------


def sparkline(history: History, indicator: Indicator, area: str, month: date) -> str:
    window = [month]
    for _ in range(11):
        window.insert(0, previous_month(window[0]))
    values = []
    for m in window:
        figure = history.figures.get((indicator.code, area, m))
        values.append(figure.value if figure else None)
    known = [(m, v) for m, v in zip(window, values, strict=True) if v is not None]
    if known:
        (first, low), (last, high) = known[0], known[-1]
        label = (
            f"{indicator.name}, {area}, {first:%b %Y} to {last:%b %Y}: "
            f"{with_unit(indicator, low)} to {with_unit(indicator, high)}"
        )
    else:
        label = f"{indicator.name}, {area}: no figures in the 12 months to {month:%b %Y}"
    return figures.sparkline_svg(values, label=label)


def scorecard(history: History, month: date, *, trend: bool) -> dict:
    columns = [
        figures.column("indicator", "Indicator"),
        figures.column("code", "Code", page=False),
        figures.column("area", "Area"),
        *value_columns(),
        figures.column("target", "Target", "number"),
        figures.column("tolerance", "Tolerance", "number"),
        figures.column("rag", "RAG", "rag"),
        figures.column("rag_words", "Rating", page=False),
        figures.column("small_numbers", "Small numbers"),
        # A change reveals last month's figure from this month's, so the pack hides it when any
        # of the four counts behind it is small.
        figures.column(
            "change",
            "Change since the previous month (points or units)",
            counts=["numerator", "denominator", "previous_numerator", "previous_denominator"],
        ),
        figures.column("previous_numerator", "Previous month: numerator", "count", page=False),
        figures.column("previous_denominator", "Previous month: denominator", "count", page=False),
    ]
    if trend:
        columns.append(figures.column("trend", "Last 12 months", "sparkline"))
    rows, counts = [], defaultdict(int)
    for indicator in history.indicators:
        target = history.target(indicator, month) if indicator.has_rag else None
        for area, _ in history.areas:
            figure = history.figures.get((indicator.code, area, month))
            before = history.figures.get((indicator.code, area, previous_month(month)))
            rating = history.rating(indicator, figure, month)
            change = None
            if figure and before and figure.value is not None and before.value is not None:
                change = figure.value - before.value
            row = [
                indicator.name,
                indicator.code,
                area,
                *value_cells(indicator, figure),
                target.target if target else None,
                target.tolerance if target else None,
                None if rating.status == Status.NONE else rating.status.value,
                rag_words(rating, figure),
                "Small numbers" if rating.small_numbers else "",
                signed(indicator, change),
                before.numerator if before else None,
                before.denominator if before else None,
            ]
            if trend:
                row.append(sparkline(history, indicator, area, month))
            rows.append(row)
            if area == OVERALL and rating.status != Status.NONE:
                counts[rating.status] += 1
    summary = (
        f"Every indicator for {month:%B %Y}, per council area and overall. Overall: "
        f"{counts[Status.GREEN]} green, {counts[Status.AMBER]} amber, {counts[Status.RED]} red, "
        f"{counts[Status.GREY]} not rated or without a figure."
    )
    return figures.table_block(
        "scorecard", f"Scorecard, {month:%B %Y}", figures.table(columns, rows), summary=summary
    )


def exceptions(history: History, month: date) -> dict:
    columns = [
        figures.column("indicator", "Indicator"),
        figures.column("code", "Code"),
        figures.column("area", "Area"),
        *value_columns(),
        figures.column("target", "Target", "number"),
        figures.column("tolerance", "Tolerance", "number"),
        figures.column("rag_words", "Rating"),
        figures.column("commentary", "The trust's commentary"),
    ]
    rows = []
    for indicator in history.indicators:
        target = history.target(indicator, month) if indicator.has_rag else None
        for area, _ in history.areas:
            figure = history.figures.get((indicator.code, area, month))
            rating = history.rating(indicator, figure, month)
            if rating.status != Status.RED:
                continue
            rows.append(
                [
                    indicator.name,
                    indicator.code,
                    area,
                    *value_cells(indicator, figure),
                    target.target,
                    target.tolerance,
                    rag_words(rating, figure),
                    history.commentary.get((month, indicator.code), "No commentary given."),
                ]
            )
    summary = (
        f"{len(rows)} red figure{'s' if len(rows) != 1 else ''} in {month:%B %Y}, each with "
        "the trust's commentary."
        if rows
        else f"Nothing is red in {month:%B %Y}."
    )
    return figures.table_block(
        "exceptions", f"Exceptions, {month:%B %Y}", figures.table(columns, rows), summary=summary
    )


def approval_words(monthly_return: MonthlyReturn) -> str:
    approved = "Approved"
    if monthly_return.approved_at:
        approved += f" on {day_words(timezone.localtime(monthly_return.approved_at).date())}"
    return f"{approved}, revision {monthly_return.revision}"


def approval_note(history: History, month: date) -> dict:
    monthly_return = history.returns[month]
    text = (
        f"{approval_words(monthly_return)}: the figures for {month:%B %Y} are those of the "
        f"approved monthly return (revision {monthly_return.revision}). Workforce rates come "
        "from the approved workforce return for the same month, where there is one. Change is "
        "since the month before, where that month's return is approved."
    )
    return figures.note_block("approval", "Approval", text)


# The scrutiny pack's first section, and the return on its cover (trust_portal/dashboards/packs.py).
pack_section(
    "overview",
    title="Scorecard and exceptions",
    missing="No approved performance figures for {month}.",
    order=10,
)
pack_return("Performance return", MonthlyReturn, order=10)


@builder(
    "overview",
    title="Performance overview",
    source="approved monthly performance and workforce returns, targets and benchmarks",
    order=10,
)
def build_overview(arrangement) -> dict:
    history = load(arrangement)
    months = sorted(history.returns)
    data = {"title": "Performance overview", "blocks": [], "pack": {"by_month": {}}}
    if not months:
        data["blocks"].append(
            figures.note_block("empty", "No figures yet", "No monthly return is approved yet.")
        )
        return data
    latest = months[-1]
    data["period"] = f"{latest:%B %Y}"
    data["blocks"] = [
        approval_note(history, latest),
        scorecard(history, latest, trend=True),
        exceptions(history, latest),
    ]
    for month in months:
        data["pack"]["by_month"][month_key(month)] = [
            approval_note(history, month),
            scorecard(history, month, trend=False),
            exceptions(history, month),
        ]
    return data


# --- Indicator trends ------------------------------------------------------------------------


def benchmark_series(history: History, indicator: Indicator) -> list[tuple[str, str, dict]]:
    """[(kind, area, {financial year: benchmark})] loaded for the indicator."""
    found = defaultdict(dict)
    for (code, kind, area, year), benchmark in history.benchmarks.items():
        if code == indicator.code:
            found[(kind, area)][year] = benchmark
    order = {Benchmark.Kind.ENGLAND: 0, Benchmark.Kind.STATISTICAL_NEIGHBOURS: 1}
    return [(k, a, found[(k, a)]) for k, a in sorted(found, key=lambda ka: (order[ka[0]], ka[1]))]


def benchmark_name(kind: str, area: str) -> str:
    return KIND_WORDS[kind] + ("" if area == ALL_AREAS else f" ({area})")


def edge_of(indicator: Indicator, target: Target | None):
    """The tolerance's far edge: below the target when higher is better, above when lower."""
    if target is None:
        return None
    sign = -1 if indicator.polarity == Indicator.Polarity.HIGHER else 1
    return target.target + sign * target.tolerance


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
    return {
        "title": indicator.name,
        "range": True,
        "blocks": [chart, trend_table(history, indicator, months, targets, series)],
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
        xaxis={"type": "date", "tickformat": "%b %Y"},
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
    chart_columns += [
        figures.column(f"{area}_value", "Overall" if area == OVERALL else area, "number")
        for area, _ in history.areas
    ]
    chart_columns += [
        figures.column("target", "Target", "number"),
        figures.column("edge", "Edge of tolerance", "number"),
    ]
    chart_columns += [
        figures.column(f"{kind}_{area}", benchmark_name(kind, area), "number")
        for kind, area, _ in series
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
        figures.column("target", "Target", "number"),
        figures.column("tolerance", "Tolerance", "number"),
    ]
    for kind, area, _ in series:
        name = benchmark_name(kind, area)
        columns += [
            figures.column(f"{kind}_{area}", name, "number"),
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


@builder(
    "indicators",
    title="Indicator trends",
    source="approved monthly performance and workforce returns, targets and benchmarks",
    order=20,
)
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
        pages[indicator.code] = trend_page(history, indicator)
    block = figures.table_block(
        "indicators",
        "Indicators",
        figures.table(columns, rows),
        summary="Every indicator's latest approved overall figure and rating; each has a page "
        "of its own with its trend.",
    )
    return {"title": "Indicator trends", "blocks": [block], "pages": pages}
