"""The transformation dashboard on a programme of the test's own, and every change it shows
queues a recompute.

Built on factories: the root ``world``'s programme (``programme_cases.make_programme``): seven
approved cases (two demand, one workforce, two efficiency, two policy and practice), BC12
awaiting the board, BC13 a draft; 2024/25's Block 3 provision £100,000.00 with £75,000.00
committed and £11,512.55 spent; the benefits of BC01 (Circle to Success) and BC02 (Maximising
Housing Benefit Subsidy) reported for quarters 1 and 2 of 2024/25, as the demo's are. The
demo's own programme is checked in test_cases_demo.py and test_benefits_demo.py."""

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
from transformation.tests import benefit_cases
from transformation.tests.programme_cases import make_programme
from trust_portal.dashboards import figures

State = BusinessCase.State


@pytest.fixture
def cast(people):
    """{name: user}: the world's people."""
    return people


@pytest.fixture(autouse=True)
def programme(world):
    """{reference: case} of the world's programme (see the module's docstring)."""
    return make_programme(world)


@pytest.fixture
def make_case(arrangement):
    """make_case(reference, ...): a case of the world's programme, made directly in its state
    (``benefit_cases.make_case``)."""

    def make(reference, **kwargs) -> BusinessCase:
        return benefit_cases.make_case(reference, arrangement=arrangement, **kwargs)

    return make


@pytest.fixture
def make_benefit(cast):
    """make_benefit(case, ...): a benefit and its quarters set (and reported) by the world's
    manager (``benefit_cases.make_benefit``)."""

    def make(case, *args, **kwargs) -> Benefit:
        return benefit_cases.make_benefit(case, *args, by=cast["manager"], **kwargs)

    return make


@pytest.fixture
def meeting(cast, arrangement):
    return meeting_services.meeting_save(by=cast["officer"], arrangement=arrangement,
                                         held_on=timezone.localdate(),
                                         chair="Chief Executive, first council",
                                         attendees="Chief Executive, first council")  # fmt: skip


def build(arrangement):
    data = build_transformation(arrangement)
    figures.check_snapshot(data)
    return data


def block(data, block_id, blocks=None) -> dict:
    return next(
        b for b in (blocks if blocks is not None else data["blocks"]) if b["id"] == block_id
    )


def rows(data, block_id, blocks=None) -> list[list]:
    return block(data, block_id, blocks)["table"]["rows"]


def test_the_snapshot_is_plain_json_the_pages_can_show(arrangement):
    data = build(arrangement)
    assert data["title"] == "Transformation"
    assert data["period"] == "2024/25"
    assert [b["id"] for b in data["blocks"]] == [
        "cases", "block3", "benefit-savings", "benefit-counts", "benefits-year-savings",
        "benefits-year-counts",
    ]  # fmt: skip


def test_an_arrangement_with_no_programme_says_so(elsewhere):
    data = build(elsewhere)
    assert [(b["kind"], b["id"]) for b in data["blocks"]] == [
        ("chart", "cases"), ("note", "block3"), ("note", "benefits")
    ]  # fmt: skip
    assert rows(data, "cases") == [["All themes", 0, 0, 0, 0, 0]]
    assert data["pack"]["by_year"] == {}


# --- Cases -----------------------------------------------------------------------------------


def test_cases_are_counted_by_theme_and_state_leaving_drafts_out(arrangement):
    found = block(build(arrangement), "cases")
    assert [c["label"] for c in found["table"]["columns"]] == [
        "Theme", "Awaiting the board", "Approved", "Rejected", "Deferred", "All past the draft"
    ]  # fmt: skip
    assert found["table"]["rows"] == [
        ["Demand management and early help", 0, 2, 0, 0, 2],
        ["Workforce", 0, 1, 0, 0, 1],
        ["Technology and innovation", 1, 0, 0, 0, 1],
        ["Operational efficiency", 0, 2, 0, 0, 2],
        ["Policy and practice", 0, 2, 0, 0, 2],
        ["All themes", 1, 7, 0, 0, 8],
    ]
    # BC13, the draft, is the only commissioning case: the theme does not appear at all.
    assert found["figure"]["layout"]["barmode"] == "stack"
    assert found["summary"].startswith("8 business cases have gone to the board; 7 approved")


def test_a_rejected_case_is_counted_and_a_new_draft_is_not(arrangement, make_case):
    make_case("BC90", theme=Theme.COMMISSIONING, state=State.REJECTED)
    make_case("BC91", theme=Theme.COMMISSIONING, state=State.DRAFT, title="A secret draft")
    data = build(arrangement)
    assert ["Commissioning and procurement", 0, 0, 1, 0, 1] in rows(data, "cases")
    assert rows(data, "cases")[-1] == ["All themes", 1, 7, 1, 0, 9]
    assert "A secret draft" not in json.dumps(data)


def test_only_approved_cases_are_named(arrangement):
    data = build(arrangement)
    named = rows(data, "approved-cases", data["pages"]["cases"]["blocks"])
    # By theme (as stored: demand, efficiency, practice, workforce), then reference.
    assert [r[0] for r in named] == ["BC09", "BC10", "BC01", "BC02", "BC03", "BC04", "BC11"]
    assert named[2] == ["BC01", "Circle to Success Delivery", "Operational efficiency",
                        "The Block 3 transformation fund", "2024-04-17", "30000.00"]  # fmt: skip
    text = json.dumps(data)
    for reference in ("BC12", "BC13"):
        case = BusinessCase.objects.get(project__arrangement=arrangement, reference=reference)
        assert case.title not in text
        assert reference not in text


# --- The Block 3 ledger ----------------------------------------------------------------------


def test_the_block3_fund_for_each_agreed_year(arrangement):
    found = block(build(arrangement), "block3")
    assert found["table"]["rows"] == [
        ["2024/25", "100000.00", "75000.00", "11512.55", "63487.45", "25000.00"]
    ]  # committed, not yet spent: £75,000.00 - £11,512.55
    assert [t["name"] for t in found["figure"]["data"]] == ["Provision", "Committed", "Spent",
                                                            "Remaining"]  # fmt: skip
    assert found["summary"] == (
        "In 2024/25 the Block 3 provision is £100,000.00: £75,000.00 committed to approved "
        "cases, £11,512.55 spent, £25,000.00 remaining."
    )


def test_spend_reported_is_shown(cast, arrangement):
    case = BusinessCase.objects.get(project__arrangement=arrangement, reference="BC09")
    services.case_spend_record(by=cast["manager"], case=case,
                               month=timezone.localdate().replace(year=2024, month=10, day=1),
                               amount="1,000.01")  # fmt: skip
    assert rows(build(arrangement), "block3")[0][3] == "12512.56"  # £11,512.55 + £1,000.01


# --- Benefits --------------------------------------------------------------------------------


def test_savings_against_target_and_lower_tolerance_by_quarter(arrangement):
    # Circle to Success's savings and BC02's housing benefit subsidy: targets £1,000,000.00 +
    # £60,000.00; lower tolerances £800,000.00 + £45,000.00 in Q1, £750,000.00 + £45,000.00
    # in Q2; actuals £1,150,000.00 + £61,250.00 in Q1, £840,000.00 + £38,400.00 in Q2.
    found = block(build(arrangement), "benefit-savings")
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


def test_numbers_are_added_only_with_benefits_of_the_same_name(arrangement):
    table = rows(build(arrangement), "benefit-counts")
    assert table[:2] == [
        ["Q1 2024/25", "Children and young people worked with", 30, 30, 24, 35, "1 of 1",
         "green", "Green: on target"],
        ["Q2 2024/25", "Children and young people worked with", 35, 35, 25, 28, "1 of 1",
         "amber", "Amber: within tolerance"],
    ]  # fmt: skip
    assert table[4][:7] == ["Q1 2024/25", "Valuing Care assessments", 250, 250, 200, 290,
                            "1 of 1"]  # fmt: skip


def test_a_quarter_partly_reported_compares_like_with_like(arrangement, make_case, make_benefit):
    case = make_case("BC92", theme=Theme.WORKFORCE)
    make_benefit(case, "Savings", quarters=[(1, "100,000.00", "50,000.00", "40,000.00"),
                                            (2, "10,000.00", "5,000.00", None)])  # fmt: skip
    table = rows(build(arrangement), "benefit-savings")
    assert table[0] == ["Q1 2024/25", "1160000.00", "1160000.00", "895000.00", "1251250.00",
                        "3 of 3", "green", "Green: on target"]  # fmt: skip
    # Q2: BC92's target counts in the quarter's target but not in what the actual is
    # compared with, since it has not reported.
    assert table[1] == ["Q2 2024/25", "1070000.00", "1060000.00", "795000.00", "878400.00",
                        "2 of 3", "amber", "Amber: within tolerance"]  # fmt: skip


def test_benefits_of_cases_not_approved_are_left_out(arrangement, make_case, make_benefit):
    case = make_case("BC93", theme=Theme.WORKFORCE, state=State.DRAFT)
    make_benefit(case, "Savings", quarters=[(1, "999,999.00", "1.00", None)])
    deferred = make_case("BC94", theme=Theme.WORKFORCE, state=State.DEFERRED)
    make_benefit(deferred, "Agency staff replaced", kind=Benefit.Kind.COUNT,
                 quarters=[(1, "7", "5", None)])  # fmt: skip
    data = build(arrangement)
    assert rows(data, "benefit-savings")[0][1] == "1060000.00"
    assert "Agency staff replaced" not in json.dumps(data)


def test_the_years_totals_are_benefit_totals_own(arrangement):
    data = build(arrangement)
    totals = benefits.benefit_totals(arrangement, 2024)
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


def test_the_pack_has_a_transformation_summary_for_each_year(arrangement):
    data = build(arrangement)
    assert set(data["pack"]["by_year"]) == {"2024"}
    pack = data["pack"]["by_year"]["2024"]
    assert [b["id"] for b in pack] == ["cases", "block3", "benefits-savings", "benefits-counts"]
    assert block(data, "cases", pack)["summary"] == (
        "7 business cases approved by the Transformation & Efficiency Board in 2024/25."
    )
    assert rows(data, "block3", pack) == [
        ["2024/25", "100000.00", "75000.00", "11512.55", "63487.45", "25000.00"]
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


def submitted_case(cast, arrangement, reference="BC95", funding="block3", block2_line=None):
    project = Project.objects.get(arrangement=arrangement, name="Placement Efficiency")
    case = services.case_save(by=cast["manager"], project=project, reason="Drafted",
                              reference=reference, title=f"Case {reference}", summary="What.",
                              funding=funding, block2_line=block2_line,
                              expected_benefits="Fewer.", costs={2024: "1,000.00"})  # fmt: skip
    return services.case_submit(by=cast["manager"], case=case)


def test_submitting_a_case_queues_a_recompute_and_drafting_does_not(cast, arrangement, queued):
    project = Project.objects.get(arrangement=arrangement, name="Placement Efficiency")
    case = services.case_save(by=cast["manager"], project=project, reason="Drafted",
                              reference="BC95", title="Case", summary="What.", funding="block3",
                              expected_benefits="Fewer.", costs={2024: "1,000.00"})  # fmt: skip
    assert not queued.called
    services.case_submit(by=cast["manager"], case=case)
    assert_queued_for(queued, arrangement)


@pytest.mark.parametrize("decision", ["approve", "reject", "defer"])
def test_every_board_decision_queues_a_recompute(cast, arrangement, meeting, decision):
    case = submitted_case(cast, arrangement)
    with mock.patch("transformation.services.cases.snapshot_queue_recompute") as patched:
        services.case_decide(by=cast["officer"], case=case, decision=decision,
                             meeting=meeting, note="The board's reasons.")  # fmt: skip
    assert_queued_for(patched, arrangement)


def test_approving_a_block2_case_queues_a_recompute(cast, arrangement, meeting):
    line = BusinessCase.objects.get(project__arrangement=arrangement, reference="BC04").block2_line
    case = submitted_case(cast, arrangement, funding="block2", block2_line=line)
    with mock.patch("transformation.services.cases.snapshot_queue_recompute") as patched:
        services.case_decide(by=cast["officer"], case=case, decision="approve",
                             meeting=meeting)  # fmt: skip
    assert_queued_for(patched, arrangement)


def test_reporting_spend_queues_a_recompute(cast, arrangement, queued):
    case = BusinessCase.objects.get(project__arrangement=arrangement, reference="BC09")
    services.case_spend_record(by=cast["manager"], case=case,
                               month=timezone.localdate().replace(year=2024, month=10, day=1),
                               amount="10.00")  # fmt: skip
    assert_queued_for(queued, arrangement)


def test_changing_a_projects_theme_queues_a_recompute(cast, arrangement, queued):
    project = Project.objects.get(arrangement=arrangement, name="Placement Efficiency")
    services.project_save(by=cast["manager"], arrangement=arrangement, reason="Refiled",
                          project=project, theme=Theme.COMMISSIONING, name=project.name,
                          owner=project.owner)  # fmt: skip
    assert_queued_for(queued, arrangement)


def test_an_approved_cases_benefits_targets_and_actuals_queue_a_recompute(
    cast, arrangement, make_case
):
    case = make_case("BC96")
    with mock.patch("transformation.services.benefits.snapshot_queue_recompute") as patched:
        benefit = benefits.benefit_save(by=cast["manager"], case=case, name="Savings",
                                        kind=Benefit.Kind.SAVING, reason="Added")  # fmt: skip
        assert_queued_for(patched, arrangement)
        patched.reset_mock()
        benefits.quarter_set_target(by=cast["manager"], benefit=benefit, financial_year=2024,
                                    quarter=1, target="100.00", lower_tolerance="80.00",
                                    reason="Set")  # fmt: skip
        assert_queued_for(patched, arrangement)
        patched.reset_mock()
        benefits.quarter_report_actual(by=cast["manager"], benefit=benefit,
                                       financial_year=2024, quarter=1, actual="90.00")  # fmt: skip
        assert_queued_for(patched, arrangement)


def test_a_drafts_benefits_queue_nothing(cast, arrangement, make_case):
    case = make_case("BC97", state=State.DRAFT)
    with mock.patch("transformation.services.benefits.snapshot_queue_recompute") as patched:
        benefit = benefits.benefit_save(by=cast["manager"], case=case, name="Savings",
                                        kind=Benefit.Kind.SAVING)  # fmt: skip
        benefits.quarter_set_target(by=cast["manager"], benefit=benefit, financial_year=2024,
                                    quarter=1, target="100.00",
                                    lower_tolerance="80.00")  # fmt: skip
    assert not patched.called
