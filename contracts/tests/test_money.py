"""contracts/money.py: splits and instalments to the penny for any total and any shares, the
demo's published figures, the split calculator's arithmetic and a year's figures (on the root
``world``'s year, made by ``agreed_contract_year``; the demo year's own figures are checked in
test_money_demo.py)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts import money
from contracts.models import ContractYear
from contracts.services import years as year_services
from contracts.tests.factories import YEAR_ADJUSTMENTS, YEAR_GRANT, agreed_contract_year

PENNY = Fraction(1, 100)
CODES = ["NNC", "WNC", "ABC", "DEF", "GHI"]

# Any amount to the penny a money field can hold (14 digits, 2 of them pence), either sign.
totals = st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1).map(
    lambda pence: Decimal(pence) / 100
)
non_negative_totals = st.integers(min_value=0, max_value=10**14 - 1).map(
    lambda pence: Decimal(pence) / 100
)


@st.composite
def percentages(draw):
    """Two to five councils' shares in hundredths of a point, adding up to exactly 100."""
    count = draw(st.integers(min_value=2, max_value=5))
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=count - 1, max_size=count - 1)))
    edges = [0, *cuts, 10_000]
    return {
        CODES[i]: Decimal(edges[i + 1] - edges[i]) / 100 for i in range(count)
    }  # fmt: skip


def exact_share(total: Decimal, percentage: Decimal) -> Fraction:
    return Fraction(total) * Fraction(percentage) / 100


relaxed = settings(deadline=None, max_examples=300)


# --- split and split_by_percentages ------------------------------------------------------


@relaxed
@given(total=totals, shares=percentages())
def test_the_parts_always_add_up_to_the_total_exactly(total, shares):
    parts = money.split_by_percentages(total, shares)
    assert sum(parts.values()) == total
    assert all(part == part.quantize(money.PENNY) for part in parts.values())


@relaxed
@given(total=totals, shares=percentages())
def test_each_part_is_within_a_penny_of_its_exact_share(total, shares):
    parts = money.split_by_percentages(total, shares)
    for code, part in parts.items():
        assert abs(Fraction(part) - exact_share(total, shares[code])) < PENNY


@relaxed
@given(total=totals, shares=percentages())
def test_the_parts_keep_the_order_given_and_the_same_answer_every_time(total, shares):
    parts = money.split_by_percentages(total, shares)
    assert list(parts) == list(shares)
    assert money.split_by_percentages(total, dict(shares)) == parts


@relaxed
@given(total=non_negative_totals, count=st.integers(2, 5))
def test_equal_shares_give_the_spare_pennies_to_the_earlier_councils(total, count):
    parts = list(money.split(total, dict.fromkeys(CODES[:count], 1)).values())
    assert parts == sorted(parts, reverse=True)
    assert parts[0] - parts[-1] <= money.PENNY


@relaxed
@given(total=non_negative_totals, shares=percentages())
def test_reordering_the_councils_moves_no_part_by_more_than_a_penny(total, shares):
    forwards = money.split_by_percentages(total, shares)
    backwards = money.split_by_percentages(total, dict(reversed(list(shares.items()))))
    assert sum(backwards.values()) == total
    assert all(abs(forwards[code] - backwards[code]) <= money.PENNY for code in shares)


@relaxed
@given(total=non_negative_totals, weights=st.lists(st.integers(0, 10**6), min_size=2, max_size=5))
def test_any_weights_split_to_the_penny(total, weights):
    if not any(weights):
        weights[0] = 1
    parts = money.split(total, dict(zip(CODES, weights, strict=False)))
    assert sum(parts.values()) == total
    whole = sum(weights)
    for code, weight in zip(CODES, weights, strict=False):
        assert abs(Fraction(parts[code]) - Fraction(total) * weight / whole) < PENNY


def test_the_demo_contract_sum_splits_56_44_as_published():
    parts = money.split_by_percentages(
        Decimal("180009000.00"), {"WNC": Decimal("56"), "NNC": Decimal("44")}
    )
    assert parts == {"WNC": Decimal("100805040.00"), "NNC": Decimal("79203960.00")}


def test_a_pennys_tie_goes_to_the_council_named_first():
    assert money.split(Decimal("0.01"), {"WNC": 1, "NNC": 1}) == {
        "WNC": Decimal("0.01"),
        "NNC": Decimal("0.00"),
    }
    assert money.split(Decimal("100.00"), {"A": 1, "B": 1, "C": 1}) == {
        "A": Decimal("33.34"),
        "B": Decimal("33.33"),
        "C": Decimal("33.33"),
    }


@pytest.mark.parametrize(
    "shares",
    [
        {"WNC": Decimal("56"), "NNC": Decimal("43.99")},
        {"WNC": Decimal("56"), "NNC": Decimal("44.01")},
        {"WNC": Decimal("100.01"), "NNC": Decimal("-0.01")},
    ],
)
def test_percentages_not_adding_up_to_100_are_refused(shares):
    with pytest.raises(ValueError):
        money.split_by_percentages(Decimal("100.00"), shares)


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (Decimal("1.00"), {}, "Nothing to split"),
        (Decimal("1.00"), {"A": -1, "B": 2}, "cannot be negative"),
        (Decimal("1.00"), {"A": 0, "B": 0}, "add up to nothing"),
        (Decimal("1.001"), {"A": 1, "B": 1}, "not a whole number of pence"),
    ],
)
def test_a_split_that_cannot_be_made_is_refused(total, weights, message):
    with pytest.raises(ValueError, match=message):
        money.split(total, weights)


# --- instalments -------------------------------------------------------------------------


@relaxed
@given(total=non_negative_totals, count=st.integers(1, 12))
def test_instalments_add_up_exactly_and_differ_by_at_most_a_penny(total, count):
    parts = money.instalments(total, count)
    assert len(parts) == count
    assert sum(parts) == total
    assert max(parts) - min(parts) <= money.PENNY
    assert parts == sorted(parts, reverse=True)  # the spare pennies go to the earliest


@relaxed
@given(total=totals)
def test_twelve_instalments_of_any_amount_add_up(total):
    parts = money.instalments(total)
    assert len(parts) == 12
    assert sum(parts) == total
    for part in parts:
        assert abs(Fraction(part) - Fraction(total) / 12) < PENNY


def test_the_demo_contributions_are_twelve_equal_instalments():
    assert money.instalments(Decimal("100805040.00")) == [Decimal("8400420.00")] * 12
    assert money.instalments(Decimal("79203960.00")) == [Decimal("6600330.00")] * 12


def test_spare_pennies_go_to_the_first_months():
    # 10,005 pence: 833 each leaves 9 pence over, one each for April to December.
    assert money.instalments(Decimal("100.05")) == [Decimal("8.34")] * 9 + [Decimal("8.33")] * 3


def test_no_instalments_is_refused():
    with pytest.raises(ValueError):
        money.instalments(Decimal("1.00"), 0)


# --- the split calculator ----------------------------------------------------------------

JANUARY_2019_OPEN_CASES = {"NNC": 1791, "WNC": 2214}  # commissioner's report, Table 2


def test_all_weight_on_january_2019_demand_gives_44_72_and_55_28():
    shares = money.propose_split(
        population={"NNC": 0, "WNC": 0},
        demand=JANUARY_2019_OPEN_CASES,
        demand_weight=Decimal("1"),
    )
    assert shares == {"NNC": Decimal("44.72"), "WNC": Decimal("55.28")}


def test_all_weight_on_population_ignores_demand():
    shares = money.propose_split(
        population={"NNC": 350_000, "WNC": 425_000},
        demand={"NNC": 0, "WNC": 0},
        demand_weight=Decimal("0"),
    )
    # 350/775 = 45.1612…%, 425/775 = 54.8387…%
    assert shares == {"NNC": Decimal("45.16"), "WNC": Decimal("54.84")}


def test_half_and_half_blends_the_two_shares():
    shares = money.propose_split(
        population={"NNC": 1, "WNC": 1},
        demand={"NNC": 1, "WNC": 3},
        demand_weight=Decimal("0.5"),
    )
    # 0.5 × 50% + 0.5 × 25% = 37.5%
    assert shares == {"NNC": Decimal("37.50"), "WNC": Decimal("62.50")}


@pytest.mark.parametrize("weight", [Decimal("-0.01"), Decimal("1.01"), Decimal("2")])
def test_a_weight_outside_0_to_100_percent_is_refused(weight):
    with pytest.raises(ValueError, match="between 0 and 1"):
        money.propose_split(
            population={"NNC": 1, "WNC": 1}, demand={"NNC": 1, "WNC": 1}, demand_weight=weight
        )


@pytest.mark.parametrize(
    ("population", "demand", "weight", "message"),
    [
        ({"NNC": 0, "WNC": 0}, {"NNC": 1, "WNC": 1}, Decimal("0.5"), "add up to nothing"),
        ({"NNC": 1, "WNC": 1}, {"NNC": 0, "WNC": 0}, Decimal("0.01"), "add up to nothing"),
        ({"NNC": 1}, {"NNC": 1, "WNC": 1}, Decimal("0.5"), "same councils"),
    ],
)
def test_figures_that_give_no_split_are_refused(population, demand, weight, message):
    with pytest.raises(ValueError, match=message):
        money.propose_split(population=population, demand=demand, demand_weight=weight)


@relaxed
@given(
    figures=st.lists(
        st.tuples(st.integers(1, 10**7), st.integers(1, 10**5)), min_size=2, max_size=5
    ),
    weight=st.integers(0, 10_000).map(lambda w: Decimal(w) / 10_000),
)
def test_a_proposed_split_always_adds_up_to_exactly_100(figures, weight):
    codes = CODES[: len(figures)]
    shares = money.propose_split(
        population={c: p for c, (p, _) in zip(codes, figures, strict=True)},
        demand={c: d for c, (_, d) in zip(codes, figures, strict=True)},
        demand_weight=weight,
    )
    assert sum(shares.values()) == 100
    assert all(s == s.quantize(Decimal("0.01")) and s >= 0 for s in shares.values())


# --- a contract year's figures ----------------------------------------------------------------


@pytest.fixture
def year(world):
    """The world's agreed 2024/25 (``agreed_contract_year``): a contract sum of £1,500,000.00
    split 60/40, a £12,000.00 grant passported to the second council, adjustments of
    £30,000.00 and £20,000.00, Block 3 provision of £100,000.00."""
    return agreed_contract_year(world)


@pytest.fixture
def first_and_second(world, year):
    figures = money.year_figures(year)
    return figures, *(figures.council(council.code) for council in world.councils)


def test_a_years_blocks_and_contract_sum(year):
    figures = money.year_figures(year)
    assert figures.block1 == Decimal("1200000.00")
    assert figures.block2_recurring == Decimal("240000.00")
    assert figures.block2_non_recurring == Decimal("60000.00")
    assert figures.block2 == Decimal("300000.00")
    assert figures.contract_sum == Decimal("1500000.00")
    assert figures.block3_provision == Decimal("100000.00")
    assert figures.split_complete


def test_a_years_shares_of_the_contract_sum_and_block_3(first_and_second):
    figures, first, second = first_and_second
    assert (first.percentage, second.percentage) == (Decimal("60.00"), Decimal("40.00"))
    assert first.share_of_contract_sum == Decimal("900000.00")
    assert second.share_of_contract_sum == Decimal("600000.00")
    assert first.block3_share == Decimal("60000.00")
    assert second.block3_share == Decimal("40000.00")
    assert first.block3_share + second.block3_share == figures.block3_provision


def test_a_years_contributions_and_adjustments(first_and_second):
    figures, first, second = first_and_second
    assert (first.passported_grants, second.passported_grants) == (Decimal("0.00"), YEAR_GRANT)
    assert first.contribution == Decimal("900000.00")
    assert second.contribution == Decimal("612000.00")  # its share and the grant
    assert figures.total_contributions == figures.contract_sum + YEAR_GRANT
    assert (first.adjustments, second.adjustments) == YEAR_ADJUSTMENTS
    assert first.net_after_adjustments == Decimal("870000.00")
    assert second.net_after_adjustments == Decimal("592000.00")


def test_the_rolled_over_draft_carries_only_recurring_lines(people, year):
    draft = year_services.contract_year_rollover(by=people["officer"], contract_year=year)
    figures = money.year_figures(draft)
    assert draft.state == ContractYear.State.DRAFT
    assert figures.contract_sum == Decimal("1440000.00")
    assert figures.block2_non_recurring == Decimal("0.00")
    assert figures.block3_provision == Decimal("0.00")
    assert figures.total_contributions == figures.contract_sum


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234.50", (Decimal("1234.50"), None)),
        ("£90,004,500", (Decimal("90004500.00"), None)),
        (" 7 ", (Decimal("7.00"), None)),
        ("", (None, None)),
        (None, (None, None)),
        ("-5", (None, "cannot be negative")),
        ("£-5", (None, "cannot be negative")),
        ("(5.00)", (None, "cannot be negative")),
        ("1,23,4", (None, "must be an amount in pounds, for example 1,234.50")),
        ("1e6", (None, "must be an amount in pounds, for example 1,234.50")),
        ("12.345", (None, "must be to the penny: at most 2 decimal places")),
        ("1,000,000,000,000", (None, "is too large: under £1,000,000,000,000")),
        ("9" * 5000, (None, "is too large: under £1,000,000,000,000")),
        ("١٢", (None, "must be an amount in pounds, for example 1,234.50")),
        ("²", (None, "must be an amount in pounds, for example 1,234.50")),
    ],
)
def test_typed_pounds_are_read_by_one_set_of_rules(typed, expected):
    assert money.parse_pounds(typed) == expected


def test_a_signed_amount_keeps_its_sign_for_the_caller_to_judge():
    assert money.parse_pounds("−£1,000.00", signed=True) == (Decimal("-1000.00"), None)
