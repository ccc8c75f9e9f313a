"""Reserved matters: the register, the decision log and each council's own answer
(contracts/services/matters.py), in a world of the test's own built by factories (the root ``world``
fixture: a trust and two councils, someone in every role). The demo's own register is checked
in test_matters_demo.py."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contracts.models import Consent, ReservedDecision, ReservedMatter
from contracts.services import matters

CONSENT, REFUSE = Consent.Answer.CONSENT, Consent.Answer.REFUSE
DAY = date(2025, 1, 6)


@pytest.fixture
def matter(arrangement, people):
    return matters.matter_save(
        by=people["officer"],
        arrangement=arrangement,
        reason="Article 12 of the articles",
        reference="RM99",
        title="Selling the trust's head office",
        description="Any sale of land or buildings worth more than £500,000.",
    )


@pytest.fixture
def decision(matter, people):
    return matters.decision_record(
        by=people["other-officer"],
        matter=matter,
        title="Sale of the head office",
        description="Sale of One Angel Square.",
        requested_on=DAY,
    )


def answer(people, who, decision, reply=CONSENT, on=DAY, note=""):
    return matters.consent_record(
        by=people[who], decision=decision, answer=reply, decided_on=on, note=note
    )


def outcome_of(decision) -> str:
    """The outcome both ways: the model's rule and the list's annotation must agree."""
    annotated = matters.with_outcome(ReservedDecision.objects.filter(pk=decision.pk)).get()
    assert annotated.current_outcome == decision.outcome()
    return decision.outcome()


# --- The register ---------------------------------------------------------------------------


def test_a_council_officer_adds_a_matter_and_the_history_says_who_and_why(matter, people):
    record = matter.history.get()
    assert record.history_user == people["officer"]
    assert record.history_change_reason == "Article 12 of the articles"


def test_a_change_to_a_matter_keeps_the_old_words_and_the_reason(matter, arrangement, people):
    matters.matter_save(
        by=people["other-officer"],
        arrangement=arrangement,
        matter=matter,
        reason="The limit rose",
        reference="RM99",
        title=matter.title,
        description="Worth more than £750,000.",
    )
    newest, older = matter.history.order_by("-history_date")[:2]
    assert newest.description == "Worth more than £750,000."
    assert older.description == "Any sale of land or buildings worth more than £500,000."
    assert (newest.history_user, newest.history_change_reason) == (
        people["other-officer"],
        "The limit rose",
    )


def test_every_change_to_the_register_needs_a_reason(matter, arrangement, people):
    with pytest.raises(ValidationError) as error:
        matters.matter_save(
            by=people["officer"],
            arrangement=arrangement,
            matter=matter,
            reason=" ",
            reference="RM99",
            title="x",
            description="y",
        )
    assert "reason" in error.value.message_dict


@pytest.mark.parametrize("reference", ["", "RM", "add", "RM 4", "RM/4", "-4"])
def test_a_reference_is_a_number_as_the_articles_give_it(reference, arrangement, people):
    with pytest.raises(ValidationError) as error:
        matters.matter_save(
            by=people["officer"],
            arrangement=arrangement,
            reason="new",
            reference=reference,
            title="A matter",
            description="Words",
        )
    assert "reference" in error.value.message_dict


def test_a_reference_is_used_once_in_a_register(matter, arrangement, people):
    with pytest.raises(ValidationError, match="already has a matter rm99"):
        matters.matter_save(
            by=people["officer"],
            arrangement=arrangement,
            reason="again",
            reference="rm99",
            title="Twice",
            description="Words",
        )


def test_the_same_reference_may_be_used_in_another_arrangements_register(matter, people):
    elsewhere = people["other-manager"].organisation.arrangement_as_trust
    other = matters.matter_save(
        by=people["outsider"],
        arrangement=elsewhere,
        reason="Their own",
        reference="RM99",
        title="Theirs",
        description="Words",
    )
    assert other.arrangement == elsewhere


@pytest.mark.parametrize(
    "who", ["manager", "observer", "scrutiny", "admin", "outsider", "unattached"]
)
def test_only_the_owning_councils_officers_keep_the_register(who, arrangement, people):
    with pytest.raises(PermissionDenied):
        matters.matter_save(
            by=people[who],
            arrangement=arrangement,
            reason="r",
            reference="RM98",
            title="t",
            description="d",
        )
    assert not ReservedMatter.objects.filter(reference="RM98").exists()


# --- The decision log -----------------------------------------------------------------------


def test_a_logged_decision_awaits_every_council(decision, people):
    assert decision.recorded_by == people["other-officer"]
    assert outcome_of(decision) == "awaiting"


def test_a_decision_cannot_be_requested_in_the_future(matter, people):
    with pytest.raises(ValidationError) as error:
        matters.decision_record(
            by=people["officer"],
            matter=matter,
            title="t",
            description="d",
            requested_on=timezone.localdate() + timedelta(days=1),
        )
    assert "requested_on" in error.value.message_dict


@pytest.mark.parametrize("who", ["manager", "observer", "admin", "outsider"])
def test_only_the_councils_officers_log_decisions(who, matter, people):
    with pytest.raises(PermissionDenied):
        matters.decision_record(
            by=people[who], matter=matter, title="t", description="d", requested_on=DAY
        )


# --- Each council's answer and the outcome --------------------------------------------------


def test_an_officer_answers_for_their_own_council(decision, world, people):
    consent = answer(people, "other-officer", decision, note="Executive, minute 12")
    code = world.councils[1].code
    assert (consent.council.code, consent.recorded_by) == (code, people["other-officer"])
    assert consent.history.get().history_change_reason == f"{code} consented"


def test_one_consent_of_two_leaves_it_awaiting(decision, people):
    answer(people, "officer", decision)
    assert outcome_of(decision) == "awaiting"


def test_it_is_decided_when_every_owning_council_has_consented(decision, people):
    answer(people, "officer", decision)
    answer(people, "other-officer", decision)
    assert outcome_of(decision) == "decided"


def test_one_refusal_refuses_it_at_once(decision, people):
    answer(people, "other-officer", decision, REFUSE)
    assert outcome_of(decision) == "refused"
    answer(people, "officer", decision, CONSENT)
    assert outcome_of(decision) == "refused"


def test_a_council_answers_once(decision, world, people):
    answer(people, "officer", decision)
    code = world.councils[0].code
    with pytest.raises(ValidationError, match=f"{code}'s answer is recorded already"):
        answer(people, "officer", decision, REFUSE)
    assert decision.consents.get().answer == CONSENT


@pytest.mark.parametrize("who", ["manager", "observer", "admin", "scrutiny"])
def test_nobody_but_a_councils_officer_answers(who, decision, people):
    with pytest.raises(PermissionDenied):
        answer(people, who, decision)
    assert not decision.consents.exists()


def test_an_officer_of_another_arrangement_cannot_answer(decision, people):
    with pytest.raises(PermissionDenied):
        answer(people, "outsider", decision)


@pytest.mark.parametrize(
    ("day", "message"),
    [(DAY - timedelta(days=1), "cannot come before"), (None, "Enter the date")],
)
def test_the_councils_decision_date_is_checked(day, message, decision, people):
    with pytest.raises(ValidationError, match=message):
        answer(people, "officer", decision, on=day)


def test_a_decision_date_in_the_future_is_refused(decision, people):
    with pytest.raises(ValidationError, match="today or earlier"):
        answer(people, "officer", decision, on=timezone.localdate() + timedelta(days=1))


def test_an_answer_must_be_consent_or_refuse(decision, people):
    with pytest.raises(ValidationError, match="consented or refused"):
        answer(people, "officer", decision, reply="abstain")


# --- Corrections ----------------------------------------------------------------------------


def test_a_wrong_answer_is_corrected_with_a_reason_and_stays_in_the_history(
    decision, world, people
):
    answer(people, "other-officer", decision, REFUSE, note="minute 12")
    answer(people, "officer", decision)
    matters.consent_correct(
        by=people["other-officer"],
        decision=decision,
        answer=CONSENT,
        decided_on=DAY,
        note="minute 12",
        reason="Typed refuse by mistake",
    )
    assert outcome_of(decision) == "decided"
    newest, older = Consent.history.filter(
        council=world.councils[1], decision_id=decision.pk
    ).order_by("-history_date")
    assert (older.answer, newest.answer) == (REFUSE, CONSENT)
    assert newest.history_change_reason == "Corrected: Typed refuse by mistake"


def test_a_correction_needs_a_reason(decision, people):
    answer(people, "officer", decision)
    with pytest.raises(ValidationError) as error:
        matters.consent_correct(
            by=people["officer"],
            decision=decision,
            answer=REFUSE,
            decided_on=DAY,
            note="",
            reason="",
        )
    assert "reason" in error.value.message_dict


def test_an_officer_corrects_only_their_own_councils_answer(decision, world, people):
    answer(people, "officer", decision)
    with pytest.raises(ValidationError, match=f"{world.councils[1].code} has not answered yet"):
        matters.consent_correct(
            by=people["other-officer"],
            decision=decision,
            answer=REFUSE,
            decided_on=DAY,
            note="",
            reason="Wrong",
        )
    assert decision.consents.get().answer == CONSENT


def test_a_correction_that_changes_nothing_is_refused(decision, people):
    answer(people, "officer", decision, note="minute 3")
    with pytest.raises(ValidationError, match="Nothing changed"):
        matters.consent_correct(
            by=people["officer"],
            decision=decision,
            answer=CONSENT,
            decided_on=DAY,
            note="minute 3",
            reason="Again",
        )
