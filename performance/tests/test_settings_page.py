"""An arrangement's performance settings: the page, the change with its reason, the history.
Built on factories: the root ``world`` (a trust, two councils, someone in every role), not the
demo."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from performance.models import PerformanceSettings
from performance.services.settings import performance_settings_update
from performance.tests.factories import PerformanceSettingsFactory
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

REASON = "Agreed at the performance board"
VALUES = {
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
    """The world's arrangement with its default settings saved, as the demo saves them."""
    PerformanceSettingsFactory(arrangement=arrangement)
    return arrangement


@pytest.fixture
def unsaved(arrangement):
    """The world's arrangement with no settings of its own."""
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


def update(nct, by, reason=REASON, **values):
    return performance_settings_update(by=by, arrangement=nct, reason=reason, **values)


def test_the_page_shows_the_defaults_when_none_are_saved_and_reading_it_writes_nothing(
    people, client_for, unsaved, page, edit
):
    recorded = PerformanceSettings.history.count()
    client = client_for(people["officer"])
    body = client.get(page).content.decode()
    assert "These are the default values" in body
    assert "Children in need: visit at least every (days)" in body
    assert "no more than this many days before the extract&#x27;s date" in body  # explanation
    assert "No recorded changes." in body
    assert client.get(edit).status_code == 200
    assert not PerformanceSettings.objects.filter(arrangement=unsaved).exists()
    assert PerformanceSettings.history.count() == recorded


def test_the_edit_form_starts_from_the_current_values(people, client_for, nct, edit):
    update(nct, people["officer"], caseload_limit=18)
    body = client_for(people["officer"]).get(edit).content.decode()
    assert 'name="caseload_limit" value="18"' in body


def test_an_officer_saves_a_change_with_its_reason_and_the_history_shows_it(
    people, client_for, nct, page, edit
):
    client = client_for(people["officer"])
    response = client.post(edit, {**VALUES, "reason": REASON})
    assert response.status_code == 302
    assert response.url == page
    assert PerformanceSettings.of(nct).due_working_day == 12
    latest = PerformanceSettings.of(nct).history.first()
    assert (latest.history_change_reason, latest.history_user) == (REASON, people["officer"])
    body = client.get(page).content.decode()
    assert "Performance settings saved." in body
    assert REASON in body
    assert str(people["officer"]) in body
    assert "Return due by working day: <del>10</del> → <ins>12</ins>" in body


def test_saving_creates_the_settings_when_the_arrangement_had_none(people, unsaved):
    saved = update(unsaved, people["other-officer"], small_number=5)
    assert saved.pk is not None and saved.small_number == 5
    assert saved.cin_visit_days == 28  # the rest keep their defaults
    assert saved.history.get().history_change_reason == REASON


def test_the_history_compares_the_first_save_with_the_defaults(people, client_for, unsaved, page):
    update(unsaved, people["other-officer"], small_number=5)
    body = client_for(people["manager"]).get(page).content.decode()
    assert "Small-number size: <del>10</del> → <ins>5</ins>" in body


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
        ("lac_visit_days", "", "Enter the visit frequency for looked-after children"),
        ("reason", "", "Enter why the settings change"),
    ],
)  # fmt: skip
def test_invalid_values_are_refused_with_a_message_and_nothing_is_saved(
    people, client_for, nct, edit, field, value, message
):
    before = PerformanceSettings.of(nct).history.count()
    response = client_for(people["officer"]).post(edit, {**VALUES, "reason": REASON,
                                                       field: value})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert PerformanceSettings.of(nct).due_working_day == 10
    assert PerformanceSettings.of(nct).history.count() == before


def test_the_form_shows_range_errors_together_with_missing_values(people, client_for, nct, edit):
    data = {**VALUES, "due_working_day": "30", "caseload_limit": "", "reason": REASON}
    body = client_for(people["officer"]).post(edit, data).content.decode()
    assert "The due working day must be between 1 and 20." in body
    assert "Enter the caseload limit" in body


def test_the_service_refuses_every_bad_value_at_once(people, nct):
    with pytest.raises(ValidationError) as refused:
        update(nct, people["officer"], reason=" ", due_working_day=25, small_number=0)
    assert set(refused.value.message_dict) == {"reason", "due_working_day", "small_number"}


def test_the_service_accepts_text_as_the_api_might_send_it(people, nct):
    saved = update(nct, people["officer"], query_change_points="7.5", cp_visit_days="10")
    saved.refresh_from_db()
    assert (saved.query_change_points, saved.cp_visit_days) == (Decimal("7.5"), 10)


def test_a_save_that_changes_nothing_is_refused(people, nct):
    with pytest.raises(ValidationError, match="Nothing has changed"):
        update(nct, people["officer"], due_working_day=10)


def test_a_change_queues_a_dashboard_recompute_after_commit(
    people, nct, django_capture_on_commit_callbacks
):
    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        update(nct, people["officer"], caseload_limit=18)
    delay.assert_called_once_with(arrangement_id=nct.pk)


@pytest.mark.parametrize(
    "who", ["manager", "observer", "scrutiny", "admin", "outsider", "unattached"]
)
def test_only_the_arrangements_council_officers_change_the_settings(people, nct, who):
    with pytest.raises(PermissionDenied):
        update(nct, people[who], caseload_limit=18)


@pytest.mark.parametrize(
    ("who", "can_change"),
    [("officer", True), ("other-officer", True), ("manager", False), ("admin", False),
     ("observer", False), ("scrutiny", False)],
)  # fmt: skip
def test_only_those_who_may_change_the_settings_are_offered_the_button(
    people, client_for, nct, page, who, can_change
):
    body = client_for(people[who]).get(page).content.decode()
    assert ("Change the settings" in body) is can_change


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
    assert PerformanceSettings.of(nct).due_working_day == 10


def test_the_indicator_list_links_to_the_settings(people, client_for, world, page):
    body = client_for(people["manager"]).get(
        reverse("performance:indicator-list", args=[world.trust.code])
    )
    assert page in body.content.decode()
