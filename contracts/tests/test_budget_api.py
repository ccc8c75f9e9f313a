"""/api/v1/budget-monitoring/: read by every role that may see a month, written as the pages
allow, through the same services.

Built on factories: the root ``world``'s budget monitoring of April to October 2024, made
through the services (``months``): the trust's manager enters and submits each month (£1,000.00
budgeted in each category); both councils approve April to September; October waits, submitted,
with placements £250.00 over and staffing £100.00 under. The world's 2024/25 contract year is
agreed and split 56% to the first council and 44% to the second."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from contracts.models import BudgetReturn
from contracts.services import budget
from contracts.tests.factories import agreed_year_split
from trust_portal.approvals.models import State

BASE = "/api/v1/budget-monitoring/"
MONTH = "2025-01-01"
CATEGORIES = ["placements", "staffing", "childrens_homes", "adoption", "other"]
OCTOBER = {
    "placements": {"forecast_outturn": "1,250.00", "commentary": "More children in care."},
    "staffing": {"forecast_outturn": "900.00", "commentary": "Posts left vacant."},
}


@pytest.fixture
def trust(world):
    return world.trust.code


@pytest.fixture
def api_for(people):
    def make(who):
        client = APIClient()
        if people[who] is not None:
            client.force_authenticate(people[who])
        return client

    return make


def all_lines(**overrides):
    rows = []
    for c in CATEGORIES:
        row = {"category": c, "budget": "1,000.00", "actual_to_date": "500.00",
               "forecast_outturn": "1,000.00"}  # fmt: skip
        rows.append({**row, **overrides.get(c, {})})
    return rows


@pytest.fixture
def split(world):
    """The world's 2024/25 contract year, agreed, split 56/44 between the first and second
    council."""
    return agreed_year_split(world)


@pytest.fixture
def months(people, arrangement, split):
    """{"2024-04": budget return, ...}: the world's months (see the module's docstring)."""
    made = {}
    for number in range(4, 11):
        started = budget.budget_return_start(
            by=people["manager"], arrangement=arrangement, month=date(2024, number, 1)
        )
        lines = {row.pop("category"): row for row in all_lines(**(OCTOBER if number == 10 else {}))}
        budget.budget_return_save(
            by=people["manager"],
            budget_return=started,
            expected_version=started.lock_version,
            lines=lines,
        )
        budget.budget_return_submit(by=people["manager"], budget_return=started)
        if number < 10:
            for who in ("officer", "other-officer"):
                budget.budget_return_approve(by=people[who], budget_return=started)
        started.refresh_from_db()
        made[f"2024-{number:02d}"] = started
    return made


def start(api_for, trust):
    response = api_for("manager").post(BASE, {"trust": trust, "month": MONTH}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_trust_runs_a_month_through_the_api_and_the_councils_approve_it(api_for, trust):
    manager = api_for("manager")
    started = start(api_for, trust)
    assert started["month"] == "2025-01-01" and started["state"] == "draft"
    body = {"lock_version": started["lock_version"],
            "lines": all_lines(placements={"forecast_outturn": "1,020.50"})}  # fmt: skip
    saved = manager.post(f"{BASE}{started['id']}/lines/", body, format="json")
    assert saved.status_code == 200, saved.json()
    placements = saved.json()["lines"][0]
    assert placements["category"] == "placements"
    assert (placements["variance"], placements["variance_percent"]) == ("20.50", "2.1")
    assert manager.post(f"{BASE}{started['id']}/submit/").json()["state"] == "submitted"
    api_for("officer").post(f"{BASE}{started['id']}/approve/")
    final = api_for("other-officer").post(f"{BASE}{started['id']}/approve/")
    assert final.status_code == 200
    assert final.json()["state"] == "approved"


def test_the_detail_has_lines_variance_total_and_each_councils_share(api_for, months, world):
    body = api_for("officer").get(f"{BASE}{months['2024-10'].pk}/").json()
    assert [row["category"] for row in body["lines"]] == CATEGORIES
    assert body["lines"][1]["variance"] == "-100.00"
    assert body["lines"][1]["direction"] == "underspend"
    assert body["total"]["budget"] == "5000.00"
    assert body["total"]["variance"] == "150.00"  # £250.00 over, £100.00 under
    shares = body["council_shares"]
    assert shares["financial_year"] == "2024/25" and shares["problem"] == ""
    first, second = world.councils
    expected = [(first.code, "56.00", "84.00"), (second.code, "44.00", "66.00")]
    rows = [(s["council"], s["percentage"], s["amount"]) for s in shares["shares"]]
    assert rows == sorted(expected)  # councils in code order


def test_a_bad_amount_is_a_400_naming_the_category_and_field_with_what_was_typed(api_for, trust):
    started = start(api_for, trust)
    body = {"lock_version": started["lock_version"],
            "lines": all_lines(staffing={"budget": "12.345"})}  # fmt: skip
    response = api_for("manager").post(f"{BASE}{started['id']}/lines/", body, format="json")
    assert response.status_code == 400
    assert "“12.345”" in response.json()["staffing.budget"][0]


def test_a_category_given_twice_is_a_400(api_for, trust):
    started = start(api_for, trust)
    lines = all_lines() + [all_lines()[0]]
    body = {"lock_version": started["lock_version"], "lines": lines}
    response = api_for("manager").post(f"{BASE}{started['id']}/lines/", body, format="json")
    assert response.status_code == 400
    assert "placements" in response.json()


def test_a_stale_lock_version_is_a_409_saying_so(api_for, trust):
    started = start(api_for, trust)
    body = {"lock_version": 99, "lines": all_lines()}
    response = api_for("manager").post(f"{BASE}{started['id']}/lines/", body, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else saved")


def test_submitting_without_a_needed_commentary_is_a_400_keyed_by_category(api_for, trust):
    started = start(api_for, trust)
    manager = api_for("manager")
    body = {"lock_version": started["lock_version"],
            "lines": all_lines(adoption={"forecast_outturn": "900.00"})}  # fmt: skip
    manager.post(f"{BASE}{started['id']}/lines/", body, format="json")
    response = manager.post(f"{BASE}{started['id']}/submit/")
    assert response.status_code == 400
    assert "Add a commentary" in response.json()["adoption.commentary"][0]


@pytest.mark.parametrize("who", ["officer", "observer", "scrutiny", "admin"])
def test_only_the_trust_starts_months_through_the_api(api_for, trust, who):
    response = api_for(who).post(BASE, {"trust": trust, "month": MONTH}, format="json")
    assert response.status_code == 403


def test_another_trust_cannot_start_a_month_for_this_one(api_for, trust):
    response = api_for("other-manager").post(BASE, {"trust": trust, "month": MONTH}, format="json")
    assert response.status_code == 404


def test_the_trust_cannot_approve_or_return_through_the_api(api_for, months):
    october = months["2024-10"]
    manager = api_for("manager")
    assert manager.post(f"{BASE}{october.pk}/approve/").status_code == 403
    response = manager.post(f"{BASE}{october.pk}/return/", {"query": "x"}, format="json")
    assert response.status_code == 403


def test_an_officer_returns_a_month_with_a_query(api_for, months):
    october = months["2024-10"]
    response = api_for("other-officer").post(
        f"{BASE}{october.pk}/return/", {"query": "Adoption forecast?"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "returned"


def test_the_trust_corrects_an_approved_month_through_the_api(api_for, months):
    september = months["2024-09"]
    response = api_for("manager").post(
        f"{BASE}{september.pk}/correct/", {"reason": "Accrual missed"}, format="json"
    )
    assert response.status_code == 201
    assert (response.json()["revision"], response.json()["state"]) == (2, "draft")
    assert len(response.json()["lines"]) == 5
    refused = api_for("officer").post(
        f"{BASE}{september.pk}/correct/", {"reason": "x"}, format="json"
    )
    assert refused.status_code == 403


def test_drafts_are_invisible_to_the_councils_in_the_api(api_for, people, arrangement):
    draft = budget.budget_return_start(
        by=people["manager"], arrangement=arrangement, month=date(2025, 1, 1)
    )
    assert api_for("officer").get(f"{BASE}{draft.pk}/").status_code == 404
    assert api_for("manager").get(f"{BASE}{draft.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("who", "count"),
    [
        ("manager", 7),
        ("officer", 7),
        ("observer", 6),  # approved ones only
        ("scrutiny", 6),
        ("admin", 6),  # and every other arrangement's approved months
        ("outsider", 0),  # another arrangement
        ("unattached", 0),
    ],
)
def test_the_list_holds_what_each_role_may_see(api_for, months, arrangement, who, count):
    if who == "admin":
        elsewhere = BudgetReturn.objects.exclude(arrangement=arrangement)
        count += elsewhere.filter(state=State.APPROVED).count()
    assert api_for(who).get(BASE).json()["count"] == count


def test_signed_out_callers_are_refused(api_for):
    assert api_for("anonymous").get(BASE).status_code == 401


def test_the_list_filters_by_trust_month_and_state(api_for, months, trust, people):
    officer = api_for("officer")
    rows = officer.get(BASE, {"state": "submitted"}).json()["results"]
    assert [r["month"] for r in rows] == ["2024-10-01"]
    rows = officer.get(BASE, {"month": "2024-06-01", "trust": trust}).json()["results"]
    assert [(r["month"], r["state"]) for r in rows] == [("2024-06-01", "approved")]
    elsewhere = people["other-manager"].organisation.code
    assert officer.get(BASE, {"trust": elsewhere}).json()["count"] == 0


def test_the_list_takes_a_fixed_number_of_queries(api_for, months, django_assert_max_num_queries):
    client = api_for("officer")
    with django_assert_max_num_queries(6):
        assert client.get(BASE).status_code == 200
