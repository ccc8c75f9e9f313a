"""Numbers as people read them: rounding for display, pounds and percentages in words."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.template import Context, Template

from trust_portal.numbers import (
    change_text,
    count_text,
    digits_value,
    figure_text,
    money_text,
    percentage_text,
    plain_decimal,
    rounded,
    whole_number,
)


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


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1783, "1,783"), ("1783.0", "1,783"), (Decimal("1783.0"), "1,783"), (0, "0"), (-12, "−12")],
)
def test_a_count_is_whole_with_thousands_separators(value, shown):
    assert count_text(value) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Fraction(853, 10), "percentage", "85.3%"),
        (Fraction(2, 3) * 100, "percentage", "66.7%"),
        (Fraction(1783), "count", "1,783"),
        (Fraction(12), "days", "12.0 days"),
        (Fraction(25, 2), "days", "12.5 days"),
        (Fraction(4, 5), "ratio", "0.8"),
        (None, "percentage", "–"),
    ],
)
def test_an_indicators_value_is_shown_with_its_unit(value, unit, shown):
    assert figure_text(value, unit) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Fraction(12, 10), "percentage", "+1.2 points"),
        (Fraction(-141, 10), "percentage", "−14.1 points"),
        (Fraction(-1, 100), "percentage", "0.0 points"),  # rounds to nothing: no sign
        (14, "count", "+14"),
        (-1200, "count", "−1,200"),
        (None, "count", "–"),
    ],
)
def test_a_change_has_its_sign_and_unit(value, unit, shown):
    assert change_text(value, unit) == shown


def test_the_template_filters_show_counts_figures_and_changes():
    template = Template(
        "{% load money %}{{ n|count }} {{ fte|grouped }} {{ v|figure:'percentage' }} "
        "{{ c|change:'percentage' }} {{ d|change:'count' }} {{ none|count }}"
    )
    values = {"n": Decimal("1783.0"), "fte": Decimal("1032.50"), "v": Fraction(853, 10)}
    values |= {"c": Fraction(12, 10), "d": 14, "none": None}
    context = Context(values)
    assert template.render(context) == "1,783 1,032.50 85.3% +1.2 points +14 –"


@pytest.mark.parametrize(
    ("value", "column", "shown"),
    [
        ("1783.0", {"kind": "count"}, "1,783"),
        (1783, {"kind": "count"}, "1,783"),
        ("1032.50", {"kind": "number"}, "1,032.50"),
        ("85.3", {"kind": "percent"}, "85.3%"),
        ("85.00", {"kind": "percent", "trim": True}, "85%"),
        ("100.00", {"kind": "percent", "trim": True}, "100%"),
        ("5.00", {"kind": "number", "trim": True, "unit": "points"}, "5 points"),
        ("1.2", {"kind": "change", "unit": "points"}, "+1.2 points"),
        ("-0.0", {"kind": "change", "unit": "points"}, "0.0 points"),
        ("-14", {"kind": "change"}, "−14"),
    ],
)
def test_a_dashboard_cell_is_shown_by_its_columns_kind(value, column, shown):
    from trust_portal.dashboards.templatetags.dashboards import cell

    assert cell(value, column) == shown


def test_a_download_heading_names_a_changes_unit():
    from trust_portal.dashboards.figures import column, spreadsheet_rows, table

    header, rows = spreadsheet_rows(
        table([column("change", "Change", "change", unit="points")], [[Decimal("1.2")]])
    )
    assert (header, rows) == (["Change (points)"], [[Decimal("1.2")]])


def test_a_column_beneath_another_is_shown_under_its_value_and_not_on_its_own():
    from trust_portal.dashboards.figures import column, table
    from trust_portal.dashboards.templatetags.dashboards import for_page

    columns = [
        column("month", "Month", "month", beneath="synthetic"),
        column("synthetic", "Synthetic (demo)", page=False),
        column("fte", "Experienced (FTE)", "number", beneath="share", beneath_words="of posts"),
        column("share", "Experienced (% of posts)", "percent", page=False),
    ]
    shown = for_page(table(columns, [["2024-07", "yes", "89.00", "64.0"]]))
    assert [c["key"] for c in shown["columns"]] == ["month", "fte"]
    (row,) = shown["rows"]
    assert [(value, of) for value, _, of in row] == [
        ("2024-07", "Synthetic (demo)"),
        ("89.00", "64.0% of posts"),
    ]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12", (12, None)),
        (" 1,234 ", (1234, None)),
        (0, (0, None)),
        ("", (None, None)),
        (None, (None, None)),
        ("2147483647", (2_147_483_647, None)),
        ("2147483648", (None, "is too large: at most 2,147,483,647")),
        ("3,000,000,000", (None, "is too large: at most 2,147,483,647")),
        ("0" * 30 + "7", (7, None)),
        ("9" * 5000, (None, "is too large: at most 2,147,483,647")),
        ("-1", (None, "cannot be negative")),
        ("²", (None, "must be a whole number")),  # "²".isdigit() is True
        ("١٢", (None, "must be a whole number")),  # int() reads it as 12
        ("1e25", (None, "must be a whole number")),
        (1e25, (None, "must be a whole number")),
        ("12.0", (None, "must be a whole number")),
    ],
)
def test_whole_numbers_are_ascii_digits_within_the_columns_range(typed, read):
    assert whole_number(typed) == read


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("2024", 2024),
        ("007", 7),
        ("2147483647", 2_147_483_647),
        ("2147483648", None),
        ("9" * 5000, None),  # int() of it raises
        ("²", None),  # "²".isdigit() is True; int() raises
        ("١٢", None),  # int() reads it as 12
        ("1,234", None),
        ("-1", None),
        (" 12", None),
        ("", None),
        (None, None),
    ],
)
def test_a_digits_value_is_ascii_digits_alone_within_range(text, read):
    assert digits_value(text) == read


def test_a_whole_number_may_have_a_smaller_range():
    assert whole_number("1000", largest=999) == (None, "is too large: at most 999")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("44.72", Decimal("44.72")),
        ("56", Decimal("56")),
        ("-5", Decimal("-5")),
        (".5", Decimal("0.5")),
        ("1e25", None),
        ("NaN", None),
        ("Infinity", None),
        ("١٢", None),
        ("²", None),
        ("", None),
    ],
)
def test_plain_decimals_are_ascii_digits_and_a_point(typed, read):
    assert plain_decimal(typed) == read
