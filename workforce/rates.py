"""Workforce rates, exactly as the DfE children's social work workforce census defines them, on
exact fractions (the display rounds; comparisons never do). The census is taken once a year, at
30 September; the returns are monthly, so each month's figures are the census method applied to
that month ("census method"), not the census.

The census's rates (the methodology of "Children's social work workforce", DfE):
- vacancy rate = FTE vacancies / (FTE vacancies + FTE social workers), where the vacancies are
  every vacant post, "including ... those covered by agency workers": the posts with no cover
  and the posts agency workers cover (agency workers over the establishment cover none)
- agency rate = agency FTE / (agency FTE + FTE social workers)
- turnover = FTE leavers in the 12 months to the date / FTE social workers in post at that date
  (the date's figure, not an average over the year)
- caseload = cases held by case-holding social workers, agency included / their FTE

"FTE social workers" are permanent staff: experienced, newly qualified (ASYE) and international
first year; agency workers are not. Other views keep names of their own:
- posts unfilled, no cover = vacant posts with no cover / the establishment (the 2019 report's
  18%)
- vacancies covered by agency staff = agency FTE covering a vacancy / the census vacancies
- shares of the establishment: each kind of post / the establishment (experienced share)
- average caseload per worker = open cases / workers holding cases (heads, not FTE)
- over the limit = workers above the caseload limit / workers holding cases

A rate whose denominator is nought is "no data" (None), never 0% or 100%. In December 2018, 59
of 328 posts were unfilled with no cover (18%) and agency workers covered 82 more: the census
vacancy rate is (59 + 82) / (59 + 82 + 187 employed) = 141 / 328 = 43.0%.
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
    agency_over_establishment_fte: Decimal = ZERO
    vacant_fte: Decimal = ZERO
    starters_fte: Decimal = ZERO
    leavers_fte: Decimal = ZERO
    case_holding_fte: Decimal = ZERO
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
        """The census's "FTE social workers": permanent staff in post."""
        return self.experienced_fte + self.asye_fte + self.international_fte

    @property
    def agency_covering_fte(self) -> Decimal:
        """Agency FTE covering a vacant post."""
        return self.agency_fte - self.agency_over_establishment_fte

    @property
    def census_vacancies_fte(self) -> Decimal:
        """The census's FTE vacancies: every vacant post, agency-covered or not."""
        return self.vacant_fte + self.agency_covering_fte

    # The census's rates (percentages as exact fractions)
    @property
    def vacancy_rate(self) -> Fraction | None:
        vacancies = self.census_vacancies_fte
        return percent(ratio(vacancies, vacancies + self.employed_fte))

    @property
    def agency_rate(self) -> Fraction | None:
        return percent(ratio(self.agency_fte, self.agency_fte + self.employed_fte))

    @property
    def census_caseload(self) -> Fraction | None:
        return ratio(self.open_cases, self.case_holding_fte)

    # Other views, under their own names
    @property
    def unfilled_share(self) -> Fraction | None:
        """Posts unfilled, no cover: a share of the establishment."""
        return percent(ratio(self.vacant_fte, self.establishment_fte))

    @property
    def covered_share(self) -> Fraction | None:
        """Vacancies covered by agency staff: a share of the census vacancies."""
        return percent(ratio(self.agency_covering_fte, self.census_vacancies_fte))

    @property
    def experienced_share(self) -> Fraction | None:
        return percent(ratio(self.experienced_fte, self.establishment_fte))

    @property
    def average_caseload(self) -> Fraction | None:
        """Average caseload per worker: open cases / workers (heads) holding cases."""
        return ratio(self.open_cases, self.workers_holding_cases)

    @property
    def over_limit_share(self) -> Fraction | None:
        return percent(ratio(self.workers_over_limit, self.workers_holding_cases))

    def share_of_posts(self, name: str) -> Fraction | None:
        """One kind of post as a share of the establishment (how the 2019 report put it)."""
        return percent(ratio(getattr(self, name), self.establishment_fte))

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def turnover(leavers_fte: Decimal, employed_at_date: Decimal | None) -> Fraction | None:
    """The census's turnover: FTE leavers in the 12 months to a date / FTE social workers
    (permanent) in post at that date. None without a figure at the date."""
    if employed_at_date is None:
        return None
    return percent(ratio(leavers_fte, employed_at_date))


def all_staff_turnover(all_staff_leavers_fte, all_staff_fte) -> Fraction | None:
    """Turnover of all the trust's staff, as a trust reports it (not the census's, which is of
    social workers): leavers' FTE in 12 months / all staff in post. None when not given."""
    if all_staff_leavers_fte is None or all_staff_fte is None:
        return None
    return percent(ratio(all_staff_leavers_fte, all_staff_fte))


def twelve_months_to(month: date) -> tuple[date, date]:
    """The first and last month of the 12 months ending with ``month``."""
    first = date(month.year - 1, month.month, 1)
    first = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, month.replace(day=1)
