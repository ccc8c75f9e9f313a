"""The national-scale generator's contracts and money (``python manage.py generate_national``;
trust_portal/national.py): each council's service contracts (five-year terms), a contract year
for every financial year the months touch (the demo's 2024/25 lines scaled to the trust's size,
4% a year), its split by the councils' sizes recorded by an approved split variation, the year
agreed in the March before it, each council's twelve instalments to the penny (those due by
the day the generator runs paid on the day), and approved budget monitoring every month (the
year's contract sum by the demo's spend mix; the forecast moving towards the year's
variance)."""

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from contracts import money
from contracts.models import (
    BudgetLine,
    BudgetReturn,
    ContractYear,
    CostShare,
    FundingLine,
    Instalment,
    ServiceContract,
    Variation,
)
from trust_portal.approvals.national import approved_months
from trust_portal.demo_time import moment
from trust_portal.national import GENERATED, Party, Plan, as_of, bulk
from trust_portal.periods import financial_year_label, financial_year_of

FIXTURE = settings.BASE_DIR / "fixtures" / "contracts.json"
BUDGET_FIXTURE = settings.BASE_DIR / "fixtures" / "budget_monitoring.json"
TERM_YEARS = 5
GROWTH = Decimal("1.04")
# The year's final forecast variance, a share of the budget: (lowest, highest) by category.
VARIANCE = {"placements": (-0.01, 0.09), "staffing": (-0.02, 0.06)}
SMALL_VARIANCE = (-0.01, 0.02)
PENNY = Decimal("0.01")
POUND = Decimal(1)


def generate(*, plan: Plan, log) -> None:
    data = json.loads(FIXTURE.read_text())
    _contracts(plan)
    years = {}
    for year in plan.financial_years:
        with as_of(moment(date(year, 3, 27), 15)):
            years.update(_years(plan, data, year))
    mix = json.loads(BUDGET_FIXTURE.read_text())["budget_shares"]
    mix = {category: Decimal(row["percent"]) for category, row in mix.items()}
    budgets = {key: money.split(year.contract_sum, mix) for key, year in years.items()}
    for month, pairs in approved_months(plan, BudgetReturn, kind="budget returns"):
        lines = []
        for party, budget_return in pairs:
            key = (party.code, financial_year_of(month))
            for category, budget in budgets[key].items():
                figures = _line(plan, party.code, category, budget, month)
                lines.append(BudgetLine(budget_return=budget_return, category=category, **figures))
        bulk(plan, BudgetLine, lines, kind="budget lines")
    log(f"Contract years: {len(years):,}; budget returns: {plan.counts['budget returns']:,}")


def _contracts(plan: Plan) -> None:
    """Each council's contracts in five-year terms from the first financial year, the last
    in force."""
    first, last = plan.financial_years[0], plan.financial_years[-1]
    rows = []
    for party in plan.parties:
        for council in party.councils:
            for start in range(first, last + 1, TERM_YEARS):
                current = start + TERM_YEARS > last
                rows.append(
                    ServiceContract(
                        arrangement=party.arrangement,
                        council=council,
                        reference=f"{council.code}-CSC-{start}",
                        title=f"Children's social care services contract from {start} (synthetic)",
                        starts_on=date(start, 4, 1),
                        ends_on=date(start + TERM_YEARS, 3, 31),
                        status=(
                            ServiceContract.Status.ACTIVE
                            if current
                            else ServiceContract.Status.ENDED
                        ),
                    )
                )
    bulk(plan, ServiceContract, rows, kind="service contracts")


def _years(plan: Plan, data: dict, year: int) -> dict:
    """Every arrangement's contract year ``year``, agreed, with its lines, split and
    instalments; {(trust code, year): the year, with ``contract_sum`` set}."""
    made = bulk(
        plan,
        ContractYear,
        (
            ContractYear(
                arrangement=p.arrangement,
                financial_year=year,
                state=ContractYear.State.AGREED,
                split_basis=f"{GENERATED}: each council's share of the children's caseload.",
                split_agreed_on=date(year, 3, 20),
                agreed_on=date(year, 3, 27),
                agreed_by=p.officers[0],
                created_by=p.officers[0],
            )
            for p in plan.parties
        ),
        kind="contract years",
    )
    scale = GROWTH ** (year - data["contract_year"]["financial_year"])
    lines, shares, variations, instalments = [], [], [], []
    for party, contract_year in zip(plan.parties, made, strict=True):
        size = Decimal(str(sum(party.sizes)))
        for order, line in enumerate(data["contract_year"]["lines"]):
            amount = (Decimal(line["amount"]) * size * scale).quantize(POUND)
            lines.append(
                FundingLine(
                    contract_year=contract_year,
                    block=line["block"],
                    name=line["name"],
                    amount=amount,
                    recurring=line["recurring"],
                    display_order=order,
                )
            )
        contract_year.contract_sum = sum(
            (x.amount for x in lines[-len(data["contract_year"]["lines"]) :] if x.block in (1, 2)),
            Decimal("0.00"),
        )
        split = _split(party)
        shares += [
            CostShare(contract_year=contract_year, council=c, percentage=split[c.code])
            for c in party.councils
        ]
        variations.append(_split_variation(party, contract_year, split))
        instalments += _instalments(plan, party, contract_year, split)
    bulk(plan, FundingLine, lines, kind="funding lines")
    bulk(plan, CostShare, shares, kind="cost shares")
    bulk(plan, Variation, variations, kind="variations")
    bulk(plan, Instalment, instalments, kind="instalments")
    return {(p.code, year): y for p, y in zip(plan.parties, made, strict=True)}


def _split(party: Party) -> dict[str, Decimal]:
    """Each council's percentage, by its size, to two places, adding up to exactly 100."""
    weights = {c.code: Decimal(str(s)) for c, s in zip(party.councils, party.sizes, strict=True)}
    return money.split(Decimal("100.00"), weights)


def _split_variation(party: Party, contract_year, split: dict) -> Variation:
    basis = contract_year.split_basis
    return Variation(
        contract_year=contract_year,
        number=1,
        kind=Variation.Kind.SPLIT,
        proposed={"shares": {code: str(p) for code, p in split.items()}, "basis": basis},
        before={"shares": {}, "basis": ""},
        reason=f"Record the {financial_year_label(contract_year.financial_year)} split the "
        "councils agreed.",
        state=Variation.State.APPROVED,
        requested_by=party.officers[0],
        decided_by=party.officers[-1],
        decided_at=moment(contract_year.split_agreed_on, 15),
        decision_date=contract_year.split_agreed_on,
        decision_note=f"{GENERATED}.",
    )


def _instalments(plan: Plan, party: Party, contract_year, split: dict) -> list[Instalment]:
    """Each council's twelve instalments of its share, to the penny; those due by the day the
    generator runs (``plan.today``: the clock is elsewhere here) paid on the day they fell
    due, recorded at 11:00 that day."""
    today = plan.today
    shares = money.split_by_percentages(contract_year.contract_sum, split)
    fy = contract_year.financial_year
    due = [date(fy + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]
    rows = []
    for council, officer in zip(party.councils, party.officers, strict=True):
        amounts = money.instalments(shares[council.code])
        for number, (due_on, amount) in enumerate(zip(due, amounts, strict=True), start=1):
            paid = due_on <= today
            rows.append(
                Instalment(
                    contract_year=contract_year,
                    council=council,
                    number=number,
                    due_on=due_on,
                    amount=amount,
                    paid_on=due_on if paid else None,
                    reference=f"{council.code}-{fy}-{number:02d}" if paid else "",
                    recorded_by=officer if paid else None,
                    recorded_at=min(moment(due_on, 11), plan.now) if paid else None,
                )
            )
    return rows


def _line(plan: Plan, trust: str, category: str, budget: Decimal, month: date) -> dict:
    """One category's month: the forecast moves from part of the year's variance in April
    towards all of it by March; the actual to date runs at the forecast's monthly rate."""
    year = financial_year_of(month)
    elapsed = (month.month - 4) % 12 + 1
    final = plan.rng("budget year", trust, year, category).uniform(
        *VARIANCE.get(category, SMALL_VARIANCE)
    )
    random = plan.rng("budget", trust, category, month.isoformat())
    share = 0.6 + 0.4 * elapsed / 12
    rate = Decimal(str(round(final * share + random.uniform(-0.004, 0.004), 4)))
    forecast = (budget * (1 + rate)).quantize(Decimal(1), ROUND_HALF_UP)
    pace = Decimal(str(round(random.uniform(0.97, 1.03), 4)))
    actual = (forecast * elapsed / 12 * pace).quantize(PENNY, ROUND_HALF_UP)
    side = "over" if forecast > budget else "under"
    return {
        "budget": budget,
        "actual_to_date": actual,
        "forecast_outturn": forecast,
        "commentary": f"{GENERATED}: forecast {side} budget by £{abs(forecast - budget):,.0f}.",
    }
