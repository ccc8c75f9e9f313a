"""Workforce rates, as the DfE children's social work workforce census defines them, on exact
fractions (the display rounds; comparisons never do).

- vacancy rate = vacant FTE / (vacant FTE + employed FTE)
- agency rate = agency FTE / (agency FTE + employed FTE)
- turnover = permanent leavers' FTE in the 12 months to a month / the average employed FTE over
  the months of those 12 that have an approved return
- experienced share = experienced permanent FTE / establishment FTE
- average caseload = open cases / workers holding cases
- over the limit = workers above the caseload limit / workers holding cases

"Employed" means permanent staff: experienced, newly qualified (ASYE) and international first
year; agency workers are not employed staff. A rate whose denominator is nought is "no data"
(None), never 0% or 100%: a team with no establishment has no vacancy rate.

These differ from shares of posts: in December 2018, 59 of 328 posts were vacant (18% of
posts) but the DfE vacancy rate was 59 / (59 + 187 employed) = 24.0%.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from fractions import Fraction

from workforce.models import COUNT_FIELDS, FTE_FIELDS

ZERO = Decimal("0.00")


def _exact(value) -> Fraction:
    if isinstance(value, int | Fraction):
        return Fraction(value)
    return Fraction(Decimal(value))


def ratio(numerator, denominator) -> Fraction | None:
    """numerator / denominator as an exact fraction, None when the denominator is nought."""
    denominator = _exact(denominator)
    if not denominator:
        return None
    return _exact(numerator) / denominator


def percent(value: Fraction | None) -> Fraction | None:
    return None if value is None else value * 100


@dataclass
class Totals:
    """Figures added up over teams (or a team on its own)."""

    establishment_fte: Decimal = ZERO
    experienced_fte: Decimal = ZERO
    asye_fte: Decimal = ZERO
    international_fte: Decimal = ZERO
    agency_fte: Decimal = ZERO
    vacant_fte: Decimal = ZERO
    starters_fte: Decimal = ZERO
    leavers_fte: Decimal = ZERO
    starters: int = 0
    leavers: int = 0
    open_cases: int = 0
    workers_holding_cases: int = 0
    workers_over_limit: int = 0
    unallocated_cases: int = 0

    @classmethod
    def of(cls, rows: Iterable) -> Totals:
        totals = cls()
        for row in rows:
            for name in (*FTE_FIELDS, *COUNT_FIELDS):
                setattr(totals, name, getattr(totals, name) + getattr(row, name))
        return totals

    @property
    def employed_fte(self) -> Decimal:
        return self.experienced_fte + self.asye_fte + self.international_fte

    # DfE rates (percentages as exact fractions)
    @property
    def vacancy_rate(self) -> Fraction | None:
        return percent(ratio(self.vacant_fte, self.vacant_fte + self.employed_fte))

    @property
    def agency_rate(self) -> Fraction | None:
        return percent(ratio(self.agency_fte, self.agency_fte + self.employed_fte))

    @property
    def experienced_share(self) -> Fraction | None:
        return percent(ratio(self.experienced_fte, self.establishment_fte))

    @property
    def average_caseload(self) -> Fraction | None:
        return ratio(self.open_cases, self.workers_holding_cases)

    @property
    def over_limit_share(self) -> Fraction | None:
        return percent(ratio(self.workers_over_limit, self.workers_holding_cases))

    def share_of_posts(self, name: str) -> Fraction | None:
        """One kind of post as a share of the establishment (how the 2019 report put it)."""
        return percent(ratio(getattr(self, name), self.establishment_fte))

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def turnover(leavers_fte: Decimal, employed_by_month: list[Decimal]) -> Fraction | None:
    """Leavers' FTE over 12 months / the average employed FTE of the months given."""
    if not employed_by_month:
        return None
    average = Fraction(sum(employed_by_month, ZERO)) / len(employed_by_month)
    return percent(ratio(leavers_fte, average)) if average else None


def twelve_months_to(month: date) -> tuple[date, date]:
    """The first and last month of the 12 months ending with ``month``."""
    first = date(month.year - 1, month.month, 1)
    first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, month.replace(day=1)
