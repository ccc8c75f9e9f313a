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
from trust_portal.accounts.tests.factories import OrganisationFactory, UserFactory

EXPECTED_ARRANGEMENTS = {
    "wnc-officer": {"NCT"},
    "nnc-officer": {"NCT"},
    "nct-manager": {"NCT"},
    "dfe-observer": {"NCT"},
    "wnc-scrutiny": {"NCT"},
    "nnc-scrutiny": {"NCT"},
    "occ-officer": {"OCT"},
    "oct-manager": {"OCT"},
    "admin": {"NCT", "OCT"},
    "anonymous": set(),
    "outsider": set(),
    "leaver": set(),
}


@pytest.mark.parametrize(("who", "codes"), EXPECTED_ARRANGEMENTS.items())
def test_each_person_sees_only_their_arrangements(who, codes, cast):
    assert {a.code for a in arrangements_for(cast[who])} == codes


EXPECTED_ORGANISATIONS = {
    "wnc-officer": {"WNC", "NNC", "NCT"},
    "nct-manager": {"WNC", "NNC", "NCT"},
    "dfe-observer": {"WNC", "NNC", "NCT", "DFE"},
    "occ-officer": {"OCC", "OCT"},
    "outsider": {"XCC"},
    "anonymous": set(),
    "leaver": set(),
}


@pytest.mark.parametrize(("who", "codes"), EXPECTED_ORGANISATIONS.items())
def test_each_person_sees_only_the_parties_to_their_arrangements(who, codes, cast):
    assert {o.code for o in organisations_for(cast[who])} == codes


def test_an_observer_granted_all_sees_every_arrangement(cast):
    observer = UserFactory(
        role=Role.DFE_OBSERVER,
        organisation=cast["dfe-observer"].organisation,
        observes_all_arrangements=True,
    )
    assert set(arrangements_for(observer)) == set(Arrangement.objects.all())


def test_an_observer_with_an_empty_access_list_sees_nothing(cast):
    observer = UserFactory(
        role=Role.DFE_OBSERVER, organisation=OrganisationFactory(kind="department")
    )
    assert not arrangements_for(observer).exists()


def test_a_grant_adds_exactly_one_arrangement(cast):
    observer = cast["dfe-observer"]
    ObserverGrant.objects.create(
        user=observer, arrangement=Arrangement.objects.get(trust__code="OCT")
    )
    assert {a.code for a in arrangements_for(observer)} == {"NCT", "OCT"}


def test_can_checks_the_arrangement_as_well_as_the_role(cast):
    nct = Arrangement.objects.get(trust__code="NCT")
    oct_ = Arrangement.objects.get(trust__code="OCT")
    manager = cast["nct-manager"]
    assert can(manager, Action.EDIT, Kind.RETURN, nct)
    assert not can(manager, Action.EDIT, Kind.RETURN, oct_)
    assert not can(manager, Action.APPROVE, Kind.RETURN, nct)


def test_council_officers_see_drafts_only_once_submitted(cast):
    nct = Arrangement.objects.get(trust__code="NCT")
    officer = cast["wnc-officer"]
    assert not can(officer, Action.VIEW_DRAFT, Kind.RETURN, nct, submitted=False)
    assert can(officer, Action.VIEW_DRAFT, Kind.RETURN, nct, submitted=True)


def test_a_deactivated_account_can_do_nothing(cast):
    leaver = cast["leaver"]
    assert not any(can(leaver, action, kind) for action in Action for kind in Kind)


def test_require_raises_permission_denied(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        require(cast["dfe-observer"], Action.EDIT, Kind.RETURN)
