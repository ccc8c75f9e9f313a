"""The finance dashboard on the demo's known figures (fixtures/contracts.json and
fixtures/budget_monitoring.json): 2024/25 agreed at £180,009,000.00 split 56/44, WNC's twelve
instalments and NNC's first eleven paid, budget monitoring approved April to September 2024 and
October submitted. What the demo shows; the dashboard's workings are checked on factories in
test_dashboards.py."""

from datetime import date
from decimal import Decimal as D

import pytest

from contracts import dashboards
from contracts.models import BudgetReturn
from contracts.services import budget
from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards import figures


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def on_day(monkeypatch):
    """Build as if on a given day (what has fallen due depends on it)."""

    def set_day(day: date):
        monkeypatch.setattr(dashboards, "today", lambda: day)

    set_day(date(2025, 4, 15))
    return set_day


def block(data, block_id, blocks=None) -> dict:
    return next(
        b for b in (blocks if blocks is not None else data["blocks"]) if b["id"] == block_id
    )


def rows(data, block_id, blocks=None) -> list[list]:
    return block(data, block_id, blocks)["table"]["rows"]


def build(nct):
    data = dashboards.build_finance(nct)
    figures.check_snapshot(data)
    return data


def test_the_contract_sum_is_shown_by_block_to_the_penny(nct, on_day):
    data = build(nct)
    found = block(data, "contract-sum")
    assert found["kind"] == "chart"
    assert found["table"]["rows"] == [
        ["2024/25", "177429000.00", "217000.00", "2363000.00", "3291000.00", "180009000.00",
         "183300000.00"]
    ]  # fmt: skip
    traces = found["figure"]["data"]
    assert [t["name"] for t in traces] == [label for _, label in dashboards.BLOCKS]
    assert [t["y"] for t in traces] == [["177429000.00"], ["217000.00"], ["2363000.00"],
                                        ["3291000.00"]]  # fmt: skip
    assert {t["marker"]["pattern"]["shape"] for t in traces} == {"", "/", "x", "."}
    assert "£180,009,000.00" in found["summary"]


def test_each_councils_contribution_and_the_totals_add_up_exactly(nct, on_day):
    assert rows(build(nct), "contributions") == [
        ["2024/25", "NNC", "44.00", "79203960.00", "0.00", "79203960.00", "584000.00",
         "78619960.00", "1448040.00"],
        ["2024/25", "WNC", "56.00", "100805040.00", "0.00", "100805040.00", "738000.00",
         "100067040.00", "1842960.00"],
        ["2024/25", "Total", None, "180009000.00", "0.00", "180009000.00", "1322000.00",
         "178687000.00", "3291000.00"],
    ]  # fmt: skip


def test_payments_due_and_made_per_council_and_month(nct, on_day):
    data = build(nct)
    found = block(data, "payments-2024")
    table = found["table"]["rows"]
    assert len(table) == 24
    assert table[0] == ["2024-04", "NNC", "Instalment 1", "6600330.00", "6600330.00", "0.00",
                        "Paid"]  # fmt: skip
    assert table[-2:] == [
        ["2025-03", "NNC", "Instalment 12", "6600330.00", "0.00", "6600330.00", "Overdue"],
        ["2025-03", "WNC", "Instalment 12", "8400420.00", "8400420.00", "0.00", "Paid"],
    ]
    assert found["figure"]["layout"]["barmode"] == "group"
    assert [t["name"] for t in found["figure"]["data"]] == ["NNC due", "NNC paid", "WNC due",
                                                            "WNC paid"]  # fmt: skip
    assert found["figure"]["data"][1]["y"][-1] == "0.00"  # NNC's March not paid
    assert found["summary"] == (
        "In 2024/25 instalments of £180,009,000.00 fall due; £173,408,670.00 is paid and "
        "£6,600,330.00 of what has fallen due so far is outstanding."
    )
    assert rows(data, "payment-position") == [
        ["2024/25", "NNC", "79203960.00", "79203960.00", "72603630.00", "6600330.00",
         "6600330.00"],
        ["2024/25", "WNC", "100805040.00", "100805040.00", "100805040.00", "0.00", "0.00"],
        ["2024/25", "Total", "180009000.00", "180009000.00", "173408670.00", "6600330.00",
         "6600330.00"],
    ]  # fmt: skip


def test_forecast_outturn_against_budget_from_the_latest_approved_month(nct, on_day):
    found = block(build(nct), "budget")
    assert found["title"] == "Forecast outturn against budget, September 2024"  # not October
    assert found["table"]["rows"] == [
        ["Placements", "90004500.00", "46307316.95", "92614631.00", "2610131.00", "2.9",
         "Overspend of £2,610,131.00 (2.9% of budget)"],
        ["Staffing", "54002700.00", "26117596.73", "53030651.00", "-972049.00", "-1.8",
         "Underspend of £972,049.00 (1.8% of budget)"],
        ["Children's homes", "9000450.00", "4417601.50", "9108455.00", "108005.00", "1.2",
         "Overspend of £108,005.00 (1.2% of budget)"],
        ["Adoption", "2700135.00", "1143372.73", "2540827.00", "-159308.00", "-5.9",
         "Underspend of £159,308.00 (5.9% of budget)"],
        ["Other", "24301215.00", "11519991.40", "24252613.00", "-48602.00", "-0.2",
         "Underspend of £48,602.00 (0.2% of budget)"],
        ["Total", "180009000.00", "89505879.31", "181547177.00", "1538177.00", "0.9",
         "Overspend of £1,538,177.00 (0.9% of budget)"],
    ]  # fmt: skip
    assert [t["name"] for t in found["figure"]["data"]] == ["Budget", "Forecast outturn"]


def test_each_councils_share_of_the_variance_is_the_budget_pages_own(nct, on_day):
    september = BudgetReturn.objects.get(arrangement=nct, period=date(2024, 9, 1))
    shares = budget.council_shares(september)
    assert rows(build(nct), "variance-shares") == [
        ["NNC", "44.00", "676797.88", "Overspend of £676,797.88"],
        ["WNC", "56.00", "861379.12", "Overspend of £861,379.12"],
        ["Total", None, "1538177.00", "Overspend of £1,538,177.00"],
    ]
    assert [str(s.amount) for s in shares.shares] == ["676797.88", "861379.12"]
    assert D("676797.88") + D("861379.12") == D("1538177.00")


def test_the_pack_has_a_finance_summary_for_each_agreed_year(nct, on_day):
    data = build(nct)
    assert set(data["pack"]["by_year"]) == {"2024"}
    pack = data["pack"]["by_year"]["2024"]
    assert [b["id"] for b in pack] == ["contract-sum", "contributions", "budget", "variance-shares"]
    assert rows(data, "contract-sum", pack)[0][5] == "180009000.00"
    assert rows(data, "contributions", pack) == [
        ["NNC", "44.00", "79203960.00", "79203960.00", "72603630.00", "6600330.00"],
        ["WNC", "56.00", "100805040.00", "100805040.00", "100805040.00", "0.00"],
        ["Total", None, "180009000.00", "180009000.00", "173408670.00", "6600330.00"],
    ]
    assert rows(data, "budget", pack)[-1][4] == "1538177.00"
    assert rows(data, "variance-shares", pack)[0][2] == "676797.88"
    assert figures.pack_blocks(data, month="2024-11", financial_year=2024) == pack
    assert figures.pack_blocks(data, month="2023-11", financial_year=2023) == []
