"""Numbers as people read them: rounding for display, pounds and percentages in words."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template

from trust_portal.numbers import money_text, percentage_text, rounded


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Fraction(1700, 30), 1, "56.7"),
        (Fraction(1, 8), 2, "0.13"),  # half up, not to even
        (Fraction(-1, 8), 2, "-0.13"),  # half away from zero
        (Decimal("2.25"), 1, "2.3"),
        (4005, 0, "4005"),
    ],
)
def test_an_exact_value_is_rounded_half_up_for_display(value, places, shown):
    assert str(rounded(value, places)) == shown


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234567.891"), "£1,234,567.89"),
        (Decimal("-1234"), "−£1,234.00"),
        (Decimal("0"), "£0.00"),
        (None, "–"),
    ],
)
def test_money_is_shown_in_pounds_and_pence_with_a_true_minus_sign(amount, text):
    assert money_text(amount) == text


def test_a_percentage_is_shown_without_trailing_zeros():
    assert percentage_text(Decimal("56.00")) == "56%"
    assert percentage_text(Decimal("44.72")) == "44.72%"


def test_the_money_template_library_formats_pounds_and_percentages():
    template = Template("{% load money %}{{ amount|pounds }} {{ share|percent }} {{ none|pounds }}")
    text = template.render(Context({"amount": "2580000.5", "share": "56.00", "none": None}))
    assert text == "£2,580,000.50 56% –"
