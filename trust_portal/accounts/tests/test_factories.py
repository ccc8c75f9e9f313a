"""Every factory makes a row that passes its own model's checks (full_clean), so a test built
on factories starts from valid data."""

import pytest

from trust_portal.accounts.tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.OrganisationFactory,
    factories.CouncilFactory,
    factories.TrustFactory,
    factories.DepartmentFactory,
    factories.ArrangementFactory,
    factories.CommissionedArrangementFactory,
    factories.CommissionFactory,
    factories.UserFactory,
    factories.CouncilOfficerFactory,
    factories.ScrutinyMemberFactory,
    factories.TrustManagerFactory,
    factories.ObserverFactory,
    factories.AdministratorFactory,
    factories.ObserverGrantFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_the_factory_makes_a_valid_row(factory):
    factory().full_clean()


def test_a_world_has_a_trust_two_councils_and_someone_in_every_role(world):
    assert set(world.arrangement.councils.all()) == set(world.councils)
    assert sorted(world.people) == [
        "admin",
        "leaver",
        "manager",
        "observer",
        "officer",
        "other-manager",
        "other-officer",
        "outsider",
        "scrutiny",
        "unattached",
    ]
    for person in world.people.values():
        person.full_clean()


def test_two_worlds_share_nobody(world):
    from trust_portal.accounts.tests.factories import make_world

    other = make_world()
    assert other.arrangement != world.arrangement
    assert not set(other.people.values()) & set(world.people.values())
