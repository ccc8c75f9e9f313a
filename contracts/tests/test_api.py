"""The contracts API: contracts, contract years (with every figure from money.year_figures),
payments and the reserved decisions' log, each under the same rules as the pages."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from contracts import money
from contracts.models import ContractYear, Instalment, ReservedMatter
from contracts.services import matters, payments
from trust_portal.accounts.models import Arrangement


def year_2024():
    return ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2024)


ENDPOINTS = [
    "/api/v1/contracts/",
    "/api/v1/contract-years/",
    "/api/v1/payments/",
    "/api/v1/reserved-decisions/",
]
DETAILS = ["/api/v1/contracts/NCT-SC-WNC-2023/", "/api/v1/contract-years/NCT-2024/"]


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


def unpaid_nnc_instalment() -> Instalment:
    """The demo's one unpaid 2024/25 instalment: NNC's twelfth (March 2025)."""
    return Instalment.objects.get(
        contract_year__financial_year=2024, council__code="NNC", paid_on__isnull=True
    )


def floats_in(value) -> list:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats_in(v)]
    return []


# --- Who may read ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ENDPOINTS + DETAILS)
@pytest.mark.parametrize("who", ["wnc-scrutiny", "nnc-scrutiny"])
def test_scrutiny_members_may_not_read_contracts(who, url, api_for):
    assert api_for(who).get(url).status_code == 403


@pytest.mark.parametrize("url", ENDPOINTS + DETAILS)
def test_signed_out_callers_are_asked_to_authenticate(url, api_for):
    assert api_for("anonymous").get(url).status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("who", ["occ-officer", "oct-manager", "outsider"])
def test_lists_leave_out_other_arrangements(who, url, api_for):
    assert api_for(who).get(url).json()["count"] == 0


@pytest.mark.parametrize("url", DETAILS)
@pytest.mark.parametrize("who", ["occ-officer", "oct-manager", "outsider"])
def test_another_arrangements_contract_and_year_are_not_found(who, url, api_for):
    assert api_for(who).get(url).status_code == 404


@pytest.mark.parametrize(
    "who", ["wnc-officer", "nnc-officer", "nct-manager", "dfe-observer", "admin"]
)
def test_the_arrangements_readers_see_its_contracts(who, api_for):
    rows = api_for(who).get("/api/v1/contracts/").json()["results"]
    assert [r["reference"] for r in rows] == ["NCT-SC-NNC-2023", "NCT-SC-WNC-2023"]


# --- Contracts ------------------------------------------------------------------------------


def test_a_contract_is_named_by_its_reference_with_its_obligations(api_for):
    body = api_for("nct-manager").get("/api/v1/contracts/NCT-SC-WNC-2023/").json()
    assert {k: body[k] for k in ("trust", "council", "status", "starts_on", "ends_on")} == {
        "trust": "NCT",
        "council": "WNC",
        "status": "active",
        "starts_on": "2023-04-01",
        "ends_on": "2028-03-31",
    }
    assert body["obligations"][-1] == (
        "Seek the councils' consent before acting on any reserved matter."
    )
    assert body["url"] == "/arrangements/NCT/contracts/NCT-SC-WNC-2023/"


@pytest.mark.parametrize(
    ("query", "references"),
    [
        ({"council": "NNC"}, ["NCT-SC-NNC-2023"]),
        ({"trust": "nct", "status": "active"}, ["NCT-SC-NNC-2023", "NCT-SC-WNC-2023"]),
        ({"status": "ended"}, []),
        ({"trust": "OCT"}, []),
    ],
)
def test_contracts_filter_by_trust_council_and_status(query, references, api_for):
    rows = api_for("dfe-observer").get("/api/v1/contracts/", query).json()["results"]
    assert [r["reference"] for r in rows] == references


def test_the_contracts_list_takes_a_fixed_number_of_queries(api_for, django_assert_num_queries):
    client = api_for("wnc-officer")
    with django_assert_num_queries(3):  # count, page, obligations
        client.get("/api/v1/contracts/")


# --- Contract years -------------------------------------------------------------------------


def test_the_demo_year_gives_the_scrutiny_reports_figures_as_strings(api_for):
    body = api_for("dfe-observer").get("/api/v1/contract-years/NCT-2024/").json()
    assert (body["key"], body["label"], body["state"]) == ("NCT-2024", "2024/25", "agreed")
    assert body["contract_sum"] == "180009000.00"
    assert body["block3_provision"] == "3291000.00"
    assert body["blocks"] == {
        "block1": "177429000.00",
        "block2_recurring": "217000.00",
        "block2_non_recurring": "2363000.00",
        "block2": "2580000.00",
        "block3_provision": "3291000.00",
        # What the demo programme's approved Block 3 cases have drawn (the ledger's tests
        # check the drawing itself).
        "block3_drawn": f"{money.year_figures(year_2024()).block3_drawn:.2f}",
        "block3_remaining": f"{money.year_figures(year_2024()).block3_remaining:.2f}",
    }
    shares = {s["council"]: s["percentage"] for s in body["split"]["shares"]}
    assert shares == {"WNC": "56.00", "NNC": "44.00"}
    assert body["split"]["complete"] is True and "populations" in body["split"]["basis"]
    by_council = {c["council"]: c for c in body["contributions"]}
    assert by_council["WNC"]["share_of_contract_sum"] == "100805040.00"
    assert by_council["NNC"]["share_of_contract_sum"] == "79203960.00"
    assert by_council["WNC"]["adjustments"] == "738000.00"
    assert by_council["NNC"]["block3_share"] == "1448040.00"
    assert floats_in(body) == []


def test_the_lines_carry_id_block_amount_recurrence_and_funder(api_for):
    lines = api_for("nct-manager").get("/api/v1/contract-years/NCT-2024/").json()["lines"]
    assert isinstance(lines[0].pop("id"), int)  # names the line in writes and variations
    assert lines[0] == {
        "block": 1,
        "name": "Core funding",
        "amount": "177429000.00",
        "recurring": True,
        "funded_by": None,
    }
    assert sum(Decimal(x["amount"]) for x in lines if x["block"] in (1, 2)) == Decimal(
        "180009000.00"
    )


def test_contributions_are_money_year_figures(api_for):
    from contracts.money import year_figures

    year = ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2024)
    body = api_for("admin").get("/api/v1/contract-years/NCT-2024/").json()
    for figures, row in zip(year_figures(year).councils, body["contributions"], strict=True):
        assert row["council"] == figures.code
        assert Decimal(row["contribution"]) == figures.contribution
        assert Decimal(row["passported_grants"]) == figures.passported_grants


def test_years_filter_by_trust_and_financial_year(api_for):
    rows = (
        api_for("wnc-officer")
        .get("/api/v1/contract-years/", {"trust": "NCT", "financial_year": 2024})
        .json()["results"]
    )
    assert [r["key"] for r in rows] == ["NCT-2024"]


@pytest.mark.parametrize("who", ["wnc-officer", "nnc-officer", "admin"])
def test_draft_years_are_seen_by_those_who_see_drafts(who, api_for):
    client = api_for(who)
    keys = [r["key"] for r in client.get("/api/v1/contract-years/").json()["results"]]
    assert keys == ["NCT-2025", "NCT-2024"]
    assert client.get("/api/v1/contract-years/NCT-2025/").json()["state"] == "draft"


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer"])
def test_draft_years_do_not_exist_for_the_others(who, api_for):
    client = api_for(who)
    keys = [r["key"] for r in client.get("/api/v1/contract-years/").json()["results"]]
    assert keys == ["NCT-2024"]
    assert client.get("/api/v1/contract-years/NCT-2025/").status_code == 404
    assert client.get("/api/v1/contract-years/", {"state": "draft"}).json()["count"] == 0


@pytest.mark.parametrize("key", ["NCT-1999", "OCT-2024", "nct-2024x"])
def test_an_unknown_year_is_not_found(key, api_for):
    assert api_for("admin").get(f"/api/v1/contract-years/{key}/").status_code == 404


def test_a_years_key_is_case_insensitive_in_the_trust_code(api_for):
    assert api_for("admin").get("/api/v1/contract-years/nct-2024/").json()["key"] == "NCT-2024"


def test_the_years_list_takes_a_bounded_number_of_queries(api_for, django_assert_num_queries):
    # Count, page and six prefetches (lines, shares, grants, adjustments, Block 3 draws, the
    # arrangements' councils), whatever the number of years.
    with django_assert_num_queries(8):
        api_for("wnc-officer").get("/api/v1/contract-years/")


# --- Payments -------------------------------------------------------------------------------


def test_payments_list_each_instalment(api_for):
    rows = api_for("nct-manager").get("/api/v1/payments/", {"trust": "NCT"}).json()
    assert rows["count"] == 24
    first = rows["results"][0]
    assert {
        k: first[k]
        for k in (
            "financial_year",
            "year_label",
            "council",
            "number",
            "due_on",
            "is_paid",
            "reference",
        )
    } == {
        "financial_year": 2024,
        "year_label": "2024/25",
        "council": "NNC",
        "number": 1,
        "due_on": "2024-04-01",
        "is_paid": True,
        "reference": "NNC-2024-01",
    }
    assert first["amount"] == f"{Instalment.objects.get(pk=first['id']).amount:.2f}"


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"council": "WNC"}, 12),
        ({"paid": "false"}, 1),
        ({"paid": "true", "council": "nnc"}, 11),
        ({"financial_year": 2024}, 24),
        ({"financial_year": 2025}, 0),
    ],
)
def test_payments_filter_by_council_paid_and_year(query, count, api_for):
    assert api_for("dfe-observer").get("/api/v1/payments/", query).json()["count"] == count


def test_the_payments_list_takes_a_fixed_number_of_queries(api_for, django_assert_num_queries):
    with django_assert_num_queries(2):  # count and page
        api_for("dfe-observer").get("/api/v1/payments/")


def test_the_paying_councils_officer_records_a_payment(api_for, cast):
    instalment = unpaid_nnc_instalment()
    response = api_for("nnc-officer").post(
        f"/api/v1/payments/{instalment.pk}/record/",
        {"paid_on": "2025-03-03", "reference": "NNC-2024-12"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["is_paid"] is True and response.json()["paid_on"] == "2025-03-03"
    instalment.refresh_from_db()
    assert instalment.recorded_by == cast["nnc-officer"]
    assert instalment.history.latest().history_change_reason == "Payment recorded"


def test_the_other_councils_officer_may_not_record_it(api_for):
    instalment = unpaid_nnc_instalment()
    response = api_for("wnc-officer").post(
        f"/api/v1/payments/{instalment.pk}/record/", {"paid_on": "2025-03-03", "reference": "X"}
    )
    assert response.status_code == 403
    assert "Only NNC's officers" in response.json()["detail"]


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "admin", "nnc-scrutiny"])
def test_readers_may_not_record_payments(who, api_for):
    instalment = unpaid_nnc_instalment()
    response = api_for(who).post(
        f"/api/v1/payments/{instalment.pk}/record/", {"paid_on": "2025-03-03", "reference": "X"}
    )
    assert response.status_code == 403
    instalment.refresh_from_db()
    assert not instalment.is_paid


def test_an_officer_of_another_arrangement_cannot_find_the_instalment(api_for):
    instalment = unpaid_nnc_instalment()
    response = api_for("occ-officer").post(
        f"/api/v1/payments/{instalment.pk}/record/", {"paid_on": "2025-03-03", "reference": "X"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"paid_on": "2999-01-01", "reference": "X"}, "paid_on"),
        ({"paid_on": "2025-03-03", "reference": " "}, "reference"),
        ({"reference": "X"}, "paid_on"),
    ],
)
def test_a_bad_payment_is_a_400_naming_the_field(data, field, api_for):
    instalment = unpaid_nnc_instalment()
    response = api_for("nnc-officer").post(
        f"/api/v1/payments/{instalment.pk}/record/", data, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_paid_instalment_cannot_be_recorded_again(api_for):
    paid = Instalment.objects.filter(council__code="NNC", paid_on__isnull=False).first()
    response = api_for("nnc-officer").post(
        f"/api/v1/payments/{paid.pk}/record/", {"paid_on": "2025-03-03", "reference": "again"}
    )
    assert response.status_code == 400
    assert "was recorded as paid" in response.json()["non_field_errors"][0]


# --- Reserved decisions ---------------------------------------------------------------------


def test_the_decision_log_gives_each_outcome_and_who_is_awaited(api_for):
    rows = api_for("nct-manager").get("/api/v1/reserved-decisions/").json()["results"]
    assert [(r["matter"], r["outcome"], r["awaiting"]) for r in rows] == [
        ("RM4", "awaiting", ["NNC"]),
        ("RM5", "refused", []),
        ("RM1", "decided", []),
    ]  # newest request first
    assert rows[1]["answers"][0] == {
        "council": "NNC",
        "answer": "refuse",
        "decided_on": "2024-07-18",
        "note": "Synthetic: Executive, 18 July 2024, minute 45: not before the next Ofsted "
        "inspection",
    }


@pytest.mark.parametrize(
    ("query", "matters_"),
    [
        ({"outcome": "decided"}, ["RM1"]),
        ({"outcome": "awaiting", "trust": "NCT"}, ["RM4"]),
        ({"matter": "RM5"}, ["RM5"]),
        ({"trust": "OCT"}, []),
    ],
)
def test_the_decision_log_filters(query, matters_, api_for):
    rows = api_for("dfe-observer").get("/api/v1/reserved-decisions/", query).json()["results"]
    assert [r["matter"] for r in rows] == matters_


def test_a_decision_is_read_by_its_id(api_for):
    rows = api_for("admin").get("/api/v1/reserved-decisions/", {"matter": "RM1"}).json()
    pk = rows["results"][0]["id"]
    body = api_for("wnc-officer").get(f"/api/v1/reserved-decisions/{pk}/").json()
    assert body["outcome"] == "decided" and body["url"].endswith(f"/reserved-decisions/{pk}/")
    assert api_for("occ-officer").get(f"/api/v1/reserved-decisions/{pk}/").status_code == 404


def test_the_decision_log_is_never_changed_wholesale(api_for):
    # Decisions are logged (POST) and answered (…/answer/); never replaced or deleted.
    pk = api_for("admin").get("/api/v1/reserved-decisions/").json()["results"][0]["id"]
    client = api_for("wnc-officer")
    assert client.put(f"/api/v1/reserved-decisions/{pk}/", {"title": "x"}).status_code == 405
    assert client.delete(f"/api/v1/reserved-decisions/{pk}/").status_code == 405


def test_the_decision_log_takes_a_fixed_number_of_queries(api_for, cast, django_assert_num_queries):
    nct = Arrangement.objects.get(trust__code="NCT")
    matter = ReservedMatter.objects.get(arrangement=nct, reference="RM2")
    for n in range(5):
        decision = matters.decision_record(
            by=cast["wnc-officer"],
            matter=matter,
            title=f"Change {n}",
            description="d",
            requested_on=date(2024, 1, 1),
        )
        matters.consent_record(
            by=cast["nnc-officer"], decision=decision, answer="consent", decided_on=date(2024, 1, 2)
        )
    with django_assert_num_queries(4):  # count, page, answers, councils
        rows = api_for("dfe-observer").get("/api/v1/reserved-decisions/").json()
    assert rows["count"] == 8


def test_a_payment_recorded_through_the_api_moves_the_figures_the_pages_show(api_for, cast):
    # The API and the pages share one service: what one records, the other reads.
    instalment = unpaid_nnc_instalment()
    payments.instalment_record_payment(
        by=cast["nnc-officer"],
        instalment=instalment,
        paid_on=date(2025, 3, 3),
        reference="NNC-2024-12",
    )
    rows = api_for("nct-manager").get("/api/v1/payments/", {"paid": "false"}).json()
    assert rows["count"] == 0
