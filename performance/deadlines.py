"""When a month's return is due, and which are overdue.

A month's return is due by a set working day of the following month (default the 10th,
``PerformanceSettings.due_working_day``, the one in force for that month); working days skip
weekends and England's bank holidays. A return counts as in when it has been submitted (or
approved) at least once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from performance.models import MonthlyReturn, RuleBook
from performance.working_days import bank_holidays
from trust_portal.approvals.models import State
from trust_portal.periods import complete_months, next_month

LOOK_BACK_MONTHS = 12  # older gaps are history, not reminders


def due_date(month: date, working_day: int = 10) -> date:
    """The ``working_day``-th working day of the month after ``month``."""
    day = next_month(month.replace(day=1))
    holidays = _holidays(day.year)
    count = 0
    while True:
        if day.weekday() < 5 and day not in holidays:
            count += 1
            if count == working_day:
                return day
        day += timedelta(days=1)


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset:
    return frozenset(d.astype(object) for d in bank_holidays(year, year))


def due_by(arrangement) -> Callable[[date], date]:
    """The arrangement's due dates: a function from a month to the date its return is due,
    under the due day in force for that month (one query, however many months)."""
    rules = RuleBook.of(arrangement)
    return lambda month: due_date(month, rules.at(month).due_working_day)


@dataclass(frozen=True)
class Overdue:
    month: date
    due: date


def due_dates(arrangement, months) -> dict[date, date]:
    """Each month's due date, by the due working day in force for that month."""
    rules = RuleBook.of(arrangement)  # each month's due day is the one in force for it
    return {month: due_date(month, rules.at(month).due_working_day) for month in months}


def overdue_returns(arrangement, *, today: date) -> list[Overdue]:
    """Months of the last year whose return is past its due date and not yet submitted."""
    months = complete_months(today, LOOK_BACK_MONTHS)
    sent_in = set(
        MonthlyReturn.objects.filter(
            arrangement=arrangement,
            period__in=months,
            state__in=[State.SUBMITTED, State.RETURNED, State.APPROVED, State.SUPERSEDED],
        ).values_list("period", flat=True)
    )
    late = []
    due_by = due_dates(arrangement, months)
    for month in sorted(months):
        due = due_by[month]
        if today > due and month not in sent_in:
            late.append(Overdue(month, due))
    return late
