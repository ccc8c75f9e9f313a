"""/api/v1/business-cases/: what each role reads, the filters, and the writes going through the
same services and rules as the pages.

Built on factories: the root ``world``'s programme (``programme_cases.make_programme``): BC01,
BC02, BC03, BC04, BC09, BC10 and BC11 approved, BC12 submitted (asking £24,000.00 of 2024/25's
£25,000.00 of Block 3 left) and BC13 a draft; 2025/26 a draft year."""

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from transformation.models import BusinessCase
from transformation.services import meetings as meeting_services
from transformation.tests.programme_cases import make_programme
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

LIST = "/api/v1/business-cases/"
# Every role the tests try: the world's people, a scrutiny member of its second council, and
# someone signed out.
CAST = ["officer", "other-officer", "manager", "observer", "scrutiny", "other-scrutiny",
        "outsider", "other-manager", "admin", "anonymous", "unattached", "leaver"]  # fmt: skip
# Signed out, or a deactivated account. Another arrangement's people with the role to act find
# nothing to act on (404); roles without it are refused first (403).
UNSIGNED = {"anonymous": 401, "leaver": 401}
State = BusinessCase.State

SEEN = {
    "manager": 9,  # every state, the draft included
    "officer": 8,  # all but the draft
    "other-officer": 8,
    "observer": 7,  # approved only
    "admin": 7,
    "outsider": 0,  # another arrangement's
    "other-manager": 0,
    "unattached": 0,  # a council in no arrangement
}


@pytest.fixture
def cast(world, people):
    """{name: user} for every name in ``CAST``."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture(autouse=True)
def programme(world, cast):
    """{reference: case} of the world's programme (see the module's docstring)."""
    return make_programme(world)


@pytest.fixture
def code(arrangement) -> str:
    """The world's trust code."""
    return arrangement.trust.code


@pytest.fixture
def case(arrangement):
    """case(reference): the world's case, read afresh."""

    def get(reference) -> BusinessCase:
        return BusinessCase.objects.get(project__arrangement=arrangement, reference=reference)

    return get


@pytest.fixture
def meeting_today(cast, arrangement):
    return meeting_services.meeting_save(
        by=cast["officer"],
        arrangement=arrangement,
        held_on=timezone.localdate(),
        chair="Chief Executive, first council",
        attendees="Chief Executive, first council",
    )


@pytest.mark.parametrize("who", CAST)
def test_each_role_reads_the_cases_it_may_see(who, cast, client_for, code):
    # The test database also holds the demo's programme, which an administrator reads too:
    # theirs is counted in the world's trust.
    response = client_for(cast[who]).get(LIST, {"trust": code} if who == "admin" else {})
    if who in SEEN:
        assert response.status_code == 200
        assert response.json()["count"] == SEEN[who]
    elif who in ("scrutiny", "other-scrutiny"):
        assert response.status_code == 403
    else:
        assert response.status_code == 401  # signed out, or a deactivated account


def test_a_case_reads_with_its_money_as_strings_of_pounds(cast, client_for, code):
    data = client_for(cast["observer"]).get(f"{LIST}{code}-BC01/").json()
    assert data["reference"] == "BC01" and data["trust"] == code
    assert (data["theme"], data["project"]) == ("efficiency", "Circle to Success Delivery")
    assert data["costs"] == [{"financial_year": 2024, "label": "2024/25", "amount": "30000.00"}]
    assert data["total"] == "30000.00" and data["state"] == "approved"
    assert data["meeting_date"] == "2024-04-17" and data["synthetic"] is True
    assert data["draws"] == [
        {"financial_year": 2024, "amount": "30000.00", "drawn_on": "2024-04-17"}
    ]
    assert data["funding"] == "block3" and data["block2_line"] is None


def test_a_block_2_case_names_its_line(cast, client_for, code):
    data = client_for(cast["officer"]).get(f"{LIST}{code}-BC04/").json()
    assert data["block2_line"] == {
        "financial_year": 2024,
        "name": "Transformation items (recurring)",
        "amount": "240000.00",
    }
    assert data["draws"] == []


def test_the_reports_heading_is_kept_as_a_tag(cast, client_for, code):
    data = client_for(cast["manager"]).get(f"{LIST}{code}-BC03/").json()
    assert (data["theme"], data["tag"]) == ("practice", "Improving Outcomes for Children")


@pytest.mark.parametrize(
    ("who", "key", "status"),
    [
        ("manager", "{code}-BC13", 200),
        ("officer", "{code}-BC13", 404),  # a draft: not yet submitted
        ("officer", "{lower}-bc12", 200),
        ("observer", "{code}-BC12", 404),  # submitted, not approved
        ("outsider", "{code}-BC01", 404),
        ("manager", "BC01", 404),
    ],
)
def test_a_case_a_role_may_not_see_is_not_found(who, key, status, cast, client_for, code):
    key = key.format(code=code, lower=code.lower())
    assert client_for(cast[who]).get(LIST + key + "/").status_code == status


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("?theme=practice", 2),  # BC03 and BC04
        ("?theme=demand", 2),  # BC09 and BC10
        ("?state=approved", 7),
        ("?state=submitted", 1),
        ("?state=draft", 1),
        ("?trust={lower}", 9),
        ("?trust={elsewhere}", 0),
    ],
)
def test_cases_filter_by_trust_theme_and_state(query, count, cast, client_for, code, elsewhere):
    query = query.format(lower=code.lower(), elsewhere=elsewhere.trust.code)
    assert client_for(cast["manager"]).get(LIST + query).json()["count"] == count


def test_cases_filter_by_the_month_and_financial_year_they_were_submitted_in(
    cast, client_for, programme
):
    # Submitted at 23:30 UTC on 31 March 2025: 00:30 on 1 April in London, so in April 2025
    # and 2025-26. A draft, submitted never, is in no month.
    at = {
        "BC01": datetime(2025, 3, 31, 23, 30, tzinfo=UTC),
        "BC02": datetime(2025, 3, 1, 9, tzinfo=UTC),
    }
    for reference, when in at.items():
        BusinessCase.objects.filter(pk=programme[reference].pk).update(submitted_at=when)
    client = client_for(cast["manager"])

    def references(**query) -> list[str]:
        response = client.get(LIST, query)
        assert response.status_code == 200, response.json()
        return sorted(row["reference"] for row in response.json()["results"])

    assert references(month_from="2025-04", month_to="2025-04") == ["BC01"]
    assert references(month_from="2025-03", month_to="2025-03") == ["BC02"]
    assert references(year="2025-26") == ["BC01"]
    assert references(year="2024/25", month_from="2025-01") == ["BC02"]
    assert "BC13" not in references(month_to="2027-12")
    assert client.get(LIST, {"year": "2025-27"}).status_code == 400


def test_the_list_reads_a_handful_of_queries(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast["manager"])
    with django_assert_max_num_queries(10):
        assert client.get(LIST).status_code == 200


# --- Writes -------------------------------------------------------------------------------------


@pytest.fixture
def new(code) -> dict:
    """A Block 3 case the trust drafts for its Placement Efficiency project."""
    return {
        "trust": code,
        "project": "placement efficiency",
        "reference": "BC40",
        "title": "Foster carer recruitment",
        "summary": "More foster carers.",
        "funding": "block3",
        "expected_benefits": "Fewer agency placements.",
        "costs": {"2024": "50,000.00", "2025": "25,000.50"},
    }


@pytest.mark.parametrize("who", CAST)
def test_only_the_trusts_managers_draft_a_case(who, cast, client_for, case, new):
    response = client_for(cast[who]).post(LIST, new, content_type="application/json")
    expected = {"manager": 201, "other-manager": 404, **UNSIGNED}.get(who, 403)
    assert response.status_code == expected
    if expected == 201:
        data = response.json()
        assert data["state"] == "draft" and data["total"] == "75000.50"
        assert case("BC40").created_by == cast["manager"]


def test_a_draft_names_a_project_and_years_that_exist(cast, client_for, new):
    client = client_for(cast["manager"])
    response = client.post(LIST, {**new, "project": "Nope"}, content_type="application/json")
    assert response.status_code == 400 and "no project called" in response.json()["project"][0]
    response = client.post(LIST, {**new, "costs": {"next year": "1.00"}},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "four digits" in str(response.json()["costs"])
    response = client.post(LIST, {**new, "costs": {"2024": "1.005"}},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "to the penny" in response.json()["cost_2024"][0]


def test_a_block_2_draft_names_an_agreed_years_item(cast, client_for, new):
    client = client_for(cast["manager"])
    line = {"financial_year": 2024, "name": "Transformation items (recurring)"}
    response = client.post(LIST, {**new, "funding": "block2", "block2_line": line},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    assert response.json()["block2_line"]["name"] == "Transformation items (recurring)"
    wrong = {"financial_year": 2025, "name": "Transformation items (recurring)"}  # a draft year
    body = {**new, "reference": "BC41", "funding": "block2", "block2_line": wrong}
    response = client.post(LIST, body, content_type="application/json")
    assert response.status_code == 400 and "block2_line" in response.json()


def test_the_trust_changes_a_draft_with_a_reason_and_not_an_approved_case(
    cast, client_for, code, case
):
    client = client_for(cast["manager"])
    response = client.patch(f"{LIST}{code}-BC13/", {"costs": {"2024": "10.00"}},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "Say why" in response.json()["reason"][0]
    response = client.patch(f"{LIST}{code}-BC13/", {"reason": "Re-costed",
                            "costs": {"2024": "10"}}, content_type="application/json")  # fmt: skip
    assert response.status_code == 200 and response.json()["total"] == "10.00"
    assert case("BC13").title.startswith("Joint commissioning")  # left out: unchanged
    response = client.patch(f"{LIST}{code}-BC01/", {"reason": "R", "title": "New"},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    assert "only a draft or a deferred case" in response.json()["non_field_errors"][0]


def test_a_council_officer_cannot_change_a_case(cast, client_for, code):
    response = client_for(cast["officer"]).patch(f"{LIST}{code}-BC12/", {"reason": "R"},
                                                 content_type="application/json")  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize("who", CAST)
def test_only_the_trusts_managers_submit(who, cast, client_for, code, case):
    response = client_for(cast[who]).post(f"{LIST}{code}-BC13/submit/")
    expected = {"manager": 200, "other-manager": 404, **UNSIGNED}.get(who, 403)
    assert response.status_code == expected
    assert case("BC13").state == (State.SUBMITTED if expected == 200 else State.DRAFT)


@pytest.mark.parametrize("who", CAST)
def test_only_council_officers_record_the_boards_decision(
    who, cast, client_for, code, meeting_today
):
    body = {"decision": "approve", "meeting": f"{meeting_today.held_on:%Y-%m-%d}"}
    response = client_for(cast[who]).post(f"{LIST}{code}-BC12/decide/", body,
                                          content_type="application/json")  # fmt: skip
    expected = {"officer": 200, "other-officer": 200, "outsider": 404, "unattached": 404}
    assert response.status_code == {**expected, **UNSIGNED}.get(who, 403)
    if response.status_code == 200:
        data = response.json()
        assert data["state"] == "approved" and data["draws"][0]["amount"] == "24000.00"


def test_an_overdraw_is_refused_by_the_api_saying_by_how_much(
    cast, client_for, code, case, new, meeting_today
):
    client_for(cast["manager"]).post(LIST, {**new, "costs": {"2024": "25,000.01"}},
                                     content_type="application/json")  # fmt: skip
    client_for(cast["manager"]).post(f"{LIST}{code}-BC40/submit/")
    response = client_for(cast["other-officer"]).post(
        f"{LIST}{code}-BC40/decide/",
        {"decision": "approve", "meeting": f"{meeting_today.held_on:%Y-%m-%d}"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "BC40 needs £25,000.01 from 2024/25's Block 3 fund, which has £25,000.00 left: it "
        "would overdraw the provision by £0.01."
    ]
    assert case("BC40").state == State.SUBMITTED


def test_a_decision_names_a_recorded_meeting(cast, client_for, code):
    response = client_for(cast["officer"]).post(
        f"{LIST}{code}-BC12/decide/",
        {"decision": "reject", "meeting": "2024-10-02", "note": "No"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "No board meeting" in response.json()["meeting"][0]


def test_the_trust_reports_spend_on_an_approved_case(cast, client_for, code, case):
    client = client_for(cast["manager"])
    response = client.post(f"{LIST}{code}-BC09/spend/", {"month": "2024-10-15",
                           "amount": "1,500.25"}, content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    assert case("BC09").spends.get().amount == D("1500.25")
    response = client.post(f"{LIST}{code}-BC13/spend/", {"month": "2024-10-01", "amount": "1"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "not approved" in response.json()["non_field_errors"][0]
    officer = client_for(cast["officer"])
    assert officer.post(f"{LIST}{code}-BC09/spend/", {}).status_code == 403


def test_the_api_index_lists_the_programme_where_it_always_has(client_for, cast):
    # trust_portal/urls.py routes the programme's API after the contracts' budget monitoring.
    names = list(client_for(cast["admin"]).get("/api/v1/").json())
    at = names.index("budget-monitoring") + 1
    assert names[at : at + 3] == ["business-cases", "benefits", "risks"]
