"""The demo's calendar (``python manage.py load_demo``): which months it fills, when each thing
in them happened, and the story its synthetic figures tell.

The demo reaches the last complete month before the day ``load_demo`` runs. Each app's demo
makes its rows through the services people use, each step at its simulated moment (``at``), so
history rows, approvals and payments carry the days they would have happened, not the moment the
demo was loaded. Synthetic figures come from ``rng(...)``: a random generator seeded from
``SEED`` and the row it is for (never the load date), so a month's figures are the same whenever
it is first made, and a run a month later only adds the new month.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from trust_portal.periods import first_of_month, next_month, previous_month

SEED = 20210401
LAUNCH = date(2021, 4, 1)  # the trust took over the service on 1 April 2021
LONDON = ZoneInfo("Europe/London")
# Every synthetic row says so, in these words or with them at the start.
SYNTHETIC = "Synthetic: made up for the demo"

# The story of the synthetic months: an inadequate service improving, with two setbacks. Each
# point is (month, progress from 0, the service as the trust inherited it, to 1, where the
# demo's present finds it); between points progress moves in a straight line.
STORY = [
    (date(2021, 4, 1), 0.0),
    # The first year: the new trust steadies the service; little changes.
    (date(2022, 4, 1), 0.06),
    (date(2022, 10, 1), 0.34),
    # Winter 2022/23: agency social workers leave for better-paid posts elsewhere; visits slip.
    (date(2023, 1, 1), 0.22),
    (date(2023, 7, 1), 0.45),
    (date(2025, 4, 1), 0.78),
    # Summer 2025: the new case management system goes live; recording falls behind.
    (date(2025, 8, 1), 0.6),
    (date(2026, 3, 1), 0.82),
    (date(2027, 12, 1), 0.95),
]
SETBACKS = [
    (date(2022, 11, 1), date(2023, 3, 1), "agency social workers leaving for better-paid posts"),
    (date(2025, 5, 1), date(2025, 9, 1), "the move to the new case management system"),
]


def load_today() -> date:
    """The day the demo is loaded as: today by the clock (the tests pin the clock)."""
    return timezone.localdate()


def last_complete_month(today: date) -> date:
    return previous_month(first_of_month(today))


def months(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    found, month = [], first_of_month(first)
    while month <= last:
        found.append(month)
        month = next_month(month)
    return found


def working_day(month: date, number: int) -> date:
    """The ``number``-th weekday of ``month`` (bank holidays are not skipped: a demo's day)."""
    day, counted = first_of_month(month), 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == number:
                return day
        day += timedelta(days=1)


def moment(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


_LOAD_NOW: ContextVar[datetime | None] = ContextVar("demo_load_now", default=None)


@contextmanager
def loading(now: datetime) -> Iterator[None]:
    """The moment the demo is loaded: ``at`` never goes later, however it is nested."""
    token = _LOAD_NOW.set(now)
    try:
        yield
    finally:
        _LOAD_NOW.reset(token)


@contextmanager
def at(when: datetime | date) -> Iterator[datetime]:
    """Run what is inside as if it were ``when`` (10:00 on a date), never later than a second
    before the moment the demo is loaded (``loading``; else now), nor earlier than that day's
    midnight (a month started on the 1st stays in its month): the demo's past stays in the
    past, and an ``at`` inside another travels from the real moment, not the other's."""
    if not isinstance(when, datetime):
        when = moment(when)
    now = _LOAD_NOW.get() or timezone.now()
    midnight = datetime.combine(timezone.localdate(now), time(0), tzinfo=LONDON)
    when = min(when, max(now - timedelta(seconds=1), midnight))
    with time_machine.travel(when, tick=False):
        yield when


def last_month_to_load(today: date, *, final: bool) -> date:
    """The last month a pass of the demo loads: the last complete one (the final pass, which
    leaves the last months in flight), or for an earlier pass (as of a pack's issue day) the
    last month whose return was approved by then (working day 10 of the month after), and
    never one of the three the final pass leaves in flight."""
    month = last_complete_month(today)
    if final:
        return month
    while working_day(next_month(month), 10) >= today:
        month = previous_month(month)
    # Never the last three months before the load day: the final pass leaves them in flight.
    in_flight = last_complete_month(load_today())
    for _ in range(3):
        in_flight = previous_month(in_flight)
    return min(month, in_flight)


def rng(*keys) -> random.Random:
    """A random generator for one row: seeded from SEED and ``keys`` (e.g. "budget", month)."""
    return random.Random(":".join([str(SEED), *map(str, keys)]))


def progress(month: date) -> float:
    """How far the service has come by ``month`` (0 as inherited, 1 good), from STORY."""
    if month <= STORY[0][0]:
        return STORY[0][1]
    for (start, low), (end, high) in zip(STORY, STORY[1:], strict=False):
        if start <= month <= end:
            share = (month - start).days / (end - start).days
            return low + (high - low) * share
    return STORY[-1][1]


def setback(month: date) -> str | None:
    """What held the service back in ``month``, if it was one of the story's setbacks."""
    for start, end, why in SETBACKS:
        if start <= month <= end:
            return why
    return None
