"""The split calculator's reads: open cases per council area from the approved performance
returns, and a proposed cost split (``money.propose_split``) set beside the year's own, with
the working in words. It writes nothing: a split changes only through an approved variation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from contracts import money
from contracts.models import ContractYear
from performance.models import ALL_AREAS, Measurement, MonthlyReturn
from trust_portal.approvals.models import State
from trust_portal.numbers import money_text, percentage_text
from trust_portal.periods import financial_year_of

DEMAND_INDICATOR = "OPEN_CASES"


def approved_returns(user, arrangement):
    """The arrangement's approved monthly returns the user may see, latest month first."""
    return (
        MonthlyReturn.objects.visible_to(user)
        .filter(arrangement=arrangement, state=State.APPROVED)
        .order_by("-period")
    )


def open_cases(monthly_return: MonthlyReturn) -> dict[str, int]:
    """Each council area's open cases in a return (the "all areas" figure left out)."""
    rows = Measurement.objects.filter(
        monthly_return=monthly_return, indicator__code=DEMAND_INDICATOR, numerator__isnull=False
    ).exclude(area=ALL_AREAS)
    return {m.area: m.numerator for m in rows}


def _points(value: Fraction) -> Decimal:
    """An exact share as a percentage to four decimal places, for showing the working only."""
    return (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


@dataclass
class Row:
    code: str
    name: str
    population: int
    demand: int
    population_share: Decimal | None  # two decimal places, adding up to 100
    demand_share: Decimal | None
    exact: Decimal  # the blended share before rounding, to four places
    proposed: Decimal
    current: Decimal | None  # the year's split as recorded
    proposed_amount: Decimal | None = None  # its share of the contract sum by the proposal
    current_amount: Decimal | None = None  # and by the year's split, to the penny

    @property
    def difference(self) -> Decimal | None:
        """Proposed less current, in percentage points."""
        return None if self.current is None else self.proposed - self.current

    @property
    def difference_text(self) -> str:
        """ "+0.72", "−0.72" (a true minus sign) or "0.00"; "–" with no split to compare."""
        d = self.difference
        if d is None:
            return "–"
        return f"{'+' if d > 0 else '−' if d < 0 else ''}{abs(d):.2f}"

    @property
    def difference_pounds(self) -> Decimal | None:
        """Its share of the contract sum by the proposal less by the year's split, in pounds."""
        if self.proposed_amount is None or self.current_amount is None:
            return None
        return self.proposed_amount - self.current_amount

    @property
    def difference_pounds_text(self) -> str:
        """ "+£92,341.12", "−£92,341.12" or "£0.00"; "–" with no split to compare."""
        d = self.difference_pounds
        if d is None:
            return "–"
        return f"+{money_text(d)}" if d > 0 else money_text(d)


@dataclass
class Proposal:
    weight: Decimal  # on demand, 0 to 100 (%)
    rows: list[Row] = field(default_factory=list)
    contract_sum: Decimal = Decimal("0.00")  # the year's Block 1 + Block 2, which the split shares

    @property
    def shares(self) -> dict[str, Decimal]:
        return {row.code: row.proposed for row in self.rows}

    def formula(self) -> str:
        """The working in words."""
        on_population = money.HUNDRED - self.weight
        return (
            f"Each council's share = {percentage_text(on_population)} × its share of the "
            f"total population + {percentage_text(self.weight)} × its share of the total "
            "open cases. The shares are then rounded to two decimal places so that they add up "
            "to exactly 100: each is first rounded down, and the hundredths of a point left "
            "over go one each to the councils whose exact shares lost most in the rounding."
        )

    def basis(self, demand_source: str) -> str:
        """How the split was set, in words for a variation's basis."""
        parts = []
        if self.weight < money.HUNDRED:
            people = ", ".join(f"{r.code} {r.population:,}" for r in self.rows)
            parts.append(f"{percentage_text(money.HUNDRED - self.weight)} on population ({people})")
        if self.weight > 0:
            cases = ", ".join(f"{r.code} {r.demand:,}" for r in self.rows)
            parts.append(f"{percentage_text(self.weight)} on demand: {demand_source} ({cases})")
        shares = ", ".join(f"{r.code} {percentage_text(r.proposed)}" for r in self.rows)
        return (
            f"Split calculator: {' and '.join(parts)}; rounded to two decimal places adding "
            f"up to 100: {shares}."
        )


def propose(
    contract_year: ContractYear,
    *,
    councils: list,
    population: dict[str, int],
    demand: dict[str, int],
    weight: Decimal,
) -> Proposal:
    """``weight`` is the percentage (0 to 100) on demand. ``councils`` in display order."""
    shares = money.propose_split(
        population=population, demand=demand, demand_weight=weight / money.HUNDRED
    )
    current = {s.council_id: s.percentage for s in contract_year.shares.all()}
    year = money.year_figures(contract_year)
    proposed_amounts = money.split_by_percentages(year.contract_sum, shares)
    current_amounts = {c.code: c.share_of_contract_sum for c in year.councils}
    people, cases = sum(population.values()), sum(demand.values())
    by_people = money.split(money.HUNDRED, population) if people else {}
    by_cases = money.split(money.HUNDRED, demand) if cases else {}
    w = Fraction(weight) / 100
    proposal = Proposal(weight=weight, contract_sum=year.contract_sum)
    for council in councils:
        code = council.code
        exact = (1 - w) * (Fraction(population[code], people) if people else 0) + w * (
            Fraction(demand[code], cases) if cases else 0
        )
        proposal.rows.append(
            Row(
                code=code,
                name=council.name,
                population=population[code],
                demand=demand[code],
                population_share=by_people.get(code),
                demand_share=by_cases.get(code),
                exact=_points(Fraction(exact)),
                proposed=shares[code],
                current=current.get(council.pk),
                proposed_amount=proposed_amounts[code],
                current_amount=current_amounts.get(code) if year.split_complete else None,
            )
        )
    return proposal


def demand_month_warning(contract_year: ContractYear, month) -> str | None:
    """Words for a caseload month outside the contract year being split; None inside it."""
    if month is None or financial_year_of(month) == contract_year.financial_year:
        return None
    return (
        f"The caseload month, {month:%B %Y}, is outside the contract year {contract_year.label} "
        f"({contract_year.starts_on:%B %Y} to {contract_year.ends_on:%B %Y})."
    )
