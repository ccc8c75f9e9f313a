"""The demo's budget monitoring: its months, its figures to the penny (the October 2024
variance and each council's share of it by the agreed split), how it was made, and loading it
again. Everything else about budget monitoring is tested on factories in test_budget.py."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from contracts import money
from contracts.models import BudgetLine, BudgetReturn, ContractYear
from contracts.services import budget
from trust_portal.accounts.models import Arrangement
from trust_portal.approvals.models import Event, State

D = Decimal


def demo(month: str, revision=1) -> BudgetReturn:
    return BudgetReturn.objects.get(
        arrangement__trust__code="NCT", period=date.fromisoformat(month + "-01"), revision=revision
    )


def test_the_demo_october_2024_variance_to_the_penny(cast):
    table = budget.variance_rows(demo("2024-10"))
    rows = {row.category: row for row in table.rows}
    assert rows["placements"].variance == D("2880144.00")
    assert rows["placements"].variance_percent == D("3.2")
    assert rows["staffing"].variance == D("-1134057.00")
    assert rows["adoption"].variance_percent == D("-6.4")
    assert table.total.budget == D("180009000.00")
    assert table.total.forecast_outturn == D("181611079.00")
    assert table.total.variance == D("1602079.00")
    assert table.total.actual_to_date == sum(row.actual_to_date for row in table.rows)


def test_the_demo_october_2024_overspend_falls_to_each_council_by_the_agreed_split(cast):
    shares = budget.council_shares(demo("2024-10"))
    assert shares.problem == ""
    assert (shares.label, shares.direction) == ("2024/25", "overspend")
    by_council = {s.code: (s.percentage, s.amount) for s in shares.shares}
    assert by_council == {
        "NNC": (D("44.00"), D("704914.76")),
        "WNC": (D("56.00"), D("897164.24")),
    }
    assert sum(s.amount for s in shares.shares) == shares.variance == D("1602079.00")


def test_the_demo_has_every_month_to_october_2026_approved_and_november_submitted(cast):
    # From the trust's launch (April 2021) to the last complete month before the pinned day
    # (7 December 2026): the fixture's April to October 2024 among them, all approved, and
    # November 2026 submitted, awaiting both councils.
    months = BudgetReturn.objects.filter(arrangement__trust__code="NCT").order_by("period")
    expected = [
        (f"{year}-{month:02d}", State.APPROVED)
        for year in range(2021, 2027)
        for month in range(1, 13)
        if date(2021, 4, 1) <= date(year, month, 1) <= date(2026, 10, 1)
    ]
    assert [(f"{m.period:%Y-%m}", m.state) for m in months] == [
        *expected,
        ("2026-11", State.SUBMITTED),
    ]
    assert len(expected) == 67
    assert all(m.lines.count() == 5 for m in months)
    assert all(m.revision == 1 for m in months)


def test_the_demo_budgets_are_the_reports_spend_mix_of_the_contract_sum(cast):
    october = demo("2024-10")
    budgets = {line.category: line.budget for line in october.lines.all()}
    assert budgets == {
        "placements": D("90004500.00"),  # 50%, paragraph 4.8
        "staffing": D("54002700.00"),  # 30%
        "childrens_homes": D("9000450.00"),  # 5.0% (synthetic part of 6.5%)
        "adoption": D("2700135.00"),  # 1.5% (synthetic)
        "other": D("24301215.00"),  # the remaining 13.5%
    }
    year = ContractYear.objects.get(arrangement=october.arrangement, financial_year=2024)
    assert sum(budgets.values()) == money.year_figures(year).contract_sum


def test_the_demo_was_made_through_the_services_by_the_cast(cast):
    september = demo("2024-09")
    actions = [(e.action, e.by.username) for e in september.events.all()]
    assert actions[0] == (Event.Action.CREATED, "nct-manager")
    assert (Event.Action.SUBMITTED, "nct-manager") in actions
    assert {u for a, u in actions if a == Event.Action.AREA_APPROVED} == {
        "wnc-officer",
        "nnc-officer",
    }


def test_the_demo_shows_a_modest_placements_overspend_and_a_staffing_underspend(cast):
    for month in ["2024-04", "2024-07", "2024-10"]:
        rows = {row.category: row for row in budget.variance_rows(demo(month)).rows}
        assert D("0") < rows["placements"].variance_percent <= D("5")
        assert D("-5") <= rows["staffing"].variance_percent < D("0")


def test_loading_the_demo_budget_monitoring_again_adds_nothing(cast):
    import json

    from contracts.demo import FIXTURE, load_budget_returns, synthetic_year

    nct = Arrangement.objects.get(trust__code="NCT")
    officers = {u.organisation.code: u for u in (cast["wnc-officer"], cast["nnc-officer"])}
    # Each year's row as the loader made it (the 2024/25 fixture's, the others synthetic).
    given = json.loads(FIXTURE.read_text())["contract_year"]
    years = {
        y: given if y == given["financial_year"] else synthetic_year(given, y)
        for y in ContractYear.objects.filter(arrangement=nct).values_list(
            "financial_year", flat=True
        )
    }
    before = (BudgetReturn.objects.count(), BudgetLine.objects.count(), Event.objects.count())
    result = load_budget_returns(nct, officers, years, timezone.localdate())
    assert result == "Budget monitoring months added: 0"
    assert (BudgetReturn.objects.count(), BudgetLine.objects.count(),
            Event.objects.count()) == before  # fmt: skip
