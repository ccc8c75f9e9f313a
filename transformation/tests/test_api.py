"""/api/v1/business-cases/: what each role reads, the filters, and the writes going through the
same services and rules as the pages."""

from decimal import Decimal as D

import pytest
from django.utils import timezone

from conftest import CAST
from transformation.models import BusinessCase
from transformation.services import meetings as meeting_services
from trust_portal.accounts.models import Arrangement

LIST = "/api/v1/business-cases/"
# Signed out, or a deactivated account. Another arrangement's people with the role to act find
# nothing to act on (404); roles without it are refused first (403).
UNSIGNED = {"anonymous": 401, "leaver": 401}
State = BusinessCase.State

SEEN = {
    "nct-manager": 13,  # every state, the draft included
    "wnc-officer": 12,  # all but the draft
    "nnc-officer": 12,
    "dfe-observer": 11,  # approved only
    "admin": 11,
    "occ-officer": 0,  # another arrangement's
    "oct-manager": 0,
    "outsider": 0,
}


def case(reference) -> BusinessCase:
    return BusinessCase.objects.get(project__arrangement__trust__code="NCT", reference=reference)


@pytest.fixture
def meeting_today(cast):
    return meeting_services.meeting_save(
        by=cast["wnc-officer"],
        arrangement=Arrangement.objects.get(trust__code="NCT"),
        held_on=timezone.localdate(),
        chair="Chief Executive, WNC",
        attendees="Chief Executive, WNC",
    )


@pytest.mark.parametrize("who", CAST)
def test_each_role_reads_the_cases_it_may_see(who, cast, client_for):
    response = client_for(cast[who]).get(LIST)
    if who in SEEN:
        assert response.status_code == 200
        assert response.json()["count"] == SEEN[who]
    elif who in ("wnc-scrutiny", "nnc-scrutiny"):
        assert response.status_code == 403
    else:
        assert response.status_code == 401  # signed out, or a deactivated account


def test_a_case_reads_with_its_money_as_strings_of_pounds(cast, client_for):
    data = client_for(cast["dfe-observer"]).get(LIST + "NCT-BC01/").json()
    assert data["reference"] == "BC01" and data["trust"] == "NCT"
    assert (data["theme"], data["project"]) == ("efficiency", "Circle to Success Delivery")
    assert data["costs"] == [{"financial_year": 2024, "label": "2024/25", "amount": "620000.00"}]
    assert data["total"] == "620000.00" and data["state"] == "approved"
    assert data["meeting_date"] == "2024-04-17" and data["synthetic"] is True
    assert data["draws"] == [
        {"financial_year": 2024, "amount": "620000.00", "drawn_on": "2024-04-17"}
    ]
    assert data["funding"] == "block3" and data["block2_line"] is None


def test_a_block_2_case_names_its_line(cast, client_for):
    data = client_for(cast["wnc-officer"]).get(LIST + "NCT-BC06/").json()
    assert data["block2_line"] == {
        "financial_year": 2024,
        "name": "Transformation items (recurring)",
        "amount": "217000.00",
    }
    assert data["draws"] == []


def test_the_reports_heading_is_kept_as_a_tag(cast, client_for):
    data = client_for(cast["nct-manager"]).get(LIST + "NCT-BC07/").json()
    assert (data["theme"], data["tag"]) == ("practice", "Improving Outcomes for Children")


@pytest.mark.parametrize(
    ("who", "key", "status"),
    [
        ("nct-manager", "NCT-BC13", 200),
        ("wnc-officer", "NCT-BC13", 404),  # a draft: not yet submitted
        ("wnc-officer", "nct-bc12", 200),
        ("dfe-observer", "NCT-BC12", 404),  # submitted, not approved
        ("occ-officer", "NCT-BC01", 404),
        ("nct-manager", "BC01", 404),
    ],
)
def test_a_case_a_role_may_not_see_is_not_found(who, key, status, cast, client_for):
    assert client_for(cast[who]).get(LIST + key + "/").status_code == status


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("?theme=practice", 6),
        ("?theme=demand", 2),
        ("?state=approved", 11),
        ("?state=submitted", 1),
        ("?state=draft", 1),
        ("?trust=nct", 13),
        ("?trust=OCT", 0),
    ],
)
def test_cases_filter_by_trust_theme_and_state(query, count, cast, client_for):
    assert client_for(cast["nct-manager"]).get(LIST + query).json()["count"] == count


def test_the_list_reads_a_handful_of_queries(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast["nct-manager"])
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


# --- Writes -------------------------------------------------------------------------------------

NEW = {
    "trust": "NCT",
    "project": "placement efficiency",
    "reference": "BC40",
    "title": "Foster carer recruitment",
    "summary": "More foster carers.",
    "funding": "block3",
    "expected_benefits": "Fewer agency placements.",
    "costs": {"2024": "50,000.00", "2025": "25,000.50"},
}


@pytest.mark.parametrize("who", CAST)
def test_only_the_trusts_managers_draft_a_case(who, cast, client_for):
    response = client_for(cast[who]).post(LIST, NEW, content_type="application/json")
    expected = {"nct-manager": 201, "oct-manager": 404, **UNSIGNED}.get(who, 403)
    assert response.status_code == expected
    if expected == 201:
        data = response.json()
        assert data["state"] == "draft" and data["total"] == "75000.50"
        assert case("BC40").created_by == cast["nct-manager"]


def test_a_draft_names_a_project_and_years_that_exist(cast, client_for):
    client = client_for(cast["nct-manager"])
    response = client.post(LIST, {**NEW, "project": "Nope"}, content_type="application/json")
    assert response.status_code == 400 and "no project called" in response.json()["project"][0]
    response = client.post(LIST, {**NEW, "costs": {"next year": "1.00"}},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "four digits" in str(response.json()["costs"])
    response = client.post(LIST, {**NEW, "costs": {"2024": "1.005"}},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "to the penny" in response.json()["cost_2024"][0]


def test_a_block_2_draft_names_an_agreed_years_item(cast, client_for):
    client = client_for(cast["nct-manager"])
    line = {"financial_year": 2024, "name": "Transformation items (recurring)"}
    response = client.post(LIST, {**NEW, "funding": "block2", "block2_line": line},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert response.json()["block2_line"]["name"] == "Transformation items (recurring)"
    wrong = {"financial_year": 2025, "name": "Transformation items (recurring)"}  # a draft year
    body = {**NEW, "reference": "BC41", "funding": "block2", "block2_line": wrong}
    response = client.post(LIST, body, content_type="application/json")
    assert response.status_code == 400 and "block2_line" in response.json()


def test_the_trust_changes_a_draft_with_a_reason_and_not_an_approved_case(cast, client_for):
    client = client_for(cast["nct-manager"])
    response = client.patch(LIST + "NCT-BC13/", {"costs": {"2024": "10.00"}},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "Say why" in response.json()["reason"][0]
    response = client.patch(LIST + "NCT-BC13/", {"reason": "Re-costed", "costs": {"2024": "10"}},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["total"] == "10.00"
    assert case("BC13").title.startswith("Joint commissioning")  # left out: unchanged
    response = client.patch(LIST + "NCT-BC01/", {"reason": "R", "title": "New"},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert "only a draft or a deferred case" in response.json()["non_field_errors"][0]


def test_a_council_officer_cannot_change_a_case(cast, client_for):
    response = client_for(cast["wnc-officer"]).patch(LIST + "NCT-BC12/", {"reason": "R"},
                                                     content_type="application/json")  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize("who", CAST)
def test_only_the_trusts_managers_submit(who, cast, client_for):
    response = client_for(cast[who]).post(LIST + "NCT-BC13/submit/")
    expected = {"nct-manager": 200, "oct-manager": 404, **UNSIGNED}.get(who, 403)
    assert response.status_code == expected
    assert case("BC13").state == (State.SUBMITTED if expected == 200 else State.DRAFT)


@pytest.mark.parametrize("who", CAST)
def test_only_council_officers_record_the_boards_decision(who, cast, client_for, meeting_today):
    body = {"decision": "approve", "meeting": f"{meeting_today.held_on:%Y-%m-%d}"}
    response = client_for(cast[who]).post(LIST + "NCT-BC12/decide/", body,
                                          content_type="application/json")  # fmt: skip
    expected = {"wnc-officer": 200, "nnc-officer": 200, "occ-officer": 404, "outsider": 404}
    assert response.status_code == {**expected, **UNSIGNED}.get(who, 403)
    if response.status_code == 200:
        data = response.json()
        assert data["state"] == "approved" and data["draws"][0]["amount"] == "240000.00"


def test_an_overdraw_is_refused_by_the_api_saying_by_how_much(cast, client_for, meeting_today):
    client_for(cast["nct-manager"]).post(LIST, {**NEW, "costs": {"2024": "376,000.01"}},
                                         content_type="application/json")  # fmt: skip
    client_for(cast["nct-manager"]).post(LIST + "NCT-BC40/submit/")
    response = client_for(cast["nnc-officer"]).post(
        LIST + "NCT-BC40/decide/",
        {"decision": "approve", "meeting": f"{meeting_today.held_on:%Y-%m-%d}"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "BC40 needs £376,000.01 from 2024/25's Block 3 fund, which has £376,000.00 left: it "
        "would overdraw the provision by £0.01."
    ]
    assert case("BC40").state == State.SUBMITTED


def test_a_decision_names_a_recorded_meeting(cast, client_for):
    response = client_for(cast["wnc-officer"]).post(
        LIST + "NCT-BC12/decide/",
        {"decision": "reject", "meeting": "2024-10-02", "note": "No"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "No board meeting" in response.json()["meeting"][0]


def test_the_trust_reports_spend_on_an_approved_case(cast, client_for):
    client = client_for(cast["nct-manager"])
    response = client.post(LIST + "NCT-BC09/spend/", {"month": "2024-10-15", "amount": "1,500.25"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    assert case("BC09").spends.get().amount == D("1500.25")
    response = client.post(LIST + "NCT-BC13/spend/", {"month": "2024-10-01", "amount": "1"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "not approved" in response.json()["non_field_errors"][0]
    officer = client_for(cast["wnc-officer"])
    assert officer.post(LIST + "NCT-BC09/spend/", {}).status_code == 403


def test_the_api_index_lists_the_programme_where_it_always_has(client_for, cast):
    # trust_portal/urls.py routes the programme's API after the contracts' budget monitoring.
    names = list(client_for(cast["admin"]).get("/api/v1/").json())
    at = names.index("budget-monitoring") + 1
    assert names[at : at + 3] == ["business-cases", "benefits", "risks"]
