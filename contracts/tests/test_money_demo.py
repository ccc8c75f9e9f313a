"""The demo's 2024/25 contract year and its rolled-over 2025/26 draft, through
contracts/money.py's year figures: blocks, shares, contributions and adjustments as published.
The same figures on a year of the test's own are checked in test_money.py."""

from decimal import Decimal

import pytest

from contracts import money
from contracts.models import ContractYear


@pytest.fixture
def demo_year(cast):
    return ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2024)


def test_the_demo_years_blocks_and_contract_sum(demo_year):
    figures = money.year_figures(demo_year)
    assert figures.block1 == Decimal("177429000.00")
    assert figures.block2_recurring == Decimal("217000.00")
    assert figures.block2_non_recurring == Decimal("2363000.00")
    assert figures.block2 == Decimal("2580000.00")
    assert figures.contract_sum == Decimal("180009000.00")
    assert figures.block3_provision == Decimal("3291000.00")
    assert figures.split_complete


def test_the_demo_years_shares_of_the_contract_sum_and_block_3(demo_year):
    figures = money.year_figures(demo_year)
    wnc, nnc = figures.council("WNC"), figures.council("NNC")
    assert (wnc.percentage, nnc.percentage) == (Decimal("56.00"), Decimal("44.00"))
    assert wnc.share_of_contract_sum == Decimal("100805040.00")
    assert nnc.share_of_contract_sum == Decimal("79203960.00")
    assert wnc.block3_share == Decimal("1842960.00")
    assert nnc.block3_share == Decimal("1448040.00")
    assert wnc.block3_share + nnc.block3_share == figures.block3_provision


def test_the_demo_years_contributions_and_adjustments(demo_year):
    figures = money.year_figures(demo_year)
    wnc, nnc = figures.council("WNC"), figures.council("NNC")
    assert (wnc.passported_grants, nnc.passported_grants) == (Decimal("0.00"), Decimal("0.00"))
    assert wnc.contribution == Decimal("100805040.00")
    assert nnc.contribution == Decimal("79203960.00")
    assert figures.total_contributions == figures.contract_sum
    assert (wnc.adjustments, nnc.adjustments) == (Decimal("738000.00"), Decimal("584000.00"))
    assert wnc.net_after_adjustments == Decimal("100067040.00")
    assert nnc.net_after_adjustments == Decimal("78619960.00")


def test_the_rolled_over_draft_carries_only_recurring_lines(cast):
    draft = ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2025)
    figures = money.year_figures(draft)
    assert draft.state == ContractYear.State.DRAFT
    assert figures.contract_sum == Decimal("177646000.00")
    assert figures.block2_non_recurring == Decimal("0.00")
    assert figures.block3_provision == Decimal("0.00")
    assert figures.total_contributions == figures.contract_sum
