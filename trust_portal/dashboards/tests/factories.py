"""Factories for snapshots, recompute runs and issued packs."""

import hashlib

import factory
from django.utils import timezone

from trust_portal.accounts.tests.factories import CommissionedArrangementFactory, UserFactory
from trust_portal.dashboards.models import IssuedPack, RecomputeRun, Snapshot


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    name = factory.Sequence(lambda n: f"dashboard-{n}")
    data = factory.LazyFunction(lambda: {"sections": []})
    computed_at = factory.LazyFunction(timezone.now)
    source = "approved returns"


class RecomputeRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecomputeRun

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    queued_at = factory.LazyFunction(timezone.now)


class IssuedPackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssuedPack

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    title = "Children's services performance"
    threshold = 5
    issued_by = factory.SubFactory(UserFactory)
    issued_at = factory.LazyFunction(timezone.now)
    data = factory.LazyFunction(lambda: {"sections": []})
    pdf = b"%PDF-1.7 test"
    sha256 = factory.LazyAttribute(lambda p: hashlib.sha256(p.pdf).hexdigest())
