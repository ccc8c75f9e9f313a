"""The transformation dashboard on the demo's known figures (fixtures/transformation.json and
fixtures/benefits.json): eleven approved cases (two demand, one workforce, two efficiency, six
policy and practice), BC12 awaiting the board, BC13 a draft; 2024/25's Block 3 provision
£3,291,000.00 with £2,915,000.00 committed and £320,625.50 spent; Circle to Success's benefits
reported for quarters 1 and 2 of 2024/25. And every change it shows queues a recompute."""

import json
from decimal import Decimal as D
from unittest import mock

import pytest
from django.utils import timezone

from transformation.dashboards import build_transformation
from transformation.models import Benefit, BusinessCase, Project, Theme
from transformation.services import benefits
from transformation.services import cases as services
from transformation.services import meetings as meeting_services
from transformation.tests.benefit_cases import make_benefit, make_case
from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards import figures

State = BusinessCase.State


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def meeting(cast, nct):
    return meeting_services.meeting_save(by=cast["wnc-officer"], arrangement=nct,
                                 held_on=timezone.localdate(), chair="Chief Executive, WNC",
                                 attendees="Chief Executive, WNC")  # fmt: skip


def build(nct):
    data = build_transformation(nct)
    figures.check_snapshot(data)
    return data


def block(data, block_id, blocks=None) -> dict:
    return next(
        b for b in (blocks if blocks is not None else data["blocks"]) if b["id"] == block_id
    )


def rows(data, block_id, blocks=None) -> list[list]:
    return block(data, block_id, blocks)["table"]["rows"]


def test_the_snapshot_is_plain_json_the_pages_can_show(nct):
    data = build(nct)
    assert data["title"] == "Transformation"
    assert data["period"] == "2024/25"
    assert [b["id"] for b in data["blocks"]] == [
        "cases", "block3", "benefit-savings", "benefit-counts", "benefits-year-savings",
        "benefits-year-counts",
    ]  # fmt: skip


def test_an_arrangement_with_no_programme_says_so(cast):
    data = build(Arrangement.objects.get(trust__code="OCT"))
    assert [(b["kind"], b["id"]) for b in data["blocks"]] == [
        ("chart", "cases"), ("note", "block3"), ("note", "benefits")
    ]  # fmt: skip
    assert rows(data, "cases") == [["All themes", 0, 0, 0, 0, 0]]
    assert data["pack"]["by_year"] == {}


# --- Cases -----------------------------------------------------------------------------------


def test_cases_are_counted_by_theme_and_state_leaving_drafts_out(nct):
    found = block(build(nct), "cases")
    assert [c["label"] for c in found["table"]["columns"]] == [
        "Theme", "Awaiting the board", "Approved", "Rejected", "Deferred", "All past the draft"
    ]  # fmt: skip
    assert found["table"]["rows"] == [
        ["Demand management and early help", 0, 2, 0, 0, 2],
        ["Workforce", 0, 1, 0, 0, 1],
        ["Technology and innovation", 1, 0, 0, 0, 1],
        ["Operational efficiency", 0, 2, 0, 0, 2],
        ["Policy and practice", 0, 6, 0, 0, 6],
        ["All themes", 1, 11, 0, 0, 12],
    ]
    # BC13, the draft, is the only commissioning case: the theme does not appear at all.
    assert found["figure"]["layout"]["barmode"] == "stack"
    assert found["summary"].startswith("12 business cases have gone to the board; 11 approved")


def test_a_rejected_case_is_counted_and_a_new_draft_is_not(nct):
    make_case("BC90", theme=Theme.COMMISSIONING, state=State.REJECTED)
    make_case("BC91", theme=Theme.COMMISSIONING, state=State.DRAFT, title="A secret draft")
    data = build(nct)
    assert ["Commissioning and procurement", 0, 0, 1, 0, 1] in rows(data, "cases")
    assert rows(data, "cases")[-1] == ["All themes", 1, 11, 1, 0, 13]
    assert "A secret draft" not in json.dumps(data)


def test_only_approved_cases_are_named(nct):
    data = build(nct)
    named = rows(data, "approved-cases", data["pages"]["cases"]["blocks"])
    assert [r[0] for r in named] == ["BC09", "BC10", "BC01", "BC02", "BC03", "BC04", "BC05",
                                     "BC06", "BC07", "BC08", "BC11"]  # fmt: skip
    assert named[2] == ["BC01", "Circle to Success Delivery", "Operational efficiency",
                        "The Block 3 transformation fund", "2024-04-17", "620000.00"]  # fmt: skip
    text = json.dumps(data)
    for reference in ("BC12", "BC13"):
        case = BusinessCase.objects.get(project__arrangement=nct, reference=reference)
        assert case.title not in text
        assert reference not in text


# --- The Block 3 ledger ----------------------------------------------------------------------


def test_the_block3_fund_for_each_agreed_year(nct):
    found = block(build(nct), "block3")
    assert found["table"]["rows"] == [
        ["2024/25", "3291000.00", "2915000.00", "320625.50", "2594374.50", "376000.00"]
    ]
    assert [t["name"] for t in found["figure"]["data"]] == ["Provision", "Committed", "Spent",
                                                            "Remaining"]  # fmt: skip
    assert found["summary"] == (
        "In 2024/25 the Block 3 provision is £3,291,000.00: £2,915,000.00 committed to approved "
        "cases, £320,625.50 spent, £376,000.00 remaining."
    )


def test_spend_reported_is_shown(cast, nct):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC09")
    services.case_spend_record(by=cast["nct-manager"], case=case,
                               month=timezone.localdate().replace(year=2024, month=10, day=1),
                               amount="1,000.01")  # fmt: skip
    assert rows(build(nct), "block3")[0][3] == "321625.51"


# --- Benefits --------------------------------------------------------------------------------


def test_savings_against_target_and_lower_tolerance_by_quarter(nct):
    found = block(build(nct), "benefit-savings")
    assert found["table"]["rows"] == [
        ["Q1 2024/25", "1060000.00", "1060000.00", "845000.00", "1211250.00", "2 of 2", "green",
         "Green: on target"],
        ["Q2 2024/25", "1060000.00", "1060000.00", "795000.00", "878400.00", "2 of 2", "amber",
         "Amber: within tolerance"],
        ["Q3 2024/25", "1060000.00", None, None, None, "0 of 2", "grey",
         "Grey: not reported yet"],
        ["Q4 2024/25", "1060000.00", None, None, None, "0 of 2", "grey",
         "Grey: not reported yet"],
    ]  # fmt: skip
    assert [t["name"] for t in found["figure"]["data"]] == [
        "Actual", "Target", "Lower tolerance of the quarters reported"
    ]  # fmt: skip
    assert "amber: within tolerance" in found["summary"]


def test_numbers_are_added_only_with_benefits_of_the_same_name(nct):
    table = rows(build(nct), "benefit-counts")
    assert table[:2] == [
        ["Q1 2024/25", "Children and young people worked with", 30, 30, 24, 35, "1 of 1",
         "green", "Green: on target"],
        ["Q2 2024/25", "Children and young people worked with", 35, 35, 25, 28, "1 of 1",
         "amber", "Amber: within tolerance"],
    ]  # fmt: skip
    assert table[4][:7] == ["Q1 2024/25", "Valuing Care assessments", 250, 250, 200, 290,
                            "1 of 1"]  # fmt: skip


def test_a_quarter_partly_reported_compares_like_with_like(nct):
    case = make_case("BC92", theme=Theme.WORKFORCE)
    make_benefit(case, "Savings", quarters=[(1, "100,000.00", "50,000.00", "40,000.00"),
                                            (2, "10,000.00", "5,000.00", None)])  # fmt: skip
    table = rows(build(nct), "benefit-savings")
    assert table[0] == ["Q1 2024/25", "1160000.00", "1160000.00", "895000.00", "1251250.00",
                        "3 of 3", "green", "Green: on target"]  # fmt: skip
    # Q2: BC92's target counts in the quarter's target but not in what the actual is
    # compared with, since it has not reported.
    assert table[1] == ["Q2 2024/25", "1070000.00", "1060000.00", "795000.00", "878400.00",
                        "2 of 3", "amber", "Amber: within tolerance"]  # fmt: skip


def test_benefits_of_cases_not_approved_are_left_out(nct):
    case = make_case("BC93", theme=Theme.WORKFORCE, state=State.DRAFT)
    make_benefit(case, "Savings", quarters=[(1, "999,999.00", "1.00", None)])
    deferred = make_case("BC94", theme=Theme.WORKFORCE, state=State.DEFERRED)
    make_benefit(deferred, "Agency staff replaced", kind=Benefit.Kind.COUNT,
                 quarters=[(1, "7", "5", None)])  # fmt: skip
    data = build(nct)
    assert rows(data, "benefit-savings")[0][1] == "1060000.00"
    assert "Agency staff replaced" not in json.dumps(data)


def test_the_years_totals_are_benefit_totals_own(nct):
    data = build(nct)
    totals = benefits.benefit_totals(nct, 2024)
    assert rows(data, "benefits-year-savings") == [
        ["Operational efficiency", "4240000.00", "2120000.00", "1640000.00", "2089650.00",
         "4 of 8", "amber", "Amber: within tolerance"],
        ["All themes", "4240000.00", "2120000.00", "1640000.00", "2089650.00", "4 of 8",
         "amber", "Amber: within tolerance"],
    ]  # fmt: skip
    assert totals.savings.actual == D("2089650.00")
    assert rows(data, "benefits-year-counts")[-1] == [
        "All themes", "Valuing Care assessments", 1150, 550, 440, 555, "2 of 4", "green",
        "Green: on target",
    ]  # fmt: skip


# --- The scrutiny pack -----------------------------------------------------------------------


def test_the_pack_has_a_transformation_summary_for_each_year(nct):
    data = build(nct)
    assert set(data["pack"]["by_year"]) == {"2024"}
    pack = data["pack"]["by_year"]["2024"]
    assert [b["id"] for b in pack] == ["cases", "block3", "benefits-savings", "benefits-counts"]
    assert block(data, "cases", pack)["summary"] == (
        "11 business cases approved by the Transformation & Efficiency Board in 2024/25."
    )
    assert rows(data, "block3", pack) == [
        ["2024/25", "3291000.00", "2915000.00", "320625.50", "2594374.50", "376000.00"]
    ]
    assert rows(data, "benefits-savings", pack)[-1][4:7] == ["2089650.00", "4 of 8", "amber"]
    assert figures.pack_blocks(data, month="2024-10", financial_year=2024) == pack


# --- Every change the dashboard shows queues a recompute -------------------------------------


@pytest.fixture
def queued():
    with mock.patch("transformation.services.cases.snapshot_queue_recompute") as patched:
        yield patched


def assert_queued_for(patched, arrangement):
    assert patched.called
    assert all(c.kwargs == {"arrangement": arrangement} for c in patched.call_args_list)


def submitted_case(cast, nct, reference="BC95", funding="block3", block2_line=None):
    project = Project.objects.get(arrangement=nct, name="Placement Efficiency")
    case = services.case_save(by=cast["nct-manager"], project=project, reason="Drafted",
                              reference=reference, title=f"Case {reference}", summary="What.",
                              funding=funding, block2_line=block2_line,
                              expected_benefits="Fewer.", costs={2024: "1,000.00"})  # fmt: skip
    return services.case_submit(by=cast["nct-manager"], case=case)


def test_submitting_a_case_queues_a_recompute_and_drafting_does_not(cast, nct, queued):
    project = Project.objects.get(arrangement=nct, name="Placement Efficiency")
    case = services.case_save(by=cast["nct-manager"], project=project, reason="Drafted",
                              reference="BC95", title="Case", summary="What.", funding="block3",
                              expected_benefits="Fewer.", costs={2024: "1,000.00"})  # fmt: skip
    assert not queued.called
    services.case_submit(by=cast["nct-manager"], case=case)
    assert_queued_for(queued, nct)


@pytest.mark.parametrize("decision", ["approve", "reject", "defer"])
def test_every_board_decision_queues_a_recompute(cast, nct, meeting, decision):
    case = submitted_case(cast, nct)
    with mock.patch("transformation.services.cases.snapshot_queue_recompute") as patched:
        services.case_decide(by=cast["wnc-officer"], case=case, decision=decision,
                             meeting=meeting, note="The board's reasons.")  # fmt: skip
    assert_queued_for(patched, nct)


def test_approving_a_block2_case_queues_a_recompute(cast, nct, meeting):
    line = BusinessCase.objects.get(project__arrangement=nct, reference="BC04").block2_line
    case = submitted_case(cast, nct, funding="block2", block2_line=line)
    with mock.patch("transformation.services.cases.snapshot_queue_recompute") as patched:
        services.case_decide(by=cast["wnc-officer"], case=case, decision="approve",
                             meeting=meeting)  # fmt: skip
    assert_queued_for(patched, nct)


def test_reporting_spend_queues_a_recompute(cast, nct, queued):
    case = BusinessCase.objects.get(project__arrangement=nct, reference="BC09")
    services.case_spend_record(by=cast["nct-manager"], case=case,
                               month=timezone.localdate().replace(year=2024, month=10, day=1),
                               amount="10.00")  # fmt: skip
    assert_queued_for(queued, nct)


def test_changing_a_projects_theme_queues_a_recompute(cast, nct, queued):
    project = Project.objects.get(arrangement=nct, name="Placement Efficiency")
    services.project_save(by=cast["nct-manager"], arrangement=nct, reason="Refiled",
                          project=project, theme=Theme.COMMISSIONING, name=project.name,
                          owner=project.owner)  # fmt: skip
    assert_queued_for(queued, nct)


def test_an_approved_cases_benefits_targets_and_actuals_queue_a_recompute(cast, nct):
    case = make_case("BC96")
    with mock.patch("transformation.services.benefits.snapshot_queue_recompute") as patched:
        benefit = benefits.benefit_save(by=cast["nct-manager"], case=case, name="Savings",
                                        kind=Benefit.Kind.SAVING, reason="Added")  # fmt: skip
        assert_queued_for(patched, nct)
        patched.reset_mock()
        benefits.quarter_set_target(by=cast["nct-manager"], benefit=benefit, financial_year=2024,
                                    quarter=1, target="100.00", lower_tolerance="80.00",
                                    reason="Set")  # fmt: skip
        assert_queued_for(patched, nct)
        patched.reset_mock()
        benefits.quarter_report_actual(by=cast["nct-manager"], benefit=benefit,
                                       financial_year=2024, quarter=1, actual="90.00")  # fmt: skip
        assert_queued_for(patched, nct)


def test_a_drafts_benefits_queue_nothing(cast, nct):
    case = make_case("BC97", state=State.DRAFT)
    with mock.patch("transformation.services.benefits.snapshot_queue_recompute") as patched:
        benefit = benefits.benefit_save(by=cast["nct-manager"], case=case, name="Savings",
                                        kind=Benefit.Kind.SAVING)  # fmt: skip
        benefits.quarter_set_target(by=cast["nct-manager"], benefit=benefit, financial_year=2024,
                                    quarter=1, target="100.00",
                                    lower_tolerance="80.00")  # fmt: skip
    assert not patched.called
