"""The transformation programme's services: projects, business cases through their states,
who may move them, board meetings, monthly spend, and the Block 3 ledger that never overdraws.

Built on factories: the root ``world``'s programme, made through the services (``programme``):
its agreed 2024/25 contract year (``agreed_contract_year``: a Block 3 provision of
£100,000.00) has £60,000.00 committed by BC01 and BC02, leaving £40,000.00; BC04 is funded
from the Block 2 recurring line; BC12 (submitted) and BC13 (a draft) each ask for £20,000.00;
2025/26 has no contract year.
The demo's own programme is checked in test_cases_demo.py."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import money
from contracts.services import years as year_services
from contracts.tests.factories import agreed_contract_year
from transformation.models import Block3Draw, BoardMeeting, BusinessCase, Project
from transformation.services import cases as services
from transformation.services import meetings as meeting_services
from transformation.tests.conftest import EVERYONE, MANAGERS
from transformation.tests.factories import BoardMeetingFactory

State = BusinessCase.State
DRAFTERS = MANAGERS
DECIDERS = {"officer", "other-officer"}
BLOCK2_LINE = "Transformation items (recurring)"


@pytest.fixture
def y2024(world):
    return agreed_contract_year(world)


@pytest.fixture
def project(everyone, arrangement):
    return services.project_save(
        by=everyone["manager"],
        arrangement=arrangement,
        reason="New",
        theme="efficiency",
        name="Placement Efficiency",
        owner="Head of Placements",
    )


def decided_at(everyone, case, meeting, submitted_on):
    """Submit ``case`` as if on ``submitted_on``, then record the board's approval at
    ``meeting`` (the services date a submission now; the board met in the past)."""
    services.case_submit(by=everyone["manager"], case=case)
    case.submitted_at = timezone.make_aware(datetime.combine(submitted_on, time(12)))
    case.save()
    return approve(everyone, case, meeting)


@pytest.fixture
def programme(everyone, arrangement, y2024, project):
    """{reference: case} of the world's programme (see the module's docstring), with spend:
    £5,000.00 on BC01 in June 2024, £2,500.50 on BC02 in July, £1,000.00 on BC04 (Block 2)."""
    meetings = [
        meeting_services.meeting_save(
            by=everyone["officer"],
            arrangement=arrangement,
            held_on=held_on,
            chair="Chief Executive",
            attendees="Chief Executive",
        )
        for held_on in (date(2024, 6, 19), date(2024, 9, 18))
    ]
    line = y2024.lines.get(name=BLOCK2_LINE)
    made = {
        "BC01": draft(everyone, project, "BC01", costs={2024: "30,000.00"}),
        "BC02": draft(everyone, project, "BC02", costs={2024: "30,000.00"}),
        "BC04": draft(
            everyone, project, "BC04", funding="block2", block2_line=line, costs={2024: "50,000.00"}
        ),
        "BC12": draft(everyone, project, "BC12", costs={2024: "20,000.00"}),
        "BC13": draft(everyone, project, "BC13", costs={2024: "20,000.00"}),
    }
    decided_at(everyone, made["BC01"], meetings[0], date(2024, 6, 1))
    decided_at(everyone, made["BC02"], meetings[1], date(2024, 9, 1))
    decided_at(everyone, made["BC04"], meetings[1], date(2024, 9, 1))
    services.case_submit(by=everyone["manager"], case=made["BC12"])
    made["BC12"].submitted_at = timezone.now() - timedelta(days=7)
    made["BC12"].save()
    for reference, month, amount in [
        ("BC01", date(2024, 6, 1), "5,000.00"),
        ("BC02", date(2024, 7, 1), "2,500.50"),
        ("BC04", date(2024, 7, 1), "1,000.00"),
    ]:
        services.case_spend_record(
            by=everyone["manager"], case=made[reference], month=month, amount=amount
        )
    return made


@pytest.fixture
def meeting(everyone, arrangement, programme):
    """A board meeting held today: after any case a test submits."""
    return meeting_services.meeting_save(
        by=everyone["officer"],
        arrangement=arrangement,
        held_on=timezone.localdate(),
        chair="Chief Executive, first council",
        attendees="Chief Executive, first council\nChief Executive, second council",
    )


def draft(everyone, project, reference="BC50", costs=None, funding="block3", **fields):
    return services.case_save(
        by=everyone["manager"],
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


def submitted(everyone, project, reference="BC50", **kwargs):
    case = draft(everyone, project, reference, **kwargs)
    return services.case_submit(by=everyone["manager"], case=case)


def approve(everyone, case, meeting, who="officer"):
    return services.case_decide(by=everyone[who], case=case, decision="approve", meeting=meeting)


def ledger_2024(y2024):
    return services.block3_ledger(y2024)


# --- The programme ------------------------------------------------------------------------------


def test_the_ledger_holds_the_provision_what_approved_cases_committed_and_what_is_left(
    arrangement, y2024, programme
):
    ledger = ledger_2024(y2024)
    assert (ledger.provision, ledger.committed, ledger.remaining) == (
        D("100000.00"),
        D("60000.00"),
        D("40000.00"),
    )
    draws = Block3Draw.objects.filter(contract_year=y2024)
    assert sorted(d.business_case.reference for d in draws) == ["BC01", "BC02"]
    states = set(BusinessCase.objects.filter(project__arrangement=arrangement).values_list("state"))
    assert {s for (s,) in states} == {State.APPROVED, State.SUBMITTED, State.DRAFT}


# --- Who may act --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_add_projects(who, everyone, arrangement):
    def add():
        return services.project_save(
            by=everyone[who],
            arrangement=arrangement,
            reason="New",
            theme="technology",
            name="Case recording",
            owner="Head of IT",
        )

    if who in DRAFTERS:
        assert add().theme == "technology"
    else:
        with pytest.raises(PermissionDenied):
            add()


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_draft_business_cases(who, everyone, project):
    def save():
        return services.case_save(
            by=everyone[who],
            project=project,
            reason="Drafted",
            reference="BC50",
            title="T",
            summary="S",
            funding="block3",
            expected_benefits="B",
            costs={2024: "1.00"},
        )

    if who in DRAFTERS:
        assert save().state == State.DRAFT
    else:
        with pytest.raises(PermissionDenied):
            save()


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_submit(who, everyone, arrangement, programme):
    case = programme["BC13"]
    if who in DRAFTERS:
        assert services.case_submit(by=everyone[who], case=case).state == State.SUBMITTED
    else:
        with pytest.raises(PermissionDenied):
            services.case_submit(by=everyone[who], case=case)


@pytest.mark.parametrize("who", EVERYONE)
def test_only_council_officers_record_the_boards_decision(
    who, everyone, arrangement, meeting, programme
):
    case = programme["BC12"]
    # BC12 was submitted (demo: a synthetic date) before today's meeting.
    if who in DECIDERS:
        assert approve(everyone, case, meeting, who).state == State.APPROVED
    else:
        with pytest.raises(PermissionDenied):
            approve(everyone, case, meeting, who)


@pytest.mark.parametrize("who", EVERYONE)
def test_only_council_officers_record_board_meetings(who, everyone, arrangement):
    def record():
        return meeting_services.meeting_save(
            by=everyone[who],
            arrangement=arrangement,
            held_on=date(2024, 11, 20),
            chair="Chief Executive, NNC",
            attendees="CE, NNC",
        )

    if who in DECIDERS:
        assert record().recorded_by == everyone[who]
    else:
        with pytest.raises(PermissionDenied):
            record()


@pytest.mark.parametrize("who", EVERYONE)
def test_only_the_trusts_managers_report_spend(who, everyone, arrangement, programme):
    case = programme["BC01"]

    def report():
        return services.case_spend_record(
            by=everyone[who], case=case, month=date(2024, 10, 1), amount="1,000.00"
        )

    if who in DRAFTERS:
        assert report().amount == D("1000.00")
    else:
        with pytest.raises(PermissionDenied):
            report()


# --- The life of a case ---------------------------------------------------------------------


def test_a_draft_is_costed_by_year_to_the_penny(everyone, project):
    case = draft(everyone, project, costs={2024: "£1,234.56", "2025": "100", 2026: ""})
    assert {c.financial_year: c.amount for c in case.costs.all()} == {
        2024: D("1234.56"),
        2025: D("100.00"),
    }
    assert case.total_cost == D("1334.56")
    assert case.created_by == everyone["manager"]


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
def test_a_case_needs_a_sensible_cost(everyone, project, costs, message):
    with pytest.raises(ValidationError, match=message):
        draft(everyone, project, costs=costs)


def test_a_block_2_case_names_its_block_2_item(everyone, project, y2024):
    with pytest.raises(ValidationError, match="Choose the Block 2 item"):
        draft(everyone, project, funding="block2")
    block3_line = y2024.lines.get(block=3)
    with pytest.raises(ValidationError, match="Choose a Block 2 transformation item"):
        draft(everyone, project, funding="block2", block2_line=block3_line)


def test_a_block_3_case_names_no_block_2_item(everyone, project, y2024):
    line = y2024.lines.filter(block=2).first()
    assert draft(everyone, project, funding="block3", block2_line=line).block2_line is None


def test_references_are_unique_in_the_programme(everyone, project, programme):
    with pytest.raises(ValidationError, match="already has a case BC01"):
        draft(everyone, project, reference="bc01")


def test_changing_a_draft_keeps_the_old_costs_in_the_history(everyone, project):
    case = draft(everyone, project, costs={2024: "100.00", 2025: "50.00"})
    services.case_save(
        by=everyone["manager"],
        project=project,
        case=case,
        reason="Re-costed",
        reference=case.reference,
        title=case.title,
        summary=case.summary,
        funding=case.funding,
        expected_benefits=case.expected_benefits,
        costs={2024: "120.00"},
    )
    assert {c.financial_year: c.amount for c in case.costs.all()} == {2024: D("120.00")}
    removed = case.costs.model.history.get(business_case_id=case.pk, history_type="-")
    assert removed.financial_year == 2025 and removed.history_change_reason == "Re-costed"


def test_a_submitted_case_is_the_boards_and_cannot_be_changed(everyone, project):
    case = submitted(everyone, project)
    assert case.submitted_by == everyone["manager"] and case.submitted_at
    with pytest.raises(ValidationError, match="only a draft or a deferred case can be changed"):
        draft(everyone, project, reference="BC50", case=case)
    with pytest.raises(ValidationError, match="only a draft or a deferred case"):
        services.case_submit(by=everyone["manager"], case=case)


def test_the_board_decides_only_submitted_cases(everyone, project, meeting):
    case = draft(everyone, project)
    with pytest.raises(ValidationError, match="the board decides submitted cases"):
        approve(everyone, case, meeting)


def test_approving_a_block_3_case_draws_its_cost_from_the_years_provision(
    everyone, project, meeting, y2024
):
    case = approve(everyone, submitted(everyone, project, costs={2024: "30,000.00"}), meeting)
    assert case.state == State.APPROVED
    assert (case.meeting, case.decided_by) == (meeting, everyone["officer"])
    draw = case.block3_draws.get()
    assert (draw.contract_year, draw.amount, draw.drawn_on) == (
        y2024,
        D("30000.00"),
        meeting.held_on,
    )
    assert ledger_2024(y2024).remaining == D("10000.00")
    assert draw.history.first().history_change_reason == "Released by the board's approval of BC50"


def test_approving_a_block_2_case_draws_nothing_from_block_3(everyone, project, meeting, y2024):
    line = y2024.lines.get(name="Transformation items (recurring)")
    case = submitted(everyone, project, funding="block2", block2_line=line, costs={2024: "900000"})
    assert approve(everyone, case, meeting).state == State.APPROVED
    assert not case.block3_draws.exists()
    assert ledger_2024(y2024).remaining == D("40000.00")


@pytest.mark.parametrize("decision", ["reject", "defer"])
def test_not_approving_needs_a_reason_and_draws_nothing(everyone, project, meeting, decision):
    case = submitted(everyone, project)
    with pytest.raises(ValidationError, match="Say why the board did not approve it"):
        services.case_decide(
            by=everyone["other-officer"], case=case, decision=decision, meeting=meeting, note=" "
        )
    services.case_decide(
        by=everyone["other-officer"],
        case=case,
        decision=decision,
        meeting=meeting,
        note="Needs a clearer saving",
    )
    assert case.state == {"reject": State.REJECTED, "defer": State.DEFERRED}[decision]
    assert case.decision_note == "Needs a clearer saving"
    assert not case.block3_draws.exists()


def test_a_decision_must_be_approve_reject_or_defer(everyone, project, meeting):
    with pytest.raises(ValidationError, match="Choose approve, reject or defer"):
        services.case_decide(
            by=everyone["officer"],
            case=submitted(everyone, project),
            decision="approved",
            meeting=meeting,
        )


def test_a_deferred_case_goes_back_to_the_trust_and_can_be_approved_later(
    everyone, project, meeting
):
    case = submitted(everyone, project)
    services.case_decide(
        by=everyone["officer"], case=case, decision="defer", meeting=meeting, note="Re-cost it"
    )
    draft(everyone, project, case=case, costs={2024: "25,000.00"})
    services.case_submit(by=everyone["manager"], case=case)
    assert approve(everyone, case, meeting).state == State.APPROVED
    assert case.block3_draws.get().amount == D("25000.00")
    reasons = list(case.history.order_by("history_date").values_list("history_change_reason"))
    assert [r for (r,) in reasons] == [
        "Drafted",
        "Submitted to the board",
        "Board decision: Deferred",
        "Drafted",
        "Submitted to the board",
        "Board decision: Approved",
    ]


def test_a_rejected_case_stays_rejected(everyone, project, meeting):
    case = submitted(everyone, project)
    services.case_decide(
        by=everyone["officer"],
        case=case,
        decision="reject",
        meeting=meeting,
        note="Not value for money",
    )
    with pytest.raises(ValidationError, match="rejected: only a draft or a deferred case"):
        services.case_submit(by=everyone["manager"], case=case)
    with pytest.raises(ValidationError, match="the board decides submitted cases"):
        approve(everyone, case, meeting)


def test_an_approved_case_is_not_changed_or_decided_again(
    everyone, arrangement, meeting, programme
):
    case = programme["BC01"]
    with pytest.raises(ValidationError, match="approved: only a draft or a deferred case"):
        draft(everyone, case.project, reference="BC01", case=case)
    with pytest.raises(ValidationError, match="the board decides submitted cases"):
        approve(everyone, case, meeting)
    assert case.block3_draws.count() == 1


def test_the_meeting_must_be_held_after_the_case_was_submitted(
    everyone, arrangement, project, programme
):
    case = submitted(everyone, project)
    earlier = BoardMeeting.objects.get(arrangement=arrangement, held_on=date(2024, 9, 18))
    with pytest.raises(ValidationError, match="held before the case was submitted"):
        approve(everyone, case, earlier)


def test_a_case_submitted_just_after_midnight_is_not_decided_the_evening_before(
    everyone, arrangement, project
):
    # 00:30 on 19 June 2024 in London is 23:30 on 18 June in UTC: the meeting of 18 June was
    # held before the case was submitted.
    case = submitted(everyone, project)
    case.submitted_at = timezone.make_aware(datetime.combine(date(2024, 6, 19), time(0, 30)))
    case.save()
    case.refresh_from_db()  # as the pages and the API read it: in UTC
    evening_before = BoardMeeting.objects.create(
        arrangement=arrangement, held_on=date(2024, 6, 18), chair="CE", attendees="CE"
    )
    with pytest.raises(ValidationError, match="held before the case was submitted"):
        approve(everyone, case, evening_before)


def test_the_meeting_must_be_one_of_this_programmes(everyone, project, elsewhere):
    theirs = BoardMeetingFactory(arrangement=elsewhere, held_on=timezone.localdate())
    with pytest.raises(ValidationError, match="Choose the board meeting that decided it"):
        approve(everyone, submitted(everyone, project), theirs)


# --- The Block 3 ledger never overdraws -------------------------------------------------------


def test_a_case_that_would_overdraw_the_provision_is_refused_saying_by_how_much(
    everyone, project, meeting, y2024
):
    case = submitted(everyone, project, costs={2024: "40,000.01"})
    with pytest.raises(ValidationError) as refused:
        approve(everyone, case, meeting)
    assert refused.value.messages == [
        "BC50 needs £40,000.01 from 2024/25's Block 3 fund, which has £40,000.00 left: it "
        "would overdraw the provision by £0.01."
    ]
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and not case.block3_draws.exists()
    assert ledger_2024(y2024).remaining == D("40000.00")


def test_the_last_penny_of_the_provision_can_be_committed_and_no_more(
    everyone, project, meeting, y2024
):
    approve(everyone, submitted(everyone, project, "BC50", costs={2024: "40,000.00"}), meeting)
    ledger = ledger_2024(y2024)
    assert (ledger.committed, ledger.remaining) == (D("100000.00"), D("0.00"))
    refusal = r"has £0\.00 left: it would overdraw the provision by £0\.01"
    with pytest.raises(ValidationError, match=refusal):
        approve(everyone, submitted(everyone, project, "BC51", costs={2024: "0.01"}), meeting)


def test_a_case_costed_in_a_year_without_an_agreed_contract_year_is_refused_whole(
    everyone, project, meeting, y2024
):
    # 2025/26 is a draft contract year (rolled over); 2030/31 has none at all.
    year_services.contract_year_rollover(by=everyone["officer"], contract_year=y2024)
    case = submitted(everyone, project, costs={2024: "10,000.00", 2025: "50,000.00", 2030: "1.00"})
    with pytest.raises(ValidationError) as refused:
        approve(everyone, case, meeting)
    assert refused.value.messages == [
        "2025/26 has no agreed contract year, so it has no Block 3 provision to draw on.",
        "2030/31 has no agreed contract year, so it has no Block 3 provision to draw on.",
    ]
    # Nothing is drawn from 2024/25 either: the approval is all or nothing.
    assert not Block3Draw.objects.filter(business_case=case).exists()
    assert ledger_2024(y2024).remaining == D("40000.00")


def test_a_case_over_two_years_draws_from_each_years_provision(everyone, project, meeting, y2024):
    # 2025/26 rolled over is a draft (the rollover dropped the non-recurring Block 3 line):
    # give it a provision and agree it first.
    y2025 = year_services.contract_year_rollover(by=everyone["officer"], contract_year=y2024)
    year_services.funding_line_save(
        by=everyone["officer"],
        contract_year=y2025,
        reason="Provision agreed",
        block=3,
        name="Transformation fund provision",
        amount=D("1000000.00"),
        recurring=False,
    )
    year_services.contract_year_agree(
        by=everyone["admin"], contract_year=y2025, agreed_on=date(2025, 3, 26)
    )
    assert services.block3_ledger(y2025).provision == D("1000000.00")
    case = submitted(everyone, project, costs={2024: "10,000.00", 2025: "200,000.00"})
    approve(everyone, case, meeting)
    draws = {d.contract_year.financial_year: d.amount for d in case.block3_draws.all()}
    assert draws == {2024: D("10000.00"), 2025: D("200000.00")}
    assert services.block3_ledger(y2025).remaining == D("800000.00")


def test_a_sequence_of_approvals_exhausts_the_provision_and_stops(
    everyone, project, meeting, y2024
):
    approved, refused = [], []
    for n in range(6):
        case = submitted(everyone, project, f"BC6{n}", costs={2024: "15,000.00"})
        try:
            approve(everyone, case, meeting)
            approved.append(case.reference)
        except ValidationError as error:
            refused.append(case.reference)
            assert "would overdraw the provision by £5,000.00" in error.messages[0]
    assert approved == ["BC60", "BC61"] and refused == ["BC62", "BC63", "BC64", "BC65"]
    ledger = ledger_2024(y2024)
    assert (ledger.committed, ledger.remaining) == (D("90000.00"), D("10000.00"))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pennies=st.lists(st.integers(min_value=1, max_value=6_000_000), min_size=1, max_size=6))
def test_whatever_is_approved_the_ledger_never_overdraws(
    pennies, everyone, project, meeting, y2024
):
    with transaction.atomic():
        for n, amount in enumerate(pennies):
            cost = D(amount) / 100
            before = ledger_2024(y2024).remaining
            case = submitted(everyone, project, f"BC7{n}", costs={2024: cost})
            try:
                approve(everyone, case, meeting)
                assert cost <= before
            except ValidationError as error:
                assert cost > before
                assert "would overdraw the provision" in error.messages[0]
            ledger = ledger_2024(y2024)
            assert ledger.committed <= ledger.provision and ledger.remaining >= 0
        transaction.set_rollback(True)


# --- Spend ------------------------------------------------------------------------------------


def test_spend_is_reported_once_a_month_and_a_second_report_replaces_the_first(
    everyone, arrangement, y2024, programme
):
    case = programme["BC02"]
    spent = services.block3_ledger(y2024).spent
    services.case_spend_record(
        by=everyone["manager"], case=case, month=date(2024, 10, 17), amount="£1,000.10"
    )
    row = services.case_spend_record(
        by=everyone["manager"],
        case=case,
        month=date(2024, 10, 1),
        amount="2,000.20",
        note="Invoice corrected",
    )
    assert case.spends.filter(month=date(2024, 10, 1)).count() == 1
    assert row.amount == D("2000.20") and row.history.count() == 2
    assert services.block3_ledger(y2024).spent == spent + D("2000.20")


@pytest.mark.parametrize("month", [date(1, 1, 1), date(1999, 12, 1)])
def test_spend_for_a_month_before_2000_is_refused(everyone, arrangement, programme, month):
    case = programme["BC02"]
    with pytest.raises(ValidationError) as refused:
        services.case_spend_record(by=everyone["manager"], case=case, month=month, amount="1.00")
    last = date.today().year + 1
    assert refused.value.message_dict == {
        "month": [f"Enter a month from January 2000 to December {last}."]
    }
    assert not case.spends.filter(month=month).exists()


def test_spend_on_a_block_2_case_is_not_block_3_spend(everyone, arrangement, y2024, programme):
    case = programme["BC04"]
    spent = services.block3_ledger(y2024).spent
    services.case_spend_record(
        by=everyone["manager"], case=case, month=date(2024, 10, 1), amount="500.00"
    )
    assert services.block3_ledger(y2024).spent == spent


def test_nothing_is_spent_on_a_case_before_it_is_approved(everyone, arrangement, programme):
    case = programme["BC12"]
    with pytest.raises(ValidationError, match="BC12 is not approved"):
        services.case_spend_record(
            by=everyone["manager"], case=case, month=date(2024, 10, 1), amount="1.00"
        )


@pytest.mark.parametrize(
    ("month", "amount", "message"),
    [
        (None, "1.00", "Enter the month"),
        ("future", "1.00", "once the month has begun"),
        (date(2024, 10, 1), "1.005", "to the penny"),
        (date(2024, 10, 1), "0", "at least £0.01"),
    ],
)
def test_spend_needs_a_month_begun_and_an_amount(
    everyone, arrangement, month, amount, message, programme
):
    case = programme["BC01"]
    if month == "future":
        month = date(timezone.localdate().year + 1, 1, 1)
    with pytest.raises(ValidationError, match=message):
        services.case_spend_record(by=everyone["manager"], case=case, month=month, amount=amount)


def test_the_ledger_says_what_is_committed_but_unspent(y2024, programme):
    ledger = ledger_2024(y2024)
    assert ledger.spent == D("7500.50")  # BC01's and BC02's, not BC04's (Block 2)
    assert ledger.committed_unspent == D("60000.00") - D("7500.50")


# --- Board meetings ---------------------------------------------------------------------------


def test_a_meeting_is_recorded_with_its_minutes_fingerprinted(everyone, arrangement):
    minutes = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 the minutes")
    meeting = meeting_services.meeting_save(
        by=everyone["other-officer"],
        arrangement=arrangement,
        held_on=date(2024, 11, 20),
        chair="  Chief Executive, NNC ",
        attendees="A\nB",
        minutes=minutes,
    )
    import hashlib

    assert meeting.chair == "Chief Executive, NNC"
    assert meeting.minutes_name == "minutes.pdf"
    assert meeting.minutes_sha256 == hashlib.sha256(b"%PDF-1.4 the minutes").hexdigest()
    assert meeting.minutes.read() == b"%PDF-1.4 the minutes"
    assert meeting.history.first().history_user == everyone["other-officer"]


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
def test_a_meeting_needs_a_past_date_a_chair_and_attendees(
    everyone, arrangement, fields, message, programme
):
    values = {"held_on": date(2024, 11, 20), "chair": "CE", "attendees": "CE", **fields}
    if values["held_on"] == "tomorrow":
        values["held_on"] = timezone.localdate().replace(year=timezone.localdate().year + 1)
    with pytest.raises(ValidationError, match=message):
        meeting_services.meeting_save(by=everyone["officer"], arrangement=arrangement, **values)


def test_the_contract_years_block_3_figures_show_what_approved_cases_have_drawn(y2024):
    # The contracts app reads the total through trust_portal/block3.py (registered in apps.py).
    before = money.year_figures(y2024)
    assert before.block3_remaining == before.block3_provision - before.block3_drawn
    project = Project.objects.create(
        arrangement=y2024.arrangement, theme="demand", name="Exploitation", owner="The trust"
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
    assert figures.contract_sum == D("1500000.00")  # Block 3 is outside the contract sum
