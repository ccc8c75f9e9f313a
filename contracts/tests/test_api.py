"""The contracts API: contracts, contract years (with every figure from money.year_figures),
payments and the reserved decisions' log, each under the same rules as the pages.

Built on factories: the root ``world`` with its contracts, its agreed 2024/25 year, its
2025/26 draft and its reserved decisions, made through the services (``api_cases``; the demo's
own year: test_api_demo.py). ``T`` is the world's trust, ``A`` and ``B`` its first and second
council, ``OT`` the other arrangement's trust; the first council has paid its 12 instalments
of 2024/25 and the second 11. The administrator sees every arrangement, the demo's too, so
their lists are filtered to the world's trust."""

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from contracts.models import Instalment, ReservedMatter
from contracts.services import matters, payments
from contracts.tests import api_cases
from contracts.tests.api_cases import OBLIGATIONS, RM5_REFUSAL_NOTE, by_code

ENDPOINTS = [
    "/api/v1/contracts/",
    "/api/v1/contract-years/",
    "/api/v1/payments/",
    "/api/v1/reserved-decisions/",
]
DETAILS = ["/api/v1/contracts/{T}-SC-{A}-2023/", "/api/v1/contract-years/{T}-2024/"]
OTHERS = ["outsider", "other-manager", "unattached"]  # another arrangement's; in none


@pytest.fixture
def cast(world):
    return api_cases.cast_of(world)


@pytest.fixture
def w(world):
    return api_cases.codes_of(world)


@pytest.fixture(autouse=True)
def years(world):
    return api_cases.build(world)


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


def only_the_worlds(who, w) -> dict:
    """The query that keeps a list to the world's trust for the administrator, who sees every
    arrangement's (the demo's too); none for the others, who see only the world's."""
    return {"trust": w.T} if who == "admin" else {}


def unpaid_instalment(world) -> Instalment:
    """The world's one unpaid 2024/25 instalment: the second council's twelfth (March 2025)."""
    return api_cases.unpaid_instalment(world)


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
@pytest.mark.parametrize("who", ["scrutiny", "other-scrutiny"])
def test_scrutiny_members_may_not_read_contracts(who, url, api_for, w):
    assert api_for(who).get(w.fill(url)).status_code == 403


@pytest.mark.parametrize("url", ENDPOINTS + DETAILS)
def test_signed_out_callers_are_asked_to_authenticate(url, api_for, w):
    assert api_for("anonymous").get(w.fill(url)).status_code == 401


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("who", OTHERS)
def test_lists_leave_out_other_arrangements(who, url, api_for):
    assert api_for(who).get(url).json()["count"] == 0


@pytest.mark.parametrize("url", DETAILS)
@pytest.mark.parametrize("who", OTHERS)
def test_another_arrangements_contract_and_year_are_not_found(who, url, api_for, w):
    assert api_for(who).get(w.fill(url)).status_code == 404


@pytest.mark.parametrize("who", ["officer", "other-officer", "manager", "observer", "admin"])
def test_the_arrangements_readers_see_its_contracts(who, api_for, w):
    rows = api_for(who).get("/api/v1/contracts/", only_the_worlds(who, w)).json()["results"]
    assert [r["reference"] for r in rows] == [w.contract(c) for c in by_code(w.A, w.B)]


# --- Contracts ------------------------------------------------------------------------------


def test_a_contract_is_named_by_its_reference_with_its_obligations(api_for, w):
    body = api_for("manager").get(f"/api/v1/contracts/{w.contract(w.A)}/").json()
    assert {k: body[k] for k in ("trust", "council", "status", "starts_on", "ends_on")} == {
        "trust": w.T,
        "council": w.A,
        "status": "active",
        "starts_on": "2023-04-01",
        "ends_on": "2028-03-31",
    }
    assert body["obligations"][-1] == (
        "Seek the councils' consent before acting on any reserved matter."
    )
    assert body["obligations"] == OBLIGATIONS
    assert body["url"] == f"/arrangements/{w.T}/contracts/{w.contract(w.A)}/"


@pytest.mark.parametrize(
    ("query", "councils"),
    [
        ({"council": "{B}"}, ["B"]),
        ({"trust": "{t}", "status": "active"}, ["A", "B"]),
        ({"status": "ended"}, []),
        ({"trust": "{OT}"}, []),
    ],
)
def test_contracts_filter_by_trust_council_and_status(query, councils, api_for, w):
    rows = api_for("observer").get("/api/v1/contracts/", w.fill(query)).json()["results"]
    expected = [w.contract(c) for c in by_code(*(getattr(w, c) for c in councils))]
    assert [r["reference"] for r in rows] == expected


def test_the_contracts_list_takes_a_fixed_number_of_queries(api_for, django_assert_num_queries):
    client = api_for("officer")
    with django_assert_num_queries(3):  # count, page, obligations
        client.get("/api/v1/contracts/")


# --- Contract years -------------------------------------------------------------------------


def test_a_year_gives_its_figures_as_strings(api_for, w):
    body = api_for("observer").get(f"/api/v1/contract-years/{w.T}-2024/").json()
    assert (body["key"], body["label"], body["state"]) == (f"{w.T}-2024", "2024/25", "agreed")
    assert body["contract_sum"] == "1500000.00"  # Block 1 £1,200,000 + Block 2 £300,000
    assert body["block3_provision"] == "100000.00"
    assert body["blocks"] == {
        "block1": "1200000.00",
        "block2_recurring": "240000.00",
        "block2_non_recurring": "60000.00",
        "block2": "300000.00",
        "block3_provision": "100000.00",
        "block3_drawn": "0.00",  # the world has no approved Block 3 cases
        "block3_remaining": "100000.00",
    }
    shares = {s["council"]: s["percentage"] for s in body["split"]["shares"]}
    assert shares == {w.A: "60.00", w.B: "40.00"}
    assert body["split"]["complete"] is True and "populations" in body["split"]["basis"]
    by_council = {c["council"]: c for c in body["contributions"]}
    assert by_council[w.A]["share_of_contract_sum"] == "900000.00"  # 60% of £1,500,000
    assert by_council[w.B]["share_of_contract_sum"] == "600000.00"  # 40%
    assert by_council[w.A]["adjustments"] == "30000.00"
    assert by_council[w.B]["block3_share"] == "40000.00"  # 40% of the £100,000 provision
    assert floats_in(body) == []


def test_the_lines_carry_id_block_amount_recurrence_and_funder(api_for, w):
    lines = api_for("manager").get(f"/api/v1/contract-years/{w.T}-2024/").json()["lines"]
    assert isinstance(lines[0].pop("id"), int)  # names the line in writes and variations
    assert lines[0] == {
        "block": 1,
        "name": "Core funding",
        "amount": "1200000.00",
        "recurring": True,
        "funded_by": None,
    }
    assert sum(Decimal(x["amount"]) for x in lines if x["block"] in (1, 2)) == Decimal("1500000.00")


def test_contributions_are_money_year_figures(api_for, w, world):
    from contracts.money import year_figures

    year = api_cases.year_of(world, 2024)
    body = api_for("admin").get(f"/api/v1/contract-years/{w.T}-2024/").json()
    for figures, row in zip(year_figures(year).councils, body["contributions"], strict=True):
        assert row["council"] == figures.code
        assert Decimal(row["contribution"]) == figures.contribution
        assert Decimal(row["passported_grants"]) == figures.passported_grants


def test_years_filter_by_trust_and_financial_year(api_for, w):
    rows = (
        api_for("officer")
        .get("/api/v1/contract-years/", {"trust": w.T, "financial_year": 2024})
        .json()["results"]
    )
    assert [r["key"] for r in rows] == [f"{w.T}-2024"]


@pytest.mark.parametrize("who", ["officer", "other-officer", "admin"])
def test_draft_years_are_seen_by_those_who_see_drafts(who, api_for, w):
    client = api_for(who)
    listed = client.get("/api/v1/contract-years/", only_the_worlds(who, w)).json()["results"]
    assert [r["key"] for r in listed] == [f"{w.T}-2025", f"{w.T}-2024"]
    assert client.get(f"/api/v1/contract-years/{w.T}-2025/").json()["state"] == "draft"


@pytest.mark.parametrize("who", ["manager", "observer"])
def test_draft_years_do_not_exist_for_the_others(who, api_for, w):
    client = api_for(who)
    keys = [r["key"] for r in client.get("/api/v1/contract-years/").json()["results"]]
    assert keys == [f"{w.T}-2024"]
    assert client.get(f"/api/v1/contract-years/{w.T}-2025/").status_code == 404
    assert client.get("/api/v1/contract-years/", {"state": "draft"}).json()["count"] == 0


@pytest.mark.parametrize("key", ["{T}-1999", "{OT}-2024", "{t}-2024x"])
def test_an_unknown_year_is_not_found(key, api_for, w):
    assert api_for("admin").get(f"/api/v1/contract-years/{w.fill(key)}/").status_code == 404


def test_a_years_key_is_case_insensitive_in_the_trust_code(api_for, w):
    body = api_for("admin").get(f"/api/v1/contract-years/{w.t}-2024/").json()
    assert body["key"] == f"{w.T}-2024"


def test_the_years_list_takes_a_bounded_number_of_queries(api_for, django_assert_num_queries):
    # Count, page and six prefetches (lines, shares, grants, adjustments, Block 3 draws, the
    # arrangements' councils), whatever the number of years.
    with django_assert_num_queries(8):
        api_for("officer").get("/api/v1/contract-years/")


# --- Payments -------------------------------------------------------------------------------


def test_payments_list_each_instalment(api_for, w):
    rows = api_for("manager").get("/api/v1/payments/", {"trust": w.T}).json()
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
        "council": by_code(w.A, w.B)[0],
        "number": 1,
        "due_on": "2024-04-01",
        "is_paid": True,
        "reference": "PAID-1",  # as agreed_contract_year records it
    }
    assert first["amount"] == f"{Instalment.objects.get(pk=first['id']).amount:.2f}"


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"council": "{A}"}, 12),
        ({"paid": "false"}, 1),
        ({"paid": "true", "council": "{b}"}, 11),
        ({"financial_year": 2024}, 24),
        ({"financial_year": 2025}, 0),
    ],
)
def test_payments_filter_by_council_paid_and_year(query, count, api_for, w):
    assert api_for("observer").get("/api/v1/payments/", w.fill(query)).json()["count"] == count


def test_the_payments_list_takes_a_fixed_number_of_queries(api_for, django_assert_num_queries):
    with django_assert_num_queries(2):  # count and page
        api_for("observer").get("/api/v1/payments/")


def test_the_paying_councils_officer_records_a_payment(api_for, cast, world, w):
    instalment = unpaid_instalment(world)
    response = api_for("other-officer").post(
        f"/api/v1/payments/{instalment.pk}/record/",
        {"paid_on": "2025-03-03", "reference": f"{w.B}-2024-12"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["is_paid"] is True and response.json()["paid_on"] == "2025-03-03"
    instalment.refresh_from_db()
    assert instalment.recorded_by == cast["other-officer"]
    assert instalment.history.latest().history_change_reason == "Payment recorded"


def test_the_other_councils_officer_may_not_record_it(api_for, world, w):
    instalment = unpaid_instalment(world)
    response = api_for("officer").post(
        f"/api/v1/payments/{instalment.pk}/record/", {"paid_on": "2025-03-03", "reference": "X"}
    )
    assert response.status_code == 403
    assert f"Only {w.B}'s officers" in response.json()["detail"]


@pytest.mark.parametrize("who", ["manager", "observer", "admin", "other-scrutiny"])
def test_readers_may_not_record_payments(who, api_for, world):
    instalment = unpaid_instalment(world)
    response = api_for(who).post(
        f"/api/v1/payments/{instalment.pk}/record/", {"paid_on": "2025-03-03", "reference": "X"}
    )
    assert response.status_code == 403
    instalment.refresh_from_db()
    assert not instalment.is_paid


def test_an_officer_of_another_arrangement_cannot_find_the_instalment(api_for, world):
    instalment = unpaid_instalment(world)
    response = api_for("outsider").post(
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
def test_a_bad_payment_is_a_400_naming_the_field(data, field, api_for, world):
    instalment = unpaid_instalment(world)
    response = api_for("other-officer").post(
        f"/api/v1/payments/{instalment.pk}/record/", data, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_paid_instalment_cannot_be_recorded_again(api_for, world):
    paid = Instalment.objects.filter(council=world.councils[1], paid_on__isnull=False).first()
    response = api_for("other-officer").post(
        f"/api/v1/payments/{paid.pk}/record/", {"paid_on": "2025-03-03", "reference": "again"}
    )
    assert response.status_code == 400
    assert "was recorded as paid" in response.json()["non_field_errors"][0]


# --- Reserved decisions ---------------------------------------------------------------------


def test_the_decision_log_gives_each_outcome_and_who_is_awaited(api_for, w):
    rows = api_for("manager").get("/api/v1/reserved-decisions/").json()["results"]
    assert [(r["matter"], r["outcome"], r["awaiting"]) for r in rows] == [
        ("RM4", "awaiting", [w.B]),
        ("RM5", "refused", []),
        ("RM1", "decided", []),
    ]  # newest request first
    refusal = {
        "council": w.B,
        "answer": "refuse",
        "decided_on": "2024-07-18",
        "note": RM5_REFUSAL_NOTE,
    }
    consent = {
        "council": w.A,
        "answer": "consent",
        "decided_on": "2024-07-23",
        "note": "Cabinet, 23 July 2024, minute 31",
    }
    # Each council's answer, in the order of the councils' codes.
    assert rows[1]["answers"] == sorted([refusal, consent], key=lambda a: a["council"])


@pytest.mark.parametrize(
    ("query", "matters_"),
    [
        ({"outcome": "decided"}, ["RM1"]),
        ({"outcome": "awaiting", "trust": "{T}"}, ["RM4"]),
        ({"matter": "RM5"}, ["RM5"]),
        ({"trust": "{OT}"}, []),
    ],
)
def test_the_decision_log_filters(query, matters_, api_for, w):
    rows = api_for("observer").get("/api/v1/reserved-decisions/", w.fill(query)).json()
    assert [r["matter"] for r in rows["results"]] == matters_


def test_a_decision_is_read_by_its_id(api_for, w):
    query = {"trust": w.T, "matter": "RM1"}
    rows = api_for("admin").get("/api/v1/reserved-decisions/", query).json()
    pk = rows["results"][0]["id"]
    body = api_for("officer").get(f"/api/v1/reserved-decisions/{pk}/").json()
    assert body["outcome"] == "decided" and body["url"].endswith(f"/reserved-decisions/{pk}/")
    assert api_for("outsider").get(f"/api/v1/reserved-decisions/{pk}/").status_code == 404


def test_the_decision_log_is_never_changed_wholesale(api_for, w):
    # Decisions are logged (POST) and answered (…/answer/); never replaced or deleted.
    listed = api_for("admin").get("/api/v1/reserved-decisions/", {"trust": w.T}).json()
    pk = listed["results"][0]["id"]
    client = api_for("officer")
    assert client.put(f"/api/v1/reserved-decisions/{pk}/", {"title": "x"}).status_code == 405
    assert client.delete(f"/api/v1/reserved-decisions/{pk}/").status_code == 405


def test_the_decision_log_takes_a_fixed_number_of_queries(
    api_for, cast, world, django_assert_num_queries
):
    matter = ReservedMatter.objects.get(arrangement=world.arrangement, reference="RM2")
    for n in range(5):
        decision = matters.decision_record(
            by=cast["officer"],
            matter=matter,
            title=f"Change {n}",
            description="d",
            requested_on=date(2024, 1, 1),
        )
        matters.consent_record(
            by=cast["other-officer"],
            decision=decision,
            answer="consent",
            decided_on=date(2024, 1, 2),
        )
    with django_assert_num_queries(4):  # count, page, answers, councils
        rows = api_for("observer").get("/api/v1/reserved-decisions/").json()
    assert rows["count"] == 8  # the world's three and these five


def test_a_payment_recorded_through_the_api_moves_the_figures_the_pages_show(
    api_for, cast, world, w
):
    # The API and the pages share one service: what one records, the other reads.
    instalment = unpaid_instalment(world)
    payments.instalment_record_payment(
        by=cast["other-officer"],
        instalment=instalment,
        paid_on=date(2025, 3, 3),
        reference=f"{w.B}-2024-12",
    )
    rows = api_for("manager").get("/api/v1/payments/", {"paid": "false"}).json()
    assert rows["count"] == 0
