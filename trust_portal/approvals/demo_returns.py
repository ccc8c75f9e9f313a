"""Demo returns of any kind (``python manage.py load_demo``), made through the kind's own
services as people make them, each step on its simulated day (``trust_portal.demo_time``): the
trust's manager starts a month on the first working day after it ends, enters its figures and
submits it; each council's officer approves their area a few days later.

Months before the trust's launch (the county council's 2018/19 figures) were entered as the
historical baseline in March 2021, before the launch: they carry those days."""

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

from django.utils import timezone

from trust_portal.demo_time import LAUNCH, at, moment, working_day
from trust_portal.periods import next_month

APPROVED = "approved"
DRAFT = "draft"
SUBMITTED = "submitted"
ONE_APPROVED = "approved_by_one"  # the first officer has approved, the others not yet
RETURNED = "returned"  # the first officer approved, the last sent it back with a query
STATES = (DRAFT, SUBMITTED, ONE_APPROVED, RETURNED, APPROVED)


def steps_on(month: date, index: int) -> dict[str, date]:
    """The days a month's return is started, submitted and approved (first, second officer).
    A month after the launch: working days 1, 6, 8 and 10 of the month after. A month of the
    baseline: a day in March 2021 each, in order (``index``: its place among them)."""
    if month < LAUNCH:
        day = working_day(date(2021, 3, 1), 1 + index % 20)
        return {"start": day, "submit": day, "first": day, "second": day}
    after = next_month(month)
    start = working_day(after, 1)
    # The last months' steps come before the day the demo is loaded (at the latest the
    # weekday before it, never before the month was started).
    latest = timezone.localdate() - timedelta(days=1)
    while latest.weekday() >= 5:
        latest -= timedelta(days=1)
    return {
        "start": start,
        "submit": max(start, min(working_day(after, 6), latest)),
        "first": max(start, min(working_day(after, 8), latest)),
        "second": max(start, min(working_day(after, 10), latest)),
    }


def load_demo_returns(
    rows: Iterable[Mapping],
    *,
    model,
    services: Mapping[str, Callable],
    object_name: str,
    arrangement,
    manager,
    officers,
    figures: Callable,
) -> int:
    """Load the demo's months: ``rows`` of {"month": "2024-04", "state": …} (``STATES``, a row
    without a state being approved, "query" the words a returned one was sent back with, and
    "query_row" the (key, words) of the row it is about, if one).
    ``services`` are the kind's (``kinds.services_named``), taking the return by
    ``object_name``; ``figures(row)`` gives the save service's figures keywords.

    A month already there is left alone, so loading twice adds nothing. Returns how many
    months were added."""
    added = 0
    for index, row in enumerate(rows):
        month = date.fromisoformat(row["month"] + "-01")
        if model.objects.filter(arrangement=arrangement, period=month).exists():
            continue
        state = row.get("state", APPROVED)
        if state not in STATES:
            raise ValueError(f"{row['month']}: unknown demo state {state!r}")
        days = steps_on(month, index)
        key = {object_name: None}
        with at(moment(days["start"], 9, 30)):
            key[object_name] = services["start"](by=manager, arrangement=arrangement, month=month)
            started = key[object_name]
            services["save"](
                by=manager, expected_version=started.lock_version, **key, **figures(row)
            )
        if state != DRAFT:
            with at(moment(days["submit"], 10)):
                services["submit"](by=manager, **key)
        if state in (ONE_APPROVED, RETURNED, APPROVED):
            with at(moment(days["first"], 11)):
                services["approve"](by=officers[0], **key)
        if state == APPROVED:
            for officer in officers[1:]:
                with at(moment(days["second"], 14)):
                    services["approve"](by=officer, **key)
        if state == RETURNED:
            with at(moment(days["second"], 14)):
                query, about = row["query"], row.get("query_row")
                services["send_back"](by=officers[-1], query=query, row=about, **key)
        added += 1
    return added


def in_flight(months: list[date], states: Iterable[str]) -> dict[date, str]:
    """The last months' states, latest first: ``in_flight(months, [DRAFT, ONE_APPROVED])``
    gives the last month DRAFT and the one before ONE_APPROVED."""
    return dict(zip(reversed(months), states, strict=False))
