from datetime import date, timedelta

import holidays
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from performance.working_days import bank_holidays, count_working_days, working_days_between


def test_started_and_completed_the_same_day_is_zero_working_days():
    assert working_days_between(date(2024, 3, 28), date(2024, 3, 28)) == 0


def test_the_next_weekday_is_one_working_day():
    assert working_days_between(date(2024, 1, 8), date(2024, 1, 9)) == 1


def test_a_full_week_is_five_working_days():
    assert working_days_between(date(2024, 1, 8), date(2024, 1, 15)) == 5


def test_a_weekend_is_not_counted():
    # Friday to Monday: only the Monday.
    assert working_days_between(date(2024, 1, 5), date(2024, 1, 8)) == 1


def test_good_friday_and_easter_monday_are_not_working_days():
    # Thursday 28 March 2024 to Tuesday 2 April: Good Friday, the weekend, Easter Monday, then 1.
    assert working_days_between(date(2024, 3, 28), date(2024, 4, 2)) == 1


def test_completed_on_good_friday_after_a_thursday_start_took_no_working_days():
    assert working_days_between(date(2024, 3, 28), date(2024, 3, 29)) == 0


def test_a_start_on_a_bank_holiday_counts_from_the_next_day():
    assert working_days_between(date(2024, 3, 29), date(2024, 4, 2)) == 1


def test_christmas_substitute_days_are_not_working_days():
    # 2021: Christmas and Boxing Day fell at the weekend; Monday 27 and Tuesday 28 replaced them.
    assert working_days_between(date(2021, 12, 24), date(2021, 12, 29)) == 1


def test_a_sunday_christmas_moves_to_the_tuesday_after_boxing_day():
    # 2022: Boxing Day on Monday 26, Christmas substitute on Tuesday 27.
    assert working_days_between(date(2022, 12, 23), date(2022, 12, 28)) == 1


def test_the_early_may_bank_holiday_is_not_a_working_day():
    assert working_days_between(date(2024, 5, 3), date(2024, 5, 7)) == 1


def test_one_off_bank_holidays_are_not_working_days():
    # The coronation of Charles III, Monday 8 May 2023.
    assert working_days_between(date(2023, 5, 5), date(2023, 5, 9)) == 1


def test_scottish_bank_holidays_are_working_days_in_england():
    # 2 January and the first Monday of August are holidays in Scotland only.
    assert working_days_between(date(2024, 1, 1), date(2024, 1, 2)) == 1
    assert working_days_between(date(2024, 8, 2), date(2024, 8, 5)) == 1


def test_a_span_across_new_year_uses_both_years_holidays():
    # Friday 29 Dec 2023 to Tuesday 2 Jan 2024: New Year's Day is a holiday; the Tuesday counts.
    assert working_days_between(date(2023, 12, 29), date(2024, 1, 2)) == 1


def test_forty_five_working_days_across_easter():
    # From Monday 5 February 2024, Easter's two bank holidays push day 45 to Wednesday 10 April.
    assert working_days_between(date(2024, 2, 5), date(2024, 4, 10)) == 45
    assert working_days_between(date(2024, 2, 5), date(2024, 4, 11)) == 46


def test_england_bank_holidays_of_2024():
    assert [str(day) for day in bank_holidays(2024, 2024)] == [
        "2024-01-01",
        "2024-03-29",
        "2024-04-01",
        "2024-05-06",
        "2024-05-27",
        "2024-08-26",
        "2024-12-25",
        "2024-12-26",
    ]


def test_the_vectorised_count_takes_numpy_arrays():
    starts = np.array(["2024-03-28", "2024-01-08", "2021-12-24"], dtype="datetime64[D]")
    ends = np.array(["2024-04-02", "2024-01-15", "2021-12-29"], dtype="datetime64[D]")
    assert count_working_days(starts, ends).tolist() == [1, 5, 1]


def test_the_vectorised_count_takes_pandas_dates():
    starts = pd.Series(pd.to_datetime(["2024-03-28", "2024-05-03"]))
    ends = pd.Series(pd.to_datetime(["2024-04-02", "2024-05-07"]))
    assert count_working_days(starts.to_numpy(), ends.to_numpy()).tolist() == [1, 1]


def test_no_dates_give_no_counts():
    empty = np.array([], dtype="datetime64[D]")
    assert count_working_days(empty, empty).tolist() == []


def day_by_day(start: date, end: date) -> int:
    bank = holidays.UnitedKingdom(subdiv="ENG", years=range(start.year, end.year + 1))
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for day in days if day.weekday() < 5 and day not in bank)


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31)),
    length=st.integers(min_value=0, max_value=200),
)
def test_the_count_matches_counting_day_by_day(start, length):
    end = start + timedelta(days=length)
    assert working_days_between(start, end) == day_by_day(start, end)
