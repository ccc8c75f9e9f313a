"""Every factory makes a row that passes its own model's checks (full_clean), so a test built
on factories starts from valid data."""

import pytest

from contracts.tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    factories.ServiceContractFactory,
    factories.ObligationFactory,
    factories.ContractDocumentFactory,
    factories.ContractYearFactory,
    factories.FundingLineFactory,
    factories.CostShareFactory,
    factories.PassportedGrantFactory,
    factories.AdjustmentFactory,
    factories.VariationFactory,
    factories.InstalmentFactory,
    factories.BudgetReturnFactory,
    factories.BudgetLineFactory,
    factories.ReservedMatterFactory,
    factories.ReservedDecisionFactory,
    factories.ConsentFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_the_factory_makes_a_valid_row(factory):
    factory().full_clean()
