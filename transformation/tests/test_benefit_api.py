"""/api/v1/benefits/: read by every role that may read business cases, each seeing only the
benefits of the cases it may see; written as the pages allow, through the same services.

Built on factories: the root ``world``'s approved Circle to Success case (``cts``, made by
``benefit_cases.make_circle_to_success``) and the cases each test makes in the world."""

import pytest
from rest_framework.test import APIClient

from transformation.models import Benefit, BusinessCase, Theme
from transformation.tests import benefit_cases
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

BASE = "/api/v1/benefits/"
State = BusinessCase.State
# Every role the tests try: the world's people, a scrutiny member of its second council, and
# someone signed out.
CAST = ["officer", "other-officer", "manager", "observer", "scrutiny", "other-scrutiny",
        "outsider", "other-manager", "admin", "anonymous", "unattached", "leaver"]  # fmt: skip


@pytest.fixture
def cast(world, people):
    """{name: user} for every name in ``CAST``."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture
def code(arrangement) -> str:
    """The world's trust code."""
    return arrangement.trust.code


@pytest.fixture
def make_case(arrangement):
    """make_case(reference, state=...): a case of the world's programme, made directly in its
    state (``benefit_cases.make_case``)."""

    def make(reference, **kwargs) -> BusinessCase:
        return benefit_cases.make_case(reference, arrangement=arrangement, **kwargs)

    return make


@pytest.fixture
def make_benefit(manager):
    """make_benefit(case, ...): a benefit and its quarters set (and reported) by the world's
    manager (``benefit_cases.make_benefit``)."""

    def make(case, **kwargs) -> Benefit:
        return benefit_cases.make_benefit(case, by=manager, **kwargs)

    return make


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


@pytest.fixture
def cts(arrangement, manager):
    """The world's approved Circle to Success case with its 2024/25 benefits."""
    return benefit_cases.make_circle_to_success(arrangement, by=manager)


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [f"{b['case']} {b['name']}" for b in response.json()["results"]]


def one(api_for, who, cts, name="Savings", **params):
    response = api_for(who).get(BASE, {"case": cts.reference, **params})
    return next(b for b in response.json()["results"] if b["name"] == name)


def test_a_benefit_reads_with_its_figures_as_strings_and_its_rag(api_for, cts, code):
    savings = one(api_for, "observer", cts, financial_year=2024)
    assert savings["trust"] == code and savings["case"] == cts.reference
    assert (savings["kind"], savings["case_state"]) == ("saving", "approved")
    assert savings["theme"] == cts.project.theme
    q1, q2, q3, _ = savings["quarters"]
    assert (q1["target"], q1["lower_tolerance"], q1["actual"], q1["rag"]) == (
        "1000000.00", "800000.00", "1150000.00", "green")  # fmt: skip
    assert (q2["actual"], q2["rag"]) == ("840000.00", "amber")
    assert (q3["actual"], q3["rag"], q3["label"]) == (None, "grey", "Q3 2024/25 (October to "
                                                      "December)")  # fmt: skip
    assert savings["url"].endswith(f"/cases/{cts.reference}/benefits/{savings['id']}/")


def test_a_count_reads_as_whole_numbers(api_for, cts):
    assessments = one(api_for, "officer", cts, "Valuing Care assessments")
    assert [q["actual"] for q in assessments["quarters"][:2]] == ["290", "265"]
    assert assessments["quarters"][1]["lower_tolerance"] == "240"


@pytest.mark.parametrize("who", CAST)
def test_each_role_reads_the_benefits_of_the_cases_it_may_see(
    who, api_for, cast, make_case, make_benefit
):
    for reference, state in [("TA1", State.DRAFT), ("TA2", State.SUBMITTED),
                             ("TA3", State.APPROVED)]:  # fmt: skip
        case = make_case(reference, state=State.DRAFT)
        make_benefit(case, name=f"Benefit {reference}")
        case.state = state
        case.save()
    response = api_for(who).get(BASE, {"theme": Theme.EFFICIENCY})
    expected = {
        "manager": ["TA1 Benefit TA1", "TA2 Benefit TA2", "TA3 Benefit TA3"],
        "officer": ["TA2 Benefit TA2", "TA3 Benefit TA3"],
        "other-officer": ["TA2 Benefit TA2", "TA3 Benefit TA3"],
        "observer": ["TA3 Benefit TA3"],
        "admin": ["TA3 Benefit TA3"],
    }
    if who in ("scrutiny", "other-scrutiny"):
        assert response.status_code == 403
    elif who == "anonymous":
        assert response.status_code == 401
    elif who == "leaver":  # signed in with a token, but deactivated
        assert response.status_code == 403
    else:
        seen = [n for n in names(response) if n.startswith("TA")]
        assert seen == expected.get(who, [])


def test_another_arrangements_benefit_is_not_found(api_for, cts):
    savings = one(api_for, "manager", cts)
    assert api_for("other-manager").get(f"{BASE}{savings['id']}/").status_code == 404
    assert api_for("admin").get(f"{BASE}{savings['id']}/").status_code == 200


def test_the_filters_choose_trust_theme_case_and_year(api_for, cts, make_benefit, code, elsewhere):
    client = api_for("manager")
    assert names(client.get(BASE, {"trust": elsewhere.trust.code})) == []
    assert names(client.get(BASE, {"theme": "workforce", "case": cts.reference})) == []
    by_case = names(client.get(BASE, {"case": cts.reference.lower()}))
    assert f"{cts.reference} Valuing Care assessments" in by_case
    assert names(client.get(BASE, {"case": cts.reference, "financial_year": 2030})) == []
    make_benefit(cts, name="Savings", quarters=[(1, "5.00", "4.00", None)], year=2030)
    only_2030 = one(api_for, "manager", cts, financial_year=2030)
    assert [(q["financial_year"], q["quarter"]) for q in only_2030["quarters"]] == [(2030, 1)]
    assert len(one(api_for, "manager", cts)["quarters"]) == 5  # every year on its own


def test_the_year_filter_chooses_as_financial_year_does(api_for, cts, make_benefit):
    client = api_for("manager")
    make_benefit(cts, name="Savings", quarters=[(1, "5.00", "4.00", None)], year=2025)
    in_2025 = {"case": cts.reference, "year": "2025-26"}
    assert names(client.get(BASE, in_2025)) == [f"{cts.reference} Savings"]
    savings = one(api_for, "manager", cts, year="2025/26")
    assert [(q["financial_year"], q["quarter"]) for q in savings["quarters"]] == [(2025, 1)]
    savings = one(api_for, "manager", cts, year="2024", financial_year=2024)
    assert {q["financial_year"] for q in savings["quarters"]} == {2024}
    assert len(savings["quarters"]) == 4
    both = client.get(BASE, {**in_2025, "financial_year": 2024})  # two different years
    assert both.status_code == 400
    assert both.json() == {"year": ["Give one financial year: year and financial_year differ."]}
    assert names(client.get(BASE, {**in_2025, "financial_year": 2025})) == [
        f"{cts.reference} Savings"
    ]
    refused = client.get(BASE, {"year": "2025-27"})
    assert refused.status_code == 400 and list(refused.json()) == ["year"]


def test_an_unknown_theme_is_an_error(api_for, db):
    assert api_for("manager").get(BASE, {"theme": "magic"}).status_code == 400


def test_the_list_reads_a_fixed_number_of_queries(
    api_for, cts, django_assert_num_queries, make_case, make_benefit
):
    client = api_for("observer")
    client.get(BASE)  # the session and user are read once before counting
    with django_assert_num_queries(3):  # count, benefits with their cases, quarters
        client.get(BASE)
    make_benefit(make_case("TA9"), name="Another", quarters=[(1, "1.00", "1.00", "1.00")])
    with django_assert_num_queries(3):
        client.get(BASE)


# --- Writes ----------------------------------------------------------------------------------


def report(api_for, who, benefit_id, **data):
    body = {"financial_year": 2024, "quarter": 3, "actual": "910000.00", **data}
    return api_for(who).post(f"{BASE}{benefit_id}/report/", body, format="json")


def test_the_trust_reports_an_actual(api_for, cts, cast):
    savings = one(api_for, "manager", cts)
    response = report(api_for, "manager", savings["id"])
    assert response.status_code == 200, response.json()
    q3 = response.json()["quarters"][2]
    assert (q3["actual"], q3["rag"], q3["reported_by"]) == (
        "910000.00",
        "amber",
        str(cast["manager"]),
    )


@pytest.mark.parametrize("who", ["officer", "other-officer", "observer", "admin",
                                 "scrutiny", "outsider", "unattached"])  # fmt: skip
def test_nobody_else_reports_an_actual(who, api_for, cts):
    savings = one(api_for, "manager", cts)
    assert report(api_for, who, savings["id"]).status_code == 403
    assert report(api_for, "anonymous", savings["id"]).status_code == 401
    q3 = cts.benefits.get(name="Savings").quarters.get(financial_year=2024, quarter=3)
    assert q3.actual is None


def test_another_trusts_manager_cannot_find_the_benefit_to_report(api_for, cts):
    savings = one(api_for, "manager", cts)
    assert report(api_for, "other-manager", savings["id"]).status_code == 404


def test_a_red_actual_without_commentary_is_refused_with_the_field_named(api_for, cts):
    count = one(api_for, "manager", cts, "Valuing Care assessments")
    response = report(api_for, "manager", count["id"], actual="100")
    assert response.status_code == 400
    assert response.json() == {
        "commentary": ["100 is below the lower tolerance of 240: say why, and what is being done."]
    }


def test_a_quarter_not_begun_is_refused(api_for, cts, make_benefit):
    savings = one(api_for, "manager", cts)
    make_benefit(cts, name="Savings", quarters=[(1, "5.00", "4.00", None)], year=2099)
    response = report(api_for, "manager", savings["id"], financial_year=2099, quarter=1)
    assert response.status_code == 400 and "has not begun" in response.json()["quarter"][0]


def test_the_trust_sets_a_target_with_a_reason_once_approved(api_for, cts):
    savings = one(api_for, "manager", cts)
    body = {"financial_year": 2025, "quarter": 1, "target": "1,100,000.00",
            "lower_tolerance": "900,000.00"}  # fmt: skip
    client = api_for("manager")
    refused = client.post(f"{BASE}{savings['id']}/targets/", body, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["reason"]
    body["reason"] = "Second year profile agreed at the board"
    done = client.post(f"{BASE}{savings['id']}/targets/", body, format="json")
    assert done.status_code == 200
    q = [q for q in done.json()["quarters"] if q["financial_year"] == 2025][0]
    assert (q["target"], q["lower_tolerance"], q["rag"]) == ("1100000.00", "900000.00", "grey")
    assert api_for("officer").post(f"{BASE}{savings['id']}/targets/", body).status_code == 403


def test_the_trust_adds_a_benefit_to_a_draft(api_for, make_case, code):
    make_case("TA5", state=State.DRAFT)
    body = {"trust": code, "case": "ta5", "name": "Children stepped down", "kind": "count"}
    response = api_for("manager").post(BASE, body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["case"], response.json()["quarters"]) == ("TA5", [])
    again = api_for("manager").post(BASE, body, format="json")
    assert again.status_code == 400 and "name" in again.json()
    assert api_for("officer").post(BASE, body, format="json").status_code == 403
    assert api_for("other-manager").post(BASE, body, format="json").status_code == 404


# --- Changing a benefit (PATCH), as the edit page does ----------------------------------------

NOT_THE_TRUST = ["officer", "other-officer", "observer", "scrutiny", "other-scrutiny",
                 "admin", "outsider", "unattached"]  # fmt: skip


def change(api_for, who, benefit_id, **data):
    return api_for(who).patch(f"{BASE}{benefit_id}/", data, format="json")


def last_reason(benefit) -> str:
    return benefit.history.order_by("-history_date", "-history_id").first().history_change_reason


def test_the_trust_changes_an_approved_cases_benefit_with_a_reason(api_for, cts, cast):
    savings = cts.benefits.get(name="Savings")
    response = change(api_for, "manager", savings.pk, name="Placement savings",
                      description="From the placements ledger.",
                      reason="Renamed at the October board")  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["description"], body["kind"]) == (
        "Placement savings", "From the placements ledger.", "saving")  # fmt: skip
    assert len(body["quarters"]) == len(savings.quarters.all())  # its quarters stay
    savings.refresh_from_db()
    assert savings.name == "Placement savings"
    assert last_reason(savings) == "Renamed at the October board"
    assert savings.history.first().history_user == cast["manager"]


def test_an_approved_cases_benefit_changes_only_with_a_reason(api_for, cts):
    savings = cts.benefits.get(name="Savings")
    response = change(api_for, "manager", savings.pk, name="Placement savings")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why this changes: it is kept in the history."]}
    savings.refresh_from_db()
    assert savings.name == "Savings"
    unchanged = change(api_for, "manager", savings.pk, name="Savings")
    assert unchanged.status_code == 200  # nothing changes, so nothing needs saying why


def test_a_drafts_benefit_changes_without_a_reason(api_for, make_case, make_benefit):
    draft = make_case("TA6", state=State.DRAFT)
    benefit = make_benefit(draft, name="Step-downs", kind="count")
    response = change(api_for, "manager", benefit.pk, kind="saving", name="Savings")
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["kind"]) == ("Savings", "saving")
    assert last_reason(benefit) == "Benefit set while drafting the case"


def test_the_kind_is_fixed_once_a_quarter_has_a_target(api_for, cts):
    savings = cts.benefits.get(name="Savings")
    response = change(api_for, "manager", savings.pk, kind="count", reason="Wrong kind")
    assert response.status_code == 400
    assert response.json() == {
        "kind": ["The kind cannot change once quarters have targets: add a new benefit."]
    }


def test_a_name_in_use_and_an_unknown_kind_are_refused_with_the_fields_named(api_for, cts):
    savings = cts.benefits.get(name="Savings")
    taken = change(api_for, "manager", savings.pk, name="valuing care assessments",
                   reason="Rename")  # fmt: skip
    assert taken.status_code == 400 and list(taken.json()) == ["name"]
    unknown = change(api_for, "manager", savings.pk, kind="magic", reason="x")
    assert unknown.status_code == 400 and list(unknown.json()) == ["kind"]


def test_the_trust_sets_a_years_targets_with_the_change(api_for, cts):
    savings = cts.benefits.get(name="Savings")
    targets = [{"quarter": 1, "target": "1,100,000.00", "lower_tolerance": "900,000.00"},
               {"quarter": 2, "target": "1000000", "lower_tolerance": "800000"}]  # fmt: skip
    response = change(api_for, "manager", savings.pk, financial_year=2025, targets=targets,
                      reason="Second year profile agreed")  # fmt: skip
    assert response.status_code == 200, response.json()
    year = [q for q in response.json()["quarters"] if q["financial_year"] == 2025]
    assert [(q["quarter"], q["target"], q["lower_tolerance"]) for q in year] == [
        (1, "1100000.00", "900000.00"), (2, "1000000.00", "800000.00")]  # fmt: skip
    q1 = savings.quarters.get(financial_year=2025, quarter=1)
    assert last_reason(q1) == "Second year profile agreed"


def test_bad_targets_are_refused_keyed_by_quarter_and_nothing_is_saved(api_for, cts):
    savings = cts.benefits.get(name="Savings")
    targets = [{"quarter": 1, "target": "1000", "lower_tolerance": "2000"},
               {"quarter": 2, "target": "lots", "lower_tolerance": "1"}]  # fmt: skip
    response = change(api_for, "manager", savings.pk, financial_year=2025, targets=targets,
                      name="Renamed", reason="Profile")  # fmt: skip
    assert response.status_code == 400
    assert set(response.json()) == {"q1_lower_tolerance", "q2_target"}
    assert response.json()["q1_lower_tolerance"][0].startswith("Q1 2025/26 (April to June): ")
    savings.refresh_from_db()
    assert savings.name == "Savings" and not savings.quarters.filter(financial_year=2025).exists()


def test_targets_need_their_year_and_each_quarter_once(api_for, cts):
    savings = cts.benefits.get(name="Savings")
    row = {"quarter": 1, "target": "1.00", "lower_tolerance": "1.00"}
    no_year = change(api_for, "manager", savings.pk, targets=[row], reason="x")
    assert no_year.status_code == 400 and list(no_year.json()) == ["financial_year"]
    twice = change(api_for, "manager", savings.pk, financial_year=2025, targets=[row, row],
                   reason="x")  # fmt: skip
    assert twice.status_code == 400 and list(twice.json()) == ["targets"]
    bad = change(api_for, "manager", savings.pk, financial_year=2025,
                 targets=[{**row, "quarter": 5}], reason="x")  # fmt: skip
    assert bad.status_code == 400 and list(bad.json()) == ["targets"]


def test_a_submitted_cases_benefit_is_not_changed(api_for, make_case, make_benefit):
    case = make_case("TA7", state=State.DRAFT)
    benefit = make_benefit(case, name="Step-downs", kind="count")
    case.state = State.SUBMITTED
    case.save()
    response = change(api_for, "manager", benefit.pk, name="Renamed", reason="x")
    assert response.status_code == 400
    assert (
        "benefits are set on a draft, deferred or approved case"
        in (response.json()["non_field_errors"][0])
    )


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_nobody_else_changes_a_benefit(who, api_for, cts):
    savings = cts.benefits.get(name="Savings")
    assert change(api_for, who, savings.pk, name="Renamed", reason="x").status_code == 403
    savings.refresh_from_db()
    assert savings.name == "Savings"


def test_signed_out_callers_and_other_trusts_cannot_change_a_benefit(api_for, cts):
    savings = cts.benefits.get(name="Savings")
    assert change(api_for, "anonymous", savings.pk, name="Renamed", reason="x").status_code == 401
    assert (
        change(api_for, "other-manager", savings.pk, name="Renamed", reason="x").status_code == 404
    )
    savings.refresh_from_db()
    assert savings.name == "Savings"
