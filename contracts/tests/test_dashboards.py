"""The finance dashboard on figures of the test's own, built through the services in a world of
its own (the root ``world``: a trust and two councils), not the demo's. The world's 2024/25
(``agreed_contract_year``): a contract sum of £1,500,000.00 (Block 1 £1,200,000.00, Block 2
£240,000.00 recurring and £60,000.00 not, a Block 3 provision of £100,000.00 outside it), split
60/40 between the first and the second council, a £12,000.00 grant passported to the second, a
£30,000.00 and a £20,000.00 adjustment, so instalments of £75,000.00 and £51,000.00 a month: the
first council's twelve and the second's first eleven paid. 2025/26 is a draft rolled over from
it. Budget monitoring: September 2024 approved, October 2024 submitted. And every change the
dashboard shows queues a recompute."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contracts import dashboards, pack
from contracts.models import (
    BudgetReturn,
    ContractYear,
    CostShare,
    FundingLine,
    Instalment,
    Variation,
)
from contracts.services import budget, payments
from contracts.services import variations as variation_services
from contracts.services import years as year_services
from contracts.tests.factories import agreed_contract_year
from trust_portal.dashboards import figures
from trust_portal.dashboards.registry import builders
from trust_portal.history import RecordedRows, as_recorded
from trust_portal.periods import months_of_financial_year

FIRST_MONTHLY, SECOND_MONTHLY = D("75000.00"), D("51000.00")  # 900,000.00 and 612,000.00 / 12


def lines(placements_forecast="630000.00"):
    """A month's budget monitoring: every variance known, the total £0.01 off a round figure so
    its split between the councils is to the penny."""
    typed = [
        # (category, budget, actual to date, forecast outturn)
        ("placements", "600000.00", "300000.00", placements_forecast),  # +30,000.00, 5.0%
        ("staffing", "500000.00", "240000.00", "490000.00"),  # -10,000.00, -2.0%
        ("childrens_homes", "200000.00", "100000.00", "203000.00"),  # +3,000.00, 1.5%
        ("adoption", "100000.00", "40000.00", "94000.00"),  # -6,000.00, -6.0%
        ("other", "100000.00", "50000.00", "100000.01"),  # +0.01, 0.0%
    ]
    return {
        category: {
            "budget": amount,
            "actual_to_date": actual,
            "forecast_outturn": forecast,
            "commentary": "Explained at the finance meeting.",
        }
        for category, amount, actual, forecast in typed
    }


def budget_month(people, arrangement, month, *, approve, placements_forecast="630000.00"):
    """A month of budget monitoring saved and submitted by the trust, approved by both councils'
    officers if ``approve``."""
    made = budget.budget_return_start(by=people["manager"], arrangement=arrangement, month=month)
    made.refresh_from_db()
    budget.budget_return_save(
        by=people["manager"],
        budget_return=made,
        expected_version=made.lock_version,
        lines=lines(placements_forecast),
    )
    budget.budget_return_submit(by=people["manager"], budget_return=made)
    if approve:
        for who in ("officer", "other-officer"):
            budget.budget_return_approve(by=people[who], budget_return=made)
    made.refresh_from_db()
    return made


@pytest.fixture
def cast(people):
    """The people these tests act as: the first council's officer, the second's, the admin."""
    return {"first-officer": people["officer"], "second-officer": people["other-officer"],
            "admin": people["admin"]}  # fmt: skip


@pytest.fixture
def codes(world):
    """The first council's code (60%, all twelve paid) and the second's (40%, eleven paid)."""
    return world.councils[0].code, world.councils[1].code


def listed(*council_rows, at=1):
    """Each council's row in the order the dashboard lists them: by council code (column
    ``at``)."""
    return sorted(council_rows, key=lambda row: row[at])


@pytest.fixture
def finances(world, people):
    """The world's arrangement with its agreed 2024/25, its draft 2025/26, September 2024's
    budget monitoring approved and October 2024's submitted."""
    agreed = agreed_contract_year(world, paid=(12, 11))
    year_services.contract_year_rollover(by=people["officer"], contract_year=agreed)
    budget_month(people, world.arrangement, date(2024, 9, 1), approve=True)
    budget_month(people, world.arrangement, date(2024, 10, 1), approve=False)
    return world.arrangement


@pytest.fixture
def year(finances):
    return ContractYear.objects.get(arrangement=finances, financial_year=2024)


@pytest.fixture
def draft(finances):
    return ContractYear.objects.get(arrangement=finances, financial_year=2025)


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


def column(found: dict, key: str) -> list:
    index = [c["key"] for c in found["table"]["columns"]].index(key)
    return [row[index] for row in found["table"]["rows"]]


def build(arrangement):
    data = dashboards.build_finance(arrangement)
    figures.check_snapshot(data)
    return data


# --- Registration and shape ------------------------------------------------------------------


def test_finance_and_transformation_are_registered_in_their_order():
    registered = builders()
    assert (registered["finance"].title, registered["finance"].order) == ("Finance", 30)
    assert registered["finance"].listed
    assert (registered["transformation"].title, registered["transformation"].order) == (
        "Transformation",
        40,
    )


def test_the_snapshot_is_plain_json_the_pages_can_show(finances, on_day):
    data = build(finances)
    assert data["title"] == "Finance"
    assert data["period"] == "2024/25"
    assert [b["id"] for b in data["blocks"]] == [
        "contract-sum",
        "split",
        "contributions",
        "payments-2024",
        "payment-position",
        "budget",
        "variance-shares",
    ]
    assert "float" not in json.dumps(data)  # no float sneaks into a table (check_snapshot too)


def test_an_arrangement_with_no_agreed_year_or_approved_month_says_so(arrangement):
    data = build(arrangement)  # the world's arrangement, with no contract year or monitoring
    assert [(b["kind"], b["id"]) for b in data["blocks"]] == [("note", "no-years"),
                                                              ("note", "budget")]  # fmt: skip
    assert data["pack"]["by_year"] == {}


# --- Contract sum, split and contributions ---------------------------------------------------


def test_the_contract_sum_is_shown_by_block_to_the_penny(finances, on_day):
    data = build(finances)
    found = block(data, "contract-sum")
    assert found["kind"] == "chart"
    assert found["table"]["rows"] == [
        ["2024/25", "1200000.00", "240000.00", "60000.00", "100000.00", "1500000.00",
         "1600000.00"]
    ]  # fmt: skip
    traces = found["figure"]["data"]
    assert [t["name"] for t in traces] == [label for _, label in dashboards.BLOCKS]
    assert [t["y"] for t in traces] == [["1200000.00"], ["240000.00"], ["60000.00"],
                                        ["100000.00"]]  # fmt: skip
    assert {t["marker"]["pattern"]["shape"] for t in traces} == {"", "/", "x", "."}
    assert "£1,500,000.00" in found["summary"]


def test_the_split_keeps_the_recorded_percentages(finances, codes, on_day):
    shares = dict(zip(codes, ["60.00", "40.00"], strict=True))
    assert rows(build(finances), "split")[0][:3] == ["2024/25", *(shares[c] for c in sorted(codes))]


def test_each_councils_contribution_and_the_totals_add_up_exactly(finances, codes, on_day):
    first, second = codes
    # Share of £1,500,000.00 at 60/40; the second council's £12,000.00 grant; adjustments
    # £30,000.00 and £20,000.00; the £100,000.00 Block 3 provision split 60/40.
    assert rows(build(finances), "contributions") == [
        *listed(
            ["2024/25", first, "60.00", "900000.00", "0.00", "900000.00", "30000.00",
             "870000.00", "60000.00"],
            ["2024/25", second, "40.00", "600000.00", "12000.00", "612000.00", "20000.00",
             "592000.00", "40000.00"],
        ),
        ["2024/25", "Total", None, "1500000.00", "12000.00", "1512000.00", "50000.00",
         "1462000.00", "100000.00"],
    ]  # fmt: skip


def test_a_passported_grant_adds_to_that_councils_contribution_only(
    world, cast, finances, codes, year, on_day
):
    first, second = codes
    year_services.grant_save(by=cast["first-officer"], contract_year=year, reason="Grant passed on",
                        council=world.councils[0],
                        name="Staying Put grant", amount="12,345.67")  # fmt: skip
    found = block(build(finances), "contributions")
    # The second council's own £12,000.00 grant is unchanged; the first's contribution grows
    # from £900,000.00 by £12,345.67.
    assert dict(zip(column(found, "council"), column(found, "grants"), strict=True)) == {
        first: "12345.67", second: "12000.00", "Total": "24345.67"
    }  # fmt: skip
    assert dict(zip(column(found, "council"), column(found, "contribution"), strict=True)) == {
        first: "912345.67", second: "612000.00", "Total": "1524345.67"
    }  # fmt: skip
    assert column(found, "council") == [*sorted(codes), "Total"]


def test_a_draft_year_is_left_out(finances, draft, on_day):
    assert draft.state == ContractYear.State.DRAFT
    data = build(finances)
    text = json.dumps(data)
    assert "2025/26" not in text
    assert "payments-2025" not in data["pages"]
    assert "2025" not in data["pack"]["by_year"]


def test_a_year_once_agreed_joins_the_chart_and_its_split(cast, finances, codes, draft, on_day):
    first, second = codes
    year_services.contract_year_agree(
        by=cast["admin"], contract_year=draft, agreed_on=date(2025, 3, 20)
    )
    data = build(finances)
    assert data["period"] == "2025/26"
    # The rollover carried the recurring lines: Block 1 and Block 2's recurring line.
    assert rows(data, "contract-sum")[1] == [
        "2025/26", "1200000.00", "240000.00", "0.00", "0.00", "1440000.00", "1440000.00"
    ]  # fmt: skip
    # £1,440,000.00 split 60/40; no grants or adjustments carried over.
    assert rows(data, "contributions")[3:] == [
        *listed(
            ["2025/26", first, "60.00", "864000.00", "0.00", "864000.00", "0.00",
             "864000.00", "0.00"],
            ["2025/26", second, "40.00", "576000.00", "0.00", "576000.00", "0.00",
             "576000.00", "0.00"],
        ),
        ["2025/26", "Total", None, "1440000.00", "0.00", "1440000.00", "0.00",
         "1440000.00", "0.00"],
    ]  # fmt: skip
    assert block(data, "payments-2025")["kind"] == "chart"  # the latest agreed year's chart
    assert "payments-2024" not in [b["id"] for b in data["blocks"]]
    assert set(data["pages"]) == {"payments-2024", "payments-2025"}


def test_a_variation_changes_the_figures_once_approved_not_before(
    cast, finances, codes, year, on_day
):
    first, second = codes
    core = year.lines.get(block=FundingLine.Block.CORE)
    variation = variation_services.variation_request(
        by=cast["first-officer"], contract_year=year, kind=Variation.Kind.CHANGE_LINE, line=core,
        amount="1,200,000.01", reason="Pay award",
    )  # fmt: skip
    assert rows(build(finances), "contract-sum")[0][1] == "1200000.00"
    variation_services.variation_approve(
        by=cast["admin"], variation=variation, decision_date=date(2025, 1, 9)
    )
    data = build(finances)
    assert rows(data, "contract-sum")[0][5] == "1500000.01"
    # £0.01 more split 60/40: to the penny, adding up. (150,000,001 pence: 90,000,000.6 and
    # 60,000,000.4; the largest remainder, the first council's, gets the penny.)
    found = block(data, "contributions")
    assert dict(zip(column(found, "council"), column(found, "share"), strict=True)) == {
        first: "900000.01", second: "600000.00", "Total": "1500000.01"
    }  # fmt: skip
    assert column(found, "council") == [*sorted(codes), "Total"]


# --- Payments --------------------------------------------------------------------------------


def test_payments_due_and_made_per_council_and_month(finances, codes, on_day):
    first, second = codes
    data = build(finances)
    found = block(data, "payments-2024")
    table = found["table"]["rows"]
    assert len(table) == 24
    assert (
        table[0]
        == listed(
            ["2024-04", first, "Instalment 1", "75000.00", "75000.00", "0.00", "Paid"],
            ["2024-04", second, "Instalment 1", "51000.00", "51000.00", "0.00", "Paid"],
        )[0]
    )
    assert table[-2:] == listed(
        ["2025-03", second, "Instalment 12", "51000.00", "0.00", "51000.00", "Overdue"],
        ["2025-03", first, "Instalment 12", "75000.00", "75000.00", "0.00", "Paid"],
    )
    assert found["figure"]["layout"]["barmode"] == "group"
    low, high = sorted(codes)
    assert [t["name"] for t in found["figure"]["data"]] == [
        f"{low} due", f"{low} paid", f"{high} due", f"{high} paid"
    ]  # fmt: skip
    traces = {t["name"]: t for t in found["figure"]["data"]}
    assert traces[f"{second} paid"]["y"][-1] == "0.00"  # the second council's March not paid
    # Due: £1,512,000.00; paid: all of it but the second council's March (£51,000.00).
    assert found["summary"] == (
        "In 2024/25 instalments of £1,512,000.00 fall due; £1,461,000.00 is paid and "
        "£51,000.00 of what has fallen due so far is outstanding."
    )
    assert rows(data, "payment-position") == [
        *listed(
            ["2024/25", first, "900000.00", "900000.00", "900000.00", "0.00", "0.00"],
            ["2024/25", second, "612000.00", "612000.00", "561000.00", "51000.00",
             "51000.00"],
        ),
        ["2024/25", "Total", "1512000.00", "1512000.00", "1461000.00", "51000.00",
         "51000.00"],
    ]  # fmt: skip


def test_payments_made_before_they_fall_due_show_as_paid_ahead(finances, codes, on_day):
    first, second = codes
    on_day(date(2024, 10, 15))  # April to October due; the second council paid to February
    data = build(finances)
    (position,) = [r for r in rows(data, "payment-position") if r[1] == second]
    # Seven instalments due, eleven (£561,000.00) paid: £204,000.00 paid ahead.
    assert position == ["2024/25", second, "612000.00", str(SECOND_MONTHLY * 7), "561000.00",
                        "-204000.00", "51000.00"]  # fmt: skip
    instalments = rows(data, "instalments", data["pages"]["payments-2024"]["blocks"])
    second_rows = [r for r in instalments if r[1] == second]
    assert [r[6] for r in second_rows] == ["Paid"] * 7 + ["Paid ahead"] * 4 + ["Not yet due"]
    assert sum(D(r[5]) for r in second_rows) == D("-204000.00")


def test_the_payments_page_is_a_range_page_of_months(finances, on_day):
    page = build(finances)["pages"]["payments-2024"]
    assert page["range"] is True
    assert page["blocks"][0]["table"]["columns"][0]["kind"] == "month"


def test_a_recorded_payment_is_shown(world, cast, finances, year, on_day):
    last = year.instalments.get(council=world.councils[1], number=12)
    payments.instalment_record_payment(by=cast["second-officer"], instalment=last,
                                       paid_on=date(2025, 3, 3), reference="BACS 1")  # fmt: skip
    assert rows(build(finances), "payment-position")[-1][4:6] == ["1512000.00", "0.00"]


# --- Budget monitoring -----------------------------------------------------------------------


def test_forecast_outturn_against_budget_from_the_latest_approved_month(finances, on_day):
    found = block(build(finances), "budget")
    assert found["title"] == "Forecast outturn against budget, September 2024"  # not October
    assert found["table"]["rows"] == [
        ["Placements", "600000.00", "300000.00", "630000.00", "30000.00", "5.0",
         "Overspend of £30,000.00 (5.0% of budget)"],
        ["Staffing", "500000.00", "240000.00", "490000.00", "-10000.00", "-2.0",
         "Underspend of £10,000.00 (2.0% of budget)"],
        ["Children's homes", "200000.00", "100000.00", "203000.00", "3000.00", "1.5",
         "Overspend of £3,000.00 (1.5% of budget)"],
        ["Adoption", "100000.00", "40000.00", "94000.00", "-6000.00", "-6.0",
         "Underspend of £6,000.00 (6.0% of budget)"],
        ["Other", "100000.00", "50000.00", "100000.01", "0.01", "0.0",
         "Overspend of £0.01 (0.0% of budget)"],
        ["Total", "1500000.00", "730000.00", "1517000.01", "17000.01", "1.1",
         "Overspend of £17,000.01 (1.1% of budget)"],
    ]  # fmt: skip
    assert [t["name"] for t in found["figure"]["data"]] == ["Budget", "Forecast outturn"]


def test_each_councils_share_of_the_variance_is_the_budget_pages_own(finances, codes, on_day):
    first, second = codes
    september = BudgetReturn.objects.get(arrangement=finances, period=date(2024, 9, 1))
    shares = budget.council_shares(september)
    # £17,000.01 split 60/40: 1,700,001 pence gives 1,020,000.6 and 680,000.4; the penny goes
    # to the largest remainder, the first council's.
    assert rows(build(finances), "variance-shares") == [
        *listed(
            [first, "60.00", "10200.01", "Overspend of £10,200.01"],
            [second, "40.00", "6800.00", "Overspend of £6,800.00"],
            at=0,
        ),
        ["Total", None, "17000.01", "Overspend of £17,000.01"],
    ]
    assert [(s.code, str(s.amount)) for s in shares.shares] == listed(
        (first, "10200.01"), (second, "6800.00"), at=0
    )
    assert D("10200.01") + D("6800.00") == D("17000.01")


def test_a_month_is_used_only_once_approved(cast, finances, on_day):
    october = BudgetReturn.objects.get(arrangement=finances, period=date(2024, 10, 1))
    assert block(build(finances), "budget")["title"].endswith("September 2024")
    for who in ("first-officer", "second-officer"):
        budget.budget_return_approve(by=cast[who], budget_return=october)
    assert block(build(finances), "budget")["title"].endswith("October 2024")


def test_with_no_agreed_split_the_variance_is_not_split_and_says_why(finances, year, on_day):
    year.shares.all().delete()
    found = block(build(finances), "variance-shares")
    assert found["kind"] == "note"
    assert (
        found["text"]
        == budget.council_shares(
            BudgetReturn.objects.get(arrangement=finances, period=date(2024, 9, 1))
        ).problem
    )


# --- The scrutiny pack -----------------------------------------------------------------------


def test_the_pack_has_a_finance_summary_for_each_agreed_year(finances, codes, on_day):
    first, second = codes
    data = build(finances)
    assert set(data["pack"]["by_year"]) == {"2024"}
    pack = data["pack"]["by_year"]["2024"]
    assert [b["id"] for b in pack] == ["contract-sum", "contributions", "budget", "variance-shares"]
    assert rows(data, "contract-sum", pack)[0][5] == "1500000.00"
    assert rows(data, "contributions", pack) == [
        *listed(
            [first, "60.00", "900000.00", "900000.00", "900000.00", "0.00"],
            [second, "40.00", "612000.00", "612000.00", "561000.00", "51000.00"],
            at=0,
        ),
        ["Total", None, "1512000.00", "1512000.00", "1461000.00", "51000.00"],
    ]
    assert rows(data, "budget", pack)[-1][4] == "17000.01"
    assert [r[2] for r in rows(data, "variance-shares", pack)] == [
        *(amount for _, amount in listed((first, "10200.01"), (second, "6800.00"), at=0)),
        "17000.01",
    ]
    # A month of an agreed year takes the month's own blocks (below); the year's are for a
    # month the snapshot has none for.
    assert (
        figures.pack_blocks(data, month="2024-11", financial_year=2024)
        == (data["pack"]["by_month"]["2024-11"])
    )
    assert figures.pack_blocks(data, month="2024-11", financial_year=2024) != pack
    assert figures.pack_blocks(data, month="2023-11", financial_year=2023) == []


@pytest.fixture
def by_month(finances, people, codes, on_day):
    """The pack's months of 2024/25 when November's forecast is £20,000.00 higher than
    September's and the second council paid October's instalment only on 5 November."""
    budget_month(people, finances, date(2024, 11, 1), approve=True, placements_forecast="650000.00")
    late = Instalment.objects.filter(
        contract_year__arrangement=finances, council__code=codes[1], due_on=date(2024, 10, 1)
    )
    assert late.update(paid_on=date(2024, 11, 5)) == 1
    return build(finances)["pack"]["by_month"]


def test_the_packs_finance_is_as_at_the_end_of_its_month(by_month, codes):
    """A later month's forecast never reaches an earlier month's pack, and a payment counts
    from the day it was paid."""
    first, second = codes
    assert set(by_month) == {f"{m:%Y-%m}" for m in months_of_financial_year(2024)}
    august, october, december = by_month["2024-08"], by_month["2024-10"], by_month["2024-12"]
    assert [b["id"] for b in august] == ["contract-sum", "contributions", "budget"]
    assert august[2]["text"] == "No budget monitoring for 2024/25 was approved up to August 2024."
    assert [b["id"] for b in october] == [
        "contract-sum",
        "contributions",
        "budget",
        "variance-shares",
    ]
    assert block(None, "budget", october)["title"] == (
        "Forecast outturn against budget, September 2024"
    )
    assert rows(None, "budget", october)[-1][4] == "17000.01"
    assert block(None, "budget", december)["title"] == (
        "Forecast outturn against budget, November 2024"
    )
    assert rows(None, "budget", december)[-1][4] == "37000.01"
    # Instalments are paid on the first of each month, April to October by 31 October, but
    # the second council's October one only in November.
    assert rows(None, "contributions", october) == [
        *listed(
            [first, "60.00", "900000.00", "525000.00", "525000.00", "0.00"],
            [second, "40.00", "612000.00", "357000.00", "306000.00", "51000.00"],
            at=0,
        ),
        ["Total", None, "1512000.00", "882000.00", "831000.00", "51000.00"],
    ]
    assert rows(None, "contributions", by_month["2024-11"])[-1] == [
        "Total",
        None,
        "1512000.00",
        "1008000.00",
        "1008000.00",
        "0.00",
    ]
    assert "November 2024" not in json.dumps(october)


def test_the_packs_money_headline_is_its_months(by_month, world, codes):
    first, second = codes
    october = by_month["2024-10"]
    by_code = sorted(world.councils, key=lambda council: council.code)
    amounts = dict(listed((first, "£10,200.01"), (second, "£6,800.00"), at=0))
    shares = "; ".join(f"{c.name}: overspend of {amounts[c.code]}" for c in by_code)
    assert october[0]["headline"] == [
        [
            "Forecast outturn (budget monitoring, September 2024)",
            "£1,517,000.01 against the contract sum of £1,500,000.00: £17,000.01 above it",
        ],
        ["Each council's share of the variance", shares],
        [
            "Block 3 remaining, 2024/25, at 31 October 2024",
            "£100,000.00 of the £100,000.00 provision not yet committed",
        ],
        ["Paid by the councils by 31 October 2024", "£831,000.00 of the £882,000.00 due"],
    ]


def when(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def varied(world, people, codes, on_day):
    """The pack's months of the world's 2024/25, made and agreed on 20 March 2024 (nothing paid),
    then varied on 12 November 2024: a £60,000.00 recurring Block 2 line and a £25,000.00
    Block 3 one added, and the split made 50/50. So a contract sum of £1,560,000.00, a Block 3
    provision of £125,000.00 and contributions of £780,000.00 and £792,000.00 (the grant), the
    unpaid schedule re-spread: £65,000.00 and £66,000.00 a month. (The clock ticks: each
    history record has its own moment, as in use.)"""
    with time_machine.travel(when(date(2024, 3, 20))):
        year = agreed_contract_year(world, paid=(0, 0))
    with time_machine.travel(when(date(2024, 11, 12))):
        asked = [
            variation_services.variation_request(
                by=people["officer"],
                contract_year=year,
                kind=Variation.Kind.ADD_LINE,
                reason="More placements agreed.",
                block=block,
                name=name,
                amount=amount,
                recurring=block == 2,
            )
            for block, name, amount in ((2, "Placements", "60000.00"), (3, "Reserve", "25000.00"))
        ]
        asked.append(
            variation_services.variation_request(
                by=people["officer"],
                contract_year=year,
                kind=Variation.Kind.SPLIT,
                reason="The councils agreed an even split.",
                shares=dict.fromkeys(codes, "50.00"),
                basis="Even",
            )
        )
        for variation in asked:
            variation_services.variation_approve(
                by=people["admin"], variation=variation, decision_date=date(2024, 11, 12)
            )
    return build(world.arrangement)["pack"]["by_month"]


def test_a_variation_approved_after_its_month_leaves_the_months_pack_as_it_was(varied, codes):
    """October's pack (ended before the variation) keeps the figures as agreed, to the penny;
    November's (after it) has the varied ones."""
    first, second = codes
    october, november = varied["2024-10"], varied["2024-11"]
    assert rows(None, "contract-sum", october)[0][1:] == [
        "1200000.00",
        "240000.00",
        "60000.00",
        "100000.00",
        "1500000.00",
        "1600000.00",
    ]
    assert block(None, "contract-sum", october)["summary"] == (
        "The 2024/25 contract sum is £1,500,000.00, with a Block 3 provision of £100,000.00."
    )
    assert rows(None, "contributions", october) == [
        *listed(
            [first, "60.00", "900000.00", "525000.00", "0.00", "525000.00"],
            [second, "40.00", "612000.00", "357000.00", "0.00", "357000.00"],
            at=0,
        ),
        ["Total", None, "1512000.00", "882000.00", "0.00", "882000.00"],
    ]
    assert october[0]["headline"][-2:] == [
        [
            "Block 3 remaining, 2024/25, at 31 October 2024",
            "£100,000.00 of the £100,000.00 provision not yet committed",
        ],
        ["Paid by the councils by 31 October 2024", "£0.00 of the £882,000.00 due"],
    ]
    assert rows(None, "contract-sum", november)[0][1:] == [
        "1200000.00",
        "300000.00",
        "60000.00",
        "125000.00",
        "1560000.00",
        "1685000.00",
    ]
    assert rows(None, "contributions", november) == [
        *listed(
            [first, "50.00", "780000.00", "520000.00", "0.00", "520000.00"],
            [second, "50.00", "792000.00", "528000.00", "0.00", "528000.00"],
            at=0,
        ),
        ["Total", None, "1572000.00", "1048000.00", "0.00", "1048000.00"],
    ]
    assert november[0]["headline"][-2:] == [
        [
            "Block 3 remaining, 2024/25, at 30 November 2024",
            "£125,000.00 of the £125,000.00 provision not yet committed",
        ],
        ["Paid by the councils by 30 November 2024", "£0.00 of the £1,048,000.00 due"],
    ]


# --- Read once, whatever the number of years and months --------------------------------------


def per_month(arrangement, day: date) -> dict:
    """The pack's months as each month read its own rows (as_recorded per month, a query for
    each budget month, split and schedule): what the builder gave before it read them once."""
    by_month = {}
    for year in dashboards.agreed_years(arrangement):
        agreed = pack.agreed_at(year)
        for month in months_of_financial_year(year.financial_year):
            if month <= day:
                moment = pack.as_at(month, agreed)
                by_month[f"{month:%Y-%m}"] = pack.month_blocks(arrangement, year, month, moment)
    return by_month


def test_the_packs_months_read_once_are_those_each_month_read_itself(world, varied):
    """The variation of 12 November 2024 reaches November's pack, not October's, exactly as
    when each month read its own history."""
    assert varied == json.loads(json.dumps(per_month(world.arrangement, date(2025, 4, 15))))
    assert rows(None, "contract-sum", varied["2024-10"])[0][5] == "1500000.00"
    assert rows(None, "contract-sum", varied["2024-11"])[0][5] == "1560000.00"


def queries_to_build(arrangement) -> int:
    with CaptureQueriesContext(connection) as queries:
        build(arrangement)
    return len(queries)


def test_the_builders_queries_do_not_grow_with_the_years(world, people, on_day):
    """One agreed year with a month of approved budget monitoring, then three: the same number
    of queries, every month of every year as at its end."""
    for financial_year in (2022, 2023, 2024):
        agreed_contract_year(world, financial_year=financial_year, paid=(12, 6))
        budget_month(people, world.arrangement, date(financial_year, 9, 1), approve=True)
        if financial_year == 2022:
            one_year = queries_to_build(world.arrangement)
    data = build(world.arrangement)
    assert len(data["pack"]["by_month"]) == 36
    assert queries_to_build(world.arrangement) == one_year
    assert one_year < 40


@pytest.fixture
def unusual(world, varied):
    """The varied year's history made harder to read: a row's two latest records at the same
    moment, a row deleted on 10 January 2025 and (but in the two-row split) a row whose history
    was never kept."""

    def make(model, figure: str):
        year = ContractYear.objects.get(arrangement=world.arrangement)
        tied, deleted, *others = model.objects.filter(contract_year=year)
        with time_machine.travel(when(date(2025, 1, 5))):
            setattr(tied, figure, getattr(tied, figure) + 1)
            tied.save()
        newer, older = tied.history.order_by("-history_date", "-history_id")[:2]
        tied.history.filter(history_id=newer.history_id).update(history_date=older.history_date)
        with time_machine.travel(when(date(2025, 1, 10))):
            deleted.delete()
        for untracked in others[-1:]:  # a split has only two rows
            untracked.history.all().delete()
        return year

    return make


@pytest.mark.parametrize(
    ("model", "figure"),
    [(FundingLine, "amount"), (CostShare, "percentage"), (Instalment, "amount")],
)
def test_recorded_rows_are_as_recorded_at_every_moment(unusual, model, figure):
    """Before, at and after each history record, the rows read once are the rows
    ``as_recorded`` reads, in its order."""
    year = unusual(model, figure)
    recorded = RecordedRows(model, by="contract_year_id", contract_year_id__in=[year.pk])
    tick = timedelta(microseconds=1)
    records = model.history.filter(contract_year=year)
    moments = {r.history_date + step for r in records for step in (-tick, tick * 0, tick)}
    assert len(moments) > 3

    def fields(rows):
        return [[getattr(row, f.attname) for f in model._meta.concrete_fields] for row in rows]

    for moment in sorted(moments):
        then = as_recorded(model, moment, contract_year_id=year.pk)
        assert fields(recorded.at(moment, year.pk)) == fields(then), moment


# --- Every change the dashboard shows queues a recompute -------------------------------------


@pytest.fixture
def queued(finances):
    # The contract year's writes and the payment schedule's both queue it: one mock for both.
    # (After the world's money is made, so only the test's own changes are counted.)
    patched = mock.MagicMock()
    with (
        mock.patch("contracts.services.years.snapshot_queue_recompute", patched),
        mock.patch("contracts.services.payments.snapshot_queue_recompute", patched),
    ):
        yield patched


def assert_queued_for(patched, arrangement):
    assert patched.called
    assert all(c.kwargs == {"arrangement": arrangement} for c in patched.call_args_list)


def test_recording_and_undoing_a_payment_queue_a_recompute(world, cast, finances, year, queued):
    last = year.instalments.get(council=world.councils[1], number=12)
    payments.instalment_record_payment(by=cast["second-officer"], instalment=last,
                                       paid_on=date(2025, 3, 3), reference="BACS 1")  # fmt: skip
    assert_queued_for(queued, finances)
    queued.reset_mock()
    payments.instalment_undo_payment(by=cast["second-officer"], instalment=last, reason="Error")
    assert_queued_for(queued, finances)


def test_approving_a_variation_queues_a_recompute(cast, finances, year, queued):
    core = year.lines.get(block=FundingLine.Block.CORE)
    variation = variation_services.variation_request(
        by=cast["first-officer"], contract_year=year, kind=Variation.Kind.CHANGE_LINE, line=core,
        amount="1,200,100.00", reason="Pay award",
    )  # fmt: skip
    assert not queued.called  # a request changes nothing shown
    variation_services.variation_approve(
        by=cast["admin"], variation=variation, decision_date=date(2025, 1, 9)
    )
    assert_queued_for(queued, finances)


def test_agreeing_a_year_queues_a_recompute(cast, finances, draft, queued):
    year_services.contract_year_agree(
        by=cast["admin"], contract_year=draft, agreed_on=date(2025, 3, 20)
    )
    assert_queued_for(queued, finances)


def test_grants_and_adjustments_queue_a_recompute(world, cast, finances, year, queued):
    council = world.councils[0]
    grant = year_services.grant_save(by=cast["first-officer"], contract_year=year, reason="Grant",
                                council=council, name="Staying Put grant",
                                amount="100.00")  # fmt: skip
    assert_queued_for(queued, finances)
    queued.reset_mock()
    year_services.grant_remove(by=cast["first-officer"], grant=grant, reason="Entered twice")
    assert_queued_for(queued, finances)
    queued.reset_mock()
    adjustment = year_services.adjustment_save(by=cast["first-officer"], contract_year=year,
                                          reason="Returned", council=council, name="Refund",
                                          amount="50.00")  # fmt: skip
    assert_queued_for(queued, finances)
    queued.reset_mock()
    year_services.adjustment_remove(by=cast["first-officer"], adjustment=adjustment,
                                    reason="Error")  # fmt: skip
    assert_queued_for(queued, finances)


def test_approving_budget_monitoring_queues_a_recompute_once_approved(cast, finances):
    october = BudgetReturn.objects.get(arrangement=finances, period=date(2024, 10, 1))
    with mock.patch("contracts.services.budget.snapshot_queue_recompute") as patched:
        budget.budget_return_approve(by=cast["first-officer"], budget_return=october)
        assert not patched.called  # one council of two: not approved yet
        budget.budget_return_approve(by=cast["second-officer"], budget_return=october)
    assert_queued_for(patched, finances)
