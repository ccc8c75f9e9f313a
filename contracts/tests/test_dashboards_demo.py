"""The finance dashboard on the demo's known figures (fixtures/contracts.json and
fixtures/budget_monitoring.json): 2024/25 agreed at £180,009,000.00 split 56/44 and fully paid,
the synthetic years 2021/22 to 2023/24 and 2025/26 to 2026/27 agreed beside it, every instalment
due by the pinned day (7 December 2026) paid but North Northamptonshire's of 1 December 2026,
budget monitoring approved to October 2026 and November submitted. What the demo shows; the
dashboard's workings are checked on factories in test_dashboards.py."""

from datetime import date
from decimal import Decimal as D

import pytest

from conftest import PINNED_TODAY
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

    set_day(PINNED_TODAY)
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
        ["2021/22", "152588940.00", "186620.00", "2032180.00", "2830260.00", "154807740.00",
         "157638000.00"],
        ["2022/23", "159686100.00", "195300.00", "2126700.00", "2961900.00", "162008100.00",
         "164970000.00"],
        ["2023/24", "168557550.00", "206150.00", "2244850.00", "3126450.00", "171008550.00",
         "174135000.00"],
        # as published (scrutiny report, 15 October 2024)
        ["2024/25", "177429000.00", "217000.00", "2363000.00", "3291000.00", "180009000.00",
         "183300000.00"],
        ["2025/26", "185413305.00", "226765.00", "2469335.00", "3439095.00", "188109405.00",
         "191548500.00"],
        ["2026/27", "192510465.00", "235445.00", "2563855.00", "3570735.00", "195309765.00",
         "198880500.00"],
    ]  # fmt: skip
    traces = found["figure"]["data"]
    assert [t["name"] for t in traces] == [label for _, label in dashboards.BLOCKS]
    assert [t["y"][3] for t in traces] == ["177429000.00", "217000.00", "2363000.00",
                                           "3291000.00"]  # fmt: skip
    assert [t["x"] for t in traces] == [
        ["2021/22", "2022/23", "2023/24", "2024/25", "2025/26", "2026/27"]
    ] * 4
    assert [t["y"] for t in traces] == [
        [row[n] for row in found["table"]["rows"]] for n in range(1, 5)
    ]
    assert {t["marker"]["pattern"]["shape"] for t in traces} == {"", "/", "x", "."}
    assert found["summary"] == (
        "In 2026/27 the contract sum is £195,309,765.00 (Block 1 £192,510,465.00, Block 2 "
        "£2,799,300.00), with a Block 3 provision of £3,570,735.00 outside it; 6 agreed years "
        "shown."
    )


def test_each_councils_contribution_and_the_totals_add_up_exactly(nct, on_day):
    assert rows(build(nct), "contributions") == [
        ["2021/22", "NNC", "44.00", "68115405.60", "0.00", "68115405.60", "0.00", "68115405.60",
         "1245314.40"],
        ["2021/22", "WNC", "56.00", "86692334.40", "0.00", "86692334.40", "0.00", "86692334.40",
         "1584945.60"],
        ["2021/22", "Total", None, "154807740.00", "0.00", "154807740.00", "0.00",
         "154807740.00", "2830260.00"],
        ["2022/23", "NNC", "44.00", "71283564.00", "0.00", "71283564.00", "0.00", "71283564.00",
         "1303236.00"],
        ["2022/23", "WNC", "56.00", "90724536.00", "0.00", "90724536.00", "0.00", "90724536.00",
         "1658664.00"],
        ["2022/23", "Total", None, "162008100.00", "0.00", "162008100.00", "0.00",
         "162008100.00", "2961900.00"],
        ["2023/24", "NNC", "44.00", "75243762.00", "0.00", "75243762.00", "0.00", "75243762.00",
         "1375638.00"],
        ["2023/24", "WNC", "56.00", "95764788.00", "0.00", "95764788.00", "0.00", "95764788.00",
         "1750812.00"],
        ["2023/24", "Total", None, "171008550.00", "0.00", "171008550.00", "0.00",
         "171008550.00", "3126450.00"],
        # as published, with the councils' adjustments
        ["2024/25", "NNC", "44.00", "79203960.00", "0.00", "79203960.00", "584000.00",
         "78619960.00", "1448040.00"],
        ["2024/25", "WNC", "56.00", "100805040.00", "0.00", "100805040.00", "738000.00",
         "100067040.00", "1842960.00"],
        ["2024/25", "Total", None, "180009000.00", "0.00", "180009000.00", "1322000.00",
         "178687000.00", "3291000.00"],
        ["2025/26", "NNC", "44.00", "82768138.20", "0.00", "82768138.20", "0.00", "82768138.20",
         "1513201.80"],
        ["2025/26", "WNC", "56.00", "105341266.80", "0.00", "105341266.80", "0.00",
         "105341266.80", "1925893.20"],
        ["2025/26", "Total", None, "188109405.00", "0.00", "188109405.00", "0.00",
         "188109405.00", "3439095.00"],
        ["2026/27", "NNC", "44.00", "85936296.60", "0.00", "85936296.60", "0.00", "85936296.60",
         "1571123.40"],
        ["2026/27", "WNC", "56.00", "109373468.40", "0.00", "109373468.40", "0.00",
         "109373468.40", "1999611.60"],
        ["2026/27", "Total", None, "195309765.00", "0.00", "195309765.00", "0.00",
         "195309765.00", "3570735.00"],
    ]  # fmt: skip


def test_payments_due_and_made_per_council_and_month(nct, on_day):
    data = build(nct)
    assert not any(b["id"] == "payments-2024" for b in data["blocks"])  # the latest year's only
    found = block(data, "payments-2026")
    table = found["table"]["rows"]
    assert len(table) == 24
    assert table[0] == ["2026-04", "NNC", "Instalment 1", "7161358.05", "7161358.05", "0.00",
                        "Paid"]  # fmt: skip
    assert table[15:20] == [
        ["2026-11", "WNC", "Instalment 8", "9114455.70", "9114455.70", "0.00", "Paid"],
        ["2026-12", "NNC", "Instalment 9", "7161358.05", "0.00", "7161358.05", "Overdue"],
        ["2026-12", "WNC", "Instalment 9", "9114455.70", "9114455.70", "0.00", "Paid"],
        ["2027-01", "NNC", "Instalment 10", "7161358.05", "0.00", "0.00", "Not yet due"],
        ["2027-01", "WNC", "Instalment 10", "9114455.70", "0.00", "0.00", "Not yet due"],
    ]
    assert [r[6] for r in table] == ["Paid"] * 16 + ["Overdue", "Paid"] + ["Not yet due"] * 6
    assert found["figure"]["layout"]["barmode"] == "group"
    assert [t["name"] for t in found["figure"]["data"]] == ["NNC due", "NNC paid", "WNC due",
                                                            "WNC paid"]  # fmt: skip
    assert found["figure"]["data"][1]["y"][8] == "0.00"  # NNC's December not paid
    assert found["summary"] == (
        "In 2026/27 instalments of £195,309,765.00 fall due; £139,320,965.70 is paid and "
        "£7,161,358.05 of what has fallen due so far is outstanding."
    )
    # 2024/25 on its own page: the published contributions in twelve instalments, all paid
    published = rows(data, "instalments", data["pages"]["payments-2024"]["blocks"])
    assert published == [
        [f"{year}-{month:02d}", code, f"Instalment {n}", amount, amount, "0.00", "Paid"]
        for n, (year, month) in enumerate(
            [(2024, m) for m in range(4, 13)] + [(2025, m) for m in range(1, 4)], start=1
        )
        for code, amount in (("NNC", "6600330.00"), ("WNC", "8400420.00"))
    ]
    assert rows(data, "payment-position") == [
        ["2021/22", "NNC", "68115405.60", "68115405.60", "68115405.60", "0.00", "0.00"],
        ["2021/22", "WNC", "86692334.40", "86692334.40", "86692334.40", "0.00", "0.00"],
        ["2021/22", "Total", "154807740.00", "154807740.00", "154807740.00", "0.00", "0.00"],
        ["2022/23", "NNC", "71283564.00", "71283564.00", "71283564.00", "0.00", "0.00"],
        ["2022/23", "WNC", "90724536.00", "90724536.00", "90724536.00", "0.00", "0.00"],
        ["2022/23", "Total", "162008100.00", "162008100.00", "162008100.00", "0.00", "0.00"],
        ["2023/24", "NNC", "75243762.00", "75243762.00", "75243762.00", "0.00", "0.00"],
        ["2023/24", "WNC", "95764788.00", "95764788.00", "95764788.00", "0.00", "0.00"],
        ["2023/24", "Total", "171008550.00", "171008550.00", "171008550.00", "0.00", "0.00"],
        ["2024/25", "NNC", "79203960.00", "79203960.00", "79203960.00", "0.00", "0.00"],
        ["2024/25", "WNC", "100805040.00", "100805040.00", "100805040.00", "0.00", "0.00"],
        ["2024/25", "Total", "180009000.00", "180009000.00", "180009000.00", "0.00", "0.00"],
        ["2025/26", "NNC", "82768138.20", "82768138.20", "82768138.20", "0.00", "0.00"],
        ["2025/26", "WNC", "105341266.80", "105341266.80", "105341266.80", "0.00", "0.00"],
        ["2025/26", "Total", "188109405.00", "188109405.00", "188109405.00", "0.00", "0.00"],
        ["2026/27", "NNC", "85936296.60", "64452222.45", "57290864.40", "7161358.05",
         "28645432.20"],
        ["2026/27", "WNC", "109373468.40", "82030101.30", "82030101.30", "0.00", "27343367.10"],
        ["2026/27", "Total", "195309765.00", "146482323.75", "139320965.70", "7161358.05",
         "55988799.30"],
    ]  # fmt: skip
    assert block(data, "payment-position")["title"] == "Payments due and made to 7 December 2026"


def test_forecast_outturn_against_budget_from_the_latest_approved_month(nct, on_day):
    found = block(build(nct), "budget")
    assert found["title"] == "Forecast outturn against budget, October 2026"  # not November
    assert found["table"]["rows"] == [
        ["Placements", "97654882.50", "56287640.37", "99415926.00", "1761043.50", "1.8",
         "Overspend of £1,761,043.50 (1.8% of budget)"],
        ["Staffing", "58592929.50", "34689637.51", "58227700.00", "-365229.50", "-0.6",
         "Underspend of £365,229.50 (0.6% of budget)"],
        ["Children's homes", "9765488.25", "5547716.01", "9733262.00", "-32226.25", "-0.3",
         "Underspend of £32,226.25 (0.3% of budget)"],
        ["Adoption", "2929646.48", "1758040.97", "2931697.00", "2050.52", "0.1",
         "Overspend of £2,050.52 (0.1% of budget)"],
        ["Other", "26366818.27", "15445615.48", "26325510.00", "-41308.27", "-0.2",
         "Underspend of £41,308.27 (0.2% of budget)"],
        ["Total", "195309765.00", "113728650.34", "196634095.00", "1324330.00", "0.7",
         "Overspend of £1,324,330.00 (0.7% of budget)"],
    ]  # fmt: skip
    assert [t["name"] for t in found["figure"]["data"]] == ["Budget", "Forecast outturn"]
    # September 2024 (fixtures/budget_monitoring.json) as the same block shows it
    september = BudgetReturn.objects.get(arrangement=nct, period=date(2024, 9, 1))
    shown = dashboards.budget_chart(september)
    assert shown["title"] == "Forecast outturn against budget, September 2024"
    assert shown["table"]["rows"] == [
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


def test_each_councils_share_of_the_variance_is_the_budget_pages_own(nct, on_day):
    october = BudgetReturn.objects.get(arrangement=nct, period=date(2026, 10, 1))
    shares = budget.council_shares(october)
    assert rows(build(nct), "variance-shares") == [
        ["NNC", "44.00", "582705.20", "Overspend of £582,705.20"],
        ["WNC", "56.00", "741624.80", "Overspend of £741,624.80"],
        ["Total", None, "1324330.00", "Overspend of £1,324,330.00"],
    ]
    assert [str(s.amount) for s in shares.shares] == ["582705.20", "741624.80"]
    assert D("582705.20") + D("741624.80") == D("1324330.00")
    # September 2024's, by the published 2024/25 split
    september = BudgetReturn.objects.get(arrangement=nct, period=date(2024, 9, 1))
    assert dashboards.variance_shares_block(september)["table"]["rows"] == [
        ["NNC", "44.00", "676797.88", "Overspend of £676,797.88"],
        ["WNC", "56.00", "861379.12", "Overspend of £861,379.12"],
        ["Total", None, "1538177.00", "Overspend of £1,538,177.00"],
    ]
    assert [str(s.amount) for s in budget.council_shares(september).shares] == [
        "676797.88",
        "861379.12",
    ]
    assert D("676797.88") + D("861379.12") == D("1538177.00")


def test_the_pack_has_a_finance_summary_for_each_agreed_year(nct, on_day):
    data = build(nct)
    assert set(data["pack"]["by_year"]) == {"2021", "2022", "2023", "2024", "2025", "2026"}
    pack = data["pack"]["by_year"]["2024"]
    assert [b["id"] for b in pack] == ["contract-sum", "contributions", "budget", "variance-shares"]
    assert rows(data, "contract-sum", pack)[0][5] == "180009000.00"
    assert block(data, "contract-sum", pack)["summary"] == (
        "The 2024/25 contract sum is £180,009,000.00, with a Block 3 provision of £3,291,000.00."
    )
    assert rows(data, "contributions", pack) == [
        ["NNC", "44.00", "79203960.00", "79203960.00", "79203960.00", "0.00"],
        ["WNC", "56.00", "100805040.00", "100805040.00", "100805040.00", "0.00"],
        ["Total", None, "180009000.00", "180009000.00", "180009000.00", "0.00"],
    ]
    # 2024/25's latest approved month, March 2025, carries October 2024's forecast on
    assert block(data, "budget", pack)["title"] == "Forecast outturn against budget, March 2025"
    assert rows(data, "budget", pack)[-1][4] == "1602079.00"
    assert rows(data, "variance-shares", pack)[0][2] == "704914.76"
    # A month of an agreed year takes its own blocks, as at its end: November 2024's forecast,
    # not March 2025's, and what was paid by 30 November 2024.
    november = figures.pack_blocks(data, month="2024-11", financial_year=2024)
    assert november == data["pack"]["by_month"]["2024-11"] != pack
    assert block(data, "budget", november)["title"] == (
        "Forecast outturn against budget, November 2024"
    )
    paid = ["Total", None, "180009000.00", "120006000.00", "120006000.00", "0.00"]
    assert rows(data, "contributions", november)[-1] == paid
    assert (
        figures.pack_blocks(data, month="2023-11", financial_year=2023)
        == (data["pack"]["by_month"]["2023-11"])
    )
    assert block(data, "budget", data["pack"]["by_month"]["2023-11"])["title"] == (
        "Forecast outturn against budget, November 2023"
    )
    # Block 3 as the board's approvals had drawn it by the month's end (April, June and
    # September 2024's meetings).
    block3 = {
        month: data["pack"]["by_month"][month][0]["headline"][2] for month in ("2024-08", "2024-11")
    }
    assert block3 == {
        "2024-08": [
            "Block 3 remaining, 2024/25, at 31 August 2024",
            "£1,141,000.00 of the £3,291,000.00 provision not yet committed",
        ],
        "2024-11": [
            "Block 3 remaining, 2024/25, at 30 November 2024",
            "£376,000.00 of the £3,291,000.00 provision not yet committed",
        ],
    }
    assert figures.pack_blocks(data, month="2020-11", financial_year=2020) == []
    current = data["pack"]["by_year"]["2026"]
    assert rows(data, "contributions", current)[0] == [
        "NNC", "44.00", "85936296.60", "64452222.45", "57290864.40", "7161358.05"
    ]  # fmt: skip
    assert block(data, "budget", current)["title"] == (
        "Forecast outturn against budget, October 2026"
    )
