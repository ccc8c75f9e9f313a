"""The month-on-month split of a percentage (performance/change.py): exact, and in words."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from performance import change

counts = st.integers(min_value=1, max_value=10**6).flatmap(
    lambda d: st.tuples(st.integers(min_value=0, max_value=d), st.just(d))
)


@given(before=counts, after=counts)
def test_the_two_effects_add_up_to_the_change_exactly(before, after):
    (n0, d0), (n1, d1) = before, after
    moved = change.split(n0=n0, d0=d0, n1=n1, d1=d1)
    assert moved.numerator_effect + moved.denominator_effect == Fraction(100 * n1, d1) - Fraction(
        100 * n0, d0
    )
    assert moved.total == Fraction(100 * n1, d1) - Fraction(100 * n0, d0)


def test_each_effect_is_what_its_count_did_alone():
    # 50 of 100 to 62 of 97: 12 more counted at 97 is 1200/97 points; 3 fewer in the
    # denominator lifts last month's 50 by 50 × 100 × (1/97 − 1/100) = 150/97 points.
    moved = change.split(n0=50, d0=100, n1=62, d1=97)
    assert moved.numerator_effect == Fraction(1200, 97)
    assert moved.denominator_effect == Fraction(150, 97)
    assert moved.total == Fraction(6200, 97) - 50


def test_a_split_needs_both_denominators():
    with pytest.raises(ValueError):
        change.split(n0=1, d0=0, n1=1, d1=2)


def test_it_says_the_split_in_words():
    text = change.words(
        n0=50,
        d0=100,
        n1=62,
        d1=97,
        numerator_words="children visited in time",
        denominator_words="children in need",
    )
    assert text == (
        "up 13.9 points: 12 more children visited in time added 12.4 points, "
        "3 fewer children in need added 1.5 points"
    )


def test_it_says_what_a_fall_took_off():
    text = change.words(
        n0=80, d0=100, n1=70, d1=110, numerator_words="visited", denominator_words="open"
    )
    # 70/110 − 80/100 = −16.36…: −10/110 × 100 = −9.09…, 80 × 100 × (1/110 − 1/100) = −7.27…
    assert (
        text == "down 16.4 points: 10 fewer visited took off 9.1 points, "
        "10 more open took off 7.3 points"
    )


def test_an_unchanged_count_is_said_to_be_unchanged():
    text = change.words(n0=5, d0=10, n1=5, d1=20, numerator_words="seen", denominator_words="open")
    assert text == (
        "down 25.0 points: the same number of seen made no difference, "
        "10 more open took off 25.0 points"
    )
    assert change.words(n0=5, d0=10, n1=5, d1=10, numerator_words="a", denominator_words="b") == (
        "no change: the same number of a and the same number of b"
    )


def test_an_effect_too_small_to_show_is_still_said():
    # 1 more of 1000 in the denominator: 500 × 100 × (1/1001 − 1/1000) = −0.0499… points.
    text = change.words(n0=500, d0=1000, n1=510, d1=1001)
    assert text.endswith("a denominator 1 higher took off less than 0.05 points")


def test_without_words_it_names_the_parts():
    text = change.words(n0=5, d0=10, n1=6, d1=10)
    assert text.startswith("up 10.0 points: a numerator 1 higher added 10.0 points, an unchanged")


def test_a_changed_definition_gets_a_note_and_an_unchanged_one_none():
    assert change.definition_note(before=1, after=1, month_after=date(2019, 3, 1)) == ""
    note = change.definition_note(before=1, after=2, month_after=date(2019, 3, 1))
    assert "version 1, then version 2 from March 2019" in note


def test_a_changed_target_gets_a_note():
    same = (Decimal("80.00"), Decimal("5.00"))
    assert change.target_note(before=same, after=same) == ""
    note = change.target_note(before=same, after=(Decimal("85.00"), Decimal("5.00")))
    assert "from 80% (tolerance 5) to 85% (tolerance 5)" in note
    assert "from no target" in change.target_note(before=None, after=same)
