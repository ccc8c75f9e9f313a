"""An arrangement's performance settings: the page, the change with its reason, the history."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from performance.models import PerformanceSettings
from performance.services.settings import performance_settings_update
from trust_portal.accounts.models import Arrangement

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
PAGE = reverse("performance:settings", args=["NCT"])
EDIT = reverse("performance:settings-edit", args=["NCT"])


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def unsaved(nct):
    """NCT with no settings of its own (the demo saves the defaults for every arrangement)."""
    PerformanceSettings.objects.filter(arrangement=nct).delete()
    return nct


def update(nct, by, reason=REASON, **values):
    return performance_settings_update(by=by, arrangement=nct, reason=reason, **values)


def test_the_page_shows_the_defaults_when_none_are_saved_and_reading_it_writes_nothing(
    cast, client_for, unsaved
):
    recorded = PerformanceSettings.history.count()
    client = client_for(cast["wnc-officer"])
    body = client.get(PAGE).content.decode()
    assert "These are the default values" in body
    assert "Children in need: visit at least every (days)" in body
    assert "no more than this many days before the extract&#x27;s date" in body  # explanation
    assert "No recorded changes." in body
    assert client.get(EDIT).status_code == 200
    assert not PerformanceSettings.objects.filter(arrangement=unsaved).exists()
    assert PerformanceSettings.history.count() == recorded


def test_the_edit_form_starts_from_the_current_values(cast, client_for, nct):
    update(nct, cast["wnc-officer"], caseload_limit=18)
    body = client_for(cast["wnc-officer"]).get(EDIT).content.decode()
    assert 'name="caseload_limit" value="18"' in body


def test_an_officer_saves_a_change_with_its_reason_and_the_history_shows_it(cast, client_for, nct):
    client = client_for(cast["wnc-officer"])
    response = client.post(EDIT, {**VALUES, "reason": REASON})
    assert response.status_code == 302
    assert response.url == PAGE
    assert PerformanceSettings.of(nct).due_working_day == 12
    latest = PerformanceSettings.of(nct).history.first()
    assert (latest.history_change_reason, latest.history_user) == (REASON, cast["wnc-officer"])
    body = client.get(PAGE).content.decode()
    assert "Performance settings saved." in body
    assert REASON in body
    assert str(cast["wnc-officer"]) in body
    assert "Return due by working day: <del>10</del> → <ins>12</ins>" in body


def test_saving_creates_the_settings_when_the_arrangement_had_none(cast, unsaved):
    saved = update(unsaved, cast["nnc-officer"], small_number=5)
    assert saved.pk is not None and saved.small_number == 5
    assert saved.cin_visit_days == 28  # the rest keep their defaults
    assert saved.history.get().history_change_reason == REASON


def test_the_history_compares_the_first_save_with_the_defaults(cast, client_for, unsaved):
    update(unsaved, cast["nnc-officer"], small_number=5)
    body = client_for(cast["nct-manager"]).get(PAGE).content.decode()
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
    cast, client_for, nct, field, value, message
):
    before = PerformanceSettings.of(nct).history.count()
    response = client_for(cast["wnc-officer"]).post(EDIT, {**VALUES, "reason": REASON,
                                                           field: value})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert PerformanceSettings.of(nct).due_working_day == 10
    assert PerformanceSettings.of(nct).history.count() == before


def test_the_form_shows_range_errors_together_with_missing_values(cast, client_for):
    data = {**VALUES, "due_working_day": "30", "caseload_limit": "", "reason": REASON}
    body = client_for(cast["wnc-officer"]).post(EDIT, data).content.decode()
    assert "The due working day must be between 1 and 20." in body
    assert "Enter the caseload limit" in body


def test_the_service_refuses_every_bad_value_at_once(cast, nct):
    with pytest.raises(ValidationError) as refused:
        update(nct, cast["wnc-officer"], reason=" ", due_working_day=25, small_number=0)
    assert set(refused.value.message_dict) == {"reason", "due_working_day", "small_number"}


def test_the_service_accepts_text_as_the_api_might_send_it(cast, nct):
    saved = update(nct, cast["wnc-officer"], query_change_points="7.5", cp_visit_days="10")
    saved.refresh_from_db()
    assert (saved.query_change_points, saved.cp_visit_days) == (Decimal("7.5"), 10)


def test_a_save_that_changes_nothing_is_refused(cast, nct):
    with pytest.raises(ValidationError, match="Nothing has changed"):
        update(nct, cast["wnc-officer"], due_working_day=10)


def test_a_change_queues_a_dashboard_recompute_after_commit(
    cast, nct, django_capture_on_commit_callbacks
):
    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        update(nct, cast["wnc-officer"], caseload_limit=18)
    delay.assert_called_once_with(arrangement_id=nct.pk)


@pytest.mark.parametrize(
    "who", ["nct-manager", "dfe-observer", "wnc-scrutiny", "admin", "occ-officer", "outsider"]
)
def test_only_the_arrangements_council_officers_change_the_settings(cast, nct, who):
    with pytest.raises(PermissionDenied):
        update(nct, cast[who], caseload_limit=18)


@pytest.mark.parametrize(
    ("who", "can_change"),
    [("wnc-officer", True), ("nnc-officer", True), ("nct-manager", False), ("admin", False),
     ("dfe-observer", False), ("wnc-scrutiny", False)],
)  # fmt: skip
def test_only_those_who_may_change_the_settings_are_offered_the_button(
    cast, client_for, who, can_change
):
    body = client_for(cast[who]).get(PAGE).content.decode()
    assert ("Change the settings" in body) is can_change


@pytest.mark.parametrize(
    ("who", "status"),
    [("nct-manager", 403), ("admin", 403), ("dfe-observer", 403), ("nnc-scrutiny", 403),
     ("occ-officer", 404), ("outsider", 404)],
)  # fmt: skip
def test_a_post_from_anyone_but_the_officers_changes_nothing(cast, client_for, nct, who, status):
    response = client_for(cast[who]).post(EDIT, {**VALUES, "reason": REASON})
    assert response.status_code == status
    assert PerformanceSettings.of(nct).due_working_day == 10


def test_the_indicator_list_links_to_the_settings(cast, client_for):
    body = client_for(cast["nct-manager"]).get(reverse("performance:indicator-list", args=["NCT"]))
    assert PAGE in body.content.decode()
