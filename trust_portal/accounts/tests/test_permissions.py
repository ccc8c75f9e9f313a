"""Who sees which arrangements and organisations, and what ``can`` allows, on the root
``world``: its arrangement (a trust and two councils), the outsider's arrangement elsewhere,
and someone in every role."""

import pytest

from trust_portal.accounts.models import Arrangement, ObserverGrant, Role
from trust_portal.accounts.permissions import (
    Action,
    Kind,
    arrangements_for,
    can,
    organisations_for,
    require,
)
from trust_portal.accounts.tests.factories import (
    OrganisationFactory,
    UserFactory,
)

# "ours": the world's arrangement; "elsewhere": the outsider's; "every": every arrangement
# in the database (the administrator's).
EXPECTED_ARRANGEMENTS = {
    "officer": {"ours"},
    "other-officer": {"ours"},
    "manager": {"ours"},
    "observer": {"ours"},
    "scrutiny": {"ours"},
    "other-scrutiny": {"ours"},
    "outsider": {"elsewhere"},
    "other-manager": {"elsewhere"},
    "admin": {"every"},
    "anonymous": set(),
    "unattached": set(),
    "leaver": set(),
}


@pytest.mark.parametrize(("who", "names"), EXPECTED_ARRANGEMENTS.items())
def test_each_person_sees_only_their_arrangements(who, names, world_cast, arrangement, elsewhere):
    every = {a.code for a in Arrangement.objects.all()}
    assert {arrangement.code, elsewhere.code} <= every
    named = {"ours": {arrangement.code}, "elsewhere": {elsewhere.code}, "every": every}
    codes = set().union(*(named[name] for name in names))
    assert {a.code for a in arrangements_for(world_cast[who])} == codes


# "trust", "councils": the world's arrangement's; "department": the observer's own
# organisation; "elsewhere": the outsider's arrangement's trust and council; "own": the
# person's own organisation (a council in no arrangement).
EXPECTED_ORGANISATIONS = {
    "officer": {"trust", "councils"},
    "manager": {"trust", "councils"},
    "observer": {"trust", "councils", "department"},
    "outsider": {"elsewhere"},
    "unattached": {"own"},
    "anonymous": set(),
    "leaver": set(),
}


@pytest.mark.parametrize(("who", "names"), EXPECTED_ORGANISATIONS.items())
def test_each_person_sees_only_the_parties_to_their_arrangements(
    who, names, world_cast, world, elsewhere
):
    named = {
        "trust": {world.trust.code},
        "councils": {c.code for c in world.councils},
        "department": {world.observer.organisation.code},
        "elsewhere": {o.code for o in elsewhere.organisations()},
        "own": {world_cast[who].organisation.code} if world_cast[who] else set(),
    }
    codes = set().union(*(named[name] for name in names))
    assert {o.code for o in organisations_for(world_cast[who])} == codes


def test_an_observer_granted_all_sees_every_arrangement(world_cast):
    observer = UserFactory(
        role=Role.DFE_OBSERVER,
        organisation=world_cast["observer"].organisation,
        observes_all_arrangements=True,
    )
    assert set(arrangements_for(observer)) == set(Arrangement.objects.all())


def test_an_observer_with_an_empty_access_list_sees_nothing(world_cast):
    observer = UserFactory(
        role=Role.DFE_OBSERVER, organisation=OrganisationFactory(kind="department")
    )
    assert not arrangements_for(observer).exists()


def test_a_grant_adds_exactly_one_arrangement(world_cast, arrangement, elsewhere):
    observer = world_cast["observer"]
    ObserverGrant.objects.create(user=observer, arrangement=elsewhere)
    assert {a.code for a in arrangements_for(observer)} == {arrangement.code, elsewhere.code}


def test_can_checks_the_arrangement_as_well_as_the_role(world_cast, arrangement, elsewhere):
    manager = world_cast["manager"]
    assert can(manager, Action.EDIT, Kind.RETURN, arrangement)
    assert not can(manager, Action.EDIT, Kind.RETURN, elsewhere)
    assert not can(manager, Action.APPROVE, Kind.RETURN, arrangement)


def test_council_officers_see_drafts_only_once_submitted(world_cast, arrangement):
    officer = world_cast["officer"]
    assert not can(officer, Action.VIEW_DRAFT, Kind.RETURN, arrangement, submitted=False)
    assert can(officer, Action.VIEW_DRAFT, Kind.RETURN, arrangement, submitted=True)


def test_a_deactivated_account_can_do_nothing(world_cast):
    leaver = world_cast["leaver"]
    assert not any(can(leaver, action, kind) for action in Action for kind in Kind)


def test_require_raises_permission_denied(world_cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        require(world_cast["observer"], Action.EDIT, Kind.RETURN)
