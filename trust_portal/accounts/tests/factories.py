import factory

from trust_portal.accounts.models import Arrangement, Commission, Organisation, Role, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.LazyAttribute(lambda o: f"Organisation {o.code}")
    kind = Organisation.Kind.COUNCIL


class ArrangementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Arrangement
        skip_postgeneration_save = True

    trust = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.TRUST)

    @factory.post_generation
    def councils(self, create, extracted, **kwargs):
        for council in extracted or ():
            Commission.objects.create(arrangement=self, council=council)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COUNCIL_OFFICER
    password = factory.django.Password("a-long-test-password")
