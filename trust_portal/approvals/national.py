"""Approved returns of any kind for the national-scale generator (trust_portal/national.py),
recorded as the approvals services record them, in bulk: each return started, saved and
submitted by its trust's manager on working day 6 of the month after, each council's area
approved by that council's officer (an ``AreaDecision`` and an "Area approved" event each),
then approved by every council, on working day 10."""

from collections.abc import Callable, Iterator
from datetime import date

from django.contrib.contenttypes.models import ContentType

from trust_portal.approvals.models import AreaDecision, Event, State
from trust_portal.national import (
    Party,
    Plan,
    approval_moment,
    as_of,
    bulk,
    submission_moment,
)


def approved_months(
    plan: Plan, model, *, kind: str, fields: Callable[[Party, date], dict] | None = None
) -> Iterator[tuple[date, list[tuple[Party, object]]]]:
    """For each of the plan's months, oldest first: every arrangement's return of ``model``
    (a ``Submission``) made approved. The return (its ``created_at`` and ``submitted_at``) and
    its started, saved and submitted events are made as of the submission (working day 6 of
    the month after, ``submission_moment``); yields (month, [(party, return)]) while still at
    that moment, so the caller's figures carry it too; then each council's decision and the
    approval (``approved_at``) are made as of the approval (working day 10,
    ``approval_moment``). ``fields(party, month)``: the return's own fields beyond the shared
    ones."""
    content_type = ContentType.objects.get_for_model(model)
    for month in plan.months:
        approved = approval_moment(plan, month)
        with as_of(submission_moment(plan, month)) as when:
            returns = [
                model(
                    arrangement=party.arrangement,
                    period=month,
                    state=State.APPROVED,
                    lock_version=2,
                    created_by=party.manager,
                    submitted_at=when,
                    approved_at=approved,
                    **(fields(party, month) if fields else {}),
                )
                for party in plan.parties
            ]
            made = bulk(plan, model, returns, kind=kind)
            pairs = list(zip(plan.parties, made, strict=True))
            _submitted(plan, content_type, pairs)
            yield month, pairs
        with as_of(approved):
            _decided(plan, content_type, pairs)


def _submitted(plan: Plan, content_type, pairs) -> None:
    """Each return's started, saved and submitted events, by the trust's manager."""
    events = [
        Event(content_type=content_type, object_id=submission.pk, action=action, by=party.manager)
        for party, submission in pairs
        for action in (Event.Action.CREATED, Event.Action.SAVED, Event.Action.SUBMITTED)
    ]
    bulk(plan, Event, events, kind="return events")


def _decided(plan: Plan, content_type, pairs) -> None:
    """Each council's decision and "Area approved" event, and the return's approval, as
    ``submission_approve_area`` records them."""
    decisions, events = [], []
    for party, submission in pairs:
        key = {"content_type": content_type, "object_id": submission.pk}
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
