from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from performance.rag import Status, rate


def pct(numerator, denominator, *, target="90", tolerance="5", polarity="higher", small=10):
    return rate(
        numerator=numerator,
        denominator=denominator,
        unit="percentage",
        polarity=polarity,
        target=Decimal(target),
        tolerance=Decimal(tolerance),
        small_number=small,
    )


def test_at_target_is_green():
    assert pct(90, 100).status == Status.GREEN


def test_just_below_target_is_amber():
    assert pct(899, 1000).status == Status.AMBER


def test_at_the_tolerance_edge_is_amber():
    assert pct(85, 100).status == Status.AMBER


def test_beyond_the_tolerance_is_red():
    assert pct(849, 1000).status == Status.RED


def test_the_exact_fraction_decides_not_the_rounded_display():
    # 2/3 = 66.666…%: shown as 66.7, which would look "at target" against 66.7.
    rating = pct(2, 3, target="66.7", tolerance="0")
    assert rating.display() == "66.7"
    assert rating.status == Status.RED


def test_lower_is_better_turns_the_comparison_round():
    assert pct(10, 100, target="12", polarity="lower").status == Status.GREEN
    assert pct(15, 100, target="12", tolerance="3", polarity="lower").status == Status.AMBER
    assert pct(16, 100, target="12", tolerance="3", polarity="lower").status == Status.RED


def test_a_zero_denominator_is_no_data_never_zero_or_a_hundred_percent():
    rating = pct(0, 0)
    assert rating.status == Status.GREY
    assert rating.value is None
    assert rating.display() is None


def test_no_target_is_grey():
    rating = rate(
        numerator=5,
        denominator=10,
        unit="percentage",
        polarity="higher",
        target=None,
        tolerance=None,
    )
    assert rating.status == Status.GREY


def test_context_indicators_have_no_rag():
    rating = rate(
        numerator=1791,
        denominator=None,
        unit="count",
        polarity="context",
        target=None,
        tolerance=None,
    )
    assert rating.status == Status.NONE
    assert rating.value == 1791


def test_small_denominators_are_rated_but_flagged():
    rating = pct(8, 9)
    assert rating.status == Status.AMBER
    assert rating.small_numbers
    assert not pct(9, 10).small_numbers


def test_display_rounds_half_up_to_one_place():
    assert pct(1, 8).display() == "12.5"
    assert pct(1, 16).display() == "6.3"  # 6.25 -> 6.3, not banker's 6.2


def test_counts_compare_as_numbers():
    rating = rate(
        numerator=25, denominator=None, unit="count", polarity="lower", target=Decimal(20),
        tolerance=Decimal(5),
    )  # fmt: skip
    assert rating.status == Status.AMBER


@given(
    denominator=st.integers(min_value=1, max_value=10_000),
    data=st.data(),
    target=st.decimals(min_value=0, max_value=100, places=1),
    tolerance=st.decimals(min_value=0, max_value=20, places=1),
)
def test_rag_agrees_with_the_rule_in_words(denominator, data, target, tolerance):
    numerator = data.draw(st.integers(min_value=0, max_value=denominator))
    value = Fraction(numerator * 100, denominator)
    expected = (
        Status.GREEN
        if value >= Fraction(target)
        else Status.AMBER
        if value >= Fraction(target) - Fraction(tolerance)
        else Status.RED
    )
    assert pct(numerator, denominator, target=target, tolerance=tolerance).status == expected
