"""Months and financial years (1 April to 31 March, named "2024/25"), for every app.

A month is the first day of the month in a ``date``; a financial year is the calendar year it
starts in (2024 is 2024/25)."""

from datetime import date


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def financial_year_of(day: date) -> int:
    """The calendar year in which the financial year containing ``day`` starts."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    """2024 -> "2024/25": the one way a financial year is named, on every page and in every
    message."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_start(start_year: int) -> date:
    return date(start_year, 4, 1)


def months_of_financial_year(start_year: int) -> list[date]:
    return [date(start_year + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]
