"""Every factory makes a row that passes its own model's checks (full_clean), so a test built
on factories starts from valid data."""

import pytest

from performance.tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.IndicatorFactory,
    factories.IndicatorDefinitionFactory,
    factories.PerformanceSettingsFactory,
    factories.TargetFactory,
    factories.MonthlyReturnFactory,
    factories.MeasurementFactory,
    factories.CommentaryFactory,
    factories.ExtractUploadFactory,
    factories.BenchmarkFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_the_factory_makes_a_valid_row(factory):
    factory().full_clean()
