"""Factories for organisations, arrangements and people, and ``World``: a small arrangement of
its own (a trust, two councils, someone in every role and an outsider) that tests build instead
of reading the demo data.

Codes and usernames come from sequences that cannot meet the demo's (``NCT``, ``wnc-officer``),
so a world can sit beside the demo cast in the same test database.
"""

from dataclasses import dataclass, fields
from datetime import timedelta

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from trust_portal.accounts.api_tokens import PREFIX_LENGTH, key_hash, new_key
from trust_portal.accounts.models import (
    ApiToken,
    Arrangement,
    Commission,
    ObserverGrant,
    Organisation,
    Role,
    User,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.code}")
    kind = Organisation.Kind.COUNCIL


class CouncilFactory(OrganisationFactory):
    code = factory.Sequence(lambda n: f"FC{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code} Council")
    kind = Organisation.Kind.COUNCIL


class TrustFactory(OrganisationFactory):
    code = factory.Sequence(lambda n: f"FT{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code} Children's Trust")
    kind = Organisation.Kind.TRUST


class DepartmentFactory(OrganisationFactory):
    code = factory.Sequence(lambda n: f"FD{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code} Department")
    kind = Organisation.Kind.DEPARTMENT


class ArrangementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Arrangement
        skip_postgeneration_save = True

    trust = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.TRUST)

    @factory.post_generation
    def councils(self, create, extracted, **kwargs):
        for council in extracted or ():
            Commission.objects.create(arrangement=self, council=council)


class CommissionedArrangementFactory(ArrangementFactory):
    """A trust and its councils: one council made for it unless ``councils`` are given."""

    trust = factory.SubFactory(TrustFactory)

    @factory.post_generation
    def councils(self, create, extracted, **kwargs):
        for council in [CouncilFactory()] if extracted is None else extracted:
            Commission.objects.create(arrangement=self, council=council)


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commission

    arrangement = factory.SubFactory(ArrangementFactory, trust=factory.SubFactory(TrustFactory))
    council = factory.SubFactory(CouncilFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COUNCIL_OFFICER
    password = factory.django.Password("a-long-test-password")


class CouncilOfficerFactory(UserFactory):
    organisation = factory.SubFactory(CouncilFactory)
    role = Role.COUNCIL_OFFICER


class ScrutinyMemberFactory(UserFactory):
    organisation = factory.SubFactory(CouncilFactory)
    role = Role.SCRUTINY_MEMBER


class TrustManagerFactory(UserFactory):
    organisation = factory.SubFactory(TrustFactory)
    role = Role.TRUST_MANAGER


class ObserverFactory(UserFactory):
    """A DfE observer; give them arrangements with ``ObserverGrantFactory``."""

    organisation = factory.SubFactory(DepartmentFactory)
    role = Role.DFE_OBSERVER


class AdministratorFactory(UserFactory):
    organisation = None
    role = Role.ADMINISTRATOR
    is_staff = True


class ObserverGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObserverGrant

    user = factory.SubFactory(ObserverFactory)
    arrangement = factory.SubFactory(CommissionedArrangementFactory)


@dataclass
class World:
    """One arrangement (a trust and two councils) and someone in every role.

    ``outsider`` is a council officer of another arrangement and ``other_manager`` that
    arrangement's trust manager (whose role may do what the trust's manager does, but not
    here); ``unattached`` an officer of a council that commissions no trust; ``leaver`` an
    officer of the first council whose account is closed.
    """

    arrangement: Arrangement
    trust: Organisation
    councils: list[Organisation]
    manager: User
    officers: list[User]
    scrutiny: User
    observer: User
    admin: User
    outsider: User
    other_manager: User
    unattached: User
    leaver: User

    @property
    def people(self) -> dict[str, User]:
        """{role-like name: user}, the way permission tests walk the cast."""
        return {
            "manager": self.manager,
            "officer": self.officers[0],
            "other-officer": self.officers[1],
            "scrutiny": self.scrutiny,
            "observer": self.observer,
            "admin": self.admin,
            "outsider": self.outsider,
            "other-manager": self.other_manager,
            "unattached": self.unattached,
            "leaver": self.leaver,
        }

    def refetched(self) -> "World":
        """The same world read afresh from the database: for a world built once and shared by
        several tests (``conftest.built_once``), so that what one test changed in memory does
        not reach the next."""
        values = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, list):
                values[field.name] = [_refetched(item) for item in value]
            else:
                values[field.name] = _refetched(value)
        return World(**values)


def _refetched(instance):
    return type(instance)._default_manager.get(pk=instance.pk)


def make_world() -> World:
    """Build a fresh world: nothing in it comes from the demo."""
    trust = TrustFactory()
    councils = [CouncilFactory(), CouncilFactory()]
    arrangement = ArrangementFactory(trust=trust, councils=councils)
    observer = ObserverFactory()
    ObserverGrantFactory(user=observer, arrangement=arrangement)
    elsewhere = CommissionedArrangementFactory()
    return World(
        arrangement=arrangement,
        trust=trust,
        councils=councils,
        manager=TrustManagerFactory(organisation=trust),
        officers=[CouncilOfficerFactory(organisation=council) for council in councils],
        scrutiny=ScrutinyMemberFactory(organisation=councils[0]),
        observer=observer,
        admin=AdministratorFactory(),
        outsider=CouncilOfficerFactory(organisation=elsewhere.councils.get()),
        other_manager=TrustManagerFactory(organisation=elsewhere.trust),
        unattached=CouncilOfficerFactory(),
        leaver=CouncilOfficerFactory(organisation=councils[0], is_active=False),
    )


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """An active API token; its key (kept only as a hash) is the instance's ``key``."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(CouncilOfficerFactory)
    name = factory.Sequence(lambda n: f"Test token {n}")
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(days=90))

    @classmethod
    def _create(cls, model_class, *args, key=None, **kwargs):
        key = key or new_key()
        token = model_class.objects.create(
            *args, key_hash=key_hash(key), prefix=key[:PREFIX_LENGTH], **kwargs
        )
        token.key = key
        return token


class ServiceAccountFactory(CouncilOfficerFactory):
    first_name = "Finance system"
    last_name = ""
    is_service_account = True
    password = factory.LazyFunction(lambda: make_password(None))
