"""The finance dashboard on the demo's known figures (fixtures/contracts.json and
fixtures/budget_monitoring.json): 2024/25 agreed at £180,009,000.00 split 56/44, WNC's twelve
instalments and NNC's first eleven paid, budget monitoring approved April to September 2024 and
October submitted; 2025/26 a draft rolled over from it. And every change the dashboard shows
queues a recompute."""

import json
from datetime import date
from decimal import Decimal as D
from unittest import mock

import pytest

from contracts import dashboards
from contracts.models import BudgetReturn, ContractYear, FundingLine, Variation
from contracts.services import budget, payments
from contracts.services import variations as variation_services
from contracts.services import years as year_services
from trust_portal.accounts.models import Arrangement, Organisation
from trust_portal.dashboards import figures
from trust_portal.dashboards.registry import builders

WNC_MONTHLY, NNC_MONTHLY = D("8400420.00"), D("6600330.00")


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def year(nct):
    return ContractYear.objects.get(arrangement=nct, financial_year=2024)


@pytest.fixture
def draft(nct):
    return ContractYear.objects.get(arrangement=nct, financial_year=2025)


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


def build(nct):
    data = dashboards.build_finance(nct)
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


def test_the_snapshot_is_plain_json_the_pages_can_show(nct, on_day):
    data = build(nct)
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


def test_an_arrangement_with_no_agreed_year_or_approved_month_says_so(cast):
    oct_ = Arrangement.objects.get(trust__code="OCT")
    data = build(oct_)
    assert [(b["kind"], b["id"]) for b in data["blocks"]] == [("note", "no-years"),
                                                              ("note", "budget")]  # fmt: skip
    assert data["pack"]["by_year"] == {}


# --- Contract sum, split and contributions ---------------------------------------------------


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


def test_the_split_keeps_the_recorded_percentages(nct, on_day):
    assert rows(build(nct), "split")[0][:3] == ["2024/25", "44.00", "56.00"]


def test_each_councils_contribution_and_the_totals_add_up_exactly(nct, on_day):
    assert rows(build(nct), "contributions") == [
        ["2024/25", "NNC", "44.00", "79203960.00", "0.00", "79203960.00", "584000.00",
         "78619960.00", "1448040.00"],
        ["2024/25", "WNC", "56.00", "100805040.00", "0.00", "100805040.00", "738000.00",
         "100067040.00", "1842960.00"],
        ["2024/25", "Total", None, "180009000.00", "0.00", "180009000.00", "1322000.00",
         "178687000.00", "3291000.00"],
    ]  # fmt: skip


def test_a_passported_grant_adds_to_that_councils_contribution_only(cast, nct, year, on_day):
    year_services.grant_save(by=cast["wnc-officer"], contract_year=year, reason="Grant passed on",
                        council=Organisation.objects.get(code="WNC"),
                        name="Staying Put grant", amount="12,345.67")  # fmt: skip
    found = block(build(nct), "contributions")
    assert column(found, "grants") == ["0.00", "12345.67", "12345.67"]
    assert column(found, "contribution") == ["79203960.00", "100817385.67", "180021345.67"]


def test_a_draft_year_is_left_out(nct, draft, on_day):
    assert draft.state == ContractYear.State.DRAFT
    data = build(nct)
    text = json.dumps(data)
    assert "2025/26" not in text
    assert "payments-2025" not in data["pages"]
    assert "2025" not in data["pack"]["by_year"]


def test_a_year_once_agreed_joins_the_chart_and_its_split(cast, nct, draft, on_day):
    year_services.contract_year_agree(
        by=cast["admin"], contract_year=draft, agreed_on=date(2025, 3, 20)
    )
    data = build(nct)
    assert data["period"] == "2025/26"
    # The rollover carried the recurring lines: Block 1 and Block 2's recurring line.
    assert rows(data, "contract-sum")[1] == [
        "2025/26", "177429000.00", "217000.00", "0.00", "0.00", "177646000.00", "177646000.00"
    ]  # fmt: skip
    assert rows(data, "contributions")[3:] == [
        ["2025/26", "NNC", "44.00", "78164240.00", "0.00", "78164240.00", "0.00",
         "78164240.00", "0.00"],
        ["2025/26", "WNC", "56.00", "99481760.00", "0.00", "99481760.00", "0.00",
         "99481760.00", "0.00"],
        ["2025/26", "Total", None, "177646000.00", "0.00", "177646000.00", "0.00",
         "177646000.00", "0.00"],
    ]  # fmt: skip
    assert block(data, "payments-2025")["kind"] == "chart"  # the latest agreed year's chart
    assert "payments-2024" not in [b["id"] for b in data["blocks"]]
    assert set(data["pages"]) == {"payments-2024", "payments-2025"}


def test_a_variation_changes_the_figures_once_approved_not_before(cast, nct, year, on_day):
    core = year.lines.get(block=FundingLine.Block.CORE)
    variation = variation_services.variation_request(
        by=cast["wnc-officer"], contract_year=year, kind=Variation.Kind.CHANGE_LINE, line=core,
        amount="177,429,100.00", reason="Pay award",
    )  # fmt: skip
    assert rows(build(nct), "contract-sum")[0][1] == "177429000.00"
    variation_services.variation_approve(
        by=cast["admin"], variation=variation, decision_date=date(2025, 1, 9)
    )
    data = build(nct)
    assert rows(data, "contract-sum")[0][5] == "180009100.00"
    # £100.00 more split 56/44: to the penny, adding up.
    assert column(block(data, "contributions"), "share") == ["79204004.00", "100805096.00",
                                                             "180009100.00"]  # fmt: skip


# --- Payments --------------------------------------------------------------------------------


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


def test_payments_made_before_they_fall_due_show_as_paid_ahead(nct, on_day):
    on_day(date(2024, 10, 15))  # April to October due; NNC paid to February
    data = build(nct)
    nnc = rows(data, "payment-position")[0]
    assert nnc == ["2024/25", "NNC", "79203960.00", str(NNC_MONTHLY * 7), "72603630.00",
                   "-26401320.00", "6600330.00"]  # fmt: skip
    instalments = rows(data, "instalments", data["pages"]["payments-2024"]["blocks"])
    nnc_rows = [r for r in instalments if r[1] == "NNC"]
    assert [r[6] for r in nnc_rows] == ["Paid"] * 7 + ["Paid ahead"] * 4 + ["Not yet due"]
    assert sum(D(r[5]) for r in nnc_rows) == D("-26401320.00")


def test_the_payments_page_is_a_range_page_of_months(nct, on_day):
    page = build(nct)["pages"]["payments-2024"]
    assert page["range"] is True
    assert page["blocks"][0]["table"]["columns"][0]["kind"] == "month"


def test_a_recorded_payment_is_shown(cast, nct, year, on_day):
    last = year.instalments.get(council__code="NNC", number=12)
    payments.instalment_record_payment(by=cast["nnc-officer"], instalment=last,
                                       paid_on=date(2025, 3, 3), reference="BACS 1")  # fmt: skip
    assert rows(build(nct), "payment-position")[-1][4:6] == ["180009000.00", "0.00"]


# --- Budget monitoring -----------------------------------------------------------------------


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


def test_a_month_is_used_only_once_approved(cast, nct, on_day):
    october = BudgetReturn.objects.get(arrangement=nct, period=date(2024, 10, 1))
    assert block(build(nct), "budget")["title"].endswith("September 2024")
    for who in ("wnc-officer", "nnc-officer"):
        budget.budget_return_approve(by=cast[who], budget_return=october)
    assert block(build(nct), "budget")["title"].endswith("October 2024")


def test_with_no_agreed_split_the_variance_is_not_split_and_says_why(cast, nct, year, on_day):
    year.shares.all().delete()
    found = block(build(nct), "variance-shares")
    assert found["kind"] == "note"
    assert (
        found["text"]
        == budget.council_shares(
            BudgetReturn.objects.get(arrangement=nct, period=date(2024, 9, 1))
        ).problem
    )


# --- The scrutiny pack -----------------------------------------------------------------------


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


# --- Every change the dashboard shows queues a recompute -------------------------------------


@pytest.fixture
def queued():
    # The contract year's writes and the payment schedule's both queue it: one mock for both.
    patched = mock.MagicMock()
    with (
        mock.patch("contracts.services.years.snapshot_queue_recompute", patched),
        mock.patch("contracts.services.payments.snapshot_queue_recompute", patched),
    ):
        yield patched


def assert_queued_for(patched, arrangement):
    assert patched.called
    assert all(c.kwargs == {"arrangement": arrangement} for c in patched.call_args_list)


def test_recording_and_undoing_a_payment_queue_a_recompute(cast, nct, year, queued):
    last = year.instalments.get(council__code="NNC", number=12)
    payments.instalment_record_payment(by=cast["nnc-officer"], instalment=last,
                                       paid_on=date(2025, 3, 3), reference="BACS 1")  # fmt: skip
    assert_queued_for(queued, nct)
    queued.reset_mock()
    payments.instalment_undo_payment(by=cast["nnc-officer"], instalment=last, reason="Error")
    assert_queued_for(queued, nct)


def test_approving_a_variation_queues_a_recompute(cast, nct, year, queued):
    core = year.lines.get(block=FundingLine.Block.CORE)
    variation = variation_services.variation_request(
        by=cast["wnc-officer"], contract_year=year, kind=Variation.Kind.CHANGE_LINE, line=core,
        amount="177,429,100.00", reason="Pay award",
    )  # fmt: skip
    assert not queued.called  # a request changes nothing shown
    variation_services.variation_approve(
        by=cast["admin"], variation=variation, decision_date=date(2025, 1, 9)
    )
    assert_queued_for(queued, nct)


def test_agreeing_a_year_queues_a_recompute(cast, nct, draft, queued):
    year_services.contract_year_agree(
        by=cast["admin"], contract_year=draft, agreed_on=date(2025, 3, 20)
    )
    assert_queued_for(queued, nct)


def test_grants_and_adjustments_queue_a_recompute(cast, nct, year, queued):
    wnc = Organisation.objects.get(code="WNC")
    grant = year_services.grant_save(by=cast["wnc-officer"], contract_year=year, reason="Grant",
                                council=wnc, name="Staying Put grant", amount="100.00")  # fmt: skip
    assert_queued_for(queued, nct)
    queued.reset_mock()
    year_services.grant_remove(by=cast["wnc-officer"], grant=grant, reason="Entered twice")
    assert_queued_for(queued, nct)
    queued.reset_mock()
    adjustment = year_services.adjustment_save(by=cast["wnc-officer"], contract_year=year,
                                          reason="Returned", council=wnc, name="Refund",
                                          amount="50.00")  # fmt: skip
    assert_queued_for(queued, nct)
    queued.reset_mock()
    year_services.adjustment_remove(by=cast["wnc-officer"], adjustment=adjustment, reason="Error")
    assert_queued_for(queued, nct)


def test_approving_budget_monitoring_queues_a_recompute_once_approved(cast, nct):
    october = BudgetReturn.objects.get(arrangement=nct, period=date(2024, 10, 1))
    with mock.patch("contracts.services.budget.snapshot_queue_recompute") as patched:
        budget.budget_return_approve(by=cast["wnc-officer"], budget_return=october)
        assert not patched.called  # one council of two: not approved yet
        budget.budget_return_approve(by=cast["nnc-officer"], budget_return=october)
    assert_queued_for(patched, nct)
