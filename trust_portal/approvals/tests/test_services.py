"""The life of a return, once for every kind: draft → submitted → approved per council area, or
→ returned with a query → resubmitted; approvals withdrawn by a change; an approved return
locked; corrections by revision; two people saving the same draft; the history it leaves."""

import pytest
from django.core.exceptions import ValidationError

from trust_portal.approvals import services
from trust_portal.approvals.models import AreaDecision, Event, State
from trust_portal.approvals.services import ConcurrentChange
from trust_portal.approvals.tests.conftest import MONTH, approve_every_area, start, submit


def actions(submission) -> list[str]:
    return list(submission.events.order_by("at", "pk").values_list("action", flat=True))


# --- Starting --------------------------------------------------------------------------------


def test_a_return_starts_as_a_draft_of_revision_one(world, draft):
    assert draft.state == State.DRAFT
    assert draft.revision == 1
    assert draft.lock_version == 1
    assert draft.created_by == world.manager


def test_a_month_has_one_return(kind, world, draft):
    with pytest.raises(ValidationError, match="already has a return"):
        start(kind, world)


def test_another_month_has_a_return_of_its_own(kind, world, draft):
    july = start(kind, world, month=MONTH.replace(month=7))
    assert july.state == State.DRAFT


# --- Submitting ------------------------------------------------------------------------------


def test_submitting_a_draft_makes_it_submitted(submitted):
    assert submitted.state == State.SUBMITTED
    assert submitted.submitted_at is not None


def test_a_submitted_return_cannot_be_submitted_again(world, submitted):
    with pytest.raises(ValidationError, match="Only a draft or returned return"):
        services.submission_submit(submission=submitted, by=world.manager)


def test_a_submitted_return_stays_editable(submitted):
    assert not submitted.is_locked


# --- Approval, council by council ------------------------------------------------------------


def test_one_councils_approval_approves_only_its_area(world, submitted):
    done = services.submission_approve_area(submission=submitted, by=world.officers[0])
    submitted.refresh_from_db()
    assert done is False
    assert submitted.state == State.SUBMITTED
    decision = submitted.current_decisions().get()
    assert (decision.council, decision.decision) == (world.councils[0], "approved")


def test_the_return_is_approved_when_every_council_has_approved(world, submitted):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    done = services.submission_approve_area(submission=submitted, by=world.officers[1])
    submitted.refresh_from_db()
    assert done is True
    assert submitted.state == State.APPROVED
    assert submitted.approved_at is not None
    assert {d.council for d in submitted.current_decisions()} == set(world.councils)


def test_the_councils_may_approve_in_either_order(world, submitted):
    services.submission_approve_area(submission=submitted, by=world.officers[1])
    assert services.submission_approve_area(submission=submitted, by=world.officers[0])


def test_an_officer_cannot_approve_their_area_twice(world, submitted):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    with pytest.raises(ValidationError, match="already decided"):
        services.submission_approve_area(submission=submitted, by=world.officers[0])


def test_a_draft_cannot_be_approved(world, draft):
    with pytest.raises(ValidationError, match="Only a submitted return"):
        services.submission_approve_area(submission=draft, by=world.officers[0])


def test_an_approved_return_cannot_be_approved_again(world, approved):
    with pytest.raises(ValidationError, match="Only a submitted return"):
        services.submission_approve_area(submission=approved, by=world.officers[0])


# --- Returned with a query, and resubmitted --------------------------------------------------


def test_returning_with_a_query_sends_the_return_back_to_the_trust(world, submitted):
    services.submission_return(
        submission=submitted, by=world.officers[1], query="  Why did caseloads rise?  "
    )
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED
    decision = submitted.current_decisions().get()
    assert decision.council == world.councils[1]
    assert decision.decision == AreaDecision.Decision.RETURNED
    assert decision.query == "Why did caseloads rise?"


def test_a_query_must_say_something(world, submitted):
    with pytest.raises(ValidationError, match="Say what the trust needs to look at"):
        services.submission_return(submission=submitted, by=world.officers[0], query="   ")


def test_a_draft_cannot_be_returned(world, draft):
    with pytest.raises(ValidationError, match="Only a submitted return can be returned"):
        services.submission_return(submission=draft, by=world.officers[0], query="Why?")


def test_a_returned_return_can_be_changed_and_submitted_again(kind, world, submitted):
    services.submission_return(submission=submitted, by=world.officers[0], query="Why?")
    kind.change(submitted, world.manager)
    submitted.refresh_from_db()
    services.submission_submit(submission=submitted, by=world.manager)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_resubmission_clears_every_earlier_decision(world, submitted):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    services.submission_return(submission=submitted, by=world.officers[1], query="Why?")
    services.submission_submit(submission=submitted, by=world.manager)
    assert not submitted.current_decisions().exists()
    assert submitted.decisions.filter(withdrawn_at__isnull=False).count() == 2


def test_after_resubmission_every_council_approves_again(world, submitted):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    services.submission_return(submission=submitted, by=world.officers[1], query="Why?")
    services.submission_submit(submission=submitted, by=world.manager)
    assert services.submission_approve_area(submission=submitted, by=world.officers[1]) is False
    assert services.submission_approve_area(submission=submitted, by=world.officers[0]) is True


# --- A change after submission withdraws the approvals ---------------------------------------


def test_a_change_after_submission_withdraws_every_approval(kind, world, submitted):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    kind.change(submitted, world.manager)
    assert not submitted.current_decisions().exists()
    assert submitted.decisions.get().withdrawn_at is not None


def test_after_a_withdrawal_the_other_councils_approval_does_not_complete_it(
    kind, world, submitted
):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    kind.change(submitted, world.manager)
    assert services.submission_approve_area(submission=submitted, by=world.officers[1]) is False
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_a_change_after_submission_keeps_the_return_submitted(kind, world, submitted):
    kind.change(submitted, world.manager)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_a_change_to_a_draft_withdraws_nothing(kind, world, draft):
    kind.fill(draft, world.manager)
    kind.change(draft, world.manager)
    assert Event.Action.APPROVALS_WITHDRAWN not in actions(draft)


# --- Locking ---------------------------------------------------------------------------------


def test_an_approved_return_is_locked(approved):
    assert approved.is_locked


def test_an_approved_returns_figures_cannot_be_changed(kind, world, approved):
    with pytest.raises(ValidationError, match="locked"):
        kind.change(approved, world.manager)


def test_the_shared_service_refuses_a_change_to_an_approved_return(world, approved):
    with pytest.raises(ValidationError, match="approved and locked"):
        services.submission_record_change(
            submission=approved, by=world.manager, expected_version=approved.lock_version
        )


def test_an_approved_return_cannot_be_submitted_or_returned(world, approved):
    with pytest.raises(ValidationError):
        services.submission_submit(submission=approved, by=world.manager)
    with pytest.raises(ValidationError):
        services.submission_return(submission=approved, by=world.officers[0], query="Why?")


# --- Corrections -----------------------------------------------------------------------------


def correct(world, approved, reason="A late-recorded visit"):
    return services.submission_start_revision(approved=approved, by=world.manager, reason=reason)


def test_a_correction_is_a_new_draft_revision_with_its_reason(world, approved):
    correction = correct(world, approved, reason="  A late-recorded visit  ")
    assert correction.pk != approved.pk
    assert (correction.state, correction.revision) == (State.DRAFT, 2)
    assert correction.revision_reason == "A late-recorded visit"
    assert (correction.arrangement, correction.period) == (approved.arrangement, approved.period)


def test_the_approved_return_stays_approved_while_its_correction_is_open(kind, world, approved):
    correction = correct(world, approved)
    submit(kind, world, correction)
    approved.refresh_from_db()
    assert approved.state == State.APPROVED
    current = kind.model.objects.get(
        arrangement=world.arrangement, period=MONTH, state=State.APPROVED
    )
    assert current == approved


def test_an_approved_correction_replaces_the_approved_return(kind, world, approved):
    correction = approve_every_area(world, submit(kind, world, correct(world, approved)))
    approved.refresh_from_db()
    assert correction.state == State.APPROVED
    assert approved.state == State.SUPERSEDED
    current = kind.model.objects.get(arrangement=world.arrangement, period=MONTH, state="approved")
    assert current == correction


def test_a_correction_needs_a_reason(world, approved):
    with pytest.raises(ValidationError, match="Say why"):
        correct(world, approved, reason="   ")


def test_only_the_approved_return_can_be_corrected(world, submitted):
    with pytest.raises(ValidationError, match="Only the approved return"):
        correct(world, submitted)


def test_a_month_has_one_correction_under_way_at_a_time(world, approved):
    correct(world, approved)
    with pytest.raises(ValidationError, match="already under way"):
        correct(world, approved)


def test_a_correction_of_a_correction_is_the_next_revision(kind, world, approved):
    second = approve_every_area(world, submit(kind, world, correct(world, approved)))
    third = correct(world, second)
    assert third.revision == 3


# --- Two people saving the same draft --------------------------------------------------------


def test_each_save_moves_the_version_on(kind, world, draft):
    kind.fill(draft, world.manager)
    draft.refresh_from_db()
    assert draft.lock_version == 2


def test_a_save_from_a_stale_version_is_refused(kind, world, draft):
    stale = draft.lock_version
    kind.fill(draft, world.manager)
    with pytest.raises(ConcurrentChange, match="Someone else saved this return"):
        kind.save(draft, world.manager, expected_version=stale, changed=True)


def test_a_refused_stale_save_changes_nothing(kind, world, draft):
    stale = draft.lock_version
    kind.fill(draft, world.manager)
    draft.refresh_from_db()
    saved = (draft.lock_version, draft.events.count())
    with pytest.raises(ConcurrentChange):
        services.submission_record_change(
            submission=draft, by=world.manager, expected_version=stale
        )
    draft.refresh_from_db()
    assert (draft.lock_version, draft.events.count()) == saved


def test_a_concurrent_change_is_a_validation_error(kind, world, draft):
    with pytest.raises(ValidationError):
        services.submission_record_change(
            submission=draft, by=world.manager, expected_version=draft.lock_version + 1
        )


def test_an_approval_of_figures_changed_since_the_officer_looked_is_refused(kind, world, submitted):
    looked_at = submitted.lock_version
    kind.change(submitted, world.manager)
    with pytest.raises(ConcurrentChange, match="Someone changed the figures after you opened"):
        services.submission_approve_area(
            submission=submitted, by=world.officers[0], expected_version=looked_at
        )
    assert not submitted.current_decisions().exists()


def test_an_approval_of_the_figures_the_officer_looked_at_goes_through(world, submitted):
    done = services.submission_approve_area(
        submission=submitted, by=world.officers[0], expected_version=submitted.lock_version
    )
    assert done is False
    assert submitted.current_decisions().get().council == world.councils[0]


def test_a_save_on_a_copy_loaded_before_the_approval_is_refused(kind, world, submitted):
    # The manager's page was loaded while the return was submitted; the councils approved it
    # before the save: the save reads the state afresh and is told the return is locked.
    loaded_before = type(submitted).objects.get(pk=submitted.pk)
    approve_every_area(world, submitted)
    with pytest.raises(ValidationError, match="approved and locked"):
        services.submission_record_change(
            submission=loaded_before,
            by=world.manager,
            expected_version=loaded_before.lock_version,
        )


# --- The history -----------------------------------------------------------------------------


def test_the_history_records_each_step_and_who_took_it(world, approved):
    events = list(approved.events.order_by("at", "pk"))
    assert [(e.action, e.by) for e in events] == [
        (Event.Action.CREATED, world.manager),
        (Event.Action.SAVED, world.manager),
        (Event.Action.SUBMITTED, world.manager),
        (Event.Action.AREA_APPROVED, world.officers[0]),
        (Event.Action.AREA_APPROVED, world.officers[1]),
        (Event.Action.APPROVED, world.officers[1]),
    ]


def test_each_area_approval_names_its_council(world, approved):
    notes = approved.events.filter(action=Event.Action.AREA_APPROVED).values_list("note", flat=True)
    assert list(notes) == [c.code for c in world.councils]


def test_a_return_with_a_query_records_the_query(world, submitted):
    services.submission_return(submission=submitted, by=world.officers[0], query="Why?")
    event = submitted.events.get(action=Event.Action.RETURNED)
    assert (event.by, event.note) == (world.officers[0], "Why?")


def test_a_withdrawal_records_how_many_approvals_it_took_back(kind, world, submitted):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    kind.change(submitted, world.manager)
    event = submitted.events.get(action=Event.Action.APPROVALS_WITHDRAWN)
    assert (event.by, event.note) == (world.manager, "1 withdrawn")


def test_resubmission_after_a_query_records_the_withdrawn_decision(world, submitted):
    services.submission_return(submission=submitted, by=world.officers[0], query="Why?")
    services.submission_submit(submission=submitted, by=world.manager)
    assert actions(submitted)[-2:] == [Event.Action.APPROVALS_WITHDRAWN, Event.Action.SUBMITTED]


def test_a_correction_records_its_reason_and_the_replaced_revision_says_so(kind, world, approved):
    correction = correct(world, approved, reason="A late-recorded visit")
    assert correction.events.get(action=Event.Action.REVISION_STARTED).note == (
        "A late-recorded visit"
    )
    approve_every_area(world, submit(kind, world, correction))
    superseded = approved.events.get(action=Event.Action.SUPERSEDED)
    assert superseded.note == "by revision 2"


def test_a_saves_note_is_kept_in_the_history(world, draft):
    services.submission_record_change(
        submission=draft, by=world.manager, expected_version=draft.lock_version, note="Placements"
    )
    assert draft.events.get(action=Event.Action.SAVED).note == "Placements"
