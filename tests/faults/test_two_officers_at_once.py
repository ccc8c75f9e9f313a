"""Two people acting on the same return at once, on two real database connections: one wins,
the other is told, and the figures and approvals end as one of them left them, never a mix.

Each racer runs in a thread of its own (its own PostgreSQL connection) and is held, at its
first event in the history (inside its transaction, after its row lock), until the other has
got there too or is waiting on that lock (``Race``): the overlap happens on every run."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts.models import BudgetReturn
from trust_portal.accounts.tests.factories import (
    CouncilOfficerFactory,
    TrustManagerFactory,
    make_world,
)
from trust_portal.approvals import services
from trust_portal.approvals.models import State
from trust_portal.approvals.services import ConcurrentChange
from trust_portal.approvals.tests.conftest import KINDS, start, submit

BUDGET = next(kind for kind in KINDS if kind.model is BudgetReturn)


@pytest.fixture
def submitted(transactional_db):
    """A submitted budget return in a factory-built world, committed (the racers' connections
    must see it): {world, submission}."""
    world = make_world()
    submission = submit(BUDGET, world, start(BUDGET, world))
    return world, submission


@pytest.fixture
def held(race, monkeypatch):
    """Hold each racer at its first event in the history."""
    record = services._event

    def held_event(*args, **kwargs):
        event = record(*args, **kwargs)
        race.point()
        return event

    monkeypatch.setattr(services, "_event", held_event)
    return race


def fresh(submission):
    return BudgetReturn.objects.get(pk=submission.pk)


def actuals(submission) -> set[Decimal]:
    return set(fresh(submission).lines.values_list("actual_to_date", flat=True))


def approve(submission, officer, version=None):
    return lambda: services.submission_approve_area(
        submission=fresh(submission), by=officer, expected_version=version
    )


def edit(submission, manager, version, *, changed=True):
    return lambda: BUDGET.save(
        fresh(submission), manager, expected_version=version, changed=changed
    )


def messages(outcome) -> str:
    assert isinstance(outcome, ValidationError), outcome
    return " ".join(outcome.messages)


def test_two_councils_approving_at_once_approve_the_return(submitted, held):
    world, submission = submitted

    outcomes = held.run(
        approve(submission, world.officers[0]), approve(submission, world.officers[1])
    )

    # Neither refused; the one that came second saw the first's approval and completed it.
    assert sorted(outcomes) == [False, True]
    after = fresh(submission)
    assert after.state == State.APPROVED
    assert {d.council for d in after.current_decisions()} == set(world.councils)


def test_two_officers_of_one_council_approving_at_once_one_is_told(submitted, held):
    world, submission = submitted
    colleague = CouncilOfficerFactory(organisation=world.councils[0])

    outcomes = held.run(approve(submission, world.officers[0]), approve(submission, colleague))

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1
    assert messages(refused[0]) == f"{world.councils[0].name} has already decided on this return."
    after = fresh(submission)
    assert after.state == State.SUBMITTED
    assert after.current_decisions().count() == 1


def test_two_managers_saving_at_once_one_is_told_and_the_others_figures_stand(submitted, held):
    world, submission = submitted
    other = TrustManagerFactory(organisation=world.trust)
    version = submission.lock_version

    outcomes = held.run(
        edit(submission, world.manager, version, changed=True),
        edit(submission, other, version, changed=True),
    )

    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], ConcurrentChange)
    assert messages(refused[0]).startswith("Someone else saved this return after you opened it")
    after = fresh(submission)
    assert after.lock_version == version + 1
    assert actuals(submission) == {Decimal("600.00")}


def test_an_edit_and_the_completing_approval_at_once_one_wins_and_the_other_is_told(
    submitted, held
):
    world, submission = submitted
    services.submission_approve_area(submission=fresh(submission), by=world.officers[0])
    version = fresh(submission).lock_version

    outcomes = held.run(
        edit(submission, world.manager, version), approve(submission, world.officers[1], version)
    )

    edited, approved = outcomes
    after = fresh(submission)
    if approved is True:  # the approval won: the save is told the return is locked
        assert "approved and locked" in messages(edited)
        assert after.state == State.APPROVED
        assert actuals(submission) == {Decimal("500.00")}
        assert {d.council for d in after.current_decisions()} == set(world.councils)
    else:  # the save won: the approval of figures the officer had not seen is refused
        assert edited is None
        assert isinstance(approved, ConcurrentChange)
        assert messages(approved).startswith("Someone changed the figures after you opened")
        assert after.state == State.SUBMITTED
        assert actuals(submission) == {Decimal("600.00")}
        assert not after.current_decisions().exists()  # the first council's was withdrawn
