"""Pages of the reserved matters: the register, a matter, the decision log and a decision
with each council's answer (contracts/views/matters.py). Every cast member's status on every
page is in tests/test_url_matrix.py; here, what the pages show and do."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contracts.models import Consent, ReservedDecision, ReservedMatter
from contracts.services import matters
from trust_portal.accounts.models import Arrangement


@pytest.fixture
def nct(db):
    return Arrangement.objects.get(trust__code="NCT")


def demo_decision(reference) -> ReservedDecision:
    return ReservedDecision.objects.get(
        matter__arrangement__trust__code="NCT", matter__reference=reference
    )


def page(client_for, cast, who, name, *args, data=None, **params):
    client = client_for(cast[who])
    url = reverse(f"contracts:{name}", args=["NCT", *args])
    if data is not None:
        return client.post(url, data)
    return client.get(url, params)


def rows_of_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- The register ---------------------------------------------------------------------------


def test_the_register_lists_each_matter_with_its_open_decisions(client_for, cast):
    response = page(client_for, cast, "dfe-observer", "matter-list")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Approving the annual business plan and budget" in html
    waiting = [d.title for _, open_ in response.context["rows"] for d in open_]
    assert waiting == ["Guarantee of a 10-year lease for a new children's home"]
    assert "Add a reserved matter" not in html  # observers read only


def test_council_officers_are_offered_to_add_a_matter(client_for, cast):
    html = page(client_for, cast, "wnc-officer", "matter-list").content.decode()
    assert reverse("contracts:matter-add", args=["NCT"]) in html


def test_the_register_downloads_as_csv_and_excel(client_for, cast):
    rows = rows_of_csv(page(client_for, cast, "nct-manager", "matter-list", format="csv"))
    assert rows[0] == [
        "Reference",
        "Title",
        "Description",
        "Source",
        "Decisions logged",
        "Awaiting answers",
    ]
    assert [r[0] for r in rows[1:]] == ["RM1", "RM2", "RM3", "RM4", "RM5", "RM6"]
    assert rows[4][4:] == ["1", "1"]  # RM4: one decision, awaiting NNC
    response = page(client_for, cast, "nct-manager", "matter-list", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "RM1" and sheet["E2"].value == 1


def test_scrutiny_members_may_not_read_the_register(client_for, cast):
    assert page(client_for, cast, "wnc-scrutiny", "matter-list").status_code == 403


def test_another_arrangements_register_does_not_exist_for_them(client_for, cast):
    assert page(client_for, cast, "occ-officer", "matter-list").status_code == 404


def test_a_matter_shows_its_decisions_and_its_history(client_for, cast):
    response = page(client_for, cast, "nct-manager", "matter-detail", "RM4")
    html = response.content.decode()
    assert "Borrowing or giving guarantees above £1 million" in html
    assert "Guarantee of a 10-year lease" in html
    assert "Demo: synthetic register" in html  # the history's reason


def test_an_unknown_matter_is_not_found(client_for, cast):
    assert page(client_for, cast, "wnc-officer", "matter-detail", "RM404").status_code == 404


def test_an_officer_adds_a_matter_through_the_page(client_for, cast):
    data = {
        "reference": "RM7",
        "title": "Winding up the trust",
        "reason": "Article 30",
        "description": "Any resolution to wind the trust up.",
        "source": "Article 30",
    }
    response = page(client_for, cast, "nnc-officer", "matter-add", data=data)
    assert response.status_code == 302
    assert response.url == reverse("contracts:matter-detail", args=["NCT", "RM7"])
    matter = ReservedMatter.objects.get(reference="RM7")
    assert matter.history.get().history_user == cast["nnc-officer"]


def test_a_taken_reference_is_shown_beside_the_field(client_for, cast):
    data = {"reference": "RM1", "title": "Again", "description": "d", "reason": "r"}
    response = page(client_for, cast, "nnc-officer", "matter-add", data=data)
    assert response.status_code == 200
    assert response.context["form"].errors["reference"] == [
        "The register already has a matter RM1."
    ]


def test_an_officer_changes_a_matter_with_a_reason(client_for, cast):
    data = {
        "reference": "RM4",
        "title": "Borrowing or giving guarantees above £2 million",
        "description": "Above £2,000,000.",
        "source": "",
        "reason": "Limit raised",
    }
    response = page(client_for, cast, "wnc-officer", "matter-edit", "RM4", data=data)
    assert response.status_code == 302
    record = ReservedMatter.objects.get(reference="RM4").history.order_by("-history_date")[0]
    assert (record.title, record.history_change_reason) == (data["title"], "Limit raised")


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "admin"])
def test_readers_cannot_change_the_register(who, client_for, cast):
    data = {"reference": "RM7", "title": "t", "description": "d", "reason": "r"}
    assert page(client_for, cast, who, "matter-add", data=data).status_code == 403
    assert not ReservedMatter.objects.filter(reference="RM7").exists()


def test_an_officer_logs_a_decision_under_a_matter(client_for, cast):
    data = {
        "title": "Business plan 2025/26",
        "description": "The plan.",
        "requested_on": "2025-02-03",
    }
    response = page(client_for, cast, "wnc-officer", "decision-add", "RM1", data=data)
    decision = ReservedDecision.objects.get(title="Business plan 2025/26")
    assert response.url == decision.get_absolute_url()
    assert decision.outcome() == "awaiting" and decision.recorded_by == cast["wnc-officer"]


# --- The decision log -----------------------------------------------------------------------


def test_the_log_shows_every_decision_with_each_councils_answer(client_for, cast):
    response = page(client_for, cast, "admin", "decision-list")
    rows = {
        d.title: (d.current_outcome, [a and a.answer for _, a in answers])
        for d, answers in response.context["rows"]
    }
    assert rows == {
        "Guarantee of a 10-year lease for a new children's home": ("awaiting", [None, "consent"]),
        "Setting up a trading subsidiary for fostering services": (
            "refused",
            ["refuse", "consent"],
        ),
        "Business plan and budget for 2024/25": ("decided", ["consent", "consent"]),
    }  # councils in code order: NNC, WNC


@pytest.mark.parametrize(
    ("outcome", "titles"),
    [
        ("decided", ["Business plan and budget for 2024/25"]),
        ("refused", ["Setting up a trading subsidiary for fostering services"]),
        ("awaiting", ["Guarantee of a 10-year lease for a new children's home"]),
    ],
)
def test_the_log_filters_by_outcome(outcome, titles, client_for, cast):
    response = page(client_for, cast, "wnc-officer", "decision-list", outcome=outcome)
    assert [d.title for d, _ in response.context["rows"]] == titles


def test_an_unknown_outcome_is_an_error_not_everything(client_for, cast):
    response = page(client_for, cast, "wnc-officer", "decision-list", outcome="maybe")
    assert response.status_code == 200 and response.context["rows"] == []
    assert "outcome" in response.context["filter"].form.errors


def test_the_log_is_paginated_in_a_constant_number_of_queries(
    nct, client_for, cast, django_assert_max_num_queries
):
    matter = ReservedMatter.objects.get(arrangement=nct, reference="RM2")
    for n in range(30):
        decision = matters.decision_record(
            by=cast["wnc-officer"],
            matter=matter,
            title=f"Change {n:02d}",
            description="d",
            requested_on=date(2024, 1, 1),
        )
        matters.consent_record(
            by=cast["nnc-officer"], decision=decision, answer="consent", decided_on=date(2024, 1, 2)
        )
    client = client_for(cast["wnc-officer"])
    url = reverse("contracts:decision-list", args=["NCT"])
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert len(first.context["rows"]) == 25
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 33 - 25


def test_the_log_downloads_with_each_councils_answer(client_for, cast):
    response = page(
        client_for, cast, "dfe-observer", "decision-list", outcome="refused", format="csv"
    )
    header, row = rows_of_csv(response)
    assert header == [
        "Requested on",
        "Matter",
        "Decision",
        "Outcome",
        "NNC answer",
        "WNC answer",
        "NNC decided on",
        "WNC decided on",
    ]
    assert row == [
        "2024-06-10",
        "RM5: Acquiring or disposing of a subsidiary",
        "Setting up a trading subsidiary for fostering services",
        "refused",
        "Refused",
        "Consented",
        "2024-07-18",
        "2024-07-23",
    ]
    response = page(client_for, cast, "dfe-observer", "decision-list", format="xlsx")
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 4


# --- A decision and each council's answer ---------------------------------------------------


def test_a_decision_shows_each_councils_answer_or_awaiting(client_for, cast):
    response = page(client_for, cast, "nct-manager", "decision-detail", demo_decision("RM4").pk)
    html = response.content.decode()
    assert "Awaiting</strong>" in html and "Consented</strong>" in html
    assert "Cabinet, 17 September 2024, minute 58" in html
    assert response.context["form"] is None  # the trust does not answer


def test_the_awaited_councils_officer_gets_the_form_for_their_own_council(client_for, cast):
    response = page(client_for, cast, "nnc-officer", "decision-detail", demo_decision("RM4").pk)
    assert response.context["form"] is not None
    assert "Record North Northamptonshire Council's answer" in response.content.decode()


def test_a_council_that_has_answered_is_offered_a_correction_not_the_form(client_for, cast):
    decision = demo_decision("RM4")
    response = page(client_for, cast, "wnc-officer", "decision-detail", decision.pk)
    assert response.context["form"] is None
    assert reverse("contracts:consent-correct", args=["NCT", decision.pk]) in (
        response.content.decode()
    )


def test_the_officer_records_their_councils_consent_and_it_is_decided(client_for, cast):
    decision = demo_decision("RM4")
    data = {"answer": "consent", "decided_on": "2024-10-01", "note": "Executive, minute 80"}
    response = page(client_for, cast, "nnc-officer", "decision-detail", decision.pk, data=data)
    assert response.status_code == 302
    consent = decision.consents.get(council__code="NNC")
    assert (consent.recorded_by, consent.note) == (cast["nnc-officer"], "Executive, minute 80")
    assert decision.outcome() == "decided"


def test_an_officer_cannot_answer_twice_through_the_page(client_for, cast):
    decision = demo_decision("RM4")
    data = {"answer": "refuse", "decided_on": "2024-10-01"}
    response = page(client_for, cast, "wnc-officer", "decision-detail", decision.pk, data=data)
    assert response.status_code == 302
    assert list(decision.consents.values_list("council__code", "answer")) == [("WNC", "consent")]


def test_a_bad_answer_is_shown_on_the_form(client_for, cast):
    decision = demo_decision("RM4")
    data = {"answer": "consent", "decided_on": "2024-08-01"}  # before it was requested
    response = page(client_for, cast, "nnc-officer", "decision-detail", decision.pk, data=data)
    assert response.status_code == 200
    assert "cannot come before" in response.context["form"].errors["decided_on"][0]


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "admin"])
def test_readers_cannot_answer(who, client_for, cast):
    decision = demo_decision("RM4")
    data = {"answer": "consent", "decided_on": "2024-10-01"}
    assert page(client_for, cast, who, "decision-detail", decision.pk, data=data).status_code == 403
    assert decision.consents.count() == 1


def test_a_decision_of_another_arrangement_is_not_found(client_for, cast):
    decision = demo_decision("RM1")
    assert page(client_for, cast, "occ-officer", "decision-detail", decision.pk).status_code == 404
    url = reverse("contracts:decision-detail", args=["OCT", decision.pk])
    assert client_for(cast["admin"]).get(url).status_code == 404  # named under the wrong trust


def test_an_officer_corrects_their_councils_answer_with_a_reason(client_for, cast):
    decision = demo_decision("RM5")
    data = {
        "answer": "consent",
        "decided_on": "2024-07-18",
        "note": "minute 45",
        "reason": "The minute says consent; refuse was typed by mistake",
    }
    response = page(client_for, cast, "nnc-officer", "consent-correct", decision.pk, data=data)
    assert response.status_code == 302
    assert decision.outcome() == "decided"
    html = page(client_for, cast, "dfe-observer", "decision-detail", decision.pk).content.decode()
    assert "refuse was typed by mistake" in html  # the history on the page
    assert Consent.history.filter(decision_id=decision.pk, council__code="NNC").count() == 2


def test_a_correction_without_a_reason_is_refused(client_for, cast):
    decision = demo_decision("RM5")
    data = {"answer": "consent", "decided_on": "2024-07-18"}
    response = page(client_for, cast, "nnc-officer", "consent-correct", decision.pk, data=data)
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert decision.outcome() == "refused"


def test_a_council_yet_to_answer_is_sent_to_record_it_not_correct_it(client_for, cast):
    decision = demo_decision("RM4")
    response = page(client_for, cast, "nnc-officer", "consent-correct", decision.pk)
    assert response.status_code == 302 and response.url == decision.get_absolute_url()


def test_a_new_decision_shows_every_council_awaiting(client_for, cast):
    matter = ReservedMatter.objects.get(arrangement__trust__code="NCT", reference="RM3")
    decision = matters.decision_record(
        by=cast["wnc-officer"],
        matter=matter,
        title="Appointment of an interim chief executive",
        description="For six months.",
        requested_on=date(2025, 1, 6),
    )
    response = page(client_for, cast, "wnc-officer", "decision-detail", decision.pk)
    assert [answer for _, answer in response.context["rows"]] == [None, None]
    assert response.content.decode().count("Awaiting</strong>") == 2
    assert response.context["form"] is not None  # WNC's officer may answer for WNC
