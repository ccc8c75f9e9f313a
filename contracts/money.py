"""The one place money is split and rounded.

Every amount is a ``Decimal`` of pounds with pence. A split of a total by percentages, or into
monthly instalments, is rounded to the penny by the largest-remainder method, so the parts
always add up exactly to the whole: each part first gets its exact share rounded down to the
penny, then the pennies left over go one each to the parts whose exact shares lost the most in
rounding (ties to the earlier part, in the order given).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from trust_portal import block3
from trust_portal.history import as_recorded
from trust_portal.numbers import PENNY

LARGEST = Decimal("1e12")  # the models' 14 digits, 2 of them pence
# "1234.50", "1,234.50", "£90,004,500": thousands separators only in their right places.
_POUNDS = re.compile(r"(\d{1,3}(,\d{3})+|\d+)(\.\d+)?", re.ASCII)  # 0-9 only, never "١٢"
HUNDRED = Decimal(100)


def parse_pounds(typed, *, signed: bool = False) -> tuple[Decimal | None, str | None]:
    """(amount, None) from what a person typed ("1,234.50", "£90,004,500"), or (None, what is
    wrong with it, to follow "the amount ..."). Blank is (None, None). Every typed amount in the
    service goes through here, so "1,23,4", "1e6" and "12.345" are refused everywhere alike.
    ``signed`` lets a minus sign through (the caller then says what the least allowed is)."""
    if typed is None or str(typed).strip() == "":
        return None, None
    cleaned = str(typed).strip()
    negative = cleaned.startswith(("-", "−"))
    cleaned = cleaned[1:].strip() if negative else cleaned
    cleaned = cleaned.removeprefix("£").strip()
    if not negative and cleaned.startswith(("-", "−")):  # "£-5" as "-£5"
        negative, cleaned = True, cleaned[1:].strip()
    if (negative or cleaned.startswith("(")) and not signed:
        return None, "cannot be negative"  # "(5.00)" is how accounts write a negative
    if not _POUNDS.fullmatch(cleaned):
        return None, "must be an amount in pounds, for example 1,234.50"
    value = Decimal(cleaned.replace(",", ""))
    if value >= LARGEST:  # first: quantize() of thousands of digits raises InvalidOperation
        return None, "is too large: under £1,000,000,000,000"
    if value != value.quantize(PENNY):
        return None, "must be to the penny: at most 2 decimal places"
    value = value.quantize(PENNY)
    return (-value if negative else value), None


def pennies(amount: Decimal) -> int:
    """A whole number of pence; refuses an amount with a fraction of a penny."""
    amount = Decimal(amount)
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pence.")
    return int(scaled)


def pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(PENNY)


def split(total: Decimal, weights: Mapping[Hashable, Decimal | int | Fraction]) -> dict:
    """``total`` shared in proportion to ``weights`` (any non-negative numbers, not all zero),
    to the penny, the parts adding up to ``total`` exactly. Keys keep their order."""
    if not weights:
        raise ValueError("Nothing to split between.")
    exact = {
        key: Fraction(Decimal(str(w)) if not isinstance(w, Fraction) else w)
        for key, w in weights.items()
    }
    if any(w < 0 for w in exact.values()):
        raise ValueError("A share cannot be negative.")
    whole = sum(exact.values())
    if whole == 0:
        raise ValueError("The shares add up to nothing.")
    total_pence = pennies(total)
    sign = -1 if total_pence < 0 else 1
    total_pence = abs(total_pence)
    ideal = {key: Fraction(total_pence) * w / whole for key, w in exact.items()}
    parts = {key: int(value) for key, value in ideal.items()}  # floor: all non-negative
    left = total_pence - sum(parts.values())
    order = list(ideal)
    by_loss = sorted(order, key=lambda k: (-(ideal[k] - parts[k]), order.index(k)))
    for key in by_loss[:left]:
        parts[key] += 1
    return {key: pounds(sign * parts[key]) for key in order}


def split_by_percentages(total: Decimal, percentages: Mapping[Hashable, Decimal]) -> dict:
    """``total`` split by percentages that must add up to exactly 100."""
    if sum(Decimal(p) for p in percentages.values()) != HUNDRED:
        raise ValueError("The percentages must add up to exactly 100.")
    return split(total, percentages)


def instalments(total: Decimal, count: int = 12) -> list[Decimal]:
    """``total`` in ``count`` near-equal instalments adding up exactly; the extra pennies go to
    the earliest instalments."""
    if count < 1:
        raise ValueError("At least one instalment.")
    return list(split(total, dict.fromkeys(range(count), 1)).values())


# --- A contract year's figures ---------------------------------------------------------------


@dataclass
class CouncilFigures:
    code: str
    name: str
    percentage: Decimal | None
    share_of_contract_sum: Decimal
    passported_grants: Decimal
    adjustments: Decimal  # returned to the council by the trust
    block3_share: Decimal

    @property
    def contribution(self) -> Decimal:
        """Its share of the contract sum plus its passported grants."""
        return self.share_of_contract_sum + self.passported_grants

    @property
    def net_after_adjustments(self) -> Decimal:
        return self.contribution - self.adjustments


@dataclass
class YearFigures:
    block1: Decimal
    block2_recurring: Decimal
    block2_non_recurring: Decimal
    block3_provision: Decimal
    split_complete: bool
    block3_drawn: Decimal = Decimal("0.00")
    councils: list[CouncilFigures] = field(default_factory=list)

    @property
    def block2(self) -> Decimal:
        return self.block2_recurring + self.block2_non_recurring

    @property
    def block3_remaining(self) -> Decimal:
        """The Block 3 provision not yet released by approved business cases."""
        return self.block3_provision - self.block3_drawn

    @property
    def contract_sum(self) -> Decimal:
        """Block 1 + Block 2. The Block 3 provision is outside it."""
        return self.block1 + self.block2

    @property
    def total_contributions(self) -> Decimal:
        return sum((c.contribution for c in self.councils), Decimal("0.00"))

    def council(self, code: str) -> CouncilFigures:
        return next(c for c in self.councils if c.code == code)


def by_council(rows) -> dict[int, Decimal]:
    """The rows' amounts added up per council (``council_id``)."""
    totals: dict[int, Decimal] = {}
    for row in rows:
        totals[row.council_id] = totals.get(row.council_id, Decimal("0.00")) + row.amount
    return totals


YEAR_ROWS = ("lines", "shares", "grants", "adjustments")  # what year_figures adds up


def _year_rows(contract_year, related: str, at, recorded) -> list:
    """The year's ``related`` rows (lines, shares, grants, adjustments): as they are now (a
    prefetch serves them), or as recorded at the moment ``at`` (``history.as_recorded``, or
    ``recorded[related]`` when their history was read already)."""
    if at is None:
        return list(getattr(contract_year, related).all())
    if recorded is not None:
        return recorded[related].at(at, contract_year.pk)
    model = getattr(type(contract_year), related).rel.related_model
    return as_recorded(model, at, contract_year_id=contract_year.pk)


def year_figures(contract_year, at=None, *, recorded: Mapping | None = None) -> YearFigures:
    """Everything a contract year adds up to, per block and per council (a handful of queries;
    the pages and the API both read this). With ``at`` (an aware datetime), the year's lines,
    split, grants and adjustments as they were recorded at that moment, so a later variation
    does not reach it (the scrutiny pack's months, contracts/pack.py); the councils, and the
    Block 3 drawn, are as they are now. ``recorded``: for each of ``YEAR_ROWS``, its
    ``history.RecordedRows`` by contract year, to read the moment in memory."""
    # Sorted here rather than by the database, so a prefetch of the councils serves it.
    councils = sorted(contract_year.arrangement.councils.all(), key=lambda c: c.code)
    lines = _year_rows(contract_year, "lines", at, recorded)
    shares = {s.council_id: s.percentage for s in _year_rows(contract_year, "shares", at, recorded)}
    grants = by_council(_year_rows(contract_year, "grants", at, recorded))
    adjustments = by_council(_year_rows(contract_year, "adjustments", at, recorded))

    def total(rows) -> Decimal:
        return sum((line.amount for line in rows), Decimal("0.00"))

    block1 = total(x for x in lines if x.block == 1)
    b2_rec = total(x for x in lines if x.block == 2 and x.recurring)
    b2_non = total(x for x in lines if x.block == 2 and not x.recurring)
    block3_lines = [x for x in lines if x.block == 3]
    figures = YearFigures(
        block1=block1,
        block2_recurring=b2_rec,
        block2_non_recurring=b2_non,
        block3_provision=total(block3_lines),
        block3_drawn=block3.drawn(contract_year),
        split_complete=bool(councils)
        and all(c.pk in shares for c in councils)
        and sum(shares.values()) == HUNDRED,
    )
    zero = {c.pk: Decimal("0.00") for c in councils}
    if figures.split_complete:
        by_split = {c.pk: shares[c.pk] for c in councils}
        contract_parts = split_by_percentages(figures.contract_sum, by_split)
        shared_block3 = total(x for x in block3_lines if x.funded_by_id is None)
        block3_parts = split_by_percentages(shared_block3, by_split)
    else:
        contract_parts, block3_parts = dict(zero), dict(zero)
    for line in block3_lines:
        if line.funded_by_id in block3_parts:
            block3_parts[line.funded_by_id] += line.amount
    for c in councils:
        figures.councils.append(
            CouncilFigures(
                code=c.code,
                name=c.name,
                percentage=shares.get(c.pk),
                share_of_contract_sum=contract_parts[c.pk],
                passported_grants=grants.get(c.pk, Decimal("0.00")),
                adjustments=adjustments.get(c.pk, Decimal("0.00")),
                block3_share=block3_parts[c.pk],
            )
        )
    return figures


def propose_split(
    *, population: Mapping[str, int], demand: Mapping[str, int], demand_weight: Decimal
) -> dict[str, Decimal]:
    """The split calculator: each council's percentage from its share of the population and of
    demand (e.g. open cases), weighted ``demand_weight`` (0 to 1) on demand, rounded to two
    decimal places by largest remainder so the percentages add up to exactly 100."""
    weight = Fraction(Decimal(str(demand_weight)))
    if not 0 <= weight <= 1:
        raise ValueError("The weight on demand must be between 0 and 1 (0% to 100%).")
    codes = list(population)
    if set(codes) != set(demand):
        raise ValueError("Give population and demand for the same councils.")
    people, cases = sum(population.values()), sum(demand.values())
    if (weight < 1 and people <= 0) or (weight > 0 and cases <= 0):
        raise ValueError("The figures for the weighted measure add up to nothing.")
    blended = {}
    for code in codes:
        by_people = Fraction(population[code], people) if people else Fraction(0)
        by_cases = Fraction(demand[code], cases) if cases else Fraction(0)
        blended[code] = (1 - weight) * by_people + weight * by_cases
    # 100.00 split in hundredths of a point, the same largest-remainder rule as money.
    return split(HUNDRED, blended)
