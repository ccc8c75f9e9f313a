"""/api/v1/risks/ (transformation/api/risks.py): the risk register read and written
under the pages' rules, through the same services.

Built on factories: the root ``world``'s register (``risk_cases.REGISTER``: nine risks, R02
and R03 overdue, R09 closed), added by its manager; a risk's key is the world's trust code
(``code``) and its reference."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from transformation.models import Project, Risk
from transformation.services import risks
from transformation.tests.risk_cases import REGISTER, fields, make_register
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/risks/"
READERS = ["officer", "other-officer", "manager", "observer", "admin"]
NOT_MANAGERS = ["officer", "other-officer", "observer", "admin"]


@pytest.fixture
def cast(world, people):
    """{name: user}: the world's people and a scrutiny member of its second council."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture(autouse=True)
def register(cast, arrangement):
    """The world's register (``risk_cases.REGISTER``), added by its manager."""
    return make_register(by=cast["manager"], arrangement=arrangement)


@pytest.fixture
def code(arrangement) -> str:
    """The world's trust code, which starts each risk's key."""
    return arrangement.trust.code


@pytest.fixture
def make_risk(cast, arrangement):
    """make_risk(**overrides): a risk added by the world's manager to its register
    (``risk_cases.fields``)."""

    def make(**overrides) -> Risk:
        return risks.risk_save(by=cast["manager"], arrangement=arrangement, **fields(**overrides))

    return make


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


def new_risk(code, **overrides) -> dict:
    return {"trust": code, "reference": "R50", "title": "Court delays",
            "description": "Longer proceedings.", "likelihood": 2, "impact": 5,
            "owner": "Head of Legal", "mitigation": "Case planning.", "review_date": later(),
            "reason": "Raised at the board", **overrides}  # fmt: skip


def keys(response) -> list[str]:
    return [row["key"] for row in response.json()["results"]]


# --- Reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_the_arrangements_readers_read_the_register(who, api_for, code):
    response = api_for(who).get(LIST)
    assert response.status_code == 200
    # The administrator reads every register: the demo's too, loaded beside the world.
    readable = Risk.objects.count() if who == "admin" else len(REGISTER)
    assert response.json()["count"] == readable
    assert api_for(who).get(f"{LIST}?trust={code}").json()["count"] == len(REGISTER) == 9


@pytest.mark.parametrize("detail", ["", "R01/"])
@pytest.mark.parametrize("who", ["scrutiny", "other-scrutiny"])
def test_scrutiny_members_may_not_read_risks(who, detail, api_for, code):
    url = f"{LIST}{code}-{detail}" if detail else LIST
    assert api_for(who).get(url).status_code == 403


def test_signed_out_callers_are_asked_to_authenticate(api_for):
    assert api_for("anonymous").get(LIST).status_code == 401


@pytest.mark.parametrize("who", ["outsider", "other-manager", "unattached"])
def test_another_arrangements_risks_are_absent_and_not_found(who, api_for, code):
    assert api_for(who).get(LIST).json()["count"] == 0
    assert api_for(who).get(f"{LIST}{code}-R01/").status_code == 404


def test_a_risk_reads_with_its_score_rating_and_overdue_flag(api_for, code):
    row = api_for("observer").get(f"{LIST}{code}-R02/").json()
    assert row["reference"] == "R02" and row["trust"] == code
    assert row["project"] == "Placement Efficiency"
    scores = (row["likelihood"], row["impact"], row["score"], row["rating"])
    assert scores == (4, 5, 20, "very high")
    assert row["overdue"] is True and row["status"] == "open"
    assert row["url"] == f"/arrangements/{code}/transformation/risks/R02/"
    for field in ["title", "owner", "mitigation", "review_date", "description"]:
        assert row[field]


def test_a_programme_level_risk_has_no_project(api_for, code):
    assert api_for("manager").get(f"{LIST}{code}-R03/").json()["project"] is None


def test_the_list_is_highest_score_first(api_for, code):
    rows = api_for("manager").get(LIST).json()["results"]
    assert rows[0]["key"] == f"{code}-R02"
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue=true", ["R02", "R03"]),
        ("status=closed", ["R09"]),
        ("project=placement efficiency", ["R02"]),
        ("trust={elsewhere}", []),
    ],
)
def test_the_list_filters(query, expected, api_for, code, elsewhere):
    query = query.format(elsewhere=elsewhere.trust.code.lower())
    found = sorted(keys(api_for("manager").get(f"{LIST}?{query}")))
    assert found == [f"{code}-{reference}" for reference in expected]


def test_the_list_filters_programme_level_risks_and_not_overdue_ones(api_for):
    client = api_for("manager")
    programme = client.get(f"{LIST}?project=programme").json()["results"]
    assert programme and all(r["project"] is None for r in programme)
    on_time = client.get(f"{LIST}?overdue=false").json()["results"]
    assert on_time and not any(r["overdue"] for r in on_time)
    assert len(on_time) + 2 == len(REGISTER)


def test_the_list_does_not_ask_the_database_more_as_it_grows(api_for, make_risk, code):
    client = api_for("manager")
    client.get(LIST)
    with CaptureQueriesContext(connection) as before:
        client.get(LIST)
    project = Project.objects.filter(arrangement__trust__code=code).first()
    for n in range(10):
        make_risk(reference=f"T{n}", project=project if n % 2 else None)
    with CaptureQueriesContext(connection) as after:
        client.get(LIST)
    assert len(after) == len(before) <= 6


# --- Writing --------------------------------------------------------------------------------


def test_a_manager_adds_a_risk(api_for, cast, code):
    response = api_for("manager").post(LIST, new_risk(code, project="Placement Efficiency"),
                                           format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["key"], row["score"], row["rating"]) == (f"{code}-R50", 10, "high")
    assert row["project"] == "Placement Efficiency"
    risk = Risk.objects.get(reference="R50")
    assert risk.history.get().history_user == cast["manager"]
    assert risk.history.get().history_change_reason == "Raised at the board"


@pytest.mark.parametrize("who", NOT_MANAGERS + ["scrutiny"])
def test_nobody_else_may_add_a_risk(who, api_for, code):
    assert api_for(who).post(LIST, new_risk(code), format="json").status_code == 403
    assert not Risk.objects.filter(reference="R50").exists()


def test_another_trusts_manager_cannot_add_to_this_register(api_for, code):
    assert api_for("other-manager").post(LIST, new_risk(code), format="json").status_code == 404


def test_a_likelihood_out_of_range_is_a_400_that_says_what_to_send(api_for, code):
    response = api_for("manager").post(LIST, new_risk(code, likelihood=6), format="json")
    assert response.status_code == 400
    assert response.json()["likelihood"] == [
        "Enter the likelihood as a whole number from 1 (rare) to 5 (almost certain)."
    ]


def test_the_services_refusals_are_400s_naming_the_fields(api_for, code):
    response = api_for("manager").post(
        LIST, new_risk(code, reference="r01", owner="", project="No such project"), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "project": [
            "The programme has no project called “No such project”: name one, or send null."
        ]
    }
    response = api_for("manager").post(LIST, new_risk(code, reference="r01", owner=""),
                                           format="json")  # fmt: skip
    assert response.json()["reference"] == ["The register already has a risk R01."]
    assert response.json()["owner"]


def test_a_manager_changes_a_risk_with_a_reason(api_for, make_risk, code):
    make_risk()
    client = api_for("manager")
    response = client.patch(f"{LIST}{code}-T1/", {"impact": 5, "reason": "Backlog grew"},
                            format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    assert (response.json()["impact"], response.json()["score"]) == (5, 15)
    risk = Risk.objects.get(reference="T1")
    assert risk.history.first().history_change_reason == "Backlog grew"
    assert risk.title == "Court delays"  # left out: unchanged


def test_a_change_without_a_reason_is_refused(api_for, make_risk, code):
    make_risk()
    response = api_for("manager").patch(f"{LIST}{code}-T1/", {"impact": 5}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_a_risk_moves_to_the_programme_with_a_null_project(api_for, make_risk, code):
    project = Project.objects.filter(arrangement__trust__code=code).first()
    make_risk(project=project)
    response = api_for("manager").patch(f"{LIST}{code}-T1/", {"project": None, "reason": "r"},
                                            format="json")  # fmt: skip
    assert response.status_code == 200 and response.json()["project"] is None


@pytest.mark.parametrize("who", NOT_MANAGERS)
def test_nobody_else_may_change_review_or_close_a_risk(who, api_for, make_risk, code):
    make_risk()
    client = api_for(who)
    assert client.patch(f"{LIST}{code}-T1/", {"reason": "r"}, format="json").status_code == 403
    review = {"likelihood": 1, "impact": 1, "review_date": later(), "note": "n"}
    assert client.post(f"{LIST}{code}-T1/review/", review, format="json").status_code == 403
    assert client.post(f"{LIST}{code}-T1/close/", {"reason": "r"}, format="json").status_code == 403
    assert Risk.objects.get(reference="T1").history.count() == 1


def test_a_manager_reviews_and_closes_a_risk(api_for, make_risk, code):
    make_risk()
    client = api_for("manager")
    review = {"likelihood": 1, "impact": 3, "review_date": later(10), "note": "Backlog gone"}
    reviewed = client.post(f"{LIST}{code}-T1/review/", review, format="json")
    assert reviewed.status_code == 200, reviewed.json()
    assert (reviewed.json()["score"], reviewed.json()["rating"]) == (3, "low")
    assert reviewed.json()["mitigation"] == "Early case planning with the councils' legal teams."
    closed = client.post(f"{LIST}{code}-T1/close/", {"reason": "Passed"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["overdue"] is False
    again = client.post(f"{LIST}{code}-T1/review/", review, format="json")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["T1 is closed: a closed risk is kept as it was."]}
    reasons = [h.history_change_reason for h in Risk.objects.get(reference="T1").history.all()]
    assert reasons[:2] == ["Closed: Passed", "Reviewed: Backlog gone"]


def test_a_review_dated_today_is_refused(api_for, make_risk, code):
    make_risk()
    review = {"likelihood": 1, "impact": 3, "review_date": later(0), "note": "n"}
    response = api_for("manager").post(f"{LIST}{code}-T1/review/", review, format="json")
    assert response.status_code == 400
    assert response.json()["review_date"][0].startswith("The next review must be after today")


# --- Reopening ------------------------------------------------------------------------------


@pytest.fixture
def closed_t1(cast, make_risk):
    risks.risk_close(by=cast["manager"], risk=make_risk(), reason="Passed")


def test_a_manager_reopens_a_closed_risk_with_a_reason_and_its_next_review(
    api_for, closed_t1, code
):
    response = api_for("manager").post(
        f"{LIST}{code}-T1/reopen/", {"reason": "Backlog back", "review_date": later(0)},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.json()
    row = response.json()
    assert (row["status"], row["review_date"], row["overdue"]) == ("open", later(0), False)
    reasons = [h.history_change_reason for h in Risk.objects.get(reference="T1").history.all()]
    assert reasons[:2] == ["Reopened: Backlog back", "Closed: Passed"]
    assert f"{code}-T1" in keys(api_for("observer").get(f"{LIST}?status=open"))


def test_reopening_an_open_risk_is_a_400_that_says_so(api_for, make_risk, code):
    make_risk()
    response = api_for("manager").post(
        f"{LIST}{code}-T1/reopen/", {"reason": "r", "review_date": later()}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["T1 is open: only a closed risk can be reopened."]
    }


def test_reopening_needs_a_next_review_date_today_or_later(api_for, closed_t1, code):
    client = api_for("manager")
    missing = client.post(f"{LIST}{code}-T1/reopen/", {"reason": "r"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["review_date"] == [
        "Enter the date of the next review: a reopened risk needs one."
    ]
    past = client.post(f"{LIST}{code}-T1/reopen/", {"reason": "r", "review_date": later(-1)},
                       format="json")  # fmt: skip
    assert past.status_code == 400
    assert past.json()["review_date"][0].startswith("The next review must be today")
    blank = client.post(f"{LIST}{code}-T1/reopen/", {"reason": " ", "review_date": later()},
                        format="json")  # fmt: skip
    assert blank.status_code == 400 and "reason" in blank.json()
    assert Risk.objects.get(reference="T1").status == Risk.Status.CLOSED


@pytest.mark.parametrize(
    ("who", "status"),
    [*((who, 403) for who in NOT_MANAGERS + ["scrutiny", "other-scrutiny"]),
     ("other-manager", 404), ("anonymous", 401)],
)  # fmt: skip
def test_nobody_else_may_reopen_a_risk(who, status, api_for, closed_t1, code):
    response = api_for(who).post(
        f"{LIST}{code}-T1/reopen/", {"reason": "r", "review_date": later()}, format="json"
    )
    assert response.status_code == status
    assert Risk.objects.get(reference="T1").status == Risk.Status.CLOSED


@pytest.mark.parametrize("who", ["outsider", "unattached"])
def test_outsiders_who_may_not_edit_are_refused_whether_the_risk_exists_or_not(
    who, api_for, closed_t1, code
):
    # As every write of the API: the role is refused (403) before any risk is looked up, so
    # the answer is the same for a risk that does not exist and tells nothing of the world's.
    client, data = api_for(who), {"reason": "r", "review_date": later()}
    for key in [f"{code}-T1", f"{code}-R404"]:
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
