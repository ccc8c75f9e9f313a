"""Working days in England, as CHILD_EXTRACT.md counts them for assessments.

Working days between a start and a completion are the days after the start, up to and including
the completion day, that are neither Saturday, Sunday nor a bank holiday in England. Started and
completed the same day is 0 working days. England's bank holidays come from the ``holidays``
package, which includes substitute days (Christmas on a Saturday moves to the Monday) and the
one-off ones (the 2022 state funeral, the 2023 coronation).
"""

from datetime import date
from functools import lru_cache

import holidays
import numpy as np

WEEKMASK = "1111100"  # Monday to Friday


@lru_cache(maxsize=32)
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England's bank holidays from 1 January ``first_year`` to 31 December ``last_year``."""
    days = holidays.UnitedKingdom(subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


@lru_cache(maxsize=32)
def _calendar(first_year: int, last_year: int) -> np.busdaycalendar:
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=bank_holidays(first_year, last_year))


def count_working_days(start, end) -> np.ndarray:
    """Working days from each ``start`` to the matching ``end`` (arrays of dates, no blanks).

    ``numpy.busday_count`` counts the half-open range [begin, end); the rule counts (start, end],
    so both ends move on by a day. An ``end`` before its ``start`` gives a negative count; the
    extract's checks reject such rows before this is called.
    """
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    if start.size == 0:
        return np.zeros(start.shape, dtype=np.int64)
    years = np.concatenate([start.ravel(), end.ravel()]).astype("datetime64[Y]").astype(int)
    calendar = _calendar(int(years.min()) + 1970, int(years.max()) + 1970)
    one = np.timedelta64(1, "D")
    return np.busday_count(start + one, end + one, busdaycal=calendar).astype(np.int64)


def working_days_between(start: date, end: date) -> int:
    """The same count for one pair of dates."""
    return int(count_working_days([start], [end])[0])
