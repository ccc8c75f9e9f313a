"""What every kind of return's table holds to, whatever writes it: one row per revision, at
most one open and one approved revision of a month, and which states are locked."""

import pytest
from django.db import IntegrityError, transaction

from trust_portal.approvals.models import State
from trust_portal.approvals.tests.conftest import MONTH


def make(kind, world, **fields):
    with transaction.atomic():
        return kind.model.objects.create(arrangement=world.arrangement, period=MONTH, **fields)


def test_a_revision_number_is_used_once_in_a_month(kind, world):
    make(kind, world, state=State.SUPERSEDED)
    with pytest.raises(IntegrityError):
        make(kind, world, state=State.SUPERSEDED)


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.RETURNED])
def test_a_month_has_at_most_one_open_revision(kind, world, state):
    make(kind, world, revision=1, state=State.DRAFT)
    with pytest.raises(IntegrityError):
        make(kind, world, revision=2, state=state)


def test_a_month_has_at_most_one_approved_revision(kind, world):
    make(kind, world, revision=1, state=State.APPROVED)
    with pytest.raises(IntegrityError):
        make(kind, world, revision=2, state=State.APPROVED)


def test_a_month_may_hold_an_approved_revision_an_open_one_and_any_number_replaced(kind, world):
    make(kind, world, revision=1, state=State.SUPERSEDED)
    make(kind, world, revision=2, state=State.SUPERSEDED)
    make(kind, world, revision=3, state=State.APPROVED)
    make(kind, world, revision=4, state=State.DRAFT)
    assert kind.model.objects.filter(arrangement=world.arrangement, period=MONTH).count() == 4


@pytest.mark.parametrize(
    ("state", "locked"),
    [
        (State.DRAFT, False),
        (State.SUBMITTED, False),
        (State.RETURNED, False),
        (State.APPROVED, True),
        (State.SUPERSEDED, True),
    ],
)
def test_only_approved_and_replaced_revisions_are_locked(kind, state, locked):
    assert kind.model(state=state).is_locked is locked


def test_each_kind_is_governed_by_the_monthly_return_rules(kind):
    assert kind.model.permission_kind == "monthly return"


def test_each_kind_names_its_month_and_correction(kind, world):
    original = make(kind, world, revision=1, state=State.SUPERSEDED)
    correction = make(kind, world, revision=2, state=State.DRAFT)
    assert str(original).startswith(world.arrangement.code)
    assert "June 2025" in str(original) and "correction" not in str(original)
    assert str(correction).endswith("(correction 1)")
