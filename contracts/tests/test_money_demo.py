"""The demo's 2024/25 contract year and its rolled-over 2025/26 draft, through
contracts/money.py's year figures: blocks, shares, contributions and adjustments as published.
The same figures on a year of the test's own are checked in test_money.py."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts import money
from contracts.models import ContractYear
from contracts.services import years


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
    # Every demo year to 2026/27 is agreed (2025/26 no longer a draft rolled over from
    # 2024/25): the draft is 2026/27 rolled over into 2027/28, by the services, here.
    latest = ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2026)
    assert latest.state == ContractYear.State.AGREED
    draft = years.contract_year_rollover(by=cast["wnc-officer"], contract_year=latest)
    figures = money.year_figures(draft)
    assert (draft.financial_year, draft.state) == (2027, ContractYear.State.DRAFT)
    assert draft.rolled_over_from == latest
    recurring = list(latest.lines.filter(recurring=True).values_list("block", "name", "amount"))
    assert list(draft.lines.values_list("block", "name", "amount")) == recurring
    assert all(draft.lines.values_list("recurring", flat=True))
    assert figures.contract_sum == Decimal("192745910.00")
    carried = money.year_figures(latest)
    assert figures.contract_sum == carried.block1 + carried.block2_recurring
    assert figures.block2_non_recurring == Decimal("0.00")
    assert figures.block3_provision == Decimal("0.00")
    assert figures.total_contributions == figures.contract_sum
    assert figures.contract_sum < money.year_figures(latest).contract_sum


def test_2024_25s_recurring_lines_are_the_published_blocks_1_and_2_recurring(demo_year):
    # what a roll-over of the published year carries: Block 1 and Block 2's recurring lines
    figures = money.year_figures(demo_year)
    recurring = sum(demo_year.lines.filter(recurring=True).values_list("amount", flat=True))
    assert recurring == figures.block1 + figures.block2_recurring == Decimal("177646000.00")
    with pytest.raises(ValidationError, match="2025/26 already has a contract year"):
        years.contract_year_rollover(by=demo_year.created_by, contract_year=demo_year)
