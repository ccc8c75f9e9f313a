from datetime import date

import pytest
from rest_framework.test import APIClient

from performance.models import Indicator
from performance.services import returns
from trust_portal.accounts.models import Arrangement

MONTH = "2025-07-01"


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        client.force_authenticate(cast[who])
        return client

    return make


def all_figures(arrangement, value=8):
    rows = []
    for indicator, area in returns.cells_of(arrangement, Indicator.objects.all()):
        row = {"indicator": indicator.code, "area": area, "numerator": value}
        if indicator.has_denominator:
            row["denominator"] = 10
        rows.append(row)
    return rows


def test_the_trust_runs_a_return_through_the_api_and_the_councils_approve_it(api_for, cast):
    nct = Arrangement.objects.get(trust__code="NCT")
    manager = api_for("nct-manager")
    started = manager.post("/api/v1/returns/", {"trust": "NCT", "month": MONTH}, format="json")
    assert started.status_code == 201, started.json()
    rid, version = started.json()["id"], started.json()["lock_version"]
    body = {"lock_version": version, "figures": all_figures(nct)}
    saved = manager.post(f"/api/v1/returns/{rid}/figures/", body, format="json")
    assert saved.status_code == 200, saved.json()
    assert manager.post(f"/api/v1/returns/{rid}/submit/").json()["state"] == "submitted"
    api_for("wnc-officer").post(f"/api/v1/returns/{rid}/approve/")
    final = api_for("nnc-officer").post(f"/api/v1/returns/{rid}/approve/")
    assert final.json()["state"] == "approved"


def test_a_stale_lock_version_is_a_400_saying_so(api_for, cast):
    manager = api_for("nct-manager")
    rid = manager.post("/api/v1/returns/", {"trust": "NCT", "month": MONTH}, format="json").json()[
        "id"
    ]
    response = manager.post(f"/api/v1/returns/{rid}/figures/",
                            {"lock_version": 99, "figures": []}, format="json")  # fmt: skip
    assert response.status_code == 400
    assert "Someone else saved" in response.json()["non_field_errors"][0]


def test_a_bad_cell_is_a_400_naming_the_cell(api_for, cast):
    manager = api_for("nct-manager")
    started = manager.post("/api/v1/returns/", {"trust": "NCT", "month": MONTH}, format="json")
    figures = [
        {"indicator": "CIN_VISIT_IN_TIME", "area": "NNC", "numerator": 11, "denominator": 10}
    ]
    response = manager.post(
        f"/api/v1/returns/{started.json()['id']}/figures/",
        {"lock_version": started.json()["lock_version"], "figures": figures},
        format="json",
    )
    assert response.status_code == 400
    assert "cannot be more than the denominator" in response.json()["CIN_VISIT_IN_TIME.NNC"][0]


@pytest.mark.parametrize("who", ["wnc-officer", "dfe-observer", "wnc-scrutiny", "admin"])
def test_only_the_trust_starts_returns_through_the_api(api_for, who):
    response = api_for(who).post(
        "/api/v1/returns/", {"trust": "NCT", "month": MONTH}, format="json"
    )
    assert response.status_code == 403


def test_the_trust_cannot_approve_through_the_api(api_for, cast):
    nct = Arrangement.objects.get(trust__code="NCT")
    draft = returns.return_start(by=cast["nct-manager"], arrangement=nct, month=date(2025, 7, 1))
    assert api_for("nct-manager").post(f"/api/v1/returns/{draft.pk}/approve/").status_code == 403


def test_drafts_are_invisible_to_the_councils_in_the_api(api_for, cast):
    nct = Arrangement.objects.get(trust__code="NCT")
    draft = returns.return_start(by=cast["nct-manager"], arrangement=nct, month=date(2025, 7, 1))
    assert api_for("wnc-officer").get(f"/api/v1/returns/{draft.pk}/").status_code == 404
    assert api_for("nct-manager").get(f"/api/v1/returns/{draft.pk}/").status_code == 200


def test_measurements_filter_by_indicator_area_and_months(api_for):
    rows = api_for("dfe-observer").get(
        "/api/v1/measurements/",
        {"indicator": "CIN_VISIT_IN_TIME", "area": "NNC", "month_from": "2018-12-01",
         "month_to": "2019-02-01"},
    ).json()["results"]  # fmt: skip
    assert [r["month"] for r in rows] == ["2018-12-01", "2019-01-01", "2019-02-01"]
    assert all(r["state"] == "approved" and r["area"] == "NNC" for r in rows)


def test_measurements_of_other_arrangements_never_appear(api_for):
    rows = api_for("occ-officer").get("/api/v1/measurements/").json()
    assert rows["count"] == 0


def test_the_schema_is_valid_openapi():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


# --- Corrections: the action budget monitoring and workforce returns have had ---------------


def _feb_2019():
    from performance.models import MonthlyReturn

    return MonthlyReturn.objects.get(arrangement__trust__code="NCT", period=date(2019, 2, 1))


def test_the_trust_corrects_an_approved_return_through_the_api(api_for):
    approved = _feb_2019()
    response = api_for("nct-manager").post(
        f"/api/v1/returns/{approved.pk}/correct/",
        {"reason": "CIN visits miscounted"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["month"], body["revision"], body["state"]) == ("2019-02-01", 2, "draft")
    assert body["revision_reason"] == "CIN visits miscounted"
    assert body["url"] == "/arrangements/NCT/returns/2019-02/2/"
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
        ("wnc-officer", 403),
        ("nnc-officer", 403),
        ("dfe-observer", 403),
        ("wnc-scrutiny", 403),
        ("nnc-scrutiny", 403),
        ("admin", 403),
        ("occ-officer", 403),
        ("outsider", 403),
        ("oct-manager", 404),  # a trust manager, but of another arrangement: not found
    ],
)
def test_only_the_trust_corrects_a_return_through_the_api(api_for, who, status):
    approved = _feb_2019()
    response = api_for(who).post(
        f"/api/v1/returns/{approved.pk}/correct/", {"reason": "Wrong"}, format="json"
    )
    assert response.status_code == status
    assert type(approved).objects.filter(period=approved.period, revision=2).count() == 0


def test_signed_out_callers_cannot_correct_a_return(cast):
    approved = _feb_2019()
    response = APIClient().post(f"/api/v1/returns/{approved.pk}/correct/", {"reason": "Wrong"})
    assert response.status_code == 401


def test_a_correction_needs_a_reason(api_for):
    approved = _feb_2019()
    response = api_for("nct-manager").post(
        f"/api/v1/returns/{approved.pk}/correct/", {"reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_only_an_approved_return_can_be_corrected_through_the_api(api_for, cast):
    nct = Arrangement.objects.get(trust__code="NCT")
    draft = returns.return_start(by=cast["nct-manager"], arrangement=nct, month=date(2025, 7, 1))
    response = api_for("nct-manager").post(
        f"/api/v1/returns/{draft.pk}/correct/", {"reason": "Wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "Only the approved return can be corrected." in str(response.json())


def test_a_second_correction_of_the_same_month_is_refused(api_for):
    approved = _feb_2019()
    manager = api_for("nct-manager")
    url = f"/api/v1/returns/{approved.pk}/correct/"
    assert manager.post(url, {"reason": "First"}, format="json").status_code == 201
    again = manager.post(url, {"reason": "Second"}, format="json")
    assert again.status_code == 400
    assert "already under way" in str(again.json())
