"""``?as_of=``: which moment a date, or a date and time, names (UK time), and what is refused:
words that name no moment, a day that does not exist, and the future."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from trust_portal.asof import AsOfError, as_of_parse, as_of_query, moment_of

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 6, 15, 12, 0, tzinfo=LONDON)


def test_a_date_means_the_end_of_that_day_in_uk_time():
    as_of = as_of_parse("2025-03-31", now=NOW)
    assert as_of.moment == datetime.combine(datetime(2025, 3, 31), time.max, tzinfo=LONDON)
    assert as_of.end_of_day
    assert as_of.words == "the end of 31 March 2025"


def test_a_date_in_summer_time_ends_at_midnight_british_summer_time():
    as_of = as_of_parse("2025-06-01", now=NOW)
    assert as_of.moment.utcoffset().total_seconds() == 3600
    assert as_of.moment.astimezone(ZoneInfo("UTC")).hour == 22


def test_a_date_and_time_means_that_moment_in_uk_time_unless_it_names_its_offset():
    assert as_of_parse("2025-03-31T14:05", now=NOW).moment == datetime(
        2025, 3, 31, 14, 5, tzinfo=LONDON
    )
    as_of = as_of_parse("2025-03-31T14:05+02:00", now=NOW)
    assert as_of.moment.astimezone(LONDON) == datetime(2025, 3, 31, 13, 5, tzinfo=LONDON)
    assert as_of_parse("2025-03-31 14:05", now=NOW).words == "14:05 on 31 March 2025"


def test_the_moment_to_read_figures_at_is_the_one_asked_for_or_none_for_now():
    as_of = as_of_parse("2025-03-31T14:05", now=NOW)
    assert moment_of(as_of) == datetime(2025, 3, 31, 14, 5, tzinfo=LONDON)
    assert moment_of(None) is None


def test_nothing_asked_for_and_todays_date_mean_now():
    assert as_of_parse(None, now=NOW) is None
    assert as_of_parse("  ", now=NOW) is None
    assert as_of_parse("2025-06-15", now=NOW) is None


@pytest.mark.parametrize("text", ["2025-06-16", "2025-06-15T12:01", "2030-01-01"])
def test_a_moment_in_the_future_is_refused(text):
    with pytest.raises(AsOfError, match="^That moment is in the future: figures can be shown"):
        as_of_parse(text, now=NOW)


@pytest.mark.parametrize("text", ["yesterday", "31/03/2025", "2025-02-30", "2025-13-01"])
def test_words_that_name_no_moment_are_refused_with_how_to_write_one(text):
    with pytest.raises(AsOfError) as refused:
        as_of_parse(text, now=NOW)
    assert str(refused.value) == (
        f"“{text}” is not a date or a date and time. Enter a date, like 2025-03-31, or a date "
        "and time, like 2025-03-31T14:05."
    )


def test_links_carry_the_moment_as_it_was_written():
    as_of = as_of_parse("2025-03-31T14:05", now=NOW)
    assert as_of_query(as_of) == "?as_of=2025-03-31T14%3A05"
    assert as_of_query(as_of, "&") == "&as_of=2025-03-31T14%3A05"
    assert as_of_query(None) == ""
