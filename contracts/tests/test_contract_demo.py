"""The demo's 2024/25 contract year, from the October 2024 scrutiny report: its published
figures and its payment schedule. Everything else about contracts and contract years is tested
on factories in test_contract_services.py."""

from datetime import date
from decimal import Decimal

import pytest

from contracts import money
from contracts.models import ContractYear, Instalment

D = Decimal


@pytest.fixture
def y2024(cast):
    return ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2024)


def test_the_demo_year_reproduces_the_published_figures(y2024):
    figures = money.year_figures(y2024)
    assert figures.contract_sum == D("180009000.00")
    assert figures.block1 == D("177429000.00")
    assert figures.block2 == D("2580000.00") and figures.block2_non_recurring == D("2363000.00")
    assert figures.block3_provision == D("3291000.00")
    assert figures.council("WNC").share_of_contract_sum == D("100805040.00")
    assert figures.council("NNC").share_of_contract_sum == D("79203960.00")
    assert figures.council("WNC").adjustments == D("738000.00")
    assert figures.council("NNC").adjustments == D("584000.00")


def test_each_councils_twelve_instalments_add_up_to_its_contribution(y2024):
    figures = money.year_figures(y2024)
    for council in figures.councils:
        rows = Instalment.objects.filter(contract_year=y2024, council__code=council.code)
        assert rows.count() == 12
        assert sum(r.amount for r in rows) == council.contribution
    first = Instalment.objects.get(contract_year=y2024, council__code="WNC", number=1)
    assert first.due_on == date(2024, 4, 1) and first.amount == D("8400420.00")
