"""Who may take each step of a return's life, for every kind, across the whole cast of the
test's own world: the trust's manager starts, enters, submits and corrects; each council's
officer approves or queries their own area; scrutiny members, the DfE observer and
administrators only read approved returns; an officer of another arrangement and a closed
account may do nothing. The rules are docs/permissions.md's, asked through
``trust_portal.accounts.permissions``, and every service applies them."""

import pytest
from django.core.exceptions import PermissionDenied

from trust_portal.accounts.permissions import Action, Kind, can, in_arrangement
from trust_portal.approvals import services
from trust_portal.approvals.models import State
from trust_portal.approvals.tests.conftest import MONTH

EVERYONE = [
    "manager",
    "officer",
    "other-officer",
    "scrutiny",
    "observer",
    "admin",
    "outsider",
    "other-manager",
    "unattached",
]
EVERYONE_AND_A_LEAVER = [*EVERYONE, "leaver", "anonymous"]
TRUST = ["manager"]
OFFICERS = ["officer", "other-officer"]


def others(allowed):
    return [who for who in EVERYONE_AND_A_LEAVER if who not in allowed]


# --- The rules, as permissions.py answers them for a return in this arrangement -------------


@pytest.mark.parametrize(
    "action, allowed",
    [
        (Action.EDIT, TRUST),
        (Action.SUBMIT, TRUST),
        (Action.APPROVE, OFFICERS),
        (
            Action.VIEW_APPROVED,
            ["manager", "officer", "other-officer", "scrutiny", "observer", "admin"],
        ),
    ],
)
def test_permissions_answer_who_may_act_on_a_return(people, arrangement, action, allowed):
    answers = {who: can(people[who], action, Kind.RETURN, arrangement) for who in people}
    assert answers == {who: who in allowed for who in people}


def test_a_draft_is_for_the_trust_alone_and_a_submitted_one_for_its_officers_too(
    people, arrangement
):
    def sees(submitted):
        return sorted(
            who
            for who in people
            if can(people[who], Action.VIEW_DRAFT, Kind.RETURN, arrangement, submitted=submitted)
        )

    assert sees(submitted=False) == ["manager"]
    assert sees(submitted=True) == ["manager", "officer", "other-officer"]


@pytest.mark.parametrize("who", ["outsider", "other-manager", "unattached", "leaver", "anonymous"])
def test_people_of_another_arrangement_and_closed_accounts_are_not_part_of_it(
    people, arrangement, who
):
    assert not in_arrangement(people[who], arrangement)


def test_the_observer_sees_the_arrangement_they_were_granted(people, arrangement):
    assert in_arrangement(people["observer"], arrangement)


# --- Every service applies them --------------------------------------------------------------


@pytest.mark.parametrize("who", others(TRUST))
def test_only_the_trusts_manager_starts_a_return(kind, world, people, who):
    with pytest.raises(PermissionDenied):
        services.submission_create(
            model=kind.model, by=people[who], arrangement=world.arrangement, period=MONTH
        )


@pytest.mark.parametrize("who", others(TRUST))
def test_only_the_trusts_manager_enters_figures(people, draft, who):
    with pytest.raises(PermissionDenied):
        services.submission_record_change(
            submission=draft, by=people[who], expected_version=draft.lock_version
        )


@pytest.mark.parametrize("who", others(TRUST))
def test_only_the_trusts_manager_enters_figures_through_the_kinds_own_save(
    kind, people, draft, who
):
    with pytest.raises(PermissionDenied):
        kind.fill(draft, people[who])


@pytest.mark.parametrize("who", others(TRUST))
def test_only_the_trusts_manager_submits(kind, world, people, draft, who):
    kind.fill(draft, world.manager)
    draft.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.submission_submit(submission=draft, by=people[who])
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


@pytest.mark.parametrize("who", others(OFFICERS))
def test_only_the_councils_officers_approve(people, submitted, who):
    with pytest.raises(PermissionDenied):
        services.submission_approve_area(submission=submitted, by=people[who])
    assert not submitted.decisions.exists()


@pytest.mark.parametrize("who", others(OFFICERS))
def test_only_the_councils_officers_return_with_a_query(people, submitted, who):
    with pytest.raises(PermissionDenied):
        services.submission_return(submission=submitted, by=people[who], query="Why?")
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


@pytest.mark.parametrize("who", others(TRUST))
def test_only_the_trusts_manager_corrects_an_approved_return(people, approved, who):
    with pytest.raises(PermissionDenied):
        services.submission_start_revision(approved=approved, by=people[who], reason="Because")


def test_an_officer_decides_only_on_their_own_councils_area(world, submitted):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    decision = submitted.decisions.get()
    assert decision.council == world.officers[0].organisation


def test_an_officer_of_a_council_outside_the_arrangement_cannot_decide_on_an_area(world, submitted):
    with pytest.raises(PermissionDenied):
        services.submission_approve_area(submission=submitted, by=world.outsider)


# --- Which returns each person sees ----------------------------------------------------------


def visible(kind, people, submission):
    return sorted(
        who
        for who in people
        if kind.model.objects.visible_to(people[who]).filter(pk=submission.pk).exists()
    )


def test_a_draft_is_seen_by_the_trust_only(kind, people, draft):
    assert visible(kind, people, draft) == ["manager"]


def test_a_submitted_return_is_seen_by_the_trust_and_the_councils_officers(kind, people, submitted):
    assert visible(kind, people, submitted) == ["manager", "officer", "other-officer"]


def test_an_approved_return_is_seen_by_everyone_in_the_arrangement(kind, people, approved):
    assert visible(kind, people, approved) == [
        "admin",
        "manager",
        "observer",
        "officer",
        "other-officer",
        "scrutiny",
    ]


def test_an_open_correction_is_not_seen_by_those_who_read_only_approved_returns(
    kind, world, people, approved
):
    correction = services.submission_start_revision(
        approved=approved, by=world.manager, reason="A late-recorded visit"
    )
    for who in ["scrutiny", "observer", "admin"]:
        seen = kind.model.objects.visible_to(people[who]).filter(
            arrangement=world.arrangement, period=MONTH
        )
        assert list(seen) == [approved]
    assert visible(kind, people, correction) == ["manager"]
