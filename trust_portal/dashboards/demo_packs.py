"""The demo's issued scrutiny packs (``python manage.py load_demo``): one for each of the last
three committee meetings before the day the demo is loaded, issued by a council officer a week
before the meeting, for the month its caller says (``performance.demo.finish``: the latest month
both councils had approved by then).

The committee dates are synthetic: the councils' joint scrutiny of the trust meets on the second
Tuesday of every other month (January, March, May, July, September, November). The dashboards
are recomputed at the moment of issue, so each pack's figures and the snapshot versions behind it
carry that day."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from trust_portal.dashboards.models import IssuedPack
from trust_portal.dashboards.packs import pack_issue
from trust_portal.dashboards.services import snapshot_recompute
from trust_portal.demo_time import at, moment, months

COMMITTEE = "Joint scrutiny of children's services"
MEETING_MONTHS = (1, 3, 5, 7, 9, 11)
THRESHOLD = 5  # counts below five print as "fewer than 5"


def meeting_dates(today: date, count: int = 3) -> list[date]:
    """The last ``count`` committee dates before ``today``, earliest first."""
    found = []
    for month in reversed(months(date(today.year - 1, 1, 1), today)):
        if month.month not in MEETING_MONTHS:
            continue
        first_tuesday = month + timedelta(days=(1 - month.weekday()) % 7)
        meeting = first_tuesday + timedelta(days=7)
        if meeting < today:
            found.append(meeting)
        if len(found) == count:
            break
    return sorted(found)


ISSUED_BEFORE = timedelta(days=7)


def packs_to_issue(arrangement, today: date) -> list[date]:
    """The issue days (a week before) of the last three meetings' packs not issued yet."""
    packs = IssuedPack.objects.filter(arrangement=arrangement) if arrangement else None
    issued = set(packs.values_list("meeting_date", flat=True)) if packs is not None else set()
    return [m - ISSUED_BEFORE for m in meeting_dates(today) if m not in issued]


def issue_pack(
    *, arrangement, by, day: date, month_at: Callable[[datetime], date | None]
) -> IssuedPack:
    """Issue, at 10:00 on ``day``, the pack of the meeting a week later, for the month
    ``month_at(moment)`` gives, from the dashboards recomputed at that moment."""
    with at(moment(day, 10)) as now:
        snapshot_recompute(arrangement=arrangement)
        return pack_issue(
            by=by,
            arrangement=arrangement,
            month=month_at(now),
            threshold=THRESHOLD,
            committee=COMMITTEE,
            meeting_date=day + ISSUED_BEFORE,
        )
