"""Why a percentage moved from one month to the next, split exactly into what its two counts did.

A percentage p = 100 n / d moves from p₀ = 100 n₀ / d₀ to p₁ = 100 n₁ / d₁. The move splits as

    p₁ − p₀ = 100 (n₁ − n₀) / d₁  +  100 n₀ (1/d₁ − 1/d₀)
              numerator effect       denominator effect

The numerator effect is what the change in the counted children did at this month's
denominator; the denominator effect is what the change in the denominator did to last month's
count. The two add up to the whole move exactly (the arithmetic is on fractions; only the words
round, half up to one decimal place, so the rounded parts may differ from the rounded whole by
0.1). Pure arithmetic and words: the callers read the counts and the definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from trust_portal.numbers import rounded

SCALE = 100  # a percentage's points


@dataclass(frozen=True)
class Split:
    """One month-on-month move of a percentage, in percentage points, exact."""

    numerator_effect: Fraction
    denominator_effect: Fraction

    @property
    def total(self) -> Fraction:
        return self.numerator_effect + self.denominator_effect


def split(*, n0: int, d0: int, n1: int, d1: int) -> Split:
    """The move from n₀/d₀ to n₁/d₁ split into its numerator and denominator effects."""
    if d0 <= 0 or d1 <= 0:
        raise ValueError("A percentage with no denominator has no change to split.")
    return Split(
        numerator_effect=Fraction(SCALE * (n1 - n0), d1),
        denominator_effect=SCALE * n0 * (Fraction(1, d1) - Fraction(1, d0)),
    )


def points(value: Fraction) -> str:
    """A size in points, rounded half up to one decimal place: "24.0 points", "0.1 point"."""
    text = f"{abs(rounded(value, 1))}"
    return f"{text} point" + ("" if text == "1.0" else "s")


def _effect(points_: Fraction) -> str:
    if points_ == 0:
        return "made no difference"
    if rounded(abs(points_), 1) == 0:
        return ("added" if points_ > 0 else "took off") + " less than 0.05 points"
    return ("added " if points_ > 0 else "took off ") + points(points_)


def _counted(before: int, after: int, words: str, fallback: str) -> str:
    """ "12 more children visited in time", "3 fewer children in need", "the same number of …"."""
    if after == before:
        return f"the same number of {words}" if words else f"an unchanged {fallback}"
    more = "more" if after > before else "fewer"
    if not words:
        return f"a {fallback} {abs(after - before)} {'higher' if after > before else 'lower'}"
    return f"{abs(after - before)} {more} {words}"


def words(
    *,
    n0: int,
    d0: int,
    n1: int,
    d1: int,
    numerator_words: str = "",
    denominator_words: str = "",
) -> str:
    """The split in words: "up 26.0 points: 12 more children visited in time added 24.0 points,
    3 fewer children in need added 2.0 points"."""
    moved = split(n0=n0, d0=d0, n1=n1, d1=d1)
    if moved.total == 0:
        head = "no change"
    else:
        head = ("up " if moved.total > 0 else "down ") + points(moved.total)
    numerator = _counted(n0, n1, numerator_words, "numerator")
    denominator = _counted(d0, d1, denominator_words, "denominator")
    if n0 == n1 and d0 == d1:
        return f"{head}: {numerator} and {denominator}"
    return (
        f"{head}: {numerator} {_effect(moved.numerator_effect)}, "
        f"{denominator} {_effect(moved.denominator_effect)}"
    )


def definition_note(*, before: int | None, after: int | None, month_after) -> str:
    """A note when the definition in force changed between the two months (versions)."""
    if before == after:
        return ""
    was = f"version {before}" if before is not None else "no definition"
    return (
        f"The definition changed between these months ({was}, then version {after} from "
        f"{month_after:%B %Y}): part of the move may be the new definition, not a change in "
        "practice."
    )


def target_note(*, before, after, unit_words: str = "%") -> str:
    """A note when the target (or its tolerance) changed between the two months: it changes
    the rating, not the figure."""
    if before == after:
        return ""

    def said(pair) -> str:
        if pair is None:
            return "no target"
        target, tolerance = pair
        return f"{target.normalize():f}{unit_words} (tolerance {tolerance.normalize():f})"

    return (
        f"The target changed between these months, from {said(before)} to {said(after)}: "
        "that changes the rating, not the figure."
    )
