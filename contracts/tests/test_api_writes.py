"""Writes through the contracts API: each is the page's write, through the same service, by the
same rules. The role allowed succeeds and the change shows on the read endpoints; every other
member of the cast is refused (403: a role that may not; 404: outside the arrangement; 401:
signed out) and nothing changes; bad input is a 400 naming the field; money stays strings.

Built on factories: the root ``world`` with its contracts, years and reserved decisions, made
through the services (``api_cases``). ``T`` is the world's trust, ``A`` and ``B`` its first
and second council (``{T}``, ``{A}``, ... in the tables below are filled in by ``w.fill``);
``OT`` and ``OC`` the other arrangement's trust and council, ``XC`` a council in no
arrangement. 2024/25 is agreed (split A 60, B 40; A has paid 12 instalments, B 11; a £12,000.00
grant passported to B; adjustments A £30,000.00, B £20,000.00), 2025/26 a draft rolled over
from it. The administrator sees every arrangement, the demo's too, so their lists are filtered
to the world's trust."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import built_once, signed_in_fully
from contracts.models import (
    Adjustment,
    Consent,
    ContractYear,
    CostShare,
    FundingLine,
    Instalment,
    Obligation,
    PassportedGrant,
    ReservedDecision,
    ServiceContract,
    Variation,
)
from contracts.services import variations as variation_services
from contracts.services import years as year_services
from contracts.tests import api_cases
from contracts.tests.api_cases import by_code
from trust_portal.accounts.tests.factories import make_world

API = "/api/v1"
TODAY = timezone.localdate().isoformat()
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()
# Everyone the refusals walk: the world's people and a scrutiny member of its second council.
CAST = ["manager", "officer", "other-officer", "scrutiny", "other-scrutiny", "observer", "admin",
        "outsider", "other-manager", "unattached", "leaver", "anonymous"]  # fmt: skip
OTHERS = ["outsider", "other-manager", "unattached"]  # another arrangement's; in none


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    # Built once for the module's 436 tests (about two seconds a build), each test's changes
    # rolled back at its end.
    with built_once(django_db_blocker):
        world = make_world()
        api_cases.build(world)
        yield world


@pytest.fixture
def world(_built, db):
    return _built.refetched()


@pytest.fixture
def cast(world):
    return api_cases.cast_of(world)


@pytest.fixture
def w(world):
    return api_cases.codes_of(world)


@pytest.fixture
def api_for(cast):
    """A client signed in as the cast member, by session as a browser would be (so the
    deactivated leaver counts as signed out)."""

    def make(who):
        client = APIClient()
        if cast[who] is not None:
            signed_in_fully(client, cast[who])
        return client

    return make


def floats_in(value) -> list:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats_in(v)]
    return []


def changes_recorded() -> int:
    """Every write goes through a service, which leaves history: none means nothing changed."""
    models = (ServiceContract, Obligation, ContractYear, FundingLine, CostShare, PassportedGrant,
              Adjustment, Variation, Instalment, ReservedDecision, Consent)  # fmt: skip
    return sum(model.history.count() for model in models)


def year(world, financial_year: int) -> ContractYear:
    return api_cases.year_of(world, financial_year)


def draft_line(world) -> FundingLine:
    """2025/26's recurring Block 2 line, rolled over from 2024/25."""
    return year(world, 2025).lines.get(block=2)


def first_adjustment(world) -> Adjustment:
    """2024/25's adjustment of the first council (£30,000.00)."""
    return year(world, 2024).adjustments.get(council=world.councils[0])


def a_grant(world) -> PassportedGrant:
    return year_services.grant_save(
        by=world.officers[1],
        contract_year=year(world, 2024),
        reason="Grant letter of 1 May 2024",
        council=world.councils[1],
        name="Staying put grant",
        amount=Decimal("120000.00"),
    )


def a_requested_split(world, financial_year=2025) -> Variation:
    first, second = world.councils
    return variation_services.variation_request(
        by=world.officers[0],
        contract_year=year(world, financial_year),
        kind=Variation.Kind.SPLIT,
        reason="Demand has moved south",
        shares={first.code: "55", second.code: "45"},
        basis="Open cases, September",
    )


def variation_url(variation: Variation) -> str:
    trust = variation.contract_year.arrangement.trust.code
    return f"{API}/variations/{trust}-{variation.contract_year.financial_year}-{variation.number}/"


def paid_instalment(world) -> Instalment:
    """The second council's eleventh 2024/25 instalment, its last paid."""
    return year(world, 2024).instalments.get(council=world.councils[1], number=11)


def unpaid_instalment(world) -> Instalment:
    """The second council's twelfth 2024/25 instalment, unpaid."""
    return year(world, 2024).instalments.get(council=world.councils[1], number=12)


def decision(world, matter: str) -> ReservedDecision:
    return api_cases.decision_of(world, matter)


NEW_CONTRACT = {
    "trust": "{T}",
    "council": "{A}",
    "reference": "{T}-SC-{A}-2028",
    "title": "Children's social care services 2028 to 2031",
    "starts_on": "2028-04-01",
    "ends_on": "2031-03-31",
    "obligations": ["Deliver statutory social care services.", "Report monthly."],
}
NEW_LINE = {"block": 2, "name": "Family hubs", "amount": "150000.00", "recurring": False,
            "reason": "Agreed at the September finance board"}  # fmt: skip
SPLIT = {"contract_year": "{T}-2025", "kind": "split", "reason": "Demand has moved south",
         "shares": {"{A}": "55.00", "{B}": "45.00"}, "basis": "Open cases, September"}  # fmt: skip


def refused(**overrides) -> dict:
    """A write only council officers may make: roles without the right 403, officers of
    another arrangement (who may edit their own) and of a council in none 404, signed out
    401. An override of None marks who may make it (tested on its own)."""
    return {**dict.fromkeys(CAST, 403), "outsider": 404, "unattached": 404,
            "anonymous": 401, "leaver": 401, **overrides}  # fmt: skip


OFFICERS = {"officer": None, "other-officer": None}
ADMINISTRATORS = {**dict.fromkeys(CAST, 403), "anonymous": 401, "leaver": 401, "admin": None}

# name -> (method, url (filled in) or a function of the world making it inside the test, body
# (filled in), status per cast member)
WRITES = {
    "record a contract": (
        "post", f"{API}/contracts/", NEW_CONTRACT,
        refused(**{"officer": None}),  # the second council's officers: not theirs (403)
    ),
    "change a contract": (
        "patch", f"{API}/contracts/{{T}}-SC-{{A}}-2023/", {"reason": "Renamed", "title": "New"},
        refused(**{"officer": None}),
    ),
    "start a year": (
        "post", f"{API}/contract-years/", {"trust": "{T}", "financial_year": 2026},
        refused(**OFFICERS),
    ),
    "add a line to a draft": (
        "post", f"{API}/contract-years/{{T}}-2025/lines/", NEW_LINE, refused(**OFFICERS),
    ),
    "change a draft's line": (
        "patch", lambda world: f"{API}/contract-years/{{T}}-2025/lines/{draft_line(world).pk}/",
        {"amount": "230000.00", "reason": "Inflation"}, refused(**OFFICERS),
    ),
    "remove a draft's line": (
        "delete", lambda world: f"{API}/contract-years/{{T}}-2025/lines/{draft_line(world).pk}/",
        {"reason": "Ended"}, refused(**OFFICERS),
    ),
    "add a grant": (
        "post", f"{API}/contract-years/{{T}}-2024/grants/",
        {"council": "{B}", "name": "Staying put", "amount": "1000.00", "reason": "Letter"},
        refused(**OFFICERS),
    ),
    "change a grant": (
        "patch", lambda world: f"{API}/contract-years/{{T}}-2024/grants/{a_grant(world).pk}/",
        {"amount": "1000.00", "reason": "Corrected"}, refused(**OFFICERS),
    ),
    "remove a grant": (
        "delete", lambda world: f"{API}/contract-years/{{T}}-2024/grants/{a_grant(world).pk}/",
        {"reason": "Withdrawn"}, refused(**OFFICERS),
    ),
    "add an adjustment": (
        "post", f"{API}/contract-years/{{T}}-2024/adjustments/",
        {"council": "{A}", "name": "Youth offer", "amount": "5000.00", "reason": "Youth"},
        refused(**OFFICERS),
    ),
    "change an adjustment": (
        "patch",
        lambda world: f"{API}/contract-years/{{T}}-2024/adjustments/{first_adjustment(world).pk}/",
        {"amount": "700000.00", "reason": "Corrected"}, refused(**OFFICERS),
    ),
    "remove an adjustment": (
        "delete",
        lambda world: f"{API}/contract-years/{{T}}-2024/adjustments/{first_adjustment(world).pk}/",
        {"reason": "Paid another way"}, refused(**OFFICERS),
    ),
    "agree a draft year": (
        "post", f"{API}/contract-years/{{T}}-2025/agree/", {"agreed_on": TODAY}, ADMINISTRATORS,
    ),
    "roll a year over": (
        "post", f"{API}/contract-years/{{T}}-2025/rollover/", {}, refused(**OFFICERS),
    ),
    "request a variation": ("post", f"{API}/variations/", SPLIT, refused(**OFFICERS)),
    "approve a variation": (
        "post", lambda world: variation_url(a_requested_split(world)) + "approve/",
        {"decision_date": TODAY}, ADMINISTRATORS,
    ),
    "reject a variation": (
        "post", lambda world: variation_url(a_requested_split(world)) + "reject/",
        {"decision_date": TODAY, "note": "Not agreed"}, ADMINISTRATORS,
    ),
    "withdraw a variation": (
        "post", lambda world: variation_url(a_requested_split(world)) + "withdraw/", {},
        refused(**OFFICERS),
    ),
    "undo a payment": (
        "post", lambda world: f"{API}/payments/{paid_instalment(world).pk}/undo/",
        {"reason": "Wrong month"},
        refused(**{"other-officer": None}),  # the first council's officers: not theirs (403)
    ),
    "log a reserved decision": (
        "post", f"{API}/reserved-decisions/",
        {"trust": "{T}", "matter": "RM2", "title": "New articles", "description": "Draft.",
         "requested_on": "2024-11-01"},
        refused(**OFFICERS),
    ),
    "answer a reserved decision": (
        "post", lambda world: f"{API}/reserved-decisions/{decision(world, 'RM4').pk}/answer/",
        {"answer": "consent", "decided_on": "2024-10-01"},
        refused(**{"other-officer": None, "officer": 400}),  # the first has answered already
    ),
    "correct an answer": (
        "patch", lambda world: f"{API}/reserved-decisions/{decision(world, 'RM5').pk}/answer/",
        {"answer": "consent", "decided_on": "2024-07-18", "reason": "Misread"},
        refused(**OFFICERS),
    ),
}  # fmt: skip


def _url(url, world, w) -> str:
    return w.fill(url(world) if callable(url) else url)


@pytest.mark.parametrize(
    ("write", "who"),
    [(write, who) for write, entry in WRITES.items() for who, status in entry[3].items() if status],
)
def test_everyone_else_is_refused_and_nothing_changes(write, who, api_for, world, w):
    method, url, body, expected = WRITES[write]
    url = _url(url, world, w)
    before = changes_recorded()
    response = getattr(api_for(who), method)(url, w.fill(body), format="json")
    assert response.status_code == expected[who], response.content[:300]
    assert changes_recorded() == before


# --- Contracts ------------------------------------------------------------------------------


def test_a_council_officer_records_their_councils_contract(api_for, w):
    response = api_for("officer").post(f"{API}/contracts/", w.fill(NEW_CONTRACT), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "draft"
    body = api_for("observer").get(f"{API}/contracts/{w.T}-SC-{w.A}-2028/").json()
    assert (body["council"], body["starts_on"], body["ends_on"]) == (w.A, "2028-04-01",
                                                                     "2031-03-31")  # fmt: skip
    assert body["obligations"] == NEW_CONTRACT["obligations"]


def test_another_councils_contract_is_refused_with_a_reason(api_for, w):
    response = api_for("other-officer").post(
        f"{API}/contracts/", w.fill(NEW_CONTRACT), format="json"
    )
    assert response.status_code == 403
    assert f"Only {w.A}'s officers" in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2029-03-31"}, "ends_on"),  # one year: three to five
        ({"reference": "{T}-SC-{A}-2023"}, "reference"),  # taken
        ({"council": "{OC}"}, "council"),  # not a council of the trust
        ({"starts_on": "2024-04-01", "ends_on": "2027-03-31"}, "starts_on"),  # overlaps
        ({"title": ""}, "title"),
        ({"status": "finished"}, "status"),
        ({"starts_on": "1 April 2028"}, "starts_on"),
    ],
)
def test_a_bad_contract_is_a_400_naming_the_field(change, field, api_for, w):
    before = changes_recorded()
    response = api_for("officer").post(
        f"{API}/contracts/", w.fill({**NEW_CONTRACT, **change}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert changes_recorded() == before


def test_a_contract_for_another_trust_is_not_found(api_for, w):
    response = api_for("officer").post(
        f"{API}/contracts/", w.fill({**NEW_CONTRACT, "trust": "{OT}"}), format="json"
    )
    assert response.status_code == 404


def test_an_officer_changes_their_contract_and_its_obligations_with_a_reason(api_for, w):
    url = f"{API}/contracts/{w.contract(w.A)}/"
    response = api_for("officer").patch(
        url,
        {"reason": "Shortened", "ends_on": "2027-03-31", "obligations": ["One.", "Two."]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = api_for("manager").get(url).json()
    assert (body["ends_on"], body["obligations"]) == ("2027-03-31", ["One.", "Two."])
    contract = ServiceContract.objects.get(reference=w.contract(w.A))
    assert contract.history.latest().history_change_reason == "Shortened"


def test_obligations_left_out_stay_as_they_are(api_for, w):
    url = f"{API}/contracts/{w.contract(w.A)}/"
    before = api_for("admin").get(url).json()["obligations"]
    api_for("officer").patch(url, {"reason": "Retitled", "title": "Care"}, format="json")
    after = api_for("admin").get(url).json()
    assert (after["title"], after["obligations"]) == ("Care", before)


def test_a_change_without_a_reason_is_a_400(api_for, w):
    response = api_for("officer").patch(
        f"{API}/contracts/{w.contract(w.A)}/", {"title": "New"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_a_refused_change_leaves_the_obligations_too(api_for, w):
    # The contract and its obligations change together or not at all.
    url = f"{API}/contracts/{w.contract(w.A)}/"
    before = api_for("admin").get(url).json()
    response = api_for("officer").patch(
        url, {"reason": "x", "ends_on": "2024-01-01", "obligations": ["Only this."]}, format="json"
    )
    assert response.status_code == 400 and "ends_on" in response.json()
    assert api_for("admin").get(url).json() == before


def test_a_contract_is_never_replaced_whole_nor_deleted(api_for, w):
    client = api_for("officer")
    url = f"{API}/contracts/{w.contract(w.A)}/"
    assert client.put(url, w.fill(NEW_CONTRACT)).status_code == 405
    assert client.delete(url).status_code == 405


def test_the_schema_says_documents_are_attached_on_the_pages(api_for):
    schema = api_for("anonymous").get("/api/schema/").content.decode()
    assert "Documents are attached and downloaded on the contract's page only" in schema


# --- Contract years -------------------------------------------------------------------------


def test_an_officer_starts_a_year_as_a_draft(api_for, w):
    response = api_for("other-officer").post(
        f"{API}/contract-years/", {"trust": w.t, "financial_year": 2026}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["key"], response.json()["state"]) == (f"{w.T}-2026", "draft")
    assert api_for("officer").get(f"{API}/contract-years/{w.T}-2026/").status_code == 200
    assert api_for("manager").get(f"{API}/contract-years/{w.T}-2026/").status_code == 404


@pytest.mark.parametrize(("financial_year", "field"), [(2024, "financial_year"),
                                                        (1999, "financial_year")])  # fmt: skip
def test_a_year_that_exists_or_cannot_is_a_400(financial_year, field, api_for, w):
    response = api_for("officer").post(
        f"{API}/contract-years/", {"trust": w.T, "financial_year": financial_year}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_an_officer_adds_a_line_to_the_draft_and_the_figures_follow(api_for, w):
    before = api_for("admin").get(f"{API}/contract-years/{w.T}-2025/").json()
    response = api_for("officer").post(
        f"{API}/contract-years/{w.T}-2025/lines/", NEW_LINE, format="json"
    )
    assert response.status_code == 201, response.json()
    line = response.json()
    assert (line["name"], line["amount"], line["recurring"]) == ("Family hubs", "150000.00", False)
    after = api_for("admin").get(f"{API}/contract-years/{w.T}-2025/").json()
    assert line in after["lines"]
    assert Decimal(after["contract_sum"]) - Decimal(before["contract_sum"]) == Decimal("150000")
    assert after["blocks"]["block2_non_recurring"] == "150000.00"
    assert floats_in(after) == []


def test_an_officer_changes_and_removes_a_drafts_line_with_a_reason(api_for, world, w):
    line = draft_line(world)
    url = f"{API}/contract-years/{w.T}-2025/lines/{line.pk}/"
    client = api_for("other-officer")
    changed = client.patch(url, {"amount": "230000.00", "reason": "Inflation"}, format="json")
    assert changed.status_code == 200, changed.json()
    # What was not given stays: the line keeps its block, name and recurrence.
    kept = {"id": line.pk, "block": 2, "name": line.name, "recurring": True, "funded_by": None}
    assert changed.json() == {**kept, "amount": "230000.00"}
    assert FundingLine.history.filter(id=line.pk).latest().history_change_reason == "Inflation"
    removed = client.delete(f"{url}?reason=No+longer+needed")
    assert removed.status_code == 204
    lines = api_for("admin").get(f"{API}/contract-years/{w.T}-2025/").json()["lines"]
    assert line.pk not in [x["id"] for x in lines]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "12.345"}, "amount"),
        ({"amount": "1e999"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"amount": "two pounds"}, "amount"),
        ({"reason": ""}, "reason"),
        ({"block": 4}, "block"),
        ({"name": ""}, "name"),
        ({"block": 1, "recurring": False}, "recurring"),
        ({"funded_by": "{A}"}, "funded_by"),  # Block 2: the split pays
        ({"block": 3, "funded_by": "{OC}"}, "funded_by"),
    ],
)
def test_a_bad_line_is_a_400_naming_the_field(change, field, api_for, w):
    response = api_for("officer").post(
        f"{API}/contract-years/{w.T}-2025/lines/", w.fill({**NEW_LINE, **change}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_a_line_removed_without_a_reason_stays(api_for, world, w):
    response = api_for("officer").delete(
        f"{API}/contract-years/{w.T}-2025/lines/{draft_line(world).pk}/"
    )
    assert response.status_code == 400 and "reason" in response.json()
    assert FundingLine.objects.filter(pk=draft_line(world).pk).exists()


def test_an_agreed_years_lines_change_only_through_a_variation(api_for, world, w):
    line = year(world, 2024).lines.get(block=2, recurring=True)
    client = api_for("officer")
    added = client.post(f"{API}/contract-years/{w.T}-2024/lines/", NEW_LINE, format="json")
    changed = client.patch(f"{API}/contract-years/{w.T}-2024/lines/{line.pk}/",
                           {"amount": "1.00", "reason": "x"}, format="json")  # fmt: skip
    for response in (added, changed):
        assert response.status_code == 400
        assert "only through a variation" in response.json()["non_field_errors"][0]


def test_a_line_of_another_year_is_not_found_under_this_one(api_for, world, w):
    line = year(world, 2024).lines.first()
    response = api_for("officer").patch(
        f"{API}/contract-years/{w.T}-2025/lines/{line.pk}/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404


def test_a_grant_to_a_council_adds_to_its_contribution_and_its_unpaid_instalment(api_for, world, w):
    before = api_for("admin").get(f"{API}/contract-years/{w.T}-2024/").json()
    unpaid = unpaid_instalment(world)
    client = api_for("officer")  # any of the councils' officers records a grant
    response = client.post(
        f"{API}/contract-years/{w.T}-2024/grants/",
        {"council": w.b, "name": "Staying put", "amount": "120000.00", "reason": "Letter"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    grant = response.json()
    assert (grant["council"], grant["amount"]) == (w.B, "120000.00")
    after = api_for("observer").get(f"{API}/contract-years/{w.T}-2024/").json()
    assert grant in after["grants"]
    second_before, second_after = (next(c for c in body["contributions"] if c["council"] == w.B)
                                   for body in (before, after))  # fmt: skip
    # The world's £12,000.00 grant to the second council and this £120,000.00.
    assert second_after["passported_grants"] == "132000.00"
    assert Decimal(second_after["contribution"]) - Decimal(
        second_before["contribution"]
    ) == Decimal("120000.00")
    payment = api_for("other-officer").get(f"{API}/payments/{unpaid.pk}/").json()
    assert Decimal(payment["amount"]) == unpaid.amount + Decimal("120000.00")


def test_an_officer_changes_and_removes_a_grant(api_for, world, w):
    grant = a_grant(world)
    url = f"{API}/contract-years/{w.T}-2024/grants/{grant.pk}/"
    client = api_for("other-officer")
    response = client.patch(url, {"amount": "100000.00", "reason": "Revised letter"},
                            format="json")  # fmt: skip
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["amount"]) == ("Staying put grant",
                                                                     "100000.00")  # fmt: skip
    assert client.delete(url, {"reason": "Withdrawn by the DfE"}, format="json").status_code == 204
    grants = api_for("admin").get(f"{API}/contract-years/{w.T}-2024/").json()["grants"]
    # Only the world's own grant is left.
    assert [(g["council"], g["name"], g["amount"]) for g in grants] == [
        (w.B, "Staying Put", "12000.00")
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"amount": "0.00"}, "amount"), ({"council": "{XC}"}, "council"), ({"reason": " "}, "reason")],
)
def test_a_bad_grant_is_a_400_naming_the_field(change, field, api_for, w):
    body = {"council": "{B}", "name": "Staying put", "amount": "1.00", "reason": "Letter",
            **change}  # fmt: skip
    response = api_for("other-officer").post(
        f"{API}/contract-years/{w.T}-2024/grants/", w.fill(body), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_adjustments_are_added_changed_and_removed_with_reasons(api_for, world, w):
    client = api_for("officer")
    base = f"{API}/contract-years/{w.T}-2024/adjustments/"
    adjustment = first_adjustment(world)
    change = {"amount": "700000.00", "reason": "Agreed lower"}
    changed = client.patch(f"{base}{adjustment.pk}/", change, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["reason"] == "Agreed lower"
    new = {"council": w.B, "name": "Youth offer", "amount": "5000.00", "reason": "Youth"}
    added = client.post(base, new, format="json")
    assert added.status_code == 201, added.json()
    removed = client.delete(f"{base}{adjustment.pk}/?reason=Paid+another+way")
    assert removed.status_code == 204
    body = api_for("manager").get(f"{API}/contract-years/{w.T}-2024/").json()
    assert [(a["council"], a["name"], a["amount"]) for a in body["adjustments"]] == [
        (w.B, "Early help", "20000.00"),
        (w.B, "Youth offer", "5000.00"),
    ]
    first = next(c for c in body["contributions"] if c["council"] == w.A)
    assert first["adjustments"] == "0.00"


def test_an_administrator_agrees_the_draft_and_everyone_may_then_read_it(api_for, w):
    assert api_for("manager").get(f"{API}/contract-years/{w.T}-2025/").status_code == 404
    response = api_for("admin").post(
        f"{API}/contract-years/{w.T}-2025/agree/",
        {"agreed_on": TODAY, "note": "Joint executive"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["agreed_on"]) == ("agreed", TODAY)
    body = api_for("manager").get(f"{API}/contract-years/{w.T}-2025/").json()
    assert body["state"] == "agreed"
    payments = api_for("observer").get(f"{API}/payments/", {"financial_year": 2025}).json()
    assert payments["count"] == 24  # the schedule started: twelve for each council


@pytest.mark.parametrize(
    ("key", "body", "message"),
    [
        ("{T}-2025", {"agreed_on": TOMORROW}, "today or earlier"),
        ("{T}-2024", {"agreed_on": TODAY}, "already agreed"),
    ],
)
def test_an_agreement_the_rules_refuse_is_a_400(key, body, message, api_for, w):
    response = api_for("admin").post(
        f"{API}/contract-years/{w.fill(key)}/agree/", body, format="json"
    )
    assert response.status_code == 400
    assert message in str(response.json())


def test_an_agreement_needs_its_date(api_for, w):
    response = api_for("admin").post(f"{API}/contract-years/{w.T}-2025/agree/", {}, format="json")
    assert response.status_code == 400 and "agreed_on" in response.json()


def test_an_officer_rolls_a_year_over_into_a_new_draft(api_for, world, w):
    response = api_for("officer").post(f"{API}/contract-years/{w.T}-2025/rollover/")
    assert response.status_code == 201, response.json()
    body = api_for("other-officer").get(f"{API}/contract-years/{w.T}-2026/").json()
    assert body["state"] == "draft"
    assert {s["council"]: s["percentage"] for s in body["split"]["shares"]} == {
        w.A: "60.00",
        w.B: "40.00",
    }
    assert [x["name"] for x in body["lines"]] == [x.name for x in year(world, 2025).lines.all()]


def test_a_year_rolled_over_already_is_a_400(api_for, w):
    response = api_for("officer").post(f"{API}/contract-years/{w.T}-2024/rollover/")
    assert response.status_code == 400
    assert "2025/26 already has a contract year" in response.json()["non_field_errors"][0]


# --- Variations -----------------------------------------------------------------------------


def test_an_officer_requests_a_split_and_an_administrator_approves_it(api_for, w):
    requested = api_for("officer").post(f"{API}/variations/", w.fill(SPLIT), format="json")
    assert requested.status_code == 201, requested.json()
    key = requested.json()["key"]
    assert (key, requested.json()["state"]) == (f"{w.T}-2025-1", "requested")
    assert requested.json()["proposed"]["shares"] == {w.A: "55.00", w.B: "45.00"}
    approved = api_for("admin").post(
        f"{API}/variations/{key}/approve/", {"decision_date": TODAY, "note": "Joint"},
        format="json",
    )  # fmt: skip
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "approved"
    assert approved.json()["before"]["shares"] == {w.A: "60.00", w.B: "40.00"}
    split = api_for("other-officer").get(f"{API}/contract-years/{w.T}-2025/").json()["split"]
    assert {s["council"]: s["percentage"] for s in split["shares"]} == {
        w.A: "55.00",
        w.B: "45.00",
    }
    assert (split["basis"], split["agreed_on"]) == ("Open cases, September", TODAY)


def test_an_approved_change_of_an_agreed_years_line_moves_the_unpaid_instalment(api_for, world, w):
    line = year(world, 2024).lines.get(block=2, recurring=True)  # £240,000.00
    unpaid = unpaid_instalment(world)
    requested = api_for("other-officer").post(
        f"{API}/variations/",
        {"contract_year": f"{w.T}-2024", "kind": "change_line", "line": line.pk,
         "amount": "340000.00", "reason": "A second family hub"},
        format="json",
    )  # fmt: skip
    assert requested.status_code == 201, requested.json()
    assert requested.json()["key"] == f"{w.T}-2024-2"  # the split was the first
    approved = api_for("admin").post(
        f"{API}/variations/{w.T}-2024-2/approve/", {"decision_date": TODAY}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    body = api_for("observer").get(f"{API}/contract-years/{w.T}-2024/").json()
    assert body["contract_sum"] == "1600000.00"  # £1,500,000.00 and the £100,000.00 more
    assert {x["id"]: x["amount"] for x in body["lines"]}[line.pk] == "340000.00"
    payment = api_for("manager").get(f"{API}/payments/{unpaid.pk}/").json()
    # The second council's 40% of the £100,000.00, all on its one unpaid instalment.
    assert Decimal(payment["amount"]) == unpaid.amount + Decimal("40000.00")


def test_an_administrator_rejects_a_variation_saying_why(api_for, world):
    url = variation_url(a_requested_split(world))
    client = api_for("admin")
    assert client.post(url + "reject/", {"decision_date": TODAY}, format="json").json() == {
        "note": ["Say why the councils rejected it."]
    }
    response = client.post(url + "reject/", {"decision_date": TODAY, "note": "Not agreed"},
                           format="json")  # fmt: skip
    assert response.status_code == 200
    body = api_for("officer").get(url).json()
    assert (body["state"], body["decision_note"]) == ("rejected", "Not agreed")
    assert year(world, 2025).shares.get(council=world.councils[0]).percentage == Decimal("60.00")


def test_an_officer_withdraws_a_variation_once(api_for, world):
    url = variation_url(a_requested_split(world))
    client = api_for("other-officer")
    assert client.post(url + "withdraw/").json()["state"] == "withdrawn"
    again = client.post(url + "withdraw/")
    assert again.status_code == 400
    assert "withdrawn already" in again.json()["non_field_errors"][0]
    decided = api_for("admin").post(url + "approve/", {"decision_date": TODAY}, format="json")
    assert decided.status_code == 400


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"shares": {"{A}": "55.00", "{B}": "44.00"}}, "shares"),  # 99
        ({"shares": {"{A}": "55.001", "{B}": "45"}}, "shares"),
        ({"shares": {"{A}": "55", "{B}": "45", "{OC}": "0"}}, "shares"),
        ({"shares": {"{A}": "100"}}, "share_{B}"),
        ({"basis": ""}, "basis"),
        ({"reason": ""}, "reason"),
        ({"kind": "rename"}, "kind"),
        ({"kind": "change_line", "amount": "1.00"}, "non_field_errors"),  # a draft: no
    ],
)
def test_a_bad_variation_is_a_400_naming_the_field(change, field, api_for, w):
    response = api_for("officer").post(f"{API}/variations/", w.fill({**SPLIT, **change}),
                                       format="json")  # fmt: skip
    assert response.status_code == 400
    assert w.fill(field) in response.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "change_line"}, "line"),
        ({"kind": "remove_line", "line": 999999}, "line"),
        ({"kind": "change_line", "line": "first"}, "line"),
        ({"kind": "add_line", "name": "Hubs", "amount": "1.00"}, "block"),
        ({"kind": "add_line", "block": 2, "amount": "1.00"}, "name"),
        ({"kind": "add_line", "block": 2, "name": "Hubs"}, "amount"),
    ],
)
def test_a_bad_line_variation_of_an_agreed_year_is_a_400(change, field, api_for, w):
    body = {"contract_year": f"{w.T}-2024", "reason": "Change", **change}
    response = api_for("officer").post(f"{API}/variations/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_variation_of_a_line_of_another_year_is_refused(api_for, world, w):
    body = {"contract_year": f"{w.T}-2024", "kind": "remove_line",
            "line": draft_line(world).pk, "reason": "x"}  # fmt: skip
    response = api_for("officer").post(f"{API}/variations/", body, format="json")
    assert response.status_code == 400 and "line" in response.json()


@pytest.mark.parametrize("key", ["{T}-2030", "{OT}-2024", "2024"])
def test_a_variation_of_a_year_one_cannot_see_is_not_found(key, api_for, w):
    response = api_for("officer").post(
        f"{API}/variations/", w.fill({**SPLIT, "contract_year": key}), format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["officer", "other-officer", "admin"])
def test_variations_of_drafts_are_listed_for_those_who_see_drafts(who, api_for, world, w):
    a_requested_split(world)
    # The administrator sees every arrangement's, the demo's too: theirs is kept to the world's.
    query = {"trust": w.T} if who == "admin" else {}
    rows = api_for(who).get(f"{API}/variations/", query).json()["results"]
    assert [(r["key"], r["state"]) for r in rows] == [
        (f"{w.T}-2025-1", "requested"),
        (f"{w.T}-2024-1", "approved"),
    ]


@pytest.mark.parametrize("who", ["manager", "observer"])
def test_variations_of_drafts_do_not_exist_for_the_others(who, api_for, world, w):
    url = variation_url(a_requested_split(world))
    client = api_for(who)
    keys = [r["key"] for r in client.get(f"{API}/variations/").json()["results"]]
    assert keys == [f"{w.T}-2024-1"]
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["scrutiny", "other-scrutiny"])
def test_scrutiny_members_may_not_read_variations(who, api_for, w):
    assert api_for(who).get(f"{API}/variations/").status_code == 403
    assert api_for(who).get(f"{API}/variations/{w.T}-2024-1/").status_code == 403


@pytest.mark.parametrize("who", OTHERS)
def test_other_arrangements_variations_are_not_there(who, api_for, w):
    assert api_for(who).get(f"{API}/variations/").json()["count"] == 0
    assert api_for(who).get(f"{API}/variations/{w.T}-2024-1/").status_code == 404


def test_a_variation_reads_with_its_split_as_strings(api_for, w):
    body = api_for("observer").get(f"{API}/variations/{w.T}-2024-1/").json()
    assert (body["contract_year"], body["kind"], body["state"]) == (f"{w.T}-2024", "split",
                                                                     "approved")  # fmt: skip
    assert body["proposed"]["shares"] == {w.A: "60.00", w.B: "40.00"}
    assert body["url"] == f"/arrangements/{w.T}/contract-years/2024/variations/1/"
    assert floats_in(body) == []


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ({"state": "requested"}, ["{T}-2025-1"]),
        ({"financial_year": 2024}, ["{T}-2024-1"]),
        ({"trust": "{t}", "state": "approved"}, ["{T}-2024-1"]),
        ({"trust": "{OT}"}, []),
    ],
)
def test_variations_filter_by_trust_year_and_state(query, keys, api_for, world, w):
    a_requested_split(world)
    # The first council's officer (who sees drafts): the administrator would see the demo's too.
    rows = api_for("officer").get(f"{API}/variations/", w.fill(query)).json()["results"]
    assert [r["key"] for r in rows] == w.fill(keys)


def test_the_variations_list_takes_a_fixed_number_of_queries(
    api_for, world, django_assert_num_queries
):
    for _ in range(3):
        a_requested_split(world)
    client = api_for("officer")
    with django_assert_num_queries(4):  # session, user, count, page
        client.get(f"{API}/variations/")


# --- Payments -------------------------------------------------------------------------------


def test_the_paying_councils_officer_undoes_a_payment_and_the_schedule_follows(api_for, world, w):
    instalment = paid_instalment(world)
    response = api_for("other-officer").post(
        f"{API}/payments/{instalment.pk}/undo/", {"reason": "Wrong month"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["is_paid"], response.json()["paid_on"]) == (False, None)
    unpaid = (
        api_for("observer")
        .get(f"{API}/payments/", {"council": w.B, "financial_year": 2024, "paid": "false"})
        .json()
    )
    assert [r["number"] for r in unpaid["results"]] == [11, 12]
    assert all(isinstance(r["amount"], str) for r in unpaid["results"])
    instalment.refresh_from_db()
    assert instalment.history.first().history_change_reason == "Wrong month"


def test_another_councils_officer_is_told_whose_payment_it_is(api_for, world, w):
    response = api_for("officer").post(
        f"{API}/payments/{paid_instalment(world).pk}/undo/", {}, format="json"
    )
    assert response.status_code == 403
    assert f"Only {w.B}'s officers" in response.json()["detail"]


def test_undoing_needs_a_reason_and_a_paid_instalment(api_for, world):
    client = api_for("other-officer")
    paid = paid_instalment(world)
    no_reason = client.post(f"{API}/payments/{paid.pk}/undo/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    unpaid = unpaid_instalment(world)
    response = client.post(f"{API}/payments/{unpaid.pk}/undo/", {"reason": "x"}, format="json")
    assert response.status_code == 400
    assert "is not recorded as paid" in response.json()["non_field_errors"][0]


# --- Reserved decisions ---------------------------------------------------------------------


def test_an_officer_logs_a_decision_and_every_council_is_awaited(api_for, w):
    response = api_for("officer").post(
        f"{API}/reserved-decisions/",
        {"trust": w.T, "matter": "rm2", "title": "New articles", "description": "Draft.",
         "requested_on": "2024-11-01"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = api_for("observer").get(f"{API}/reserved-decisions/{response.json()['id']}/")
    assert {k: body.json()[k] for k in ("matter", "outcome", "awaiting")} == {
        "matter": "RM2",
        "outcome": "awaiting",
        "awaiting": by_code(w.A, w.B),
    }


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"requested_on": TOMORROW}, 400, "requested_on"),
        ({"title": ""}, 400, "title"),
        ({"matter": "RM99"}, 404, None),
        ({"trust": "{OT}"}, 404, None),
    ],
)
def test_a_bad_decision_is_refused(change, status, field, api_for, w):
    body = {"trust": "{T}", "matter": "RM2", "title": "T", "description": "D",
            "requested_on": "2024-11-01", **change}  # fmt: skip
    response = api_for("other-officer").post(
        f"{API}/reserved-decisions/", w.fill(body), format="json"
    )
    assert response.status_code == status
    if field:
        assert field in response.json()


def test_the_last_council_to_consent_decides_it(api_for, world, w):
    url = f"{API}/reserved-decisions/{decision(world, 'RM4').pk}/"
    response = api_for("other-officer").post(
        url + "answer/",
        {"answer": "consent", "decided_on": "2024-10-01", "note": "Executive, minute 12"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = api_for("manager").get(url).json()
    assert (body["outcome"], body["awaiting"]) == ("decided", [])
    assert {"council": w.B, "answer": "consent", "decided_on": "2024-10-01",
            "note": "Executive, minute 12"} in body["answers"]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answer": "maybe", "decided_on": "2024-10-01"}, "answer"),
        ({"answer": "consent", "decided_on": "2024-08-01"}, "decided_on"),  # before the request
        ({"answer": "consent", "decided_on": TOMORROW}, "decided_on"),
        ({"answer": "consent"}, "decided_on"),
    ],
)
def test_a_bad_answer_is_a_400_naming_the_field(body, field, api_for, world):
    response = api_for("other-officer").post(
        f"{API}/reserved-decisions/{decision(world, 'RM4').pk}/answer/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_an_officer_corrects_their_councils_answer_with_a_reason(api_for, world):
    url = f"{API}/reserved-decisions/{decision(world, 'RM5').pk}/"
    client = api_for("other-officer")
    body = {"answer": "consent", "decided_on": "2024-07-18", "note": "Minute 45 misread"}
    assert client.patch(url + "answer/", body, format="json").json()["reason"] == [
        "This field is required."
    ]
    response = client.patch(url + "answer/", {**body, "reason": "Misread"}, format="json")
    assert response.status_code == 200, response.json()
    assert api_for("admin").get(url).json()["outcome"] == "decided"


def test_a_council_that_has_not_answered_cannot_correct(api_for, world):
    response = api_for("other-officer").patch(
        f"{API}/reserved-decisions/{decision(world, 'RM4').pk}/answer/",
        {"answer": "consent", "decided_on": "2024-10-01", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "has not answered yet" in response.json()["non_field_errors"][0]


# --- Never a 500 ----------------------------------------------------------------------------

ODD_BODIES = [{}, {"reason": None}, {"amount": [1]}, {"shares": "55/45"}, {"line": 10**30}]


@pytest.mark.parametrize("body", ODD_BODIES)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_odd_input_is_a_400_never_a_500(write, body, api_for, world, w):
    method, url, _, expected = WRITES[write]
    who = next(name for name, status in expected.items() if status is None)
    response = getattr(api_for(who), method)(_url(url, world, w), body, format="json")
    assert response.status_code < 500
