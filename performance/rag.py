"""Red / amber / green against a target and tolerance, on exact fractions.

Rules (issue 3): green at or beyond target; amber within the tolerance (the edge itself is
amber); red beyond it; grey when there is no data (no denominator, or zero). Polarity decides
which way "beyond" is. Context indicators have no RAG. A denominator below the arrangement's
small-number size is still rated but flagged, so one child does not read as a collapse. The
comparison uses the exact fraction, never the rounded figure shown (one decimal place).
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from trust_portal.numbers import rounded


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    GREY = "grey"  # no data
    NONE = "none"  # context indicator: no RAG


LABELS = {
    Status.GREEN: "Green: on or beyond target",
    Status.AMBER: "Amber: within tolerance",
    Status.RED: "Red: beyond tolerance",
    Status.GREY: "No data",
    Status.NONE: "Context only",
}


@dataclass(frozen=True)
class Rating:
    status: Status
    value: Fraction | None
    small_numbers: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.status]

    def display(self, places: int = 1) -> str | None:
        """The value rounded half-up for display (one decimal place by default)."""
        return None if self.value is None else str(rounded(self.value, places))


def value_of(numerator: int | None, denominator: int | None, *, unit: str) -> Fraction | None:
    """The exact value: percentages ×100, ratios as they are, counts and days as numbers."""
    if numerator is None:
        return None
    if unit in ("percentage", "ratio"):
        if not denominator:
            return None  # a zero denominator is "no data", never 0% or 100%
        scale = 100 if unit == "percentage" else 1
        return Fraction(numerator * scale, denominator)
    return Fraction(numerator)


def rate(
    *,
    numerator: int | None,
    denominator: int | None,
    unit: str,
    polarity: str,
    target: Decimal | None,
    tolerance: Decimal | None,
    small_number: int = 10,
) -> Rating:
    value = value_of(numerator, denominator, unit=unit)
    small = bool(
        unit in ("percentage", "ratio")
        and denominator is not None
        and 0 < denominator < small_number
    )
    if polarity == "context":
        return Rating(Status.NONE, value, small)
    if value is None or target is None:
        return Rating(Status.GREY, value, small)
    target_f = Fraction(target)
    tolerance_f = Fraction(tolerance or 0)
    shortfall = target_f - value if polarity == "higher" else value - target_f
    if shortfall <= 0:
        status = Status.GREEN
    elif shortfall <= tolerance_f:
        status = Status.AMBER
    else:
        status = Status.RED
    return Rating(status, value, small)
