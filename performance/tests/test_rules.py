"""Each month computed and rated under the rules in force for it, across the 2019 change of the
child protection visit standard (four-weekly to February 2019, two-weekly from March 2019),
and every page that shows a month's figures saying which rules it was judged under. Built on
factories: the root ``world`` (a trust, two councils, someone in every role) with rules of the
test's own, and the published catalogue's extract indicators; not the demo's figures."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from performance import dashboards
from performance.dashboards.history import load
from performance.dashboards.pack import build_performance_pack
from performance.deadlines import overdue_returns
from performance.models import Indicator, Measurement, MonthlyReturn, PerformanceSettings
from performance.rules import every
from performance.services import returns, uploads
from performance.services.uploads import extract_settings
from performance.tests.factories import (
    IndicatorFactory,
    MonthlyReturnFactory,
    PerformanceSettingsFactory,
)
from trust_portal.approvals.models import State

FIRST = date(2018, 4, 1)
DEC_2018, JAN_2019, FEB_2019 = date(2018, 12, 1), date(2019, 1, 1), date(2019, 2, 1)
MAR_2019 = date(2019, 3, 1)
CP = "CP_VISIT_IN_TIME"


@pytest.fixture
def cp_change(arrangement):
    """Child protection visits every 28 days from April 2018 (the first rules, in force from
    the beginning) and every 14 days from March 2019."""
    PerformanceSettingsFactory(arrangement=arrangement, valid_from=FIRST, cp_visit_days=28)
    PerformanceSettingsFactory(arrangement=arrangement, valid_from=MAR_2019, cp_visit_days=14)
    return arrangement


def first_area(arrangement) -> str:
    return arrangement.councils.order_by("code").first().code


def approved(arrangement, month, cells, *, state=State.APPROVED) -> MonthlyReturn:
    """A return of the month holding these figures: {(code, area): (numerator, denominator)}."""
    monthly_return = MonthlyReturn.objects.create(
        arrangement=arrangement,
        period=month,
        revision=1,
        state=state,
        approved_at=datetime(2019, 4, 12, 10, tzinfo=UTC) if state == State.APPROVED else None,
    )
    for (code, area), (numerator, denominator) in cells.items():
        Measurement.objects.create(
            monthly_return=monthly_return,
            indicator=Indicator.objects.get(code=code),
            area=area,
            numerator=numerator,
            denominator=denominator,
        )
    return monthly_return


@pytest.mark.parametrize(
    ("days", "words"),
    [(28, "every 4 weeks (28 days)"), (14, "every 2 weeks (14 days)"), (7, "every 1 week (7 days)"),
     (10, "every 10 days"), (1, "every 1 day")],
)  # fmt: skip
def test_a_frequency_is_worded_in_weeks_when_it_is_whole_weeks(days, words):
    assert every(days) == words


@pytest.mark.parametrize(
    ("month", "days"),
    [(date(2017, 6, 1), 28), (DEC_2018, 28), (FEB_2019, 28), (MAR_2019, 14),
     (date(2024, 1, 1), 14)],
)  # fmt: skip
def test_each_month_reads_the_child_protection_standard_in_force_for_it(cp_change, month, days):
    assert PerformanceSettings.of(cp_change, month).cp_visit_days == days
    assert extract_settings(cp_change, month).visit_days["CP"] == days


def test_an_arrangement_without_rules_is_judged_under_the_defaults(arrangement):
    rules = PerformanceSettings.of(arrangement, FEB_2019)
    assert (rules.pk, rules.cp_visit_days, rules.small_number) == (None, 14, 10)


# --- The extract: the same 20 days since the last visit, in time in February, late in March --

HEADER = "child_id,area,category,worker_id,episode_start,last_visit_date\n"


def cp_child_seen(area: str, last_visit: str) -> str:
    return HEADER + f"C1,{area},CP,W1,2018-06-01,{last_visit}\n"


@pytest.mark.parametrize(
    ("as_at", "last_visit", "in_time"),
    [("2018-12-31", "2018-12-11", 1), ("2019-02-28", "2019-02-08", 1),
     ("2019-03-31", "2019-03-11", 0)],
)  # fmt: skip
def test_the_extract_command_counts_visits_against_the_months_standard(
    cp_change, tmp_path, as_at, last_visit, in_time
):
    area = first_area(cp_change)
    path = tmp_path / "extract.csv"
    path.write_text(cp_child_seen(area, last_visit))  # 20 days before the month's end
    out = []
    call_command(
        "compute_child_extract",
        str(path),
        as_at=date.fromisoformat(as_at),
        trust=cp_change.trust.code,
        stdout=type("Out", (), {"write": lambda self, text: out.append(text)})(),
    )
    result = json.loads("".join(out))
    assert result["areas"][area][CP] == {"numerator": in_time, "denominator": 1}


@pytest.mark.parametrize(("month", "last_visit", "in_time"),
                         [(FEB_2019, "2019-02-08", 1), (MAR_2019, "2019-03-11", 0)])  # fmt: skip
def test_an_uploaded_extract_fills_its_month_under_that_months_standard(
    cp_change, people, settings, tmp_path, monkeypatch, month, last_visit, in_time
):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("performance.services.uploads._queue", lambda upload_id: None)
    draft = returns.return_start(by=people["manager"], arrangement=cp_change, month=month)
    area = first_area(cp_change)
    text = cp_child_seen(area, last_visit)
    upload = uploads.extract_upload_start(
        by=people["manager"],
        monthly_return=draft,
        file=SimpleUploadedFile("extract.csv", text.encode(), content_type="text/csv"),
    )
    uploads.extract_upload_run(upload_id=upload.pk)
    cell = draft.measurements.get(indicator__code=CP, area=area)
    assert (cell.numerator, cell.denominator) == (in_time, 1)


# --- Ratings, queries and deadlines under each month's rules -------------------------------


@pytest.fixture
def sizes_change(arrangement):
    """Small numbers below 10 and a commentary for changes over 10 points to February 2019;
    below 5 and over 30 points, and due on working day 15, from March 2019."""
    PerformanceSettingsFactory(arrangement=arrangement, valid_from=FIRST)
    PerformanceSettingsFactory(
        arrangement=arrangement,
        valid_from=MAR_2019,
        small_number=5,
        query_change_points=Decimal(30),
        due_working_day=15,
    )
    return arrangement


@pytest.fixture
def visits():
    return IndicatorFactory(code="TEST_RULES_VISITS", name="Test visits")


def row_of(monthly_return, indicator, area):
    rows = returns.return_rows(monthly_return)
    return next(r for r in rows if r.indicator == indicator and r.area == area)


def test_small_numbers_and_queries_follow_the_months_rules(sizes_change, visits):
    area = first_area(sizes_change)
    cells = {(visits.code, area)}
    approved(sizes_change, JAN_2019, dict.fromkeys(cells, (4, 8)))
    february = approved(sizes_change, FEB_2019, dict.fromkeys(cells, (6, 8)))
    march = approved(sizes_change, MAR_2019, dict.fromkeys(cells, (8, 8)), state=State.DRAFT)
    feb, mar = row_of(february, visits, area), row_of(march, visits, area)
    # Both months: 8 in the denominator, up 25 points since the month before.
    assert (feb.change, mar.change) == (25, 25)
    assert feb.rating.small_numbers and not mar.rating.small_numbers
    assert feb.needs_commentary == "Changed by more than 10 points since last month"
    assert mar.needs_commentary is None


def test_the_dashboards_rate_each_month_under_its_own_small_number_size(sizes_change, visits):
    area = first_area(sizes_change)
    for month in (FEB_2019, MAR_2019):
        approved(sizes_change, month, {(visits.code, area): (6, 8)})
    history = load(sizes_change)
    ratings = [
        history.rating(visits, history.figures[(visits.code, area, m)], m)
        for m in (FEB_2019, MAR_2019)
    ]
    assert [r.small_numbers for r in ratings] == [True, False]


def test_each_months_return_is_due_on_the_day_in_force_for_it(sizes_change):
    # February 2019: the 10th working day of March (the 14th); March 2019: the 15th working
    # day of April (the 23rd, after Easter), not the 10th (the 12th).
    feb = overdue_returns(sizes_change, today=date(2019, 3, 18))[-1]
    assert (feb.month, feb.due) == (FEB_2019, date(2019, 3, 14))
    late = overdue_returns(sizes_change, today=date(2019, 4, 20))
    assert MAR_2019 not in [o.month for o in late]
    assert overdue_returns(sizes_change, today=date(2019, 4, 24))[-1].due == date(2019, 4, 23)


# --- Pages and dashboards say which rules each month was judged under ----------------------


@pytest.fixture
def cp_months(cp_change):
    area = first_area(cp_change)
    for month in (DEC_2018, JAN_2019, FEB_2019, MAR_2019):
        approved(cp_change, month, {(CP, area): (59, 100)})
    return cp_change


@pytest.mark.parametrize(
    ("month", "words"),
    [("2018-12", "every 4 weeks (28 days), the standard in force for December 2018"),
     ("2019-02", "every 4 weeks (28 days), the standard in force for February 2019"),
     ("2019-03", "every 2 weeks (14 days), the standard in force for March 2019")],
)  # fmt: skip
def test_the_review_page_says_which_standard_the_month_was_judged_against(
    cp_months, people, client_for, month, words
):
    url = reverse("performance:return-detail", args=[cp_months.trust.code, month, 1])
    body = client_for(people["officer"]).get(url).content.decode()
    assert f"Child protection visits judged against {words}" in body
    assert "The rules in force for" in body


def test_the_entry_page_names_the_rules_of_its_month(cp_change, people, client_for):
    returns.return_start(by=people["manager"], arrangement=cp_change, month=FEB_2019)
    url = reverse("performance:return-edit", args=[cp_change.trust.code, "2019-02", 1])
    body = client_for(people["manager"]).get(url).content.decode()
    assert "The rules in force for February 2019" in body
    assert "Child protection visits judged against every 4 weeks (28 days)" in body


def test_the_overview_and_each_pack_month_name_their_rules_and_what_changed(cp_months):
    data = dashboards.build_overview(cp_months)
    notes = {
        month: next(b for b in blocks if b["id"] == "rules")["text"]
        for month, blocks in build_performance_pack(cp_months)["pack"]["by_month"].items()
    }
    assert "child protection visits judged against every 4 weeks (28 days)" in notes["2019-02"]
    assert "the rules in force for February 2019" in notes["2019-02"]
    assert "Changed since" not in notes["2019-02"]
    assert "child protection visits judged against every 2 weeks (14 days)" in notes["2019-03"]
    assert (
        "Changed since the month before: Child protection visits: judged against every 4 weeks "
        "(28 days) → judged against every 2 weeks (14 days)." in notes["2019-03"]
    )
    assert next(b for b in data["blocks"] if b["id"] == "rules")["text"] == notes["2019-03"]


def test_the_trend_page_dates_the_standard_each_month_was_judged_against(cp_months):
    page = dashboards.build_indicators(cp_months)["pages"][CP]
    note = next(b for b in page["blocks"] if b["id"] == "rules")["text"]
    assert note.startswith(
        "Child protection visits judged against every 4 weeks (28 days) to February 2019, "
        "judged against every 2 weeks (14 days) from March 2019; percentages marked small "
        "numbers below a denominator of 10 in every month shown"
    )


# --- The data migration: today's values kept as the rules in force from the beginning ------
# It runs where each arrangement had one row: the demo's dated rows are set aside (the test's
# transaction puts them back).


@pytest.fixture
def one_row_each(arrangement):
    PerformanceSettings.objects.exclude(arrangement=arrangement).delete()
    return arrangement


def test_the_data_migration_dates_each_row_from_its_arrangements_earliest_return(one_row_each):
    arrangement = one_row_each
    migration = import_module("performance.migrations.0007_rules_dated")
    row = PerformanceSettingsFactory(
        arrangement=arrangement, valid_from=date(2030, 1, 1), cp_visit_days=21, reason=""
    )
    for month in (FEB_2019, DEC_2018):
        MonthlyReturnFactory(arrangement=arrangement, period=month)
    migration.date_the_rules(django_apps, None)
    row.refresh_from_db()
    assert (row.valid_from, row.cp_visit_days, row.reason) == (
        DEC_2018,
        21,
        migration.FIRST_REASON,
    )
    assert row.history.first().valid_from == DEC_2018
    assert PerformanceSettings.of(arrangement, date(2017, 1, 1)).cp_visit_days == 21


def test_the_data_migration_dates_a_row_without_returns_from_this_month(one_row_each):
    arrangement = one_row_each
    migration = import_module("performance.migrations.0007_rules_dated")
    row = PerformanceSettingsFactory(arrangement=arrangement, valid_from=date(2030, 1, 1))
    migration.date_the_rules(django_apps, None)
    row.refresh_from_db()
    assert row.valid_from == date.today().replace(day=1)


# --- Why a figure moved: a rule that changed between the two months is said beside it -------

CP_CHANGED = (
    "The rules changed: child protection visits judged against every 4 weeks (28 days) → "
    "every 2 weeks (14 days)."
)


def test_the_trend_pages_why_it_moved_notes_the_rule_that_changed(cp_months):
    page = dashboards.build_indicators(cp_months)["pages"][CP]
    why = next(b for b in page["blocks"] if b["id"] == "why")
    area = first_area(cp_months)
    notes = {row[0]: row[-1] for row in why["table"]["rows"] if row[1] == area}
    assert notes["2019-03"] == CP_CHANGED
    assert notes["2019-02"] == ""  # the same rules in both months


def test_the_return_review_notes_the_rule_that_changed_since_the_month_before(cp_months):
    march = MonthlyReturn.objects.get(arrangement=cp_months, period=MAR_2019)
    row = next(r for r in returns.return_rows(march) if r.indicator.code == CP)
    assert row.notes == (CP_CHANGED,)
    february = MonthlyReturn.objects.get(arrangement=cp_months, period=FEB_2019)
    row = next(r for r in returns.return_rows(february) if r.indicator.code == CP)
    assert row.notes == ()


def test_only_the_rules_that_decide_an_indicator_are_noted(arrangement):
    from performance.rules import rule_note

    before = PerformanceSettingsFactory.build(arrangement=arrangement, cp_visit_days=28)
    after = PerformanceSettingsFactory.build(
        arrangement=arrangement, cp_visit_days=14, small_number=5, due_working_day=8
    )
    assert rule_note("CIN_VISIT_IN_TIME", before, after) == (
        "The rules changed: percentages marked small numbers below a denominator of 10 → below "
        "a denominator of 5."
    )
    assert rule_note(CP, before, after) == (
        "The rules changed: child protection visits judged against every 4 weeks (28 days) → "
        "every 2 weeks (14 days); percentages marked small numbers below a denominator of 10 → "
        "below a denominator of 5."
    )
    assert rule_note(CP, before, before) == ""
