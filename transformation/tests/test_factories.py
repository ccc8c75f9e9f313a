"""Every factory makes a row that passes its own model's checks (full_clean), so a test built
on factories starts from valid data."""

import pytest

from transformation.tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.ProjectFactory,
    factories.BoardMeetingFactory,
    factories.BusinessCaseFactory,
    factories.CaseCostFactory,
    factories.CaseSpendFactory,
    factories.Block3DrawFactory,
    factories.BenefitFactory,
    factories.BenefitQuarterFactory,
    factories.RiskFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_the_factory_makes_a_valid_row(factory):
    factory().full_clean()
