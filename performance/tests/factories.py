"""Factories for the indicator catalogue, the arrangements' performance settings and targets,
monthly returns and what they hold."""

from datetime import date
from decimal import Decimal

import factory

from performance.models import (
    Benchmark,
    Commentary,
    ExtractUpload,
    Indicator,
    IndicatorDefinition,
    Measurement,
    MonthlyReturn,
    PerformanceSettings,
    Target,
)
from trust_portal.accounts.tests.factories import CommissionedArrangementFactory, UserFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A percentage where higher is better, entered in the performance return."""

    class Meta:
        model = Indicator
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"TEST_INDICATOR_{n}")
    name = factory.LazyAttribute(lambda i: f"Test indicator {i.code}")
    domain = Indicator.Domain.CHILD_IN_NEED
    unit = Indicator.Unit.PERCENTAGE
    polarity = Indicator.Polarity.HIGHER
    display_order = factory.Sequence(lambda n: 1000 + n)


class IndicatorDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorDefinition

    indicator = factory.SubFactory(IndicatorFactory)
    version = 1
    valid_from = date(2024, 4, 1)
    definition = "Children seen in time, of those due a visit."
    why_it_matters = "A child not seen may not be safe."
    numerator_words = "seen in time"
    denominator_words = "due a visit"
    reviewed_by = "The performance team"
    reviewed_on = date(2024, 3, 1)
    change_reason = "First version."


class PerformanceSettingsFactory(factory.django.DjangoModelFactory):
    """An arrangement's rules from a month (the defaults, from April 2024 unless given): the
    first an arrangement has is in force from the beginning."""

    class Meta:
        model = PerformanceSettings
        django_get_or_create = ["arrangement", "valid_from"]

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    valid_from = date(2024, 4, 1)
    reason = "Agreed at the performance board."


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    financial_year = 2024
    valid_from = factory.LazyAttribute(lambda t: date(t.financial_year, 4, 1))
    target = Decimal("80.00")
    tolerance = Decimal("5.00")
    reason = "Agreed at the annual review."


class MonthlyReturnFactory(factory.django.DjangoModelFactory):
    """A draft; pass ``state`` (and ``submitted_at``, ``approved_at``) for another state."""

    class Meta:
        model = MonthlyReturn

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    period = date(2025, 6, 1)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    monthly_return = factory.SubFactory(MonthlyReturnFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    area = factory.LazyAttribute(lambda m: m.monthly_return.arrangement.councils.first().code)
    numerator = 8
    denominator = 10


class CommentaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commentary

    monthly_return = factory.SubFactory(MonthlyReturnFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    text = "Two social workers left in the month."


class ExtractUploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExtractUpload

    monthly_return = factory.SubFactory(MonthlyReturnFactory)
    as_at = factory.LazyAttribute(lambda u: u.monthly_return.period)
    filename = "extract.csv"
    sha256 = "0" * 64
    size = 1024
    based_on_version = 1
    uploaded_by = factory.SubFactory(UserFactory)


class BenchmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benchmark

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    financial_year = 2024
    kind = Benchmark.Kind.ENGLAND
    value = Decimal("75.50")
    source = "DfE, Characteristics of children in need, table C1"
