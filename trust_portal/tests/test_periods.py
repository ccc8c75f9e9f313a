"""Months, financial years and their quarters, as every app counts and names them."""

from datetime import date

import pytest

from trust_portal.periods import (
    complete_months,
    financial_year_label,
    financial_year_of,
    financial_year_start,
    first_of_month,
    month_problem,
    months_of_financial_year,
    next_month,
    parse_month,
    previous_month,
    quarter_end,
    quarter_label,
    quarter_start,
)


@pytest.mark.parametrize(
    ("day", "year"), [("2024-04-01", 2024), ("2025-03-31", 2024), ("2025-01-15", 2024)]
)
def test_financial_years_run_april_to_march(day, year):
    assert financial_year_of(date.fromisoformat(day)) == year
    assert financial_year_label(year) == "2024/25"


@pytest.mark.parametrize(("year", "label"), [(2009, "2009/10"), (2099, "2099/00")])
def test_a_financial_year_is_named_by_its_two_calendar_years(year, label):
    assert financial_year_label(year) == label


def test_a_financial_year_has_twelve_months_april_first():
    months = months_of_financial_year(2024)
    assert months[0] == date(2024, 4, 1) and months[-1] == date(2025, 3, 1)
    assert len(months) == 12
    assert financial_year_start(2024) == months[0]


def test_months_step_across_the_turn_of_the_year():
    assert next_month(date(2024, 12, 1)) == date(2025, 1, 1)
    assert previous_month(date(2025, 1, 1)) == date(2024, 12, 1)
    assert first_of_month(date(2024, 7, 19)) == date(2024, 7, 1)


@pytest.mark.parametrize(
    ("q", "start", "end"),
    [
        (1, date(2024, 4, 1), date(2024, 6, 30)),
        (2, date(2024, 7, 1), date(2024, 9, 30)),
        (3, date(2024, 10, 1), date(2024, 12, 31)),
        (4, date(2025, 1, 1), date(2025, 3, 31)),
    ],
)
def test_quarters_run_april_to_march(q, start, end):
    assert quarter_start(2024, q) == start
    assert quarter_end(2024, q) == end


def test_a_quarter_is_named_with_its_months():
    assert quarter_label(2024, 4) == "Q4 2024/25 (January to March)"


def test_the_last_complete_months_are_those_before_todays_newest_first():
    assert complete_months(date(2026, 12, 7), 3) == [
        date(2026, 11, 1),
        date(2026, 10, 1),
        date(2026, 9, 1),
    ]
    year = complete_months(date(2026, 1, 31))
    assert len(year) == 12
    assert (year[0], year[-1]) == (date(2025, 12, 1), date(2025, 1, 1))


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2019-02", date(2019, 2, 1)),
        ("2019-02-15", date(2019, 2, 1)),
        ("2000-01", date(2000, 1, 1)),
    ],
)
def test_a_month_in_range_is_read_as_its_first_day(text, month):
    assert parse_month(text, today=date(2026, 12, 7)) == month


@pytest.mark.parametrize(
    "text", ["0001-01", "1999-12", "2028-01", "2019-13", "2019", "19-02", "２０１９-02", "x-y", ""]
)
def test_anything_but_a_month_from_2000_to_next_december_is_refused(text):
    with pytest.raises(ValueError):
        parse_month(text, today=date(2026, 12, 7))


def test_a_month_out_of_range_is_told_which_months_are_taken():
    today = date(2026, 12, 7)
    assert month_problem(date(2027, 12, 1), today) is None
    assert (
        month_problem(date(1, 1, 1), today) == "Enter a month from January 2000 to December 2027."
    )
