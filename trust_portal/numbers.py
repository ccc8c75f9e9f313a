"""Numbers as people read them: an exact value rounded for display, pounds and percentages as
text. Every app shows its figures through these, so "56.7", "£1,234.50" and "44.72%" read the
same on every page, download and pack. (Splitting money to the penny is the contracts' own
business: ``contracts/money.py``.)"""

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PENNY = Decimal("0.01")

# The largest value of a PositiveIntegerField on PostgreSQL (and of an "integer" column): one
# more is "integer out of range", a server error rather than a message.
LARGEST_INTEGER = 2_147_483_647
# Digits as typed on an English keyboard only: str.isdigit() also accepts "²" and "١٢", which
# int() then refuses or reads as another number.
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


_DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)


def plain_decimal(text) -> Decimal | None:
    """A number typed as digits 0 to 9 with at most one decimal point and perhaps a minus sign
    ("44.72", "56", "-5": the caller says what range it takes), or None:
    ``Decimal()`` alone also takes "1e25", "NaN" and other scripts' digits ("١٢")."""
    text = ("" if text is None else str(text)).strip()
    return Decimal(text) if _DECIMAL.fullmatch(text) else None


def whole_number(typed, *, largest: int = LARGEST_INTEGER) -> tuple[int | None, str | None]:
    """(number, None) from what a person typed or a file held ("12", "1,234", 12), or (None,
    what is wrong with it, to follow "The figure ..."). Blank is (None, None). Only the digits
    0 to 9 (with thousands commas) from 0 to ``largest``: every whole figure a form, a template
    or the API takes goes through here, so none can reach the database out of its range."""
    text = ("" if typed is None else str(typed)).strip().replace(",", "")
    if text == "":
        return None, None
    if text.startswith(("-", "−")) and _DIGITS.fullmatch(text[1:]):
        return None, "cannot be negative"
    if not _DIGITS.fullmatch(text):
        return None, "must be a whole number"
    # Compared as text first: int() of a few thousand digits is refused (or slow) by Python.
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(largest)) or int(digits) > largest:
        return None, f"is too large: at most {largest:,}"
    return int(digits), None


def digits_value(text, *, largest: int = LARGEST_INTEGER) -> int | None:
    """The number ``text`` is when it is the digits 0 to 9 alone ("2024", "7") and at most
    ``largest``, else None: for ids, years and versions read from a query or a file, where
    ``str.isdigit()`` would pass "²" (int() then raises) or "١٢" (read as 12), and int() of
    a few thousand digits raises."""
    text = "" if text is None else str(text)
    if not _DIGITS.fullmatch(text):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(largest)) or int(digits) > largest:
        return None
    return int(digits)


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


def grouped_text(value: Decimal | int | str) -> str:
    """A number as written, with thousands separators and a true minus sign: "1,783",
    "1,234.50", "−12.5". Zero is never "−0"."""
    number = Decimal(value)
    if number == 0:
        number = abs(number)
    return f"{'−' if number < 0 else ''}{abs(number):,}"


def count_text(value: Decimal | int | str) -> str:
    """A count of people or things: whole, with separators. 1783, "1783.0" → "1,783"."""
    return grouped_text(rounded(Decimal(value), 0))


# An indicator's unit (performance.models.Indicator.Unit) and its places on the pages.
# (Days are one decimal place, as the dashboards and the control charts show them: 12.5 days.)
UNIT_PLACES = {"percentage": 1, "ratio": 1, "count": 0, "days": 1}


def figure_text(value: Fraction | Decimal | int | None, unit: str, *, signed: bool = False):
    """An indicator's value as the pages show it, by its unit: "85.3%", "1,783", "12.5 days", "0.8";
    ``signed`` for a change, with its unit: "+1.2 points", "−14", "0.0 points". "–" for no
    value. One decimal place for percentages and ratios, whole numbers for counts and days."""
    if value is None:
        return "–"
    number = rounded(value, UNIT_PLACES.get(unit, 1))
    if number == 0:
        number = abs(number)  # a change that rounds to nothing has no sign
    text = grouped_text(abs(number) if signed else number)
    if signed and number:
        text = ("+" if number > 0 else "−") + text
    if unit == "percentage":
        text += " points" if signed else "%"
    elif unit == "days":
        text += " days"
    return text


def change_text(value: Fraction | Decimal | int | None, unit: str) -> str:
    """A change with its sign and unit: "+1.2 points" (percentages), "+14" (counts)."""
    return figure_text(value, unit, signed=True)
