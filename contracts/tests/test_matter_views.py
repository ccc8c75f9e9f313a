"""Pages of the reserved matters: the register, a matter, the decision log and a decision
with each council's answer (contracts/views/matters.py). Every cast member's status on every
page is in tests/test_url_matrix.py; here, what the pages show and do.

Built on factories: the root ``world``'s register, made through the services (``register``):
RM1 to RM6, with three decisions shaped like the demo's. Calling the world's councils "first"
and "second" in code order (the order the pages list them), RM1's business plan is decided (both
consented), RM4's lease guarantee awaits the first council (the second consented) and RM5's
trading subsidiary is refused (the first refused, the second consented)."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contracts.models import Consent, ReservedDecision, ReservedMatter
from contracts.services import matters

REASON = "Articles of association, schedule 2"
MATTERS = [
    ("RM1", "Approving the annual business plan and budget"),
    ("RM2", "Changing the articles of association"),
    ("RM3", "Appointing or dismissing the chief executive"),
    ("RM4", "Borrowing or giving guarantees above £1 million"),
    ("RM5", "Acquiring or disposing of a subsidiary"),
    ("RM6", "Admitting a new member"),
]
PLAN = "Business plan and budget for 2024/25"
LEASE = "Guarantee of a 10-year lease for a new children's home"
SUBSIDIARY = "Setting up a trading subsidiary for fostering services"
DECISIONS = [
    # (matter, title, requested on, [(council in code order, answer, decided on, note)])
    (
        "RM1",
        PLAN,
        "2024-02-05",
        [(1, "consent", "2024-03-12", "Cabinet, minute 101"), (0, "consent", "2024-03-14", "")],
    ),
    ("RM4", LEASE, "2024-09-02", [(1, "consent", "2024-09-17", "Cabinet, 17 September 2024")]),
    (
        "RM5",
        SUBSIDIARY,
        "2024-06-10",
        [(0, "refuse", "2024-07-18", "minute 45"), (1, "consent", "2024-07-23", "minute 31")],
    ),
]


@pytest.fixture
def staff(world, people):
    """The world's people, with its councils' officers named by their council's place in code
    order: "first-officer" (answers last on RM4) and "second-officer"."""
    by_code = sorted(zip(world.councils, world.officers, strict=True), key=lambda p: p[0].code)
    return {**people, "first-officer": by_code[0][1], "second-officer": by_code[1][1]}


@pytest.fixture
def councils(world):
    """The world's councils in code order."""
    return sorted(world.councils, key=lambda council: council.code)


@pytest.fixture
def register(arrangement, staff):
    """{reference: matter} of the world's register, with the decisions above."""
    made = {
        reference: matters.matter_save(
            by=staff["second-officer"],
            arrangement=arrangement,
            reason=REASON,
            reference=reference,
            title=title,
            description=f"{title}: the members decide.",
            source="Articles of association",
        )
        for reference, title in MATTERS
    }
    officers = [staff["first-officer"], staff["second-officer"]]
    for reference, title, requested_on, answers in DECISIONS:
        decision = matters.decision_record(
            by=staff["first-officer"],
            matter=made[reference],
            title=title,
            description=f"{title}, as the trust asks.",
            requested_on=date.fromisoformat(requested_on),
        )
        for place, answer, decided_on, note in answers:
            matters.consent_record(
                by=officers[place],
                decision=decision,
                answer=answer,
                decided_on=date.fromisoformat(decided_on),
                note=note,
            )
    return made


@pytest.fixture
def page(client_for, staff, world):
    """page(who, name, *args, data=None, **params): GET (or POST ``data`` to) the named page of
    the world's trust as ``who``."""

    def get_or_post(who, name, *args, data=None, **params):
        client = client_for(staff[who])
        url = reverse(f"contracts:{name}", args=[world.trust.code, *args])
        if data is not None:
            return client.post(url, data)
        return client.get(url, params)

    return get_or_post


def decision_of(register, reference) -> ReservedDecision:
    return register[reference].decisions.get()


def rows_of_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- The register ---------------------------------------------------------------------------


def test_the_register_lists_each_matter_with_its_open_decisions(page, register):
    response = page("observer", "matter-list")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Approving the annual business plan and budget" in html
    waiting = [d.title for _, open_ in response.context["rows"] for d in open_]
    assert waiting == [LEASE]
    assert "Add a reserved matter" not in html  # observers read only


def test_council_officers_are_offered_to_add_a_matter(page, register, world):
    html = page("second-officer", "matter-list").content.decode()
    assert reverse("contracts:matter-add", args=[world.trust.code]) in html


def test_the_register_downloads_as_csv_and_excel(page, register):
    rows = rows_of_csv(page("manager", "matter-list", format="csv"))
    assert rows[0] == [
        "Reference",
        "Title",
        "Description",
        "Source",
        "Decisions logged",
        "Awaiting answers",
    ]
    assert [r[0] for r in rows[1:]] == ["RM1", "RM2", "RM3", "RM4", "RM5", "RM6"]
    assert rows[4][4:] == ["1", "1"]  # RM4: one decision, awaiting the first council
    response = page("manager", "matter-list", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "RM1" and sheet["E2"].value == 1


def test_scrutiny_members_may_not_read_the_register(page, register):
    assert page("scrutiny", "matter-list").status_code == 403


def test_another_arrangements_register_does_not_exist_for_them(page, register):
    assert page("outsider", "matter-list").status_code == 404


def test_a_matter_shows_its_decisions_and_its_history(page, register):
    response = page("manager", "matter-detail", "RM4")
    html = response.content.decode()
    assert "Borrowing or giving guarantees above £1 million" in html
    assert "Guarantee of a 10-year lease" in html
    assert REASON in html  # the history's reason


def test_an_unknown_matter_is_not_found(page, register):
    assert page("second-officer", "matter-detail", "RM404").status_code == 404


def test_an_officer_adds_a_matter_through_the_page(page, register, world, staff):
    data = {
        "reference": "RM7",
        "title": "Winding up the trust",
        "reason": "Article 30",
        "description": "Any resolution to wind the trust up.",
        "source": "Article 30",
    }
    response = page("first-officer", "matter-add", data=data)
    assert response.status_code == 302
    assert response.url == reverse("contracts:matter-detail", args=[world.trust.code, "RM7"])
    matter = ReservedMatter.objects.get(arrangement=world.arrangement, reference="RM7")
    assert matter.history.get().history_user == staff["first-officer"]


def test_a_taken_reference_is_shown_beside_the_field(page, register):
    data = {"reference": "RM1", "title": "Again", "description": "d", "reason": "r"}
    response = page("first-officer", "matter-add", data=data)
    assert response.status_code == 200
    assert response.context["form"].errors["reference"] == [
        "The register already has a matter RM1."
    ]


def test_an_officer_changes_a_matter_with_a_reason(page, register):
    data = {
        "reference": "RM4",
        "title": "Borrowing or giving guarantees above £2 million",
        "description": "Above £2,000,000.",
        "source": "",
        "reason": "Limit raised",
    }
    response = page("second-officer", "matter-edit", "RM4", data=data)
    assert response.status_code == 302
    record = register["RM4"].history.order_by("-history_date")[0]
    assert (record.title, record.history_change_reason) == (data["title"], "Limit raised")


@pytest.mark.parametrize("who", ["manager", "observer", "admin"])
def test_readers_cannot_change_the_register(who, page, register, arrangement):
    data = {"reference": "RM7", "title": "t", "description": "d", "reason": "r"}
    assert page(who, "matter-add", data=data).status_code == 403
    assert not ReservedMatter.objects.filter(arrangement=arrangement, reference="RM7").exists()


def test_an_officer_logs_a_decision_under_a_matter(page, register, staff):
    data = {
        "title": "Business plan 2025/26",
        "description": "The plan.",
        "requested_on": "2025-02-03",
    }
    response = page("second-officer", "decision-add", "RM1", data=data)
    decision = ReservedDecision.objects.get(title="Business plan 2025/26")
    assert response.url == decision.get_absolute_url()
    assert decision.outcome() == "awaiting" and decision.recorded_by == staff["second-officer"]


# --- The decision log -----------------------------------------------------------------------


def test_the_log_shows_every_decision_with_each_councils_answer(page, register):
    response = page("admin", "decision-list")
    rows = {
        d.title: (d.current_outcome, [a and a.answer for _, a in answers])
        for d, answers in response.context["rows"]
    }
    assert rows == {
        LEASE: ("awaiting", [None, "consent"]),
        SUBSIDIARY: ("refused", ["refuse", "consent"]),
        PLAN: ("decided", ["consent", "consent"]),
    }  # councils in code order: the first, then the second


@pytest.mark.parametrize(
    ("outcome", "titles"),
    [("decided", [PLAN]), ("refused", [SUBSIDIARY]), ("awaiting", [LEASE])],
)
def test_the_log_filters_by_outcome(outcome, titles, page, register):
    response = page("second-officer", "decision-list", outcome=outcome)
    assert [d.title for d, _ in response.context["rows"]] == titles


def test_an_unknown_outcome_is_an_error_not_everything(page, register):
    response = page("second-officer", "decision-list", outcome="maybe")
    assert response.status_code == 200 and response.context["rows"] == []
    assert "outcome" in response.context["filter"].form.errors


def test_the_log_is_paginated_in_a_constant_number_of_queries(
    register, staff, world, client_for, django_assert_max_num_queries
):
    for n in range(30):
        decision = matters.decision_record(
            by=staff["second-officer"],
            matter=register["RM2"],
            title=f"Change {n:02d}",
            description="d",
            requested_on=date(2024, 1, 1),
        )
        matters.consent_record(
            by=staff["first-officer"],
            decision=decision,
            answer="consent",
            decided_on=date(2024, 1, 2),
        )
    client = client_for(staff["second-officer"])
    url = reverse("contracts:decision-list", args=[world.trust.code])
    with django_assert_max_num_queries(12):
        first = client.get(url)
    assert len(first.context["rows"]) == 25
    second = client.get(url, {"page": 2})
    assert len(second.context["rows"]) == 33 - 25


def test_the_log_downloads_with_each_councils_answer(page, register, councils):
    response = page("observer", "decision-list", outcome="refused", format="csv")
    header, row = rows_of_csv(response)
    first, second = (council.code for council in councils)
    assert header == [
        "Requested on",
        "Matter",
        "Decision",
        "Outcome",
        f"{first} answer",
        f"{second} answer",
        f"{first} decided on",
        f"{second} decided on",
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
    response = page("observer", "decision-list", format="xlsx")
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 4


# --- A decision and each council's answer ---------------------------------------------------


def test_a_decision_shows_each_councils_answer_or_awaiting(page, register):
    response = page("manager", "decision-detail", decision_of(register, "RM4").pk)
    html = response.content.decode()
    assert "Awaiting</strong>" in html and "Consented</strong>" in html
    assert "Cabinet, 17 September 2024" in html
    assert response.context["form"] is None  # the trust does not answer


def test_the_awaited_councils_officer_gets_the_form_for_their_own_council(page, register, councils):
    response = page("first-officer", "decision-detail", decision_of(register, "RM4").pk)
    assert response.context["form"] is not None
    assert f"Record {councils[0].name}'s answer" in response.content.decode()


def test_a_council_that_has_answered_is_offered_a_correction_not_the_form(page, register, world):
    decision = decision_of(register, "RM4")
    response = page("second-officer", "decision-detail", decision.pk)
    assert response.context["form"] is None
    assert reverse("contracts:consent-correct", args=[world.trust.code, decision.pk]) in (
        response.content.decode()
    )


def test_the_officer_records_their_councils_consent_and_it_is_decided(
    page, register, staff, councils
):
    decision = decision_of(register, "RM4")
    data = {"answer": "consent", "decided_on": "2024-10-01", "note": "Executive, minute 80"}
    response = page("first-officer", "decision-detail", decision.pk, data=data)
    assert response.status_code == 302
    consent = decision.consents.get(council=councils[0])
    assert (consent.recorded_by, consent.note) == (staff["first-officer"], "Executive, minute 80")
    assert decision.outcome() == "decided"


def test_an_officer_cannot_answer_twice_through_the_page(page, register, councils):
    decision = decision_of(register, "RM4")
    data = {"answer": "refuse", "decided_on": "2024-10-01"}
    response = page("second-officer", "decision-detail", decision.pk, data=data)
    assert response.status_code == 302
    assert list(decision.consents.values_list("council__code", "answer")) == [
        (councils[1].code, "consent")
    ]


def test_a_bad_answer_is_shown_on_the_form(page, register):
    decision = decision_of(register, "RM4")
    data = {"answer": "consent", "decided_on": "2024-08-01"}  # before it was requested
    response = page("first-officer", "decision-detail", decision.pk, data=data)
    assert response.status_code == 200
    assert "cannot come before" in response.context["form"].errors["decided_on"][0]


@pytest.mark.parametrize("who", ["manager", "observer", "admin"])
def test_readers_cannot_answer(who, page, register):
    decision = decision_of(register, "RM4")
    data = {"answer": "consent", "decided_on": "2024-10-01"}
    assert page(who, "decision-detail", decision.pk, data=data).status_code == 403
    assert decision.consents.count() == 1


def test_a_decision_of_another_arrangement_is_not_found(page, register, staff, client_for):
    decision = decision_of(register, "RM1")
    assert page("outsider", "decision-detail", decision.pk).status_code == 404
    elsewhere = staff["other-manager"].organisation.code
    url = reverse("contracts:decision-detail", args=[elsewhere, decision.pk])
    assert client_for(staff["admin"]).get(url).status_code == 404  # named under the wrong trust


def test_an_officer_corrects_their_councils_answer_with_a_reason(page, register, councils):
    decision = decision_of(register, "RM5")
    data = {
        "answer": "consent",
        "decided_on": "2024-07-18",
        "note": "minute 45",
        "reason": "The minute says consent; refuse was typed by mistake",
    }
    response = page("first-officer", "consent-correct", decision.pk, data=data)
    assert response.status_code == 302
    assert decision.outcome() == "decided"
    html = page("observer", "decision-detail", decision.pk).content.decode()
    assert "refuse was typed by mistake" in html  # the history on the page
    assert Consent.history.filter(decision_id=decision.pk, council=councils[0]).count() == 2


def test_a_correction_without_a_reason_is_refused(page, register):
    decision = decision_of(register, "RM5")
    data = {"answer": "consent", "decided_on": "2024-07-18"}
    response = page("first-officer", "consent-correct", decision.pk, data=data)
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert decision.outcome() == "refused"


def test_a_council_yet_to_answer_is_sent_to_record_it_not_correct_it(page, register):
    decision = decision_of(register, "RM4")
    response = page("first-officer", "consent-correct", decision.pk)
    assert response.status_code == 302 and response.url == decision.get_absolute_url()


def test_a_new_decision_shows_every_council_awaiting(page, register, staff):
    decision = matters.decision_record(
        by=staff["second-officer"],
        matter=register["RM3"],
        title="Appointment of an interim chief executive",
        description="For six months.",
        requested_on=date(2025, 1, 6),
    )
    response = page("second-officer", "decision-detail", decision.pk)
    assert [answer for _, answer in response.context["rows"]] == [None, None]
    assert response.content.decode().count("Awaiting</strong>") == 2
    assert response.context["form"] is not None  # the second council's officer may answer
