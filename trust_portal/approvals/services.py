"""The shared life of a return. Apps call these from their own services (``return_submit``…),
after their own checks; each writes its event and, where people must act, an email."""

from __future__ import annotations

from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.approvals import notifications
from trust_portal.approvals.models import Answer, AreaDecision, Event, Query, State
from trust_portal.periods import month_problem


class ConcurrentChange(ValidationError):
    """Someone saved the same submission since this person loaded it."""


def _locked(submission) -> None:
    """Lock the submission's row until the transaction ends, and bring its state and version
    up to date from it. Two people acting on one return at once queue here, and the second
    decides on what the first left: under READ COMMITTED each would otherwise check a state the
    other is changing (two councils approving at once each saw only their own approval, and the
    return stayed submitted; an edit and an approval each went through)."""
    fresh = (
        type(submission)
        .objects.select_for_update()
        .only("state", "lock_version")
        .get(pk=submission.pk)
    )
    submission.state, submission.lock_version = fresh.state, fresh.lock_version


def _event(submission, action, by, note: str = "") -> Event:
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(submission),
        object_id=submission.pk,
        action=action,
        by=by,
        note=note,
    )


def _enter(submission, state, by, *, stamp: str = "", note: str = "", email) -> None:
    """Move ``submission`` into ``state`` (its ``stamp`` field, "submitted_at" say, set to
    now), record the event of the same name, and add ``email(submission, by)`` to the outbox
    (sent once it commits)."""
    submission.state = state
    if stamp:
        setattr(submission, stamp, timezone.now())
    submission.save(update_fields=["state", stamp] if stamp else ["state"])
    _event(submission, Event.Action(state), by, note)
    email(submission, by)


def _withdraw_decisions(submission, by) -> int:
    withdrawn = submission.decisions.filter(withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        _event(submission, Event.Action.APPROVALS_WITHDRAWN, by, f"{withdrawn} withdrawn")
    return withdrawn


def submission_create(*, model, by, arrangement, period, **fields):
    require(by, Action.EDIT, model.permission_kind, arrangement)
    if model.objects.filter(arrangement=arrangement, period=period).exists():
        raise ValidationError(
            f"{period:%B %Y} already has a return; open it, or start a correction of the "
            "approved one."
        )
    submission = model(arrangement=arrangement, period=period, created_by=by, **fields)
    submission.full_clean()
    submission.save()
    _event(submission, Event.Action.CREATED, by)
    return submission


def submission_start_month(*, model, by, arrangement, month, what: str):
    """Start a month's return (``submission_create``) once the month is over; ``what`` names
    the kind in the refusal ("budget monitoring")."""
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        raise ValidationError({"month": f"A month's {what} can be started once the month is over."})
    problem = month_problem(month, timezone.localdate())
    if problem:  # 0001-01, say: stored, it could never be opened
        raise ValidationError({"month": problem})
    return submission_create(model=model, by=by, arrangement=arrangement, period=month)


def submission_require_editable(*, submission, by, name: str = "This return") -> None:
    """Refuse a person who may not edit the submission's figures, and a locked submission
    (``name`` names it in the refusal: "This month's budget monitoring")."""
    require(by, Action.EDIT, submission.permission_kind, submission.arrangement)
    if submission.is_locked:
        raise ValidationError(
            f"{name} is {submission.get_state_display().lower()} and locked. "
            "Start a correction to change it."
        )


@transaction.atomic
def submission_record_change(*, submission, by, expected_version: int, note: str = "") -> None:
    """Call before saving a submission's figures, in the same transaction.

    Refuses a locked submission and a save based on an older version (two people editing the
    same draft: the second is told, never silently overwritten). A change after submission
    withdraws every area's approval.
    """
    _locked(submission)  # an approval that finished meanwhile has locked it
    submission_require_editable(submission=submission, by=by)
    model = type(submission)
    updated = model.objects.filter(pk=submission.pk, lock_version=expected_version).update(
        lock_version=F("lock_version") + 1
    )
    if not updated:
        raise ConcurrentChange(
            "Someone else saved this return after you opened it, so your changes were not "
            "saved. The latest figures are shown: make your changes again."
        )
    submission.lock_version = expected_version + 1
    if submission.state == State.SUBMITTED:
        _withdraw_decisions(submission, by)
    _event(submission, Event.Action.SAVED, by, note)


@transaction.atomic
def submission_submit(*, submission, by) -> None:
    require(by, Action.SUBMIT, submission.permission_kind, submission.arrangement)
    _locked(submission)
    if submission.state not in (State.DRAFT, State.RETURNED):
        raise ValidationError(
            f"Only a draft or returned return can be submitted, not one that is "
            f"{submission.get_state_display().lower()}."
        )
    _withdraw_decisions(submission, by)
    _enter(submission, State.SUBMITTED, by, stamp="submitted_at", email=notifications.submitted)


@transaction.atomic
def submission_submit_checked(*, submission, by, problems) -> None:
    """Submit once the kind's checks find nothing: ``problems(submission)`` gives what stops
    submission, keyed like its save's errors, and every one is refused at once."""
    require(by, Action.SUBMIT, submission.permission_kind, submission.arrangement)
    found = problems(submission)
    if found:
        raise ValidationError(found)
    submission_submit(submission=submission, by=by)


def _own_council(submission, by):
    council = by.organisation
    if council is None or not submission.arrangement.councils.filter(pk=council.pk).exists():
        raise PermissionDenied("Only an officer of a commissioning council can decide on an area.")
    return council


def _unchanged_since(submission, expected_version: int | None, done: str, again: str) -> None:
    """Refuse (``ConcurrentChange``) a decision on figures saved since the officer looked at the
    return (``expected_version``, the version they saw; None: not checked)."""
    if expected_version is not None and submission.lock_version != expected_version:
        raise ConcurrentChange(
            f"Someone changed the figures after you opened this return, so it was not "
            f"{done}. Check the latest figures, then {again}."
        )


@transaction.atomic
def submission_approve_area(*, submission, by, expected_version: int | None = None) -> bool:
    """Approve the officer's own council's area; True when that completes the approval.

    ``expected_version``: the version the officer looked at; figures saved since are refused
    (the officer must see what they approve), as a ``ConcurrentChange``."""
    require(by, Action.APPROVE, submission.permission_kind, submission.arrangement)
    council = _own_council(submission, by)
    _locked(submission)
    _unchanged_since(submission, expected_version, "approved", "approve again")
    if submission.state != State.SUBMITTED:
        raise ValidationError("Only a submitted return can be approved.")
    if submission.decisions.filter(withdrawn_at__isnull=True, council=council).exists():
        raise ValidationError(f"{council.name} has already decided on this return.")
    AreaDecision.objects.create(
        submission=submission, council=council, decision=AreaDecision.Decision.APPROVED, by=by
    )
    _event(submission, Event.Action.AREA_APPROVED, by, council.code)
    approved = set(
        submission.decisions.filter(
            withdrawn_at__isnull=True, decision=AreaDecision.Decision.APPROVED
        ).values_list("council_id", flat=True)
    )
    if approved != set(submission.arrangement.councils.values_list("pk", flat=True)):
        return False
    _approve(submission, by)
    return True


@transaction.atomic
def submission_approve(*, submission, by, on_approved, expected_version: int | None = None) -> bool:
    """``submission_approve_area``, and once every council has approved, the kind's dashboard
    hook ``on_approved(arrangement=…)`` (which queues the recompute after the commit)."""
    done = submission_approve_area(submission=submission, by=by, expected_version=expected_version)
    if done:
        on_approved(arrangement=submission.arrangement)
    return done


def _approve(submission, by) -> None:
    model = type(submission)
    previous = model.objects.filter(
        arrangement=submission.arrangement, period=submission.period, state=State.APPROVED
    ).exclude(pk=submission.pk)
    for old in previous:
        old.state = State.SUPERSEDED
        old.save(update_fields=["state"])
        _event(old, Event.Action.SUPERSEDED, by, f"by revision {submission.revision}")
    # Approval by every council settles every query still open on the return.
    for query in submission.queries.exclude(state=Query.State.CLOSED):
        _close(query, by)
    _enter(submission, State.APPROVED, by, stamp="approved_at", email=notifications.approved)


@transaction.atomic
def submission_return(
    *,
    submission,
    by,
    query: str,
    row: tuple[str, str] | None = None,
    expected_version: int | None = None,
) -> Query:
    """Send the return back to the trust with the officer's query about their area: about the
    whole return, or one of its rows (``row``: the kind's key for it and its words, checked
    against the kind's rows by the caller). The query starts a thread the trust answers.
    ``expected_version``, if given: the version the officer looked at, as for approving."""
    require(by, Action.APPROVE, submission.permission_kind, submission.arrangement)
    require(by, Action.APPROVE, Kind.QUERY, submission.arrangement)  # raising the query
    council = _own_council(submission, by)
    _locked(submission)
    _unchanged_since(submission, expected_version, "returned", "return it again")
    if submission.state != State.SUBMITTED:
        raise ValidationError("Only a submitted return can be returned.")
    if not query.strip():
        raise ValidationError({"query": "Say what the trust needs to look at."})
    AreaDecision.objects.create(
        submission=submission,
        council=council,
        decision=AreaDecision.Decision.RETURNED,
        query=query.strip(),
        by=by,
    )
    row_key, row_label = row or ("", "")
    thread = Query(
        submission=submission,
        council=council,
        row_key=row_key,
        row_label=row_label,
        text=query.strip(),
        raised_by=by,
    )
    thread.full_clean()
    thread.save()
    email = partial(notifications.returned, query=thread)
    _enter(submission, State.RETURNED, by, note=query.strip(), email=email)
    return thread


@transaction.atomic
def query_answer(*, query: Query, by, text: str) -> Answer:
    """The trust's answer to a query still open; the officers of its council are told."""
    submission = query.submission
    require(by, Action.EDIT, Kind.QUERY, submission.arrangement)
    if query.state == Query.State.CLOSED:
        raise ValidationError("This query is closed; it takes no more answers.")
    if not text.strip():
        raise ValidationError({"text": "Enter your answer to the query."})
    answer = Answer(query=query, text=text.strip(), by=by)
    answer.full_clean()
    answer.save()
    query.state = Query.State.ANSWERED
    query.save(update_fields=["state"])
    _event(submission, Event.Action.QUERY_ANSWERED, by, query.about)
    notifications.answered(answer)
    return answer


def _close(query: Query, by) -> None:
    query.state, query.closed_at = Query.State.CLOSED, timezone.now()
    query.save(update_fields=["state", "closed_at"])
    _event(query.submission, Event.Action.QUERY_CLOSED, by, query.about)


@transaction.atomic
def query_close(*, query: Query, by) -> None:
    """The officer accepts the trust's answer: the query is closed (their council's only)."""
    submission = query.submission
    require(by, Action.APPROVE, Kind.QUERY, submission.arrangement)
    if by.organisation_id != query.council_id:
        raise PermissionDenied("Only an officer of the council that raised it can close a query.")
    if query.state != Query.State.ANSWERED:
        raise ValidationError("Only an answered query can be closed.")
    _close(query, by)


@transaction.atomic
def submission_start_revision(*, approved, by, reason: str):
    """A correction of an approved return: a new draft revision; the approved one stays
    the one everybody sees until the correction is approved."""
    require(by, Action.EDIT, approved.permission_kind, approved.arrangement)
    if approved.state != State.APPROVED:
        raise ValidationError("Only the approved return can be corrected.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the approved return needs correcting."})
    model = type(approved)
    open_states = [State.DRAFT, State.SUBMITTED, State.RETURNED]
    if model.objects.filter(
        arrangement=approved.arrangement, period=approved.period, state__in=open_states
    ).exists():
        raise ValidationError("A correction of this month is already under way.")
    latest = model.objects.filter(arrangement=approved.arrangement, period=approved.period)
    revision = max(latest.values_list("revision", flat=True)) + 1
    new = model(
        arrangement=approved.arrangement,
        period=approved.period,
        revision=revision,
        revision_reason=reason.strip(),
        created_by=by,
    )
    new.full_clean()
    new.save()
    _event(new, Event.Action.REVISION_STARTED, by, reason.strip())
    return new


# --- A kind's services that are the shared life as it is -----------------------------------


def _the_return(object_name: str, given: dict):
    """The return a kind's service was given by the kind's keyword (``budget_return=``)."""
    if set(given) != {object_name}:
        raise TypeError(f"expected the keyword argument {object_name}=, not {sorted(given)}")
    return given[object_name]


def kind_submit(object_name: str, *, problems):
    """A kind's ``submit`` service: ``submission_submit_checked`` with the kind's
    ``problems``, taking the return by the kind's keyword as its other services do."""

    def submit(*, by, **given) -> None:
        submission = _the_return(object_name, given)
        submission_submit_checked(submission=submission, by=by, problems=problems)

    return submit


def kind_decisions(object_name: str, *, on_approved):
    """A kind's ``approve`` and ``send_back`` services, taking the return by the kind's
    keyword: approve the officer's own council's area, True when that completes the approval
    (then ``on_approved``, the kind's dashboards' recompute once it commits); send it back with
    the officer's query (about one of its rows, ``row=(key, words)``, if given)."""

    def approve(*, by, expected_version: int | None = None, **given) -> bool:
        submission = _the_return(object_name, given)
        return submission_approve(
            submission=submission,
            by=by,
            on_approved=on_approved,
            expected_version=expected_version,
        )

    def send_back(
        *, by, query: str, row: tuple[str, str] | None = None, expected_version=None, **given
    ) -> Query:
        submission = _the_return(object_name, given)
        return submission_return(
            submission=submission, by=by, query=query, row=row, expected_version=expected_version
        )

    return approve, send_back


def kind_correct(object_name: str, *, copy_figures):
    """A kind's ``correct`` service, taking the approved return by the kind's keyword: start
    a correction (``submission_start_revision``), a new draft revision holding a copy of the
    approved figures (``copy_figures(approved, new, by)``)."""

    @transaction.atomic
    def correct(*, by, reason: str, **given):
        approved = _the_return(object_name, given)
        new = submission_start_revision(approved=approved, by=by, reason=reason)
        copy_figures(approved, new, by)
        return new

    return correct
