"""An arrangement's performance rules: the page listing them by month, a change recorded from
a month with its reason (one change a month, none before the first rules), the history.
Built on factories: the root ``world`` (a trust, two councils, someone in every role), not the
demo."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from performance.models import PerformanceSettings, RuleBook
from performance.services.settings import DEFAULTS_REASON, performance_rules_change
from performance.tests.factories import MonthlyReturnFactory, PerformanceSettingsFactory
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

REASON = "Agreed at the performance board"
FIRST = date(2024, 4, 1)  # the factory's first rules
LATER = date(2025, 1, 1)
VALUES = {
    "valid_from": "2025-01-01",
    "cin_visit_days": "28",
    "cp_visit_days": "14",
    "lac_visit_days": "42",
    "cl_contact_days": "56",
    "caseload_limit": "20",
    "small_number": "10",
    "due_working_day": "12",
    "query_change_points": "10",
}


@pytest.fixture
def nct(arrangement):
    """The world's arrangement with its default rules recorded from April 2024."""
    PerformanceSettingsFactory(arrangement=arrangement, valid_from=FIRST)
    return arrangement


@pytest.fixture
def unsaved(arrangement):
    """The world's arrangement with no rules of its own."""
    assert not PerformanceSettings.objects.filter(arrangement=arrangement).exists()
    return arrangement


@pytest.fixture
def people(world, people):
    """The world's people, and a scrutiny member of the second council."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture
def page(world):
    return reverse("performance:settings", args=[world.trust.code])


@pytest.fixture
def edit(world):
    return reverse("performance:settings-edit", args=[world.trust.code])


def change(nct, by, reason=REASON, valid_from=LATER, **values):
    return performance_rules_change(
        by=by, arrangement=nct, valid_from=valid_from, reason=reason, **values
    )


def test_the_page_shows_the_defaults_when_none_are_recorded_and_reading_it_writes_nothing(
    people, client_for, unsaved, page, edit
):
    recorded = PerformanceSettings.history.count()
    client = client_for(people["officer"])
    body = client.get(page).content.decode()
    assert "No rules are recorded" in body
    assert "Children in need: visit at least every (days)" in body
    assert "no more than this many days before the extract&#x27;s date" in body  # explanation
    assert "No change recorded: the default rules apply to every month." in body
    assert "No recorded changes." in body
    assert client.get(edit).status_code == 200
    assert not PerformanceSettings.objects.filter(arrangement=unsaved).exists()
    assert PerformanceSettings.history.count() == recorded


def test_a_change_is_a_new_row_from_its_month_and_earlier_months_keep_their_rules(people, nct):
    change(nct, people["officer"], cp_visit_days=28, caseload_limit=18)
    book = RuleBook.of(nct)
    assert [r.valid_from for r in book.rows] == [FIRST, LATER]
    december, january = book.at(date(2024, 12, 1)), book.at(date(2025, 1, 1))
    assert (december.cp_visit_days, december.caseload_limit) == (14, 20)
    assert (january.cp_visit_days, january.caseload_limit) == (28, 18)
    assert book.at(date(2030, 6, 1)) == january  # in force until the next change
    assert book.at(date(2019, 2, 1)).valid_from == FIRST  # the first: from the beginning


def test_rules_not_given_are_kept_from_those_in_force_in_the_changes_month(people, nct):
    change(nct, people["officer"], valid_from=date(2025, 6, 1), small_number=5)
    inserted = change(nct, people["officer"], valid_from=LATER, cp_visit_days=28)
    assert (inserted.cp_visit_days, inserted.small_number) == (28, 10)  # not June's 5
    assert PerformanceSettings.of(nct, date(2025, 6, 1)).cp_visit_days == 14  # June's own row


def test_the_first_change_records_the_defaults_from_the_earliest_return(people, unsaved):
    MonthlyReturnFactory(arrangement=unsaved, period=date(2024, 10, 1))
    saved = change(unsaved, people["other-officer"], small_number=5)
    assert (saved.valid_from, saved.small_number, saved.cin_visit_days) == (LATER, 5, 28)
    first = RuleBook.of(unsaved).first
    assert (first.valid_from, first.small_number, first.reason) == (
        date(2024, 10, 1),
        10,
        DEFAULTS_REASON,
    )
    assert PerformanceSettings.of(unsaved, date(2024, 12, 1)).small_number == 10
    assert saved.history.get().history_change_reason == REASON


def test_the_first_change_records_the_defaults_from_an_earlier_workforce_month(people, unsaved):
    # A workforce month before the first performance return is rated under the rules too (its
    # small-number size and caseload limit), so the first rules reach back to it.
    from workforce.tests.factories import WorkforceReturnFactory

    MonthlyReturnFactory(arrangement=unsaved, period=date(2024, 10, 1))
    WorkforceReturnFactory(arrangement=unsaved, period=date(2024, 7, 1))
    WorkforceReturnFactory(arrangement=unsaved, period=date(2024, 8, 1))
    change(unsaved, people["other-officer"], small_number=5)
    first = RuleBook.of(unsaved).first
    assert (first.valid_from, first.small_number, first.reason) == (
        date(2024, 7, 1),
        10,
        DEFAULTS_REASON,
    )


def test_the_returns_judged_by_the_rules_are_the_performance_and_workforce_returns(db):
    from performance.models import MonthlyReturn
    from performance.services.settings import judged_returns
    from workforce.models import WorkforceReturn

    assert judged_returns() == [MonthlyReturn, WorkforceReturn]


def test_the_first_change_of_an_arrangement_without_returns_is_its_first_rules(people, unsaved):
    saved = change(unsaved, people["officer"], small_number=5)
    assert RuleBook.of(unsaved).rows == [saved]


@pytest.mark.parametrize("month", [date(1, 1, 1), date(1999, 12, 1), date(9999, 12, 1)])
def test_a_change_from_a_month_outside_2000_to_next_year_is_refused(people, unsaved, month):
    last = date.today().year + 1
    with pytest.raises(ValidationError) as refused:
        change(unsaved, people["officer"], valid_from=month, small_number=5)
    assert refused.value.message_dict["valid_from"] == [
        f"Enter a month from January 2000 to December {last}."
    ]
    assert not PerformanceSettings.objects.filter(arrangement=unsaved).exists()


def test_two_changes_in_the_same_month_are_refused(people, nct):
    change(nct, people["officer"], caseload_limit=18)
    with pytest.raises(ValidationError) as refused:
        change(nct, people["officer"], valid_from=date(2025, 1, 20), caseload_limit=16)
    assert refused.value.message_dict["valid_from"] == [
        "The rules already change from January 2025: one change a month. Choose a later "
        "month, or record a further change from the next month."
    ]
    assert PerformanceSettings.of(nct, LATER).caseload_limit == 18


def test_a_change_before_the_first_rules_is_refused(people, nct):
    with pytest.raises(ValidationError) as refused:
        change(nct, people["officer"], valid_from=date(2024, 3, 1), caseload_limit=18)
    assert refused.value.message_dict["valid_from"] == [
        "The rules are recorded from April 2024, in force from the beginning: a change must "
        "start in April 2024 or later."
    ]


def test_any_day_names_its_month(people, nct):
    saved = change(nct, people["officer"], valid_from=date(2025, 1, 17), small_number=4)
    assert saved.valid_from == LATER


def test_the_edit_form_starts_from_this_months_rules(people, client_for, nct, edit):
    change(nct, people["officer"], caseload_limit=18)
    body = client_for(people["officer"]).get(edit).content.decode()
    assert 'name="caseload_limit" value="18"' in body  # January 2025's rules are in force now


def test_the_edit_form_starts_from_another_months_rules_when_asked(people, client_for, nct, edit):
    change(nct, people["officer"], caseload_limit=18)
    body = client_for(people["officer"]).get(edit + "?from=2024-06").content.decode()
    assert 'name="caseload_limit" value="20"' in body
    assert "The form starts from the rules in force for June 2024" in body


def test_an_officer_saves_a_change_and_the_page_lists_the_rules_by_month(
    people, client_for, nct, page, edit
):
    client = client_for(people["officer"])
    response = client.post(edit, {**VALUES, "reason": REASON})
    assert response.status_code == 302
    assert response.url == page
    assert PerformanceSettings.of(nct, LATER).due_working_day == 12
    assert PerformanceSettings.of(nct, FIRST).due_working_day == 10
    latest = PerformanceSettings.of(nct, LATER).history.first()
    assert (latest.history_change_reason, latest.history_user) == (REASON, people["officer"])
    body = client.get(page).content.decode()
    assert "Rules change saved." in body
    assert "From January 2025</h3>" in body
    assert "From April 2024, and every month before</h3>" in body
    assert "Return due by working day: <del>10</del> → <ins>12</ins>" in body
    assert REASON in body
    assert str(people["officer"]) in body
    assert "Rules from January 2025 recorded" in body  # the history


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cin_visit_days", "0", "The visit frequency for children in need must be between 1 "
         "and 365 days."),
        ("due_working_day", "21", "The due working day must be between 1 and 20."),
        ("due_working_day", "0", "The due working day must be between 1 and 20."),
        ("small_number", "0", "The small-number size must be between 1 and 1000."),
        ("query_change_points", "0", "must be between 0.1 and 100 percentage points"),
        ("query_change_points", "2.25", "to one decimal place"),
        ("caseload_limit", "twenty", "Enter the caseload limit as a whole number"),
        ("caseload_limit", "١٨", "Enter the caseload limit as a whole number"),
        ("query_change_points", "٢.٥", "Enter the change that needs a commentary as a number"),
        ("lac_visit_days", "", "Enter the visit frequency for looked-after children"),
        ("reason", "", "Enter why the rules change"),
        ("valid_from", "", "Enter the month the change applies from"),
        ("valid_from", "March", "Enter the month the change applies from as a date"),
        ("valid_from", "2024-02-01", "The rules are recorded from April 2024"),
        ("valid_from", "9999-12-01", "Enter a month from January 2000 to December"),
    ],
)  # fmt: skip
def test_invalid_values_are_refused_with_a_message_and_nothing_is_saved(
    people, client_for, nct, edit, field, value, message
):
    before = PerformanceSettings.history.count()
    response = client_for(people["officer"]).post(edit, {**VALUES, "reason": REASON,
                                                       field: value})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert PerformanceSettings.objects.filter(arrangement=nct).count() == 1
    assert PerformanceSettings.history.count() == before


def test_the_form_shows_range_errors_together_with_missing_values(people, client_for, nct, edit):
    data = {**VALUES, "due_working_day": "30", "caseload_limit": "", "reason": REASON}
    body = client_for(people["officer"]).post(edit, data).content.decode()
    assert "The due working day must be between 1 and 20." in body
    assert "Enter the caseload limit" in body


def test_the_service_refuses_every_bad_value_at_once(people, nct):
    with pytest.raises(ValidationError) as refused:
        change(nct, people["officer"], reason=" ", valid_from=None, due_working_day=25,
               small_number=0)  # fmt: skip
    assert set(refused.value.message_dict) == {
        "reason",
        "valid_from",
        "due_working_day",
        "small_number",
    }


def test_the_service_accepts_text_as_the_api_might_send_it(people, nct):
    saved = change(nct, people["officer"], query_change_points="7.5", cp_visit_days="10")
    saved.refresh_from_db()
    assert (saved.query_change_points, saved.cp_visit_days) == (Decimal("7.5"), 10)


def test_a_change_that_changes_nothing_is_refused(people, nct):
    with pytest.raises(ValidationError, match="Nothing changes: these are the rules already in "
                       "force for January 2025"):  # fmt: skip
        change(nct, people["officer"], due_working_day=10)


def test_a_change_queues_a_dashboard_recompute_after_commit(
    people, nct, django_capture_on_commit_callbacks
):
    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        change(nct, people["officer"], caseload_limit=18)
    delay.assert_called_once_with(arrangement_id=nct.pk)


@pytest.mark.parametrize(
    "who", ["manager", "observer", "scrutiny", "admin", "outsider", "unattached"]
)
def test_only_the_arrangements_council_officers_change_the_rules(people, nct, who):
    with pytest.raises(PermissionDenied):
        change(nct, people[who], caseload_limit=18)


@pytest.mark.parametrize(
    ("who", "can_change"),
    [("officer", True), ("other-officer", True), ("manager", False), ("admin", False),
     ("observer", False), ("scrutiny", False)],
)  # fmt: skip
def test_only_those_who_may_change_the_rules_are_offered_the_button(
    people, client_for, nct, page, who, can_change
):
    body = client_for(people[who]).get(page).content.decode()
    assert ("Record a change to the rules" in body) is can_change
    assert ("Record a change from these rules" in body) is can_change


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 403), ("admin", 403), ("observer", 403), ("other-scrutiny", 403),
     ("outsider", 404), ("unattached", 404)],
)  # fmt: skip
def test_a_post_from_anyone_but_the_officers_changes_nothing(
    people, client_for, nct, edit, who, status
):
    response = client_for(people[who]).post(edit, {**VALUES, "reason": REASON})
    assert response.status_code == status
    assert PerformanceSettings.objects.filter(arrangement=nct).count() == 1


def test_the_indicator_list_links_to_the_rules(people, client_for, world, page):
    body = client_for(people["manager"]).get(
        reverse("performance:indicator-list", args=[world.trust.code])
    )
    assert page in body.content.decode()
