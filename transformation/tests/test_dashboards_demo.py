"""The transformation dashboard on the demo's known figures (fixtures/transformation.json and
fixtures/benefits.json): eleven approved cases, BC12 awaiting the board, BC13 a draft; 2024/25's
Block 3 provision £3,291,000.00 with £2,915,000.00 committed and £320,625.50 spent; Circle to
Success's benefits reported for quarters 1 and 2 of 2024/25. What the demo shows, kept as the
dashboard tests had it before they moved to factories (test_dashboards.py checks the workings on
the root ``world``'s programme)."""

import json

import pytest

from transformation.dashboards import build_transformation
from transformation.models import BusinessCase
from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards import figures


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


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
    assert data["period"] == "2026/27"  # the latest agreed contract year
    assert [b["id"] for b in data["blocks"]] == [
        "cases", "block3", "benefit-savings", "benefit-counts", "benefits-year-savings",
        "benefits-year-counts",
    ]  # fmt: skip


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


def test_the_block3_fund_for_each_agreed_year(nct):
    data = build(nct)
    found = block(data, "block3")
    assert found["table"]["rows"] == [
        ["2021/22", "2830260.00", "0.00", "0.00", "0.00", "2830260.00"],
        ["2022/23", "2961900.00", "0.00", "0.00", "0.00", "2961900.00"],
        ["2023/24", "3126450.00", "0.00", "0.00", "0.00", "3126450.00"],
        # as published: the programme's draws are all on 2024/25
        ["2024/25", "3291000.00", "2915000.00", "320625.50", "2594374.50", "376000.00"],
        ["2025/26", "3439095.00", "0.00", "0.00", "0.00", "3439095.00"],
        ["2026/27", "3570735.00", "0.00", "0.00", "0.00", "3570735.00"],
    ]
    assert [t["name"] for t in found["figure"]["data"]] == ["Provision", "Committed", "Spent",
                                                            "Remaining"]  # fmt: skip
    assert found["summary"] == (
        "In 2026/27 the Block 3 provision is £3,570,735.00: £0.00 committed to approved "
        "cases, £0.00 spent, £3,570,735.00 remaining."
    )
    (year,) = [b for b in data["pack"]["by_year"]["2024"] if b["id"] == "block3"]
    assert year["table"]["rows"] == [
        ["2024/25", "3291000.00", "2915000.00", "320625.50", "2594374.50", "376000.00"]
    ]
    assert year["summary"] == ("£376,000.00 of the £3,291,000.00 provision remains uncommitted.")


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
