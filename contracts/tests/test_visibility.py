"""Which contract years a person may see: one rule, ``ContractYear.objects.visible_to``, for the
pages and the API alike (tests/test_url_matrix.py checks both answer 404 for a hidden year)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from contracts.models import ContractYear
from trust_portal.accounts.models import Organisation, Role
from trust_portal.accounts.tests.factories import (
    ArrangementFactory,
    OrganisationFactory,
    UserFactory,
)

TRUST = Organisation.Kind.TRUST


@pytest.fixture
def council(db):
    return OrganisationFactory(code="QCC")


@pytest.fixture
def years(council):
    """Two arrangements, each with an agreed year (2023/24) and a draft one (2024/25)."""
    mine = ArrangementFactory(trust=OrganisationFactory(code="QCT", kind=TRUST), councils=[council])
    other = ArrangementFactory(
        trust=OrganisationFactory(code="QXT", kind=TRUST), councils=[OrganisationFactory()]
    )
    for arrangement in (mine, other):
        for year, state in ((2023, ContractYear.State.AGREED), (2024, ContractYear.State.DRAFT)):
            ContractYear.objects.create(arrangement=arrangement, financial_year=year, state=state)
    return ContractYear.objects.filter(arrangement__in=[mine, other])


def seen(years, user) -> set[tuple[str, int]]:
    return {
        (y.arrangement.trust.code, y.financial_year)
        for y in ContractYear.objects.visible_to(user).filter(pk__in=years)
    }


def test_a_council_officer_sees_the_agreed_and_draft_years_of_their_arrangements(years, council):
    officer = UserFactory(organisation=council, role=Role.COUNCIL_OFFICER)
    assert seen(years, officer) == {("QCT", 2023), ("QCT", 2024)}


def test_a_trust_manager_sees_the_agreed_years_only(years):
    manager = UserFactory(
        organisation=Organisation.objects.get(code="QCT"), role=Role.TRUST_MANAGER
    )
    assert seen(years, manager) == {("QCT", 2023)}


def test_a_dfe_observer_sees_the_agreed_years_of_the_arrangements_they_observe(years):
    observer = UserFactory(role=Role.DFE_OBSERVER, observes_all_arrangements=True)
    assert seen(years, observer) == {("QCT", 2023), ("QXT", 2023)}


def test_an_administrator_sees_every_year(years):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    assert seen(years, admin) == {("QCT", 2023), ("QCT", 2024), ("QXT", 2023), ("QXT", 2024)}


def test_a_scrutiny_member_may_not_see_contracts_so_sees_no_year(years, council):
    member = UserFactory(organisation=council, role=Role.SCRUTINY_MEMBER)
    assert seen(years, member) == set()


def test_an_outsider_a_leaver_and_someone_signed_out_see_no_year(years, council):
    outsider = UserFactory(role=Role.COUNCIL_OFFICER)
    leaver = UserFactory(organisation=council, role=Role.COUNCIL_OFFICER, is_active=False)
    for user in (outsider, leaver, AnonymousUser()):
        assert seen(years, user) == set()
