"""Months, financial years (1 April to 31 March, named "2024/25") and their quarters, for every
app.

A month is the first day of the month in a ``date``; a financial year is the calendar year it
starts in (2024 is 2024/25); its quarters are numbered 1 (April to June) to 4 (January to
March)."""

import re
from datetime import date

# The months anything may be entered for: the portal's data starts long after 2000, and nothing
# is planned past next year. A month outside (0001-01, say, typed or sent to the API) is refused
# where it is read, as a form error or a 400, never stored: such a date breaks arithmetic on
# months (the month before January of year 1 does not exist) and the pages built on it.
FIRST_MONTH = date(2000, 1, 1)


def last_month_allowed(today: date | None = None) -> date:
    """December of next year."""
    return date((today or date.today()).year + 1, 12, 1)


def month_problem(month: date, today: date | None = None) -> str | None:
    """What is wrong with a month outside the range, as a sentence for the person; else None."""
    last = last_month_allowed(today)
    if FIRST_MONTH <= month.replace(day=1) <= last:
        return None
    return f"Enter a month from {FIRST_MONTH:%B %Y} to {last:%B %Y}."


# "2024-07" as a query or a form takes it: digits 0 to 9 only ("\d" alone takes "١٢").
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$", re.ASCII)


def month_text_problem(text: str, today: date | None = None) -> str | None:
    """What is wrong with a "YYYY-MM" month outside the range (``month_problem``); None for
    one within it. The caller has checked the text against ``MONTH``."""
    return month_problem(date(int(text[:4]), int(text[5:7]), 1), today)


def parse_month(text: str, today: date | None = None) -> date:
    """ "2019-02" (or "2019-02-15") → 1 February 2019; ValueError for anything else or a month
    outside the range (``month_problem``)."""
    parts = (text or "").split("-")
    if len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError("Not a month.")
    if len(parts[0]) != 4:
        raise ValueError("Not a month.")
    month = date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1)
    problem = month_problem(month, today)
    if problem:
        raise ValueError(problem)
    return month.replace(day=1)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def complete_months(today: date, count: int = 12) -> list[date]:
    """The ``count`` months before ``today``'s (each the first of its month), newest first:
    the last complete months, those a return can be started for."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        month = previous_month(month)
        months.append(month)
    return months


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


QUARTER_MONTHS = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}


def quarter_start(financial_year: int, quarter: int) -> date:
    """Q1 starts on 1 April of the financial year, Q4 on 1 January of the next calendar year."""
    month = 3 * quarter + 1
    return date(financial_year + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_end(financial_year: int, quarter: int) -> date:
    if quarter == 4:
        return date(financial_year + 1, 3, 31)
    following = quarter_start(financial_year, quarter + 1)
    return date.fromordinal(following.toordinal() - 1)


def quarter_label(financial_year: int, quarter: int) -> str:
    """ "Q1 2024/25 (April to June)"."""
    return f"Q{quarter} {financial_year_label(financial_year)} ({QUARTER_MONTHS[quarter]})"
