"""Statistical process control for a percentage: Laney's p′ chart and NHS England's "Making Data
Count" rules for special-cause variation. Pure arithmetic on whole counts, exact fractions and
Decimals (square roots at 34 significant digits); the callers read the counts.

Laney's p′ chart (Laney 2002, "Improved control charts for attributes", Quality Engineering
14(4) 531-537): over the baseline's months, p̄ = Σn / Σd; each month's binomial sigma
σᵢ = √(p̄(1 − p̄) / dᵢ); its z-score zᵢ = (pᵢ − p̄) / σᵢ; σ_z = the mean moving range of the
z-scores / 1.128. A month's limits are p̄ ± 3 σᵢ σ_z (floored at 0, capped at 1): they widen as
its denominator shrinks, and σ_z corrects the plain p chart for the over-dispersion that large
denominators bring (σ_z = 1 is the p chart itself).

The run rules, as NHS England's Making Data Count publishes them:
1. a point beyond a process limit;
2. a shift: 7 points in a row all above, or all below, the centre line (a point on the line
   breaks the run);
3. a trend: 7 points in a row each higher, or each lower, than the one before (end points
   included; an equal value breaks the run);
4. two out of three points in a row beyond two sigma on the same side of the centre line (the
   points beyond are flagged).
A missing month breaks a shift or a trend: the points either side of it are not in a row, so a
run restarts after the gap (``chart``'s ``gaps``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from itertools import pairwise

D2 = Decimal("1.128")  # the expected moving range of two standard normal points
MIN_BASELINE = 12  # months: fewer and there are no limits
RUN = 7  # points in a row for a shift or a trend
PRECISION = 34


@dataclass(frozen=True)
class Limits:
    """One month's centre line and limits, as proportions (0 to 1)."""

    centre: Fraction
    lower: Decimal
    upper: Decimal
    lower_2: Decimal  # two sigma
    upper_2: Decimal


@dataclass(frozen=True)
class Point:
    """One month on the chart: its counts, value, limits and the rules it breaks."""

    numerator: int
    denominator: int
    limits: Limits
    beyond: bool = False
    shift: bool = False
    trend: int = 0  # 1 part of a rising trend, -1 of a falling one
    two_of_three: bool = False

    @property
    def value(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)

    @property
    def special(self) -> bool:
        return self.beyond or self.shift or bool(self.trend) or self.two_of_three

    @property
    def side(self) -> int:
        """1 above the centre line, -1 below, 0 on it."""
        return (self.value > self.limits.centre) - (self.value < self.limits.centre)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def laney_limits(counts: list[tuple[int, int]]) -> list[Limits]:
    """Each month's limits from the months' own (numerator, denominator) counts, all of them
    the baseline. Every denominator must be positive."""
    if len(counts) < 2:
        raise ValueError("Limits need at least two months.")
    if any(d <= 0 or n < 0 or n > d for n, d in counts):
        raise ValueError("Each month needs 0 ≤ numerator ≤ denominator and a denominator.")
    centre = Fraction(sum(n for n, _ in counts), sum(d for _, d in counts))
    with localcontext() as context:
        context.prec = PRECISION
        spread = _decimal(centre * (1 - centre))
        sigmas = [(spread / d).sqrt() for _, d in counts]
        if spread == 0:  # every month 0% or every month 100%: no variation to measure
            sigma_z = Decimal(0)
            z = [Decimal(0)] * len(counts)
        else:
            z = [
                _decimal(Fraction(n, d) - centre) / s
                for (n, d), s in zip(counts, sigmas, strict=True)
            ]
            moving = [abs(b - a) for a, b in pairwise(z)]
            sigma_z = sum(moving) / len(moving) / D2
        return [_limits(centre, sigma * sigma_z) for sigma in sigmas]


def _limits(centre: Fraction, sigma: Decimal) -> Limits:
    middle = _decimal(centre)
    return Limits(
        centre=centre,
        lower=max(Decimal(0), middle - 3 * sigma),
        upper=min(Decimal(1), middle + 3 * sigma),
        lower_2=max(Decimal(0), middle - 2 * sigma),
        upper_2=min(Decimal(1), middle + 2 * sigma),
    )


def _runs(flags: list[int], length: int, gaps: Collection[int] = ()) -> set[int]:
    """Indices in runs of at least ``length`` equal, non-zero flags; a run ends before an index
    in ``gaps``."""
    found, start = set(), 0
    for index in range(1, len(flags) + 1):
        if index == len(flags) or flags[index] != flags[start] or index in gaps:
            if flags[start] != 0 and index - start >= length:
                found.update(range(start, index))
            start = index
    return found


def two_of_three(points: list[tuple[Fraction, Limits]]) -> set[int]:
    outside = [
        1 if value > Fraction(lim.upper_2) else -1 if value < Fraction(lim.lower_2) else 0
        for value, lim in points
    ]
    found = set()
    for start in range(len(points) - 2):
        window = range(start, start + 3)
        for side in (1, -1):
            beyond = [i for i in window if outside[i] == side]
            if len(beyond) >= 2:
                found.update(beyond)
    return found


def chart(counts: list[tuple[int, int]], gaps: Collection[int] = ()) -> list[Point] | None:
    """The p′ chart of the months' counts in month order, each point with the rules it breaks;
    None with fewer than ``MIN_BASELINE`` months (not enough history for limits). ``gaps``: the
    indices of the points that come after a missing month; a shift or a trend restarts there."""
    if len(counts) < MIN_BASELINE:
        return None
    limits = laney_limits(counts)
    values = [Fraction(n, d) for n, d in counts]
    sides = [(v > lim.centre) - (v < lim.centre) for v, lim in zip(values, limits, strict=True)]
    # No step across a gap: the month after it starts a trend rather than continuing one.
    steps = [0] + [
        0 if index in gaps else (b > a) - (b < a)
        for index, (a, b) in enumerate(pairwise(values), start=1)
    ]
    # A trend of RUN points is RUN - 1 steps the same way; its first point is the one before.
    trend = {}
    for index in sorted(_runs(steps, RUN - 1)):
        trend[index - 1] = trend[index] = steps[index]
    shift = _runs(sides, RUN, gaps)
    pairs = list(zip(values, limits, strict=True))
    two = two_of_three(pairs)
    return [
        Point(
            numerator=n,
            denominator=d,
            limits=lim,
            beyond=value > Fraction(lim.upper) or value < Fraction(lim.lower),
            shift=index in shift,
            trend=trend.get(index, 0),
            two_of_three=index in two,
        )
        for index, ((n, d), (value, lim)) in enumerate(zip(counts, pairs, strict=True))
    ]
