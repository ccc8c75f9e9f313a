"""Words and cells shared by the performance dashboards: an exact value as shown, with its unit
or sign, RAG in words, and each value's percentage, number and count columns."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from performance.dashboards.approved import Figure
from performance.models import Indicator
from performance.rag import Rating, Status
from trust_portal.dashboards import figures
from trust_portal.numbers import figure_text


def shown(indicator: Indicator, value: Fraction | None) -> str | None:
    if value is None:
        return None
    return figures.decimal_text(value, places=0 if indicator.unit == "count" else 1)


def with_unit(indicator: Indicator, value: Fraction | None) -> str:
    """ "85.3%", "1,783", "12.5 days" (``numbers.figure_text``); "no figure" without one."""
    return "no figure" if value is None else figure_text(value, indicator.unit)


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
