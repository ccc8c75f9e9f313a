"""The transformation programme's services: projects, business cases through their states,
who may move them, board meetings, monthly spend, and the Block 3 ledger that never overdraws.

The demo (transformation/demo/cases.py) has committed £2,915,000.00 of 2024/25's
£3,291,000.00 provision, leaving £376,000.00; BC12 is submitted, BC13 a draft; 2025/26 is a
draft contract year (nothing to draw on)."""

from datetime import date, datetime, time
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CAST
from contracts import money
from contracts.models import ContractYear
from transformation.models import Block3Draw, BoardMeeting, BusinessCase, CaseSpend, Project
from transformation.services import cases as services
from trust_portal.accounts.models import Arrangement

State = BusinessCase.State
DRAFTERS = {"nct-manager"}
DECIDERS = {"wnc-officer", "nnc-officer"}


@pytest.fixture
def nct(db):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def y2024(nct):
    return ContractYear.objects.get(arrangement=nct, financial_year=2024)


@pytest.fixture
def project(nct):
    return Project.objects.get(arrangement=nct, name="Placement Efficiency")


@pytest.fixture
def meeting(cast, nct):
    """A board meeting held today: after any case a test submits."""
    return services.meeting_save(
        by=cast["wnc-officer"],
        arrangement=nct,
        held_on=timezone.localdate(),
        chair="Chief Executive, WNC",
        attendees="Chief Executive, WNC\nChief Executive, NNC",
    )


def draft(cast, project, reference="BC50", costs=None, funding="block3", **fields):
    return services.case_save(
        by=cast["nct-manager"],
        project=project,
        reason="Drafted",
        reference=reference,
        title=fields.pop("title", f"Case {reference}"),
        summary="What it does.",
        funding=funding,
        expected_benefits="Fewer agency placements.",
        costs=costs if costs is not None else {2024: "100,000.00"},
        **fields,
    )


def submitted(cast, project, reference="BC50", **kwargs):
    case = draft(cast, project, reference, **kwargs)
    return services.case_submit(by=cast["nct-manager"], case=case)


def approve(cast, case, meeting, who="wnc-officer"):
    return services.case_decide(by=cast[who], case=case, decision="approve", meeting=meeting)


def ledger_2024(y2024):
    return services.block3_ledger(y2024)


# --- The demo ---------------------------------------------------------------------------------


def test_the_demo_has_the_reports_eleven_cases_approved_at_three_meetings(nct, y2024):
    approved = BusinessCase.objects.filter(project__arrangement=nct, state=State.APPROVED)
    assert approved.count() == 11
    assert all(case.synthetic for case in approved)
    assert BoardMeeting.objects.filter(arrangement=nct).count() == 3
    assert {c.meeting.held_on.year for c in approved} == {2024}
    assert all(c.meeting.held_on < date(2024, 10, 15) for c in approved)
    ledger = ledger_2024(y2024)
    assert (ledger.provision, ledger.committed, ledger.remaining) == (
        D("3291000.00"),
        D("2915000.00"),
        D("376000.00"),
    )
    states = set(BusinessCase.objects.filter(project__arrangement=nct).values_list("state"))
    assert {s for (s,) in states} == {State.APPROVED, State.SUBMITTED, State.DRAFT}


def test_the_demo_files_the_reports_own_heading_as_a_tag_under_policy_and_practice(nct):
    tagged = Project.objects.filter(arrangement=nct, tag="Improving Outcomes for Children")
    assert sorted(p.name for p in tagged) == [
        "Family Support Workers Practice",
        "Strategic Manager Delivery",
    ]
    assert {p.theme for p in tagged} == {"practice"}


def test_the_demo_funds_two_cases_from_the_block_2_recurring_line(nct):
    block2 = BusinessCase.objects.filter(project__arrangement=nct, funding="block2")
    assert block2.count() == 2
    assert {c.block2_line.name for c in block2} == {"Transformation items (recurring)"}
    assert not Block3Draw.objects.filter(business_case__in=block2).exists()


def test_loading_the_programme_twice_adds_nothing(nct):
    from transformation.demo.cases import load_programme

    counts = lambda: (  # noqa: E731
        BusinessCase.objects.count(),
        BusinessCase.history.count(),
        Block3Draw.objects.count(),
        CaseSpend.objects.count(),
        BoardMeeting.objects.count(),
        Project.objects.count(),
    )
    before = counts()
    assert "0 steps taken" in load_programme(arrangement=nct)
    assert counts() == before


# --- Who may act --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
def test_only_the_trusts_managers_add_projects(who, cast, nct):
    def add():
        return services.project_save(by=cast[who], arrangement=nct, reason="New",
                                     theme="technology", name="Case recording",
                                     owner="Head of IT, NCT")  # fmt: skip

    if who in DRAFTERS:
        assert add().theme == "technology"
    else:
        with pytest.raises(PermissionDenied):
            add()


@pytest.mark.parametrize("who", CAST)
def test_only_the_trusts_managers_draft_business_cases(who, cast, project):
    def save():
        return services.case_save(by=cast[who], project=project, reason="Drafted",
                                  reference="BC50", title="T", summary="S", funding="block3",
                                  expected_benefits="B", costs={2024: "1.00"})  # fmt: skip

    if who in DRAFTERS:
        assert save().state == State.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            save()


@pytest.mark.parametrize("who", CAST)
def test_only_the_trusts_managers_submit(who, cast, nct):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC13")
    if who in DRAFTERS:
        assert services.case_submit(by=cast[who], case=case).state == State.SUBMITTED
    else:
        with pytest.raises(PermissionDenied):
            services.case_submit(by=cast[who], case=case)


@pytest.mark.parametrize("who", CAST)
def test_only_council_officers_record_the_boards_decision(who, cast, nct, meeting):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC12")
    # BC12 was submitted (demo: a synthetic date) before today's meeting.
    if who in DECIDERS:
        assert approve(cast, case, meeting, who).state == State.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            approve(cast, case, meeting, who)


@pytest.mark.parametrize("who", CAST)
def test_only_council_officers_record_board_meetings(who, cast, nct):
    def record():
        return services.meeting_save(by=cast[who], arrangement=nct, held_on=date(2024, 11, 20),
                                     chair="Chief Executive, NNC", attendees="CE, NNC")  # fmt: skip

    if who in DECIDERS:
        assert record().recorded_by == cast[who]
    else:
        with pytest.raises(PermissionDenied):
            record()


@pytest.mark.parametrize("who", CAST)
def test_only_the_trusts_managers_report_spend(who, cast, nct):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC01")

    def report():
        return services.case_spend_record(by=cast[who], case=case, month=date(2024, 10, 1),
                                          amount="1,000.00")  # fmt: skip

    if who in DRAFTERS:
        assert report().amount == D("1000.00")
    else:
        with pytest.raises(PermissionDenied):
            report()


# --- The life of a case ---------------------------------------------------------------------


def test_a_draft_is_costed_by_year_to_the_penny(cast, project):
    case = draft(cast, project, costs={2024: "£1,234.56", "2025": "100", 2026: ""})
    assert {c.financial_year: c.amount for c in case.costs.all()} == {
        2024: D("1234.56"),
        2025: D("100.00"),
    }
    assert case.total_cost == D("1334.56")
    assert case.created_by == cast["nct-manager"]


@pytest.mark.parametrize(
    ("costs", "message"),
    [
        ({}, "at least one year"),
        ({2024: ""}, "at least one year"),
        ({2024: "12.345"}, "to the penny"),
        ({2024: "0"}, "at least £0.01"),
        ({2024: "ten"}, "not “ten”"),
    ],
)
def test_a_case_needs_a_sensible_cost(cast, project, costs, message):
    with pytest.raises(ValidationError, match=message):
        draft(cast, project, costs=costs)


def test_a_block_2_case_names_its_block_2_item(cast, project, y2024):
    with pytest.raises(ValidationError, match="Choose the Block 2 item"):
        draft(cast, project, funding="block2")
    block3_line = y2024.lines.get(block=3)
    with pytest.raises(ValidationError, match="Choose a Block 2 transformation item"):
        draft(cast, project, funding="block2", block2_line=block3_line)


def test_a_block_3_case_names_no_block_2_item(cast, project, y2024):
    line = y2024.lines.filter(block=2).first()
    assert draft(cast, project, funding="block3", block2_line=line).block2_line is None


def test_references_are_unique_in_the_programme(cast, project):
    with pytest.raises(ValidationError, match="already has a case BC01"):
        draft(cast, project, reference="bc01")


def test_changing_a_draft_keeps_the_old_costs_in_the_history(cast, project):
    case = draft(cast, project, costs={2024: "100.00", 2025: "50.00"})
    services.case_save(by=cast["nct-manager"], project=project, case=case, reason="Re-costed",
                       reference=case.reference, title=case.title, summary=case.summary,
                       funding=case.funding, expected_benefits=case.expected_benefits,
                       costs={2024: "120.00"})  # fmt: skip
    assert {c.financial_year: c.amount for c in case.costs.all()} == {2024: D("120.00")}
    removed = case.costs.model.history.get(business_case_id=case.pk, history_type="-")
    assert removed.financial_year == 2025 and removed.history_change_reason == "Re-costed"


def test_a_submitted_case_is_the_boards_and_cannot_be_changed(cast, project):
    case = submitted(cast, project)
    assert case.submitted_by == cast["nct-manager"] and case.submitted_at
    with pytest.raises(ValidationError, match="only a draft or a deferred case can be changed"):
        draft(cast, project, reference="BC50", case=case)
    with pytest.raises(ValidationError, match="only a draft or a deferred case"):
        services.case_submit(by=cast["nct-manager"], case=case)


def test_the_board_decides_only_submitted_cases(cast, project, meeting):
    case = draft(cast, project)
    with pytest.raises(ValidationError, match="the board decides submitted cases"):
        approve(cast, case, meeting)


def test_approving_a_block_3_case_draws_its_cost_from_the_years_provision(
    cast, project, meeting, y2024
):
    case = approve(cast, submitted(cast, project, costs={2024: "76,000.00"}), meeting)
    assert case.state == State.APPROVED
    assert (case.meeting, case.decided_by) == (meeting, cast["wnc-officer"])
    draw = case.block3_draws.get()
    assert (draw.contract_year, draw.amount, draw.drawn_on) == (
        y2024,
        D("76000.00"),
        meeting.held_on,
    )
    assert ledger_2024(y2024).remaining == D("300000.00")
    assert draw.history.first().history_change_reason == "Released by the board's approval of BC50"


def test_approving_a_block_2_case_draws_nothing_from_block_3(cast, project, meeting, y2024):
    line = y2024.lines.get(name="Transformation items (recurring)")
    case = submitted(cast, project, funding="block2", block2_line=line, costs={2024: "900000"})
    assert approve(cast, case, meeting).state == State.APPROVED
    assert not case.block3_draws.exists()
    assert ledger_2024(y2024).remaining == D("376000.00")


@pytest.mark.parametrize("decision", ["reject", "defer"])
def test_not_approving_needs_a_reason_and_draws_nothing(cast, project, meeting, decision):
    case = submitted(cast, project)
    with pytest.raises(ValidationError, match="Say why the board did not approve it"):
        services.case_decide(by=cast["nnc-officer"], case=case, decision=decision,
                             meeting=meeting, note=" ")  # fmt: skip
    services.case_decide(by=cast["nnc-officer"], case=case, decision=decision, meeting=meeting,
                         note="Needs a clearer saving")  # fmt: skip
    assert case.state == {"reject": State.REJECTED, "defer": State.DEFERRED}[decision]
    assert case.decision_note == "Needs a clearer saving"
    assert not case.block3_draws.exists()


def test_a_decision_must_be_approve_reject_or_defer(cast, project, meeting):
    with pytest.raises(ValidationError, match="Choose approve, reject or defer"):
        services.case_decide(by=cast["wnc-officer"], case=submitted(cast, project),
                             decision="approved", meeting=meeting)  # fmt: skip


def test_a_deferred_case_goes_back_to_the_trust_and_can_be_approved_later(cast, project, meeting):
    case = submitted(cast, project)
    services.case_decide(by=cast["wnc-officer"], case=case, decision="defer", meeting=meeting,
                         note="Re-cost it")  # fmt: skip
    draft(cast, project, case=case, costs={2024: "90,000.00"})
    services.case_submit(by=cast["nct-manager"], case=case)
    assert approve(cast, case, meeting).state == State.APPROVED
    assert case.block3_draws.get().amount == D("90000.00")
    reasons = list(case.history.order_by("history_date").values_list("history_change_reason"))
    assert [r for (r,) in reasons] == [
        "Drafted",
        "Submitted to the board",
        "Board decision: Deferred",
        "Drafted",
        "Submitted to the board",
        "Board decision: Approved",
    ]


def test_a_rejected_case_stays_rejected(cast, project, meeting):
    case = submitted(cast, project)
    services.case_decide(by=cast["wnc-officer"], case=case, decision="reject", meeting=meeting,
                         note="Not value for money")  # fmt: skip
    with pytest.raises(ValidationError, match="rejected: only a draft or a deferred case"):
        services.case_submit(by=cast["nct-manager"], case=case)
    with pytest.raises(ValidationError, match="the board decides submitted cases"):
        approve(cast, case, meeting)


def test_an_approved_case_is_not_changed_or_decided_again(cast, nct, meeting):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC01")
    with pytest.raises(ValidationError, match="approved: only a draft or a deferred case"):
        draft(cast, case.project, reference="BC01", case=case)
    with pytest.raises(ValidationError, match="the board decides submitted cases"):
        approve(cast, case, meeting)
    assert case.block3_draws.count() == 1


def test_the_meeting_must_be_held_after_the_case_was_submitted(cast, nct, project):
    case = submitted(cast, project)
    earlier = BoardMeeting.objects.get(arrangement=nct, held_on=date(2024, 9, 18))
    with pytest.raises(ValidationError, match="held before the case was submitted"):
        approve(cast, case, earlier)


def test_a_case_submitted_just_after_midnight_is_not_decided_the_evening_before(cast, nct, project):
    # 00:30 on 19 June 2024 in London is 23:30 on 18 June in UTC: the meeting of 18 June was
    # held before the case was submitted.
    case = submitted(cast, project)
    case.submitted_at = timezone.make_aware(datetime.combine(date(2024, 6, 19), time(0, 30)))
    case.save()
    case.refresh_from_db()  # as the pages and the API read it: in UTC
    evening_before = BoardMeeting.objects.create(
        arrangement=nct, held_on=date(2024, 6, 18), chair="CE", attendees="CE"
    )
    with pytest.raises(ValidationError, match="held before the case was submitted"):
        approve(cast, case, evening_before)


def test_the_meeting_must_be_one_of_this_programmes(cast, project):
    oct_ = Arrangement.objects.get(trust__code="OCT")
    elsewhere = BoardMeeting.objects.create(
        arrangement=oct_, held_on=timezone.localdate(), chair="CE", attendees="CE"
    )
    with pytest.raises(ValidationError, match="Choose the board meeting that decided it"):
        approve(cast, submitted(cast, project), elsewhere)


# --- The Block 3 ledger never overdraws -------------------------------------------------------


def test_a_case_that_would_overdraw_the_provision_is_refused_saying_by_how_much(
    cast, project, meeting, y2024
):
    case = submitted(cast, project, costs={2024: "376,000.01"})
    with pytest.raises(ValidationError) as refused:
        approve(cast, case, meeting)
    assert refused.value.messages == [
        "BC50 needs £376,000.01 from 2024/25's Block 3 fund, which has £376,000.00 left: it "
        "would overdraw the provision by £0.01."
    ]
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and not case.block3_draws.exists()
    assert ledger_2024(y2024).remaining == D("376000.00")


def test_the_last_penny_of_the_provision_can_be_committed_and_no_more(
    cast, project, meeting, y2024
):
    approve(cast, submitted(cast, project, "BC50", costs={2024: "376,000.00"}), meeting)
    ledger = ledger_2024(y2024)
    assert (ledger.committed, ledger.remaining) == (D("3291000.00"), D("0.00"))
    refusal = r"has £0\.00 left: it would overdraw the provision by £0\.01"
    with pytest.raises(ValidationError, match=refusal):
        approve(cast, submitted(cast, project, "BC51", costs={2024: "0.01"}), meeting)


def test_a_case_costed_in_a_year_without_an_agreed_contract_year_is_refused_whole(
    cast, project, meeting, y2024
):
    # 2025/26 is a draft contract year; 2030/31 has none at all.
    case = submitted(cast, project, costs={2024: "100,000.00", 2025: "50,000.00", 2030: "1.00"})
    with pytest.raises(ValidationError) as refused:
        approve(cast, case, meeting)
    assert refused.value.messages == [
        "2025/26 has no agreed contract year, so it has no Block 3 provision to draw on.",
        "2030/31 has no agreed contract year, so it has no Block 3 provision to draw on.",
    ]
    # Nothing is drawn from 2024/25 either: the approval is all or nothing.
    assert not Block3Draw.objects.filter(business_case=case).exists()
    assert ledger_2024(y2024).remaining == D("376000.00")


def test_a_case_over_two_years_draws_from_each_years_provision(cast, nct, project, meeting):
    # The demo's 2025/26 is a draft (its rollover dropped the non-recurring Block 3 line):
    # give it a provision and agree it first.
    from contracts.services import years as year_services

    y2025 = ContractYear.objects.get(arrangement=nct, financial_year=2025)
    year_services.funding_line_save(by=cast["wnc-officer"], contract_year=y2025,
                                    reason="Provision agreed", block=3,
                                    name="Transformation fund provision",
                                    amount=D("1000000.00"), recurring=False)  # fmt: skip
    year_services.contract_year_agree(by=cast["admin"], contract_year=y2025,
                                      agreed_on=date(2025, 3, 26))  # fmt: skip
    assert services.block3_ledger(y2025).provision == D("1000000.00")
    case = submitted(cast, project, costs={2024: "100,000.00", 2025: "200,000.00"})
    approve(cast, case, meeting)
    draws = {d.contract_year.financial_year: d.amount for d in case.block3_draws.all()}
    assert draws == {2024: D("100000.00"), 2025: D("200000.00")}
    assert services.block3_ledger(y2025).remaining == D("800000.00")


def test_a_sequence_of_approvals_exhausts_the_provision_and_stops(cast, project, meeting, y2024):
    approved, refused = [], []
    for n in range(6):
        case = submitted(cast, project, f"BC6{n}", costs={2024: "100,000.00"})
        try:
            approve(cast, case, meeting)
            approved.append(case.reference)
        except ValidationError as error:
            refused.append(case.reference)
            assert "would overdraw the provision by £24,000.00" in error.messages[0]
    assert approved == ["BC60", "BC61", "BC62"] and refused == ["BC63", "BC64", "BC65"]
    ledger = ledger_2024(y2024)
    assert (ledger.committed, ledger.remaining) == (D("3215000.00"), D("76000.00"))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pennies=st.lists(st.integers(min_value=1, max_value=30_000_000), min_size=1, max_size=6))
def test_whatever_is_approved_the_ledger_never_overdraws(pennies, cast, project, meeting, y2024):
    with transaction.atomic():
        for n, amount in enumerate(pennies):
            cost = D(amount) / 100
            before = ledger_2024(y2024).remaining
            case = submitted(cast, project, f"BC7{n}", costs={2024: cost})
            try:
                approve(cast, case, meeting)
                assert cost <= before
            except ValidationError as error:
                assert cost > before
                assert "would overdraw the provision" in error.messages[0]
            ledger = ledger_2024(y2024)
            assert ledger.committed <= ledger.provision and ledger.remaining >= 0
        transaction.set_rollback(True)


# --- Spend ------------------------------------------------------------------------------------


def test_spend_is_reported_once_a_month_and_a_second_report_replaces_the_first(cast, nct, y2024):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC02")
    spent = services.block3_ledger(y2024).spent
    services.case_spend_record(by=cast["nct-manager"], case=case, month=date(2024, 10, 17),
                               amount="£1,000.10")  # fmt: skip
    row = services.case_spend_record(by=cast["nct-manager"], case=case, month=date(2024, 10, 1),
                                     amount="2,000.20", note="Invoice corrected")  # fmt: skip
    assert case.spends.filter(month=date(2024, 10, 1)).count() == 1
    assert row.amount == D("2000.20") and row.history.count() == 2
    assert services.block3_ledger(y2024).spent == spent + D("2000.20")


def test_spend_on_a_block_2_case_is_not_block_3_spend(cast, nct, y2024):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC04")
    spent = services.block3_ledger(y2024).spent
    services.case_spend_record(by=cast["nct-manager"], case=case, month=date(2024, 10, 1),
                               amount="500.00")  # fmt: skip
    assert services.block3_ledger(y2024).spent == spent


def test_nothing_is_spent_on_a_case_before_it_is_approved(cast, nct):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC12")
    with pytest.raises(ValidationError, match="BC12 is not approved"):
        services.case_spend_record(by=cast["nct-manager"], case=case, month=date(2024, 10, 1),
                                   amount="1.00")  # fmt: skip


@pytest.mark.parametrize(
    ("month", "amount", "message"),
    [
        (None, "1.00", "Enter the month"),
        ("future", "1.00", "once the month has begun"),
        (date(2024, 10, 1), "1.005", "to the penny"),
        (date(2024, 10, 1), "0", "at least £0.01"),
    ],
)
def test_spend_needs_a_month_begun_and_an_amount(cast, nct, month, amount, message):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC01")
    if month == "future":
        month = date(timezone.localdate().year + 1, 1, 1)
    with pytest.raises(ValidationError, match=message):
        services.case_spend_record(by=cast["nct-manager"], case=case, month=month, amount=amount)


def test_the_ledger_says_what_is_committed_but_unspent(y2024):
    ledger = ledger_2024(y2024)
    assert ledger.spent == D("320625.50")
    assert ledger.committed_unspent == D("2915000.00") - D("320625.50")


# --- Board meetings ---------------------------------------------------------------------------


def test_a_meeting_is_recorded_with_its_minutes_fingerprinted(cast, nct):
    minutes = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 the minutes")
    meeting = services.meeting_save(by=cast["nnc-officer"], arrangement=nct,
                                    held_on=date(2024, 11, 20), chair="  Chief Executive, NNC ",
                                    attendees="A\nB", minutes=minutes)  # fmt: skip
    import hashlib

    assert meeting.chair == "Chief Executive, NNC"
    assert meeting.minutes_name == "minutes.pdf"
    assert meeting.minutes_sha256 == hashlib.sha256(b"%PDF-1.4 the minutes").hexdigest()
    assert meeting.minutes.read() == b"%PDF-1.4 the minutes"
    assert meeting.history.first().history_user == cast["nnc-officer"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"held_on": None}, "Enter the date the board met"),
        ({"held_on": "tomorrow"}, "once it has been held"),
        ({"held_on": date(2024, 6, 19)}, "19 June 2024 is already recorded"),
        ({"chair": " "}, "Enter who chaired"),
        ({"attendees": ""}, "Enter who attended"),
        ({"minutes": SimpleUploadedFile("minutes.exe", b"MZ")}, "PDF, Word, OpenDocument"),
        ({"minutes": SimpleUploadedFile("minutes.pdf", b"")}, "not empty"),
    ],
)
def test_a_meeting_needs_a_past_date_a_chair_and_attendees(cast, nct, fields, message):
    values = {"held_on": date(2024, 11, 20), "chair": "CE", "attendees": "CE", **fields}
    if values["held_on"] == "tomorrow":
        values["held_on"] = timezone.localdate().replace(year=timezone.localdate().year + 1)
    with pytest.raises(ValidationError, match=message):
        services.meeting_save(by=cast["wnc-officer"], arrangement=nct, **values)


def test_the_contract_years_block_3_figures_show_what_approved_cases_have_drawn(y2024):
    # The contracts app reads the total through trust_portal/block3.py (registered in apps.py).
    before = money.year_figures(y2024)
    assert before.block3_remaining == before.block3_provision - before.block3_drawn
    project = Project.objects.create(
        arrangement=y2024.arrangement, theme="demand", name="Exploitation", owner="NCT"
    )
    case = BusinessCase.objects.create(
        project=project,
        reference="BCX",
        title="Hub",
        summary="s",
        funding="block3",
        expected_benefits="b",
    )
    Block3Draw.objects.create(
        contract_year=y2024, amount=D("250000.00"), business_case=case, drawn_on=date(2024, 6, 1)
    )
    figures = money.year_figures(y2024)
    assert figures.block3_drawn == before.block3_drawn + D("250000.00")
    assert figures.block3_remaining == before.block3_remaining - D("250000.00")
    assert figures.contract_sum == D("180009000.00")  # Block 3 is outside the contract sum
