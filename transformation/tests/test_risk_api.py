"""/api/v1/risks/ (transformation/api/risks.py): the risk register read and written
under the pages' rules, through the same services."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from transformation.models import Project, Risk
from transformation.services import risks
from transformation.tests.risk_cases import make_risk, manager

pytestmark = pytest.mark.django_db
LIST = "/api/v1/risks/"
READERS = ["wnc-officer", "nnc-officer", "nct-manager", "dfe-observer", "admin"]
NOT_MANAGERS = ["wnc-officer", "nnc-officer", "dfe-observer", "admin"]


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


def later(days=30) -> str:
    return f"{timezone.localdate() + timedelta(days=days):%Y-%m-%d}"


def new_risk(**overrides) -> dict:
    return {"trust": "NCT", "reference": "R50", "title": "Court delays",
            "description": "Longer proceedings.", "likelihood": 2, "impact": 5,
            "owner": "Head of Legal", "mitigation": "Case planning.", "review_date": later(),
            "reason": "Raised at the board", **overrides}  # fmt: skip


def keys(response) -> list[str]:
    return [row["key"] for row in response.json()["results"]]


# --- Reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_the_arrangements_readers_read_the_register(who, api_for):
    response = api_for(who).get(LIST)
    assert response.status_code == 200
    assert response.json()["count"] == Risk.objects.filter(arrangement__trust__code="NCT").count()


@pytest.mark.parametrize("url", [LIST, f"{LIST}NCT-R01/"])
@pytest.mark.parametrize("who", ["wnc-scrutiny", "nnc-scrutiny"])
def test_scrutiny_members_may_not_read_risks(who, url, api_for):
    assert api_for(who).get(url).status_code == 403


def test_signed_out_callers_are_asked_to_authenticate(api_for):
    assert api_for("anonymous").get(LIST).status_code == 401


@pytest.mark.parametrize("who", ["occ-officer", "oct-manager", "outsider"])
def test_another_arrangements_risks_are_absent_and_not_found(who, api_for):
    assert api_for(who).get(LIST).json()["count"] == 0
    assert api_for(who).get(f"{LIST}NCT-R01/").status_code == 404


def test_a_risk_reads_with_its_score_rating_and_overdue_flag(api_for):
    row = api_for("dfe-observer").get(f"{LIST}NCT-R02/").json()
    assert row["reference"] == "R02" and row["trust"] == "NCT"
    assert row["project"] == "Placement Efficiency"
    scores = (row["likelihood"], row["impact"], row["score"], row["rating"])
    assert scores == (4, 5, 20, "very high")
    assert row["overdue"] is True and row["status"] == "open"
    assert row["url"] == "/arrangements/NCT/transformation/risks/R02/"
    for field in ["title", "owner", "mitigation", "review_date", "description"]:
        assert row[field]


def test_a_programme_level_risk_has_no_project(api_for):
    assert api_for("nct-manager").get(f"{LIST}NCT-R03/").json()["project"] is None


def test_the_list_is_highest_score_first(api_for):
    rows = api_for("nct-manager").get(LIST).json()["results"]
    assert rows[0]["key"] == "NCT-R02"
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=true", ["NCT-R02", "NCT-R03"]),
        ("status=closed", ["NCT-R09"]),
        ("project=placement efficiency", ["NCT-R02"]),
        ("trust=oct", []),
    ],
)
def test_the_list_filters(query, expected, api_for):
    assert sorted(keys(api_for("nct-manager").get(f"{LIST}?{query}"))) == expected


def test_the_list_filters_programme_level_risks_and_not_overdue_ones(api_for):
    client = api_for("nct-manager")
    programme = client.get(f"{LIST}?project=programme").json()["results"]
    assert programme and all(r["project"] is None for r in programme)
    on_time = client.get(f"{LIST}?overdue=false").json()["results"]
    assert on_time and not any(r["overdue"] for r in on_time)
    assert len(on_time) + 2 == Risk.objects.filter(arrangement__trust__code="NCT").count()


def test_the_list_does_not_ask_the_database_more_as_it_grows(api_for):
    client = api_for("nct-manager")
    client.get(LIST)
    with CaptureQueriesContext(connection) as before:
        client.get(LIST)
    project = Project.objects.filter(arrangement__trust__code="NCT").first()
    for n in range(10):
        make_risk(reference=f"T{n}", project=project if n % 2 else None)
    with CaptureQueriesContext(connection) as after:
        client.get(LIST)
    assert len(after) == len(before) <= 6


# --- Writing --------------------------------------------------------------------------------


def test_a_manager_adds_a_risk(api_for, cast):
    response = api_for("nct-manager").post(LIST, new_risk(project="Placement Efficiency"),
                                           format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["key"], row["score"], row["rating"]) == ("NCT-R50", 10, "high")
    assert row["project"] == "Placement Efficiency"
    risk = Risk.objects.get(reference="R50")
    assert risk.history.get().history_user == cast["nct-manager"]
    assert risk.history.get().history_change_reason == "Raised at the board"


@pytest.mark.parametrize("who", NOT_MANAGERS + ["wnc-scrutiny"])
def test_nobody_else_may_add_a_risk(who, api_for):
    assert api_for(who).post(LIST, new_risk(), format="json").status_code == 403
    assert not Risk.objects.filter(reference="R50").exists()


def test_another_trusts_manager_cannot_add_to_this_register(api_for):
    assert api_for("oct-manager").post(LIST, new_risk(), format="json").status_code == 404


def test_a_likelihood_out_of_range_is_a_400_that_says_what_to_send(api_for):
    response = api_for("nct-manager").post(LIST, new_risk(likelihood=6), format="json")
    assert response.status_code == 400
    assert response.json()["likelihood"] == [
        "Enter the likelihood as a whole number from 1 (rare) to 5 (almost certain)."
    ]


def test_the_services_refusals_are_400s_naming_the_fields(api_for):
    response = api_for("nct-manager").post(
        LIST, new_risk(reference="r01", owner="", project="No such project"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "project": [
            "The programme has no project called “No such project”: name one, or send null."
        ]
    }
    response = api_for("nct-manager").post(LIST, new_risk(reference="r01", owner=""),
                                           format="json")  # fmt: skip
    assert response.json()["reference"] == ["The register already has a risk R01."]
    assert response.json()["owner"]


def test_a_manager_changes_a_risk_with_a_reason(api_for):
    make_risk()
    client = api_for("nct-manager")
    response = client.patch(f"{LIST}NCT-T1/", {"impact": 5, "reason": "Backlog grew"},
                            format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    assert (response.json()["impact"], response.json()["score"]) == (5, 15)
    risk = Risk.objects.get(reference="T1")
    assert risk.history.first().history_change_reason == "Backlog grew"
    assert risk.title == "Court delays"  # left out: unchanged


def test_a_change_without_a_reason_is_refused(api_for):
    make_risk()
    response = api_for("nct-manager").patch(f"{LIST}NCT-T1/", {"impact": 5}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_a_risk_moves_to_the_programme_with_a_null_project(api_for):
    project = Project.objects.filter(arrangement__trust__code="NCT").first()
    make_risk(project=project)
    response = api_for("nct-manager").patch(f"{LIST}NCT-T1/", {"project": None, "reason": "r"},
                                            format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["project"] is None


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_nobody_else_may_change_review_or_close_a_risk(who, api_for):
    make_risk()
    client = api_for(who)
    assert client.patch(f"{LIST}NCT-T1/", {"reason": "r"}, format="json").status_code == 403
    review = {"likelihood": 1, "impact": 1, "review_date": later(), "note": "n"}
    assert client.post(f"{LIST}NCT-T1/review/", review, format="json").status_code == 403
    assert client.post(f"{LIST}NCT-T1/close/", {"reason": "r"}, format="json").status_code == 403
    assert Risk.objects.get(reference="T1").history.count() == 1


def test_a_manager_reviews_and_closes_a_risk(api_for):
    make_risk()
    client = api_for("nct-manager")
    review = {"likelihood": 1, "impact": 3, "review_date": later(10), "note": "Backlog gone"}
    reviewed = client.post(f"{LIST}NCT-T1/review/", review, format="json")
    assert reviewed.status_code == 200, reviewed.json()
    assert (reviewed.json()["score"], reviewed.json()["rating"]) == (3, "low")
    assert reviewed.json()["mitigation"] == "Early case planning with the councils' legal teams."
    closed = client.post(f"{LIST}NCT-T1/close/", {"reason": "Passed"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["overdue"] is False
    again = client.post(f"{LIST}NCT-T1/review/", review, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["T1 is closed: a closed risk is kept as it was."]}
    reasons = [h.history_change_reason for h in Risk.objects.get(reference="T1").history.all()]
    assert reasons[:2] == ["Closed: Passed", "Reviewed: Backlog gone"]


def test_a_review_dated_today_is_refused(api_for):
    make_risk()
    review = {"likelihood": 1, "impact": 3, "review_date": later(0), "note": "n"}
    response = api_for("nct-manager").post(f"{LIST}NCT-T1/review/", review, format="json")
    assert response.status_code == 400
    assert response.json()["review_date"][0].startswith("The next review must be after today")


# --- Reopening ------------------------------------------------------------------------------


def closed_t1():
    risks.risk_close(by=manager(), risk=make_risk(), reason="Passed")


def test_a_manager_reopens_a_closed_risk_with_a_reason_and_its_next_review(api_for):
    closed_t1()
    response = api_for("nct-manager").post(
        f"{LIST}NCT-T1/reopen/", {"reason": "Backlog back", "review_date": later(0)},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    row = response.json()
    assert (row["status"], row["review_date"], row["overdue"]) == ("open", later(0), False)
    reasons = [h.history_change_reason for h in Risk.objects.get(reference="T1").history.all()]
    assert reasons[:2] == ["Reopened: Backlog back", "Closed: Passed"]
    assert "NCT-T1" in keys(api_for("dfe-observer").get(f"{LIST}?status=open"))


def test_reopening_an_open_risk_is_a_400_that_says_so(api_for):
    make_risk()
    response = api_for("nct-manager").post(
        f"{LIST}NCT-T1/reopen/", {"reason": "r", "review_date": later()}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["T1 is open: only a closed risk can be reopened."]
    }


def test_reopening_needs_a_next_review_date_today_or_later(api_for):
    closed_t1()
    client = api_for("nct-manager")
    missing = client.post(f"{LIST}NCT-T1/reopen/", {"reason": "r"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["review_date"] == [
        "Enter the date of the next review: a reopened risk needs one."
    ]
    past = client.post(f"{LIST}NCT-T1/reopen/", {"reason": "r", "review_date": later(-1)},
                       format="json")  # fmt: skip
    assert past.status_code == 400
    assert past.json()["review_date"][0].startswith("The next review must be today")
    blank = client.post(f"{LIST}NCT-T1/reopen/", {"reason": " ", "review_date": later()},
                        format="json")  # fmt: skip
    assert blank.status_code == 400 and "reason" in blank.json()
    assert Risk.objects.get(reference="T1").status == Risk.Status.CLOSED


@pytest.mark.parametrize(
    ("who", "status"),
    [*((who, 403) for who in NOT_MANAGERS + ["wnc-scrutiny", "nnc-scrutiny"]),
     ("oct-manager", 404), ("anonymous", 401)],
)  # fmt: skip
def test_nobody_else_may_reopen_a_risk(who, status, api_for):
    closed_t1()
    response = api_for(who).post(
        f"{LIST}NCT-T1/reopen/", {"reason": "r", "review_date": later()}, format="json"
    )
    assert response.status_code == status
    assert Risk.objects.get(reference="T1").status == Risk.Status.CLOSED


@pytest.mark.parametrize("who", ["occ-officer", "outsider"])
def test_outsiders_who_may_not_edit_are_refused_whether_the_risk_exists_or_not(who, api_for):
    # As every write of the API: the role is refused (403) before any risk is looked up, so
    # the answer is the same for a risk that does not exist and tells nothing of NCT's.
    closed_t1()
    client, data = api_for(who), {"reason": "r", "review_date": later()}
    for key in ["NCT-T1", "NCT-R404"]:
        assert client.post(f"{LIST}{key}/reopen/", data, format="json").status_code == 403
    assert Risk.objects.get(reference="T1").status == Risk.Status.CLOSED


def test_the_schema_validates_and_describes_the_reopening(client):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    reopen = schema["paths"]["/api/v1/risks/{key}/reopen/"]["post"]
    body = reopen["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body == "#/components/schemas/ReopenInput"
    assert set(schema["components"]["schemas"]["ReopenInput"]["required"]) == {
        "reason",
        "review_date",
    }
