import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from trust_portal.accounts.models import Commission, Organisation, Role, User
from trust_portal.accounts.tests.factories import (
    ArrangementFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_an_arrangement_is_named_by_its_trusts_code():
    arrangement = ArrangementFactory(trust__code="SCT")
    assert arrangement.code == "SCT"


def test_an_arrangement_can_have_any_number_of_councils():
    councils = [OrganisationFactory() for _ in range(3)]
    arrangement = ArrangementFactory(councils=councils)
    assert set(arrangement.councils.all()) == set(councils)


def test_a_council_commissions_at_most_one_trust():
    council = OrganisationFactory()
    ArrangementFactory(councils=[council])
    with pytest.raises(IntegrityError):
        ArrangementFactory(councils=[council])


def test_only_a_trust_can_be_at_the_centre_of_an_arrangement():
    arrangement = ArrangementFactory.build(trust=OrganisationFactory(kind="council"))
    with pytest.raises(ValidationError, match="must be a trust"):
        arrangement.full_clean()


def test_only_a_council_can_commission():
    arrangement = ArrangementFactory()
    commission = Commission(arrangement=arrangement, council=OrganisationFactory(kind="trust"))
    with pytest.raises(ValidationError, match="Only a council"):
        commission.full_clean()


@pytest.mark.parametrize(
    ("role", "kind", "ok"),
    [
        (Role.COUNCIL_OFFICER, "council", True),
        (Role.COUNCIL_OFFICER, "trust", False),
        (Role.SCRUTINY_MEMBER, "council", True),
        (Role.SCRUTINY_MEMBER, "department", False),
        (Role.TRUST_MANAGER, "trust", True),
        (Role.TRUST_MANAGER, "council", False),
        (Role.DFE_OBSERVER, "department", True),
        (Role.DFE_OBSERVER, "council", False),
        (Role.ADMINISTRATOR, "council", True),
    ],
)
def test_a_role_belongs_to_the_right_kind_of_organisation(role, kind, ok):
    user = UserFactory.build(role=role, organisation=OrganisationFactory(kind=kind))
    if ok:
        user.full_clean(exclude=["password"])
    else:
        with pytest.raises(ValidationError, match="must belong to a"):
            user.full_clean(exclude=["password"])


def test_only_administrators_may_belong_to_no_organisation():
    UserFactory.build(role=Role.ADMINISTRATOR, organisation=None).full_clean()
    with pytest.raises(ValidationError, match="Choose the organisation"):
        UserFactory.build(role=Role.TRUST_MANAGER, organisation=None).full_clean()


def test_the_database_refuses_a_user_without_organisation_unless_administrator():
    with pytest.raises(IntegrityError):
        User.objects.create(username="x", role=Role.COUNCIL_OFFICER, organisation=None)


def test_only_observers_can_see_every_arrangement():
    user = UserFactory.build(
        role=Role.COUNCIL_OFFICER,
        organisation=OrganisationFactory(),
        observes_all_arrangements=True,
    )
    with pytest.raises(ValidationError, match="Only DfE observers"):
        user.full_clean()


def test_organisation_codes_are_short_capitals():
    with pytest.raises(ValidationError, match="capital letters"):
        Organisation(code="nnc", name="x", kind="council").full_clean()


def test_createsuperuser_makes_a_platform_administrator():
    user = User.objects.create_superuser("root-admin", "root@example.org", "a-long-password-1")
    assert user.role == Role.ADMINISTRATOR
    assert user.organisation is None


@pytest.mark.parametrize(
    ("role", "words"),
    [
        (Role.ADMINISTRATOR, "an administrator"),
        (Role.DFE_OBSERVER, "a DfE observer"),
        (Role.COUNCIL_OFFICER, "a council officer"),
        (Role.TRUST_MANAGER, "a trust manager"),
        (Role.SCRUTINY_MEMBER, "a scrutiny member"),
    ],
)
def test_a_role_reads_naturally_in_a_sentence(role, words):
    assert User(role=role).role_in_a_sentence == words
