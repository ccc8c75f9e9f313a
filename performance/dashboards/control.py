"""A percentage indicator's control chart on its trend page, and the scorecard's short flag.

Laney's p′ chart and the Making Data Count rules are ``performance.spc``; this reads an area's
approved counts in month order, splits them where the indicator's regime (its definition's
version, ``History.regime``) changes, and charts each stretch of at least 12 months against
limits from its own months. A stretch shorter than that has no limits yet, and the page says so.
A month with no figure inside a stretch breaks the run rules' runs and trends (``gaps``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from itertools import pairwise

import plotly.graph_objects as go

from performance import spc
from performance.dashboards.approved import OVERALL
from performance.dashboards.cells import month_key
from performance.dashboards.history import History
from performance.models import Indicator
from trust_portal.dashboards import figures
from trust_portal.numbers import rounded
from trust_portal.periods import next_month

RAG_AND_SPC = (
    "RAG and the control chart answer different questions. RAG asks whether a month's figure "
    "is where it should be: on target, within tolerance, or beyond it. The control chart asks "
    "whether the figure has changed, or whether this month is within the usual variation of "
    "the indicator's own history (common cause). A month can be red and common cause (short of "
    "target as usual, nothing new), or green and special cause (a real change). Special cause "
    "is judged by NHS England's Making Data Count rules: a point beyond a limit, 7 months in a "
    "row on one side of the centre line, 7 months in a row rising or falling, or two of three "
    "months beyond two sigma on the same side."
)


@dataclass(frozen=True)
class Stretch:
    """Consecutive approved months counted under one regime, with their chart if long enough."""

    months: list[date]
    counts: list[tuple[int, int]]
    points: list[spc.Point] | None  # None: fewer than spc.MIN_BASELINE months


def stretches(history: History, indicator: Indicator, area: str) -> list[Stretch]:
    """An area's months with whole counts and a denominator, split where the regime changes;
    none for an indicator that is not a percentage (a ratio's numerator may pass its
    denominator: it has no p′ chart). Worked out once per History (the overview's scorecard and
    the trend pages both ask)."""
    return history.remember(
        ("stretches", indicator.code, area), lambda: _stretches(history, indicator, area)
    )


def _stretches(history: History, indicator: Indicator, area: str) -> list[Stretch]:
    if indicator.unit != Indicator.Unit.PERCENTAGE:
        return []
    found, key = [], object()
    for month in history.months_of.get(indicator.code, []):
        figure = history.figures.get((indicator.code, area, month))
        if not (figure and figure.counted and figure.denominator and figure.numerator is not None):
            continue
        regime = history.regime(indicator, month)
        if regime != key:
            found.append(([], []))
            key = regime
        found[-1][0].append(month)
        found[-1][1].append((figure.numerator, figure.denominator))
    return [Stretch(months, counts, spc.chart(counts, gaps(months))) for months, counts in found]


def gaps(months: list[date]) -> set[int]:
    """The indices of the months that do not follow the month before them: a month (or more)
    between them has no figure, so the run rules restart there."""
    return {
        index
        for index, (before, month) in enumerate(pairwise(months), start=1)
        if month != next_month(before)
    }


def points_by_month(history: History, indicator: Indicator, area: str) -> dict[date, spc.Point]:
    return {
        month: point
        for stretch in stretches(history, indicator, area)
        if stretch.points
        for month, point in zip(stretch.months, stretch.points, strict=True)
    }


def direction(indicator: Indicator, point: spc.Point) -> str:
    """ "improvement", "concern" or "" (context indicators, or a point on the line)."""
    way = point.trend if point.trend and not (point.beyond or point.shift) else point.side
    if indicator.polarity == Indicator.Polarity.CONTEXT or way == 0:
        return ""
    better = 1 if indicator.polarity == Indicator.Polarity.HIGHER else -1
    return "improvement" if way == better else "concern"


def flag(indicator: Indicator, point: spc.Point | None) -> str:
    """The scorecard's short flag: "Special cause: improvement", or nothing."""
    if point is None or not point.special:
        return ""
    way = direction(indicator, point)
    return f"Special cause: {way}" if way else "Special cause"


def percent(value) -> str:
    """A proportion (exact or Decimal) as a percentage to one decimal place: "61.0%"."""
    return f"{rounded(100 * value, 1)}%"


def point_words(indicator: Indicator, month: date, point: spc.Point) -> str:
    """One month on the chart in words: "February 2019's 61.0% is above its upper limit (58.2%):
    a real change, not noise (an improvement)"."""
    limits = point.limits
    head = f"{month:%B %Y}'s {percent(point.value)}"
    if not point.special:
        return (
            f"{head} is within its limits ({percent(limits.lower)} to {percent(limits.upper)}) "
            "and breaks no run rule: the usual variation (common cause), not a change"
        )
    side = "above" if point.side > 0 else "below"
    reasons = []
    if point.beyond:
        edge, which = (limits.upper, "upper") if point.side > 0 else (limits.lower, "lower")
        reasons.append(f"{side} its {which} limit ({percent(edge)})")
    if point.shift:
        centre = percent(limits.centre)
        reasons.append(f"in a run of 7 or more months {side} the centre line ({centre})")
    if point.trend:
        way = "higher" if point.trend > 0 else "lower"
        reasons.append(f"in a run of 7 or more months each {way} than the one before")
    if point.two_of_three:
        reasons.append(f"one of two in three months beyond two sigma {side} the centre line")
    way = direction(indicator, point)
    listed = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
    return f"{head} is {listed}: a real change, not noise" + (
        f" (an {way})" if way == "improvement" else f" (a {way})" if way else ""
    )


def area_words(history: History, indicator: Indicator, area: str, name: str) -> str:
    """The area's latest month in words, or why there are no limits yet."""
    found = stretches(history, indicator, area)
    who = "Overall" if area == OVERALL else name
    if not found:
        return f"{who}: no approved figures yet."
    last = found[-1]
    if last.points is None:
        since = ""
        if len(found) > 1:
            since = f" since the definition or a rule deciding it changed in {last.months[0]:%B %Y}"
        count = len(last.months)
        return (
            f"{who}: not enough history for control limits yet ({count} month"
            f"{'s' if count != 1 else ''} of approved figures{since}; limits need at least "
            f"{spc.MIN_BASELINE})."
        )
    return f"{who}: {point_words(indicator, last.months[-1], last.points[-1])}."


def special_words(history: History, indicator: Indicator, area: str) -> str:
    """How many charted months are special cause, of which way, and the latest of them."""
    charted = points_by_month(history, indicator, area)
    found = [(month, point) for month, point in charted.items() if point.special]
    if not found:
        return f" No month of the {len(charted)} charted is special cause." if charted else ""
    ways = [direction(indicator, point) or "neither" for _, point in found]
    split = ", ".join(
        f"{ways.count(w)} {w}" for w in ("improvement", "concern", "neither") if w in ways
    )
    return (
        f" Special cause in {len(found)} of the {len(charted)} months charted ({split}), the "
        f"latest in {found[-1][0]:%B %Y}; the chart's table flags each."
    )


def _limit(value) -> str | None:
    return None if value is None else figures.decimal_text(100 * value, places=2)


def _figure(indicator: Indicator, months: list[date], by_month: dict, charted: dict) -> go.Figure:
    """The overall figure by month, the centre line and the limits (broken where re-based),
    and the special-cause months marked by symbol as well as colour."""
    x = [month_key(m) for m in months]
    limits = [charted[m].limits if m in charted else None for m in months]
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=x,
            y=[figures.plain(100 * by_month[m]) if m in by_month else None for m in months],
            name="Overall",
            line={"color": "#0b0c0c"},
            hovertemplate="Overall: %{y}%<extra></extra>",
        )
    )
    for name, part, dash in (
        ("Centre line", "centre", "solid"),
        ("Upper limit", "upper", "dash"),
        ("Lower limit", "lower", "dash"),
    ):
        figure.add_trace(
            go.Scatter(
                x=x,
                y=[_limit(getattr(lim, part)) if lim else None for lim in limits],
                name=name,
                mode="lines",
                line={"shape": "hvh", "dash": dash, "color": "#505a5f", "width": 1.5},
                hovertemplate=f"{name}: %{{y}}%<extra></extra>",
            )
        )
    for way, colour, symbol in (
        ("improvement", "#0072B2", "star"),
        ("concern", "#D55E00", "x"),
        ("", "#505a5f", "diamond"),
    ):
        marked = [
            m
            for m in months
            if m in charted and charted[m].special and direction(indicator, charted[m]) == way
        ]
        if marked:
            figure.add_trace(
                go.Scatter(
                    x=[month_key(m) for m in marked],
                    y=[figures.plain(100 * by_month[m]) for m in marked],
                    name=f"Special cause: {way}" if way else "Special cause",
                    mode="markers",
                    marker={"symbol": symbol, "size": 14, "color": colour},
                    hoverinfo="skip",
                )
            )
    figure.update_layout(yaxis={"title": {"text": "per cent"}})
    return figure


def _table(indicator: Indicator, months: list[date], counts: dict, charted: dict) -> dict:
    columns = [
        figures.column("month", "Month", "month"),
        figures.column(
            "percent",
            "Overall percentage",
            "percent",
            counts=["numerator", "denominator"],
            of=["numerator", "denominator"],
        ),
        figures.column("numerator", "Numerator", "count", page=False),
        figures.column("denominator", "Denominator", "count", page=False),
        figures.column("centre", "Centre line", "number"),
        figures.column("lower", "Lower limit", "number"),
        figures.column("upper", "Upper limit", "number"),
        figures.column("lower_2", "Two sigma below", "number", page=False),
        figures.column("upper_2", "Two sigma above", "number", page=False),
        figures.column("signal", "Signal"),
    ]
    rows = []
    for month in months:
        if month not in counts:
            continue
        numerator, denominator = counts[month]
        point = charted.get(month)
        limits = [
            _limit(getattr(point.limits, part)) if point else None
            for part in ("centre", "lower", "upper", "lower_2", "upper_2")
        ]
        signal = flag(indicator, point) if point else "No limits yet"
        value = Fraction(100 * numerator, denominator)
        rows.append([month_key(month), value, numerator, denominator, *limits, signal])
    return figures.table(columns, rows)


def control_blocks(history: History, indicator: Indicator, months: list[date]) -> list[dict]:
    """The control chart (or why there is none yet) and what RAG and it each answer; nothing
    for an indicator that is not a percentage."""
    if indicator.unit != Indicator.Unit.PERCENTAGE:
        return []
    title = f"{indicator.name}: control chart"
    rag_and_spc = figures.note_block("rag_and_spc", "RAG and the control chart", RAG_AND_SPC)
    if not history.counted(indicator):
        text = (
            "No control chart: this rate's parts are full-time equivalents from the workforce "
            "return, not counts of children or people, so a p′ chart does not apply."
        )
        return [figures.note_block("control", title, text), rag_and_spc]
    found = stretches(history, indicator, OVERALL)
    counts = {m: c for s in found for m, c in zip(s.months, s.counts, strict=True)}
    charted = points_by_month(history, indicator, OVERALL)
    words = " ".join(area_words(history, indicator, area, name) for area, name in history.areas)
    words += special_words(history, indicator, OVERALL)
    if not charted:
        return [figures.note_block("control", title, words), rag_and_spc]
    by_month = {m: Fraction(n, d) for m, (n, d) in counts.items()}
    summary = (
        "Laney's p′ chart of the overall figure: its centre line and limits come from its own "
        f"months (at least {spc.MIN_BASELINE}, re-based when the definition or a rule deciding "
        "it changes), and the "
        f"limits widen in a month with a smaller denominator. {words}"
    )
    chart = figures.chart_block(
        "control",
        title,
        _figure(indicator, months, by_month, charted),
        _table(indicator, months, counts, charted),
        summary=summary,
    )
    return [chart, rag_and_spc]
