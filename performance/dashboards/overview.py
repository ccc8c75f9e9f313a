"""The performance overview: the scorecard (every indicator for the latest approved month, per
council area and overall), its exceptions and the approval behind them; each approved month's
for the scrutiny pack."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone

from performance.dashboards import control, matrix
from performance.dashboards.approved import OVERALL
from performance.dashboards.cells import (
    day_words,
    month_key,
    rag_words,
    signed,
    value_cells,
    value_columns,
    with_unit,
)
from performance.dashboards.history import SOURCE, History, load
from performance.dashboards.rules import month_note
from performance.models import Indicator, MonthlyReturn
from performance.rag import Status
from trust_portal.dashboards import figures
from trust_portal.dashboards.parts import KeptParts
from trust_portal.dashboards.registry import builder, pack_return
from trust_portal.periods import previous_month

NAME = "overview"


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


def scorecard_columns(*, trend: bool) -> list[dict]:
    """The scorecard's columns; the trend (a sparkline) and the control chart's flag only on
    the dashboard, not in the pack."""
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
        # The control chart's verdict on the month, in short; the trend page says it in full.
        columns.append(figures.column("signal", "Control chart"))
    return columns


def scorecard(history: History, month: date, *, trend: bool) -> dict:
    columns = scorecard_columns(trend=trend)
    rows, counts = [], defaultdict(int)
    for indicator in history.indicators:
        target = history.target(indicator, month) if indicator.has_rag else None
        for area, _ in history.areas:
            points = control.points_by_month(history, indicator, area) if trend else {}
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
                row.append(control.flag(indicator, points.get(month)))
            rows.append(row)
            if area == OVERALL and rating.status != Status.NONE:
                counts[rating.status] += 1
    summary = (
        f"Every indicator for {month:%B %Y}, per council area and overall. Overall: "
        f"{counts[Status.GREEN]} green, {counts[Status.AMBER]} amber, {counts[Status.RED]} red, "
        f"{counts[Status.GREY]} not rated or without a figure."
    )
    if trend:
        summary += (
            " RAG rates each figure against its target; the control chart column flags a month "
            "that is special cause on the indicator's own control chart (a real change, not "
            "noise), which each indicator's trend page explains."
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


# The return on the scrutiny pack's cover (trust_portal/dashboards/packs.py); the pack's
# performance section is performance/dashboards/pack.py's.
pack_return("Performance return", MonthlyReturn, order=10)


def month_blocks(history: History, month: date, *, trend: bool) -> list[dict]:
    """The page for a month: the matrix (its counts first) and the exceptions, each commentary once
    (the exceptions table stays behind it as its download); the long per-area scorecard as a
    download only; then the approval and the rules."""
    grid = matrix.matrix_block(history, month)
    listed = {
        **exceptions(history, month),
        "kind": "exceptions",
        "items": matrix.exception_items(history, month),
        "trends": matrix.TRENDS,
    }
    download = {**scorecard(history, month, trend=trend), "download_only": True}
    return [
        grid,
        listed,
        download,
        # Folded on the page under their titles: what the figures are and how they were rated.
        {**approval_note(history, month), "folded": True},
        {**month_note(history, month), "folded": True},
    ]


def _blocks(history: History, parts: KeptParts, month: date) -> list[dict]:
    """A month's blocks; kept from the last recompute unless what they read has changed. The
    latest month's scorecard has a trend and control chart column, which read every month of
    every indicator: it is kept only while none of that changes."""
    if month == max(history.returns):
        return parts.part(
            month_key(month),
            ("latest", history.month_inputs(month), history.every_indicator_inputs()),
            lambda: month_blocks(history, month, trend=True),
        )
    return parts.part(
        month_key(month),
        history.month_inputs(month),
        lambda: month_blocks(history, month, trend=False),
    )


@builder(NAME, title="Performance overview", source=SOURCE, order=10, by_month=True)
def build_overview(arrangement) -> dict:
    history = load(arrangement)
    months = sorted(history.returns)
    data = {"title": "Performance overview", "blocks": []}
    if not months:
        data["blocks"].append(
            figures.note_block("empty", "No figures yet", "No monthly return is approved yet.")
        )
        return data
    latest = months[-1]
    data["period"] = f"{latest:%B %Y}"
    # Each approved month's page, for the month selector (``?month=``); the latest month's
    # scorecard download keeps its trend and control chart columns, as before.
    data["month"] = month_key(latest)
    parts = KeptParts(arrangement, NAME)
    data["months"] = {
        month_key(month): {"period": f"{month:%B %Y}", "blocks": _blocks(history, parts, month)}
        for month in months
    }
    parts.save()
    data["month_keys"] = sorted(data["months"])
    data["blocks"] = data["months"][data["month"]]["blocks"]
    return data
