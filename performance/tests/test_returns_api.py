"""The monthly returns API: a return's life, its refusals, the measurements and corrections.
Built on factories: the root ``world`` (a trust, two councils, someone in every role) and
indicators of the test's own (``catalogue``), not the demo."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from performance.models import Indicator, MonthlyReturn
from performance.services import returns
from performance.tests.conftest import full_figures
from performance.tests.conftest import save as save_as
from performance.tests.factories import MeasurementFactory, MonthlyReturnFactory
from trust_portal.accounts.api_tokens import api_token_create
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory
from trust_portal.approvals.models import Event, State

MONTH = "2025-07-01"


@pytest.fixture
def people(world, people):
    """The world's people, and a scrutiny member of the second council."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture
def api_for(people):
    def make(who):
        client = APIClient()
        client.force_authenticate(people[who])
        return client

    return make


@pytest.fixture
def start(world, catalogue):
    """start(client) starts the world's return for MONTH through the API."""

    def post(client):
        return client.post(
            "/api/v1/returns/", {"trust": world.trust.code, "month": MONTH}, format="json"
        )

    return post


def all_figures(arrangement, value=8):
    rows = []
    for indicator, area in returns.cells_of(arrangement, Indicator.objects.all()):
        row = {"indicator": indicator.code, "area": area, "numerator": value}
        if indicator.has_denominator:
            row["denominator"] = 10
        rows.append(row)
    return rows


def test_the_trust_runs_a_return_through_the_api_and_the_councils_approve_it(
    api_for, arrangement, start
):
    manager = api_for("manager")
    started = start(manager)
    assert started.status_code == 201, started.json()
    rid, version = started.json()["id"], started.json()["lock_version"]
    body = {"lock_version": version, "figures": all_figures(arrangement)}
    saved = manager.post(f"/api/v1/returns/{rid}/figures/", body, format="json")
    assert saved.status_code == 200, saved.json()
    assert manager.post(f"/api/v1/returns/{rid}/submit/").json()["state"] == "submitted"
    api_for("officer").post(f"/api/v1/returns/{rid}/approve/")
    final = api_for("other-officer").post(f"/api/v1/returns/{rid}/approve/")
    assert final.json()["state"] == "approved"


def test_a_month_before_2000_is_a_400_saying_which_months(api_for, world, catalogue):
    response = api_for("manager").post(
        "/api/v1/returns/", {"trust": world.trust.code, "month": "0001-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["month"][0].startswith("Enter a month from January 2000 to December")


def test_a_stale_lock_version_is_a_409_saying_so(api_for, start):
    manager = api_for("manager")
    rid = start(manager).json()["id"]
    response = manager.post(f"/api/v1/returns/{rid}/figures/",
                            {"lock_version": 99, "figures": []}, format="json")  # fmt: skip
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else saved")


def test_a_bad_cell_is_a_400_naming_the_cell(api_for, start, world, catalogue):
    manager = api_for("manager")
    started = start(manager)
    visits, area = catalogue.visits.code, world.councils[1].code
    figures = [{"indicator": visits, "area": area, "numerator": 11, "denominator": 10}]
    response = manager.post(
        f"/api/v1/returns/{started.json()['id']}/figures/",
        {"lock_version": started.json()["lock_version"], "figures": figures},
        format="json",
    )
    assert response.status_code == 400
    assert "cannot be more than the denominator" in response.json()[f"{visits}.{area}"][0]


@pytest.mark.parametrize(
    ("numerator", "message"),
    [
        (3_000_000_000, "The numerator is too large: at most 2,147,483,647"),
        (1e25, "The numerator must be a whole number"),
        ("²", "The numerator must be a whole number"),
        (True, "The numerator must be a whole number"),
    ],
)
def test_a_figure_out_of_range_is_a_400_naming_the_cell(
    api_for, start, world, catalogue, numerator, message
):
    manager = api_for("manager")
    started = start(manager)
    visits, area = catalogue.visits.code, world.councils[1].code
    figures = [{"indicator": visits, "area": area, "numerator": numerator, "denominator": 10}]
    response = manager.post(
        f"/api/v1/returns/{started.json()['id']}/figures/",
        {"lock_version": started.json()["lock_version"], "figures": figures},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()[f"{visits}.{area}"][0].startswith(message)


@pytest.mark.parametrize("who", ["officer", "observer", "scrutiny", "admin"])
def test_only_the_trust_starts_returns_through_the_api(api_for, start, who):
    response = start(api_for(who))
    assert response.status_code == 403


def test_the_trust_cannot_approve_through_the_api(api_for, people, arrangement):
    draft = returns.return_start(
        by=people["manager"], arrangement=arrangement, month=date(2025, 7, 1)
    )
    assert api_for("manager").post(f"/api/v1/returns/{draft.pk}/approve/").status_code == 403


def test_drafts_are_invisible_to_the_councils_in_the_api(api_for, people, arrangement):
    draft = returns.return_start(
        by=people["manager"], arrangement=arrangement, month=date(2025, 7, 1)
    )
    assert api_for("officer").get(f"/api/v1/returns/{draft.pk}/").status_code == 404
    assert api_for("manager").get(f"/api/v1/returns/{draft.pk}/").status_code == 200


@pytest.fixture
def approved_months(world, catalogue):
    """Approved returns from November 2018 to March 2019, visits in both councils' areas and
    children on a plan in the second's."""
    first, second = world.councils
    for month in [date(2018, 11, 1), date(2018, 12, 1), *[date(2019, m, 1) for m in (1, 2, 3)]]:
        approved = MonthlyReturnFactory(
            arrangement=world.arrangement, period=month, state=State.APPROVED
        )
        for area in (first.code, second.code):
            MeasurementFactory(monthly_return=approved, indicator=catalogue.visits, area=area)
        MeasurementFactory(
            monthly_return=approved, indicator=catalogue.open_cp, area=second.code, denominator=None
        )


def test_measurements_filter_by_indicator_area_and_months(
    api_for, world, catalogue, approved_months
):
    area = world.councils[1].code
    rows = api_for("observer").get(
        "/api/v1/measurements/",
        {"indicator": catalogue.visits.code, "area": area, "month_from": "2018-12-01",
         "month_to": "2019-02-01"},
    ).json()["results"]  # fmt: skip
    assert [r["month"] for r in rows] == ["2018-12-01", "2019-01-01", "2019-02-01"]
    assert all(r["state"] == "approved" and r["area"] == area for r in rows)


def test_measurements_of_other_arrangements_never_appear(api_for, approved_months):
    rows = api_for("outsider").get("/api/v1/measurements/").json()
    assert rows["count"] == 0


def test_the_schema_is_valid_openapi():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


# --- Corrections: the action budget monitoring and workforce returns have had ---------------


@pytest.fixture
def feb_2019(people, arrangement, catalogue):
    """February 2019's return, filled, submitted and approved by both councils."""
    monthly_return = returns.return_start(
        by=people["manager"], arrangement=arrangement, month=date(2019, 2, 1)
    )
    save_as(people["manager"], monthly_return, full_figures(arrangement))
    returns.return_submit(by=people["manager"], monthly_return=monthly_return)
    for who in ("officer", "other-officer"):
        returns.return_approve(by=people[who], monthly_return=monthly_return)
    monthly_return.refresh_from_db()
    return monthly_return


def test_the_trust_corrects_an_approved_return_through_the_api(api_for, world, feb_2019):
    approved = feb_2019
    response = api_for("manager").post(
        f"/api/v1/returns/{approved.pk}/correct/",
        {"reason": "CIN visits miscounted"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["month"], body["revision"], body["state"]) == ("2019-02-01", 2, "draft")
    assert body["revision_reason"] == "CIN visits miscounted"
    assert body["url"] == f"/arrangements/{world.trust.code}/returns/2019-02/2/"
    new = type(approved).objects.get(pk=body["id"])
    copied = {(m.indicator_id, m.area, m.numerator, m.denominator) for m in new.measurements.all()}
    kept = {
        (m.indicator_id, m.area, m.numerator, m.denominator) for m in approved.measurements.all()
    }
    assert copied == kept and copied
    approved.refresh_from_db()
    assert approved.state == "approved"  # in use until the correction is approved


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 403),
        ("other-officer", 403),
        ("observer", 403),
        ("scrutiny", 403),
        ("other-scrutiny", 403),
        ("admin", 403),
        ("outsider", 403),
        ("unattached", 403),
        ("other-manager", 404),  # a trust manager, but of another arrangement: not found
    ],
)
def test_only_the_trust_corrects_a_return_through_the_api(api_for, feb_2019, who, status):
    approved = feb_2019
    response = api_for(who).post(
        f"/api/v1/returns/{approved.pk}/correct/", {"reason": "Wrong"}, format="json"
    )
    assert response.status_code == status
    assert type(approved).objects.filter(period=approved.period, revision=2).count() == 0


def test_signed_out_callers_cannot_correct_a_return(feb_2019):
    approved = feb_2019
    response = APIClient().post(f"/api/v1/returns/{approved.pk}/correct/", {"reason": "Wrong"})
    assert response.status_code == 401


def test_a_correction_needs_a_reason(api_for, feb_2019):
    approved = feb_2019
    response = api_for("manager").post(
        f"/api/v1/returns/{approved.pk}/correct/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_only_an_approved_return_can_be_corrected_through_the_api(api_for, people, arrangement):
    draft = returns.return_start(
        by=people["manager"], arrangement=arrangement, month=date(2025, 7, 1)
    )
    response = api_for("manager").post(
        f"/api/v1/returns/{draft.pk}/correct/", {"reason": "Wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "Only the approved return can be corrected." in str(response.json())


def test_a_second_correction_of_the_same_month_is_refused(api_for, feb_2019):
    approved = feb_2019
    manager = api_for("manager")
    url = f"/api/v1/returns/{approved.pk}/correct/"
    assert manager.post(url, {"reason": "First"}, format="json").status_code == 201
    again = manager.post(url, {"reason": "Second"}, format="json")
    assert again.status_code == 400
    assert "already under way" in str(again.json())


@pytest.fixture
def submitted(api_for, arrangement, start):
    """A return submitted through the API, then saved again by the trust: (its id, the version
    an officer read before that save, the version now)."""
    manager = api_for("manager")
    started = start(manager).json()
    rid, figures = started["id"], all_figures(arrangement)
    body = {"lock_version": started["lock_version"], "figures": figures}
    read = manager.post(f"/api/v1/returns/{rid}/figures/", body, format="json").json()
    assert manager.post(f"/api/v1/returns/{rid}/submit/").json()["state"] == "submitted"
    body = {"lock_version": read["lock_version"], "figures": all_figures(arrangement, value=7)}
    now = manager.post(f"/api/v1/returns/{rid}/figures/", body, format="json").json()
    return rid, read["lock_version"], now["lock_version"]


def unchanged(rid, version):
    monthly_return = MonthlyReturn.objects.get(pk=rid)
    assert (monthly_return.state, monthly_return.lock_version) == (State.SUBMITTED, version)
    assert monthly_return.decisions.count() == 0
    assert monthly_return.queries.count() == 0


def test_an_approval_of_a_version_since_changed_is_a_409_and_changes_nothing(api_for, submitted):
    rid, read, now = submitted
    response = api_for("officer").post(
        f"/api/v1/returns/{rid}/approve/", {"version": read}, format="json"
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Someone changed the figures after you opened this return, so it was not "
        "approved. Check the latest figures, then approve again."
    }
    unchanged(rid, now)


def test_an_approval_of_the_version_in_force_approves_the_area(api_for, submitted):
    rid, _read, now = submitted
    response = api_for("officer").post(
        f"/api/v1/returns/{rid}/approve/", {"version": now}, format="json"
    )
    assert response.status_code == 200
    assert MonthlyReturn.objects.get(pk=rid).decisions.get().decision == "approved"


def test_an_approval_without_a_version_approves_whatever_changed_as_before(api_for, submitted):
    rid, _read, _now = submitted
    response = api_for("officer").post(f"/api/v1/returns/{rid}/approve/")
    assert response.status_code == 200
    assert MonthlyReturn.objects.get(pk=rid).decisions.get().decision == "approved"


def test_a_version_that_is_not_a_number_is_a_400(api_for, submitted):
    rid, _read, now = submitted
    response = api_for("officer").post(
        f"/api/v1/returns/{rid}/approve/", {"version": "latest"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"version": ["A valid integer is required."]}
    unchanged(rid, now)


def test_a_return_with_a_query_on_a_version_since_changed_is_a_409_and_changes_nothing(
    api_for, submitted
):
    rid, read, now = submitted
    body = {"query": "Why did visits fall?", "version": read}
    response = api_for("officer").post(f"/api/v1/returns/{rid}/return/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Someone changed the figures after you opened this return, so it was not "
        "returned. Check the latest figures, then return it again."
    }
    unchanged(rid, now)


@pytest.mark.parametrize("version", ["now", None])
def test_a_return_with_a_query_on_the_version_in_force_or_none_is_returned(
    api_for, submitted, version
):
    rid, _read, now = submitted
    body = {"query": "Why did visits fall?"} | ({"version": now} if version else {})
    response = api_for("officer").post(f"/api/v1/returns/{rid}/return/", body, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    assert MonthlyReturn.objects.get(pk=rid).queries.get().text == "Why did visits fall?"


def test_an_approval_made_with_a_token_names_the_token_in_the_returns_history(
    people, submitted, client_for
):
    rid = submitted[0]
    _, key = api_token_create(by=people["officer"], user=people["officer"], name="Council sync")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(f"/api/v1/returns/{rid}/approve/").status_code == 200
    monthly_return = MonthlyReturn.objects.get(pk=rid)
    events = monthly_return.events.filter(action=Event.Action.AREA_APPROVED)
    assert [(e.by, e.api_token_name) for e in events] == [(people["officer"], "Council sync")]
    saved = monthly_return.events.filter(action=Event.Action.SAVED)
    assert {e.api_token_name for e in saved} == {""}  # force_authenticate: no token
    page = client_for(people["officer"]).get(monthly_return.get_absolute_url())
    said = f"by {people['officer']}, with the API token “Council sync”"
    assert said in page.content.decode()
