"""/api/v1/budget-monitoring/: read by every role that may see a month, written as the pages
allow, through the same services."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from contracts.models import BudgetReturn
from contracts.services import budget
from trust_portal.accounts.models import Arrangement

BASE = "/api/v1/budget-monitoring/"
MONTH = "2025-01-01"
CATEGORIES = ["placements", "staffing", "childrens_homes", "adoption", "other"]


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


def all_lines(**overrides):
    rows = []
    for c in CATEGORIES:
        row = {"category": c, "budget": "1,000.00", "actual_to_date": "500.00",
               "forecast_outturn": "1,000.00"}  # fmt: skip
        rows.append({**row, **overrides.get(c, {})})
    return rows


def demo(month: str) -> BudgetReturn:
    return BudgetReturn.objects.get(arrangement__trust__code="NCT",
                                    period=date.fromisoformat(month + "-01"))  # fmt: skip


def start(api_for):
    response = api_for("nct-manager").post(BASE, {"trust": "NCT", "month": MONTH}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_trust_runs_a_month_through_the_api_and_the_councils_approve_it(api_for):
    manager = api_for("nct-manager")
    started = start(api_for)
    assert started["month"] == "2025-01-01" and started["state"] == "draft"
    body = {"lock_version": started["lock_version"],
            "lines": all_lines(placements={"forecast_outturn": "1,020.50"})}  # fmt: skip
    saved = manager.post(f"{BASE}{started['id']}/lines/", body, format="json")
    assert saved.status_code == 200, saved.json()
    placements = saved.json()["lines"][0]
    assert placements["category"] == "placements"
    assert (placements["variance"], placements["variance_percent"]) == ("20.50", "2.1")
    assert manager.post(f"{BASE}{started['id']}/submit/").json()["state"] == "submitted"
    api_for("wnc-officer").post(f"{BASE}{started['id']}/approve/")
    final = api_for("nnc-officer").post(f"{BASE}{started['id']}/approve/")
    assert final.status_code == 200
    assert final.json()["state"] == "approved"


def test_the_detail_has_lines_variance_total_and_each_councils_share(api_for):
    body = api_for("wnc-officer").get(f"{BASE}{demo('2024-10').pk}/").json()
    assert [row["category"] for row in body["lines"]] == CATEGORIES
    assert body["lines"][1]["variance"] == "-1134057.00"
    assert body["lines"][1]["direction"] == "underspend"
    assert body["total"]["budget"] == "180009000.00"
    assert body["total"]["variance"] == "1602079.00"
    shares = body["council_shares"]
    assert shares["financial_year"] == "2024/25" and shares["problem"] == ""
    assert [(s["council"], s["percentage"], s["amount"]) for s in shares["shares"]] == [
        ("NNC", "44.00", "704914.76"),
        ("WNC", "56.00", "897164.24"),
    ]


def test_a_bad_amount_is_a_400_naming_the_category_and_field_with_what_was_typed(api_for):
    started = start(api_for)
    body = {"lock_version": started["lock_version"],
            "lines": all_lines(staffing={"budget": "12.345"})}  # fmt: skip
    response = api_for("nct-manager").post(f"{BASE}{started['id']}/lines/", body, format="json")
    assert response.status_code == 400
    assert "“12.345”" in response.json()["staffing.budget"][0]


def test_a_category_given_twice_is_a_400(api_for):
    started = start(api_for)
    lines = all_lines() + [all_lines()[0]]
    body = {"lock_version": started["lock_version"], "lines": lines}
    response = api_for("nct-manager").post(f"{BASE}{started['id']}/lines/", body, format="json")
    assert response.status_code == 400
    assert "placements" in response.json()


def test_a_stale_lock_version_is_a_400_saying_so(api_for):
    started = start(api_for)
    body = {"lock_version": 99, "lines": all_lines()}
    response = api_for("nct-manager").post(f"{BASE}{started['id']}/lines/", body, format="json")
    assert response.status_code == 400
    assert "Someone else saved" in response.json()["non_field_errors"][0]


def test_submitting_without_a_needed_commentary_is_a_400_keyed_by_category(api_for):
    started = start(api_for)
    manager = api_for("nct-manager")
    body = {"lock_version": started["lock_version"],
            "lines": all_lines(adoption={"forecast_outturn": "900.00"})}  # fmt: skip
    manager.post(f"{BASE}{started['id']}/lines/", body, format="json")
    response = manager.post(f"{BASE}{started['id']}/submit/")
    assert response.status_code == 400
    assert "Add a commentary" in response.json()["adoption.commentary"][0]


@pytest.mark.parametrize("who", ["wnc-officer", "dfe-observer", "wnc-scrutiny", "admin"])
def test_only_the_trust_starts_months_through_the_api(api_for, who):
    response = api_for(who).post(BASE, {"trust": "NCT", "month": MONTH}, format="json")
    assert response.status_code == 403


def test_another_trust_cannot_start_a_month_for_this_one(api_for):
    response = api_for("oct-manager").post(BASE, {"trust": "NCT", "month": MONTH}, format="json")
    assert response.status_code == 404


def test_the_trust_cannot_approve_or_return_through_the_api(api_for):
    october = demo("2024-10")
    manager = api_for("nct-manager")
    assert manager.post(f"{BASE}{october.pk}/approve/").status_code == 403
    response = manager.post(f"{BASE}{october.pk}/return/", {"query": "x"}, format="json")
    assert response.status_code == 403


def test_an_officer_returns_a_month_with_a_query(api_for):
    october = demo("2024-10")
    response = api_for("nnc-officer").post(
        f"{BASE}{october.pk}/return/", {"query": "Adoption forecast?"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "returned"


def test_the_trust_corrects_an_approved_month_through_the_api(api_for):
    september = demo("2024-09")
    response = api_for("nct-manager").post(
        f"{BASE}{september.pk}/correct/", {"reason": "Accrual missed"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["revision"], response.json()["state"]) == (2, "draft")
    assert len(response.json()["lines"]) == 5
    refused = api_for("wnc-officer").post(
        f"{BASE}{september.pk}/correct/", {"reason": "x"}, format="json"
    )
    assert refused.status_code == 403


def test_drafts_are_invisible_to_the_councils_in_the_api(api_for, cast):
    nct = Arrangement.objects.get(trust__code="NCT")
    draft = budget.budget_return_start(by=cast["nct-manager"], arrangement=nct,
                                       month=date(2025, 1, 1))  # fmt: skip
    assert api_for("wnc-officer").get(f"{BASE}{draft.pk}/").status_code == 404
    assert api_for("nct-manager").get(f"{BASE}{draft.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("who", "months"),
    [
        ("nct-manager", 7),
        ("wnc-officer", 7),
        ("dfe-observer", 6),  # approved ones only
        ("wnc-scrutiny", 6),
        ("admin", 6),
        ("occ-officer", 0),  # another arrangement
        ("outsider", 0),
    ],
)
def test_the_list_holds_what_each_role_may_see(api_for, who, months):
    assert api_for(who).get(BASE).json()["count"] == months


def test_signed_out_callers_are_refused(api_for):
    assert api_for("anonymous").get(BASE).status_code == 401


def test_the_list_filters_by_trust_month_and_state(api_for):
    officer = api_for("wnc-officer")
    rows = officer.get(BASE, {"state": "submitted"}).json()["results"]
    assert [r["month"] for r in rows] == ["2024-10-01"]
    rows = officer.get(BASE, {"month": "2024-06-01", "trust": "NCT"}).json()["results"]
    assert [(r["month"], r["state"]) for r in rows] == [("2024-06-01", "approved")]
    assert officer.get(BASE, {"trust": "OCT"}).json()["count"] == 0


def test_the_list_takes_a_fixed_number_of_queries(api_for, django_assert_max_num_queries):
    client = api_for("wnc-officer")
    with django_assert_max_num_queries(6):
        assert client.get(BASE).status_code == 200
