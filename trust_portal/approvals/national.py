"""Approved returns of any kind for the national-scale generator (trust_portal/national.py),
recorded as the approvals services record them, in bulk: each return started, saved and
submitted by its trust's manager, each council's area approved by that council's officer (an
``AreaDecision`` and an "Area approved" event each), then approved by every council."""

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType

from trust_portal.approvals.models import AreaDecision, Event, State
from trust_portal.national import Party, Plan, approval_moment, as_of, bulk

SUBMITTED_DAYS_BEFORE = 4  # working day 6 against the approval's working day 10


def approved_months(
    plan: Plan, model, *, kind: str, fields: Callable[[Party, date], dict] | None = None
) -> Iterator[tuple[date, list[tuple[Party, object]]]]:
    """For each of the plan's months, oldest first: every arrangement's return of ``model``
    (a ``Submission``) made approved, with its decisions and events, as of the moment its last
    council approved it (``approval_moment``); yields (month, [(party, return)]) while still
    at that moment, so the caller's figures carry it too. ``fields(party, month)``: the
    return's own fields beyond the shared ones."""
    content_type = ContentType.objects.get_for_model(model)
    for month in plan.months:
        with as_of(approval_moment(month)) as when:
            returns = [
                model(
                    arrangement=party.arrangement,
                    period=month,
                    state=State.APPROVED,
                    lock_version=2,
                    created_by=party.manager,
                    submitted_at=when - timedelta(days=SUBMITTED_DAYS_BEFORE),
                    approved_at=when,
                    **(fields(party, month) if fields else {}),
                )
                for party in plan.parties
            ]
            made = bulk(plan, model, returns, kind=kind)
            pairs = list(zip(plan.parties, made, strict=True))
            _decided(plan, content_type, pairs)
            yield month, pairs


def _decided(plan: Plan, content_type, pairs) -> None:
    """Each return's events (started, saved, submitted, each area approved, approved) and each
    council's decision, as ``submission_approve_area`` records them."""
    decisions, events = [], []
    for party, submission in pairs:
        key = {"content_type": content_type, "object_id": submission.pk}
        for action in (Event.Action.CREATED, Event.Action.SAVED, Event.Action.SUBMITTED):
            events.append(Event(**key, action=action, by=party.manager))
        for council, officer in zip(party.councils, party.officers, strict=True):
            decisions.append(
                AreaDecision(
                    **key, council=council, decision=AreaDecision.Decision.APPROVED, by=officer
                )
            )
            events.append(
                Event(**key, action=Event.Action.AREA_APPROVED, by=officer, note=council.code)
            )
        events.append(Event(**key, action=Event.Action.APPROVED, by=party.officers[-1]))
    bulk(plan, AreaDecision, decisions, kind="area decisions")
    bulk(plan, Event, events, kind="return events")
