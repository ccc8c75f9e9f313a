"""The overview's scorecard matrix for one month: a row per indicator, grouped by domain, with
every council area and all areas side by side; each cell the value with its unit, its RAG in
words and the change since the month before, judged by the indicator's polarity ("better",
"worse"); after it, each red indicator once with the trust's commentary. The headline counts
(green, amber and red per area, in all domains and in each) lead the matrix and each domain's
rows.

Everything is worded here, at snapshot time, so the page only lays the words out. The long
per-area scorecard (numerators, denominators, tolerances) stays as the download
(``overview.scorecard``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from performance.dashboards.approved import OVERALL
from performance.dashboards.cells import shown
from performance.dashboards.history import History
from performance.models import Indicator
from performance.rag import Status
from trust_portal import numbers
from trust_portal.numbers import figure_text, grouped_text, number_text
from trust_portal.periods import previous_month

# The dashboard whose pages are the indicators' trends (``indicators.build_indicators``).
TRENDS = "indicators"
RATED = (Status.GREEN.value, Status.AMBER.value, Status.RED.value)


def value_text(indicator: Indicator, value: Fraction | None) -> str | None:
    """A figure with its unit: "85.3%", "1,783", "12.5 days", "18.2" (a ratio)."""
    return None if value is None else figure_text(value, indicator.unit)


def target_text(indicator: Indicator, target: Decimal | None) -> str:
    """A target as people write it: "85%", "0", "20 days"."""
    if target is None:
        return "No target" if indicator.has_rag else "Context only"
    text = grouped_text(number_text(target))
    if indicator.unit == Indicator.Unit.PERCENTAGE:
        return f"{text}%"
    if indicator.unit == Indicator.Unit.DAYS:
        return f"{text} days"
    return text


def change_text(indicator: Indicator, change: Fraction) -> str:
    """A change with its sign and unit: "+1.2 points" (percentages), "+14", "−0.5 days"."""
    return numbers.change_text(change, indicator.unit)


def direction(indicator: Indicator, change: Fraction) -> str:
    """Which way a change went, as the indicator's polarity judges it: "better", "worse" or
    "no change" (as shown, to its decimal places); "up" or "down" for a context indicator."""
    number = Decimal(shown(indicator, change))
    if number == 0:
        return "no change"
    up = number > 0
    if indicator.polarity == Indicator.Polarity.HIGHER:
        return "better" if up else "worse"
    if indicator.polarity == Indicator.Polarity.LOWER:
        return "worse" if up else "better"
    return "up" if up else "down"


def matrix_cell(history: History, indicator: Indicator, area: str, month: date) -> dict:
    figure = history.figures.get((indicator.code, area, month))
    before = history.figures.get((indicator.code, area, previous_month(month)))
    rating = history.rating(indicator, figure, month)
    cell = {
        "value": value_text(indicator, figure.value if figure else None),
        "rag": rating.status.value,
        "small": rating.small_numbers,
        "change": None,
        "direction": None,
    }
    if figure and before and figure.value is not None and before.value is not None:
        change = figure.value - before.value
        cell["change"] = change_text(indicator, change)
        cell["direction"] = direction(indicator, change)
    return cell


def matrix_row(history: History, indicator: Indicator, month: date) -> dict:
    target = history.target(indicator, month) if indicator.has_rag else None
    return {
        "code": indicator.code,
        "name": indicator.name,
        "target": target_text(indicator, target.target if target else None),
        "polarity": indicator.get_polarity_display(),
        "cells": [matrix_cell(history, indicator, area, month) for area, _ in history.areas],
    }


def area_names(history: History) -> list[dict]:
    """The matrix's columns: each council area by its code, then all areas."""
    return [
        {"code": code, "name": name, "short": "All areas" if code == OVERALL else code}
        for code, name in history.areas
    ]


def domains(history: History) -> list[tuple[str, str, list[Indicator]]]:
    """(domain, its words, its indicators) in the catalogue's domain order."""
    found = []
    for value, label in Indicator.Domain.choices:
        members = [i for i in history.indicators if i.domain == value]
        if members:
            found.append((value, label, members))
    return found


def tally(rows: list[dict], areas: int) -> list[dict]:
    """Green, amber and red per area over the rows: [{"green": 3, "amber": 1, "red": 0}, ...]."""
    counts = [dict.fromkeys(RATED, 0) for _ in range(areas)]
    for row in rows:
        for index, cell in enumerate(row["cells"]):
            if cell["rag"] in counts[index]:
                counts[index][cell["rag"]] += 1
    return counts


def matrix_block(history: History, month: date) -> dict:
    """The matrix: the rows with a figure for the month by domain, and those without folded
    into a list of their own (an indicator never entered here, the workforce rates before the
    workforce return is approved)."""
    groups, folded = [], []
    for value, label, members in domains(history):
        rows = [matrix_row(history, indicator, month) for indicator in members]
        shown_rows = [row for row in rows if any(c["value"] is not None for c in row["cells"])]
        folded += [{"code": r["code"], "name": r["name"]} for r in rows if r not in shown_rows]
        if shown_rows:
            counts = tally(shown_rows, len(history.areas))
            groups.append({"domain": value, "label": label, "rows": shown_rows, "counts": counts})
    areas = area_names(history)
    every = [row for group in groups for row in group["rows"]]
    return {
        "kind": "matrix",
        "id": "matrix",
        "title": f"Scorecard, {month:%B %Y}",
        "summary": (
            "Each figure, its rating and its change since the month before (better or worse by "
            "the indicator's polarity). Names open their trends."
        ),
        "month": f"{month:%B %Y}",
        "trends": TRENDS,
        "areas": areas,
        "total": tally(every, len(history.areas)),
        "groups": groups,
        "folded": folded,
    }


def exception_items(history: History, month: date) -> list[dict]:
    """Each indicator red in any area once: its red areas with their figures, its target and
    the trust's one commentary for the month."""
    items = []
    for indicator in history.indicators:
        red = []
        for area, _ in history.areas:
            figure = history.figures.get((indicator.code, area, month))
            if history.rating(indicator, figure, month).status == Status.RED:
                short = "All areas" if area == OVERALL else area
                red.append({"area": short, "value": value_text(indicator, figure.value)})
        if not red:
            continue
        target = history.target(indicator, month)
        items.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "target": target_text(indicator, target.target if target else None),
                "red": red,
                "commentary": history.commentary.get((month, indicator.code), ""),
            }
        )
    return items
