"""Numbers as people read them: an exact value rounded for display, pounds and percentages as
text. Every app shows its figures through these, so "56.7", "£1,234.50" and "44.72%" read the
same on every page, download and pack. (Splitting money to the penny is the contracts' own
business: ``contracts/money.py``.)"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PENNY = Decimal("0.01")


def rounded(value: Fraction | Decimal | int, places: int = 1) -> Decimal:
    """An exact value rounded half-up to ``places`` decimals: the one rounding for display
    (ratings, workforce rates, revisions compared, dashboard snapshots)."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percentage_text(value: Decimal) -> str:
    return f"{number_text(value)}%"


def number_text(value: Decimal) -> str:
    """A decimal as written, without trailing zeros or an exponent: 80.00 is "80", 2.50 "2.5"."""
    return f"{Decimal(value).normalize():f}"


def money_text(amount: Decimal | None) -> str:
    """£1,234,567.89; a negative amount as −£1,234.00 (with a true minus sign)."""
    if amount is None:
        return "–"
    amount = Decimal(amount).quantize(PENNY)
    text = f"£{abs(amount):,.2f}"
    return f"−{text}" if amount < 0 else text
