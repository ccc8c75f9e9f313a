"""Snapshot cells in templates: ``{% load dashboards %}`` then ``{% cell value column %}``.

Each cell is formatted by its column's kind (``trust_portal/dashboards/figures.py``): money as
£1,234.50, numbers with thousands separators, counts whole (1,783), changes signed with
their unit (+1.2 points), percentages with a % sign, RAG as a tag whose
word says what its colour does, sparklines as the SVG the builder made. A cell that is not what
its kind expects (the pack's "fewer than 5", say) is shown as text, never dropped.
"""

import re
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from trust_portal.numbers import count_text, grouped_text, money_text, number_text

register = template.Library()

# Exactly what figures.sparkline_svg makes: numbers, and a label with <, >, & and " escaped.
SPARKLINE = re.compile(
    r'<svg class="tp-sparkline" role="img" width="\d+" height="\d+" viewBox="0 0 \d+ \d+" '
    r'aria-label="[^<>"]*"><title>[^<>"]*</title>'
    r'(<polyline points="[0-9., ]*" fill="none" stroke="currentColor" stroke-width="1.5"/>)*'
    r'(<circle cx="[0-9.]+" cy="[0-9.]+" r="2" fill="currentColor"/>)?</svg>'
)

RAG_TAGS = {
    "green": ("govuk-tag--green", "Green"),
    "amber": ("govuk-tag--yellow", "Amber"),
    "red": ("govuk-tag--red", "Red"),
    "grey": ("govuk-tag--grey", "Not rated"),  # no figure, or no target to rate it against
    "none": ("govuk-tag--grey", "Context only"),
}


def _decimal(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.simple_tag
def cell(value, column):
    if value is None or value == "":
        return "–"
    kind = column.get("kind", "text") if isinstance(column, dict) else "text"
    number = _decimal(value)
    if kind == "money" and number is not None:
        return money_text(number)
    if kind == "count" and number is not None:
        return count_text(number)
    if kind in ("number", "percent") and number is not None:
        return _number(number, column)
    if kind == "change" and number is not None:
        return _change(number, column.get("unit", ""))
    if kind == "rag" and str(value) in RAG_TAGS:
        css, word = RAG_TAGS[str(value)]
        return format_html('<strong class="govuk-tag {}">{}</strong>', css, word)
    if kind == "sparkline" and SPARKLINE.fullmatch(str(value)):
        return mark_safe(value)  # noqa: S308 - only the shape sparkline_svg makes gets here
    return str(value)


@register.simple_tag
def rag_tag(status):
    """A RAG status as a GOV.UK tag in words: "Green", "Amber", "Red", "Not rated"."""
    css, word = RAG_TAGS.get(str(status), RAG_TAGS["grey"])
    return format_html('<strong class="govuk-tag tp-rag {}">{}</strong>', css, word)


@register.simple_tag
def rag_count(counts):
    """Green, amber and red counts in words, each on its tag's colour: "3 green 1 amber 0 red"."""
    return format_html_join(
        " ",
        '<span class="govuk-tag tp-rag {}">{} {}</span>',
        ((RAG_TAGS[s][0], counts.get(s, 0), s) for s in ("green", "amber", "red")),
    )


def _number(number: Decimal, column: dict) -> str:
    """A number or percentage as given, or with ``"trim": True`` without trailing zeros (a
    target of 85.00 is "85%"); then "%" or the unit its column names ("5 points")."""
    if column.get("trim"):
        number = Decimal(number_text(number))
    text = grouped_text(number)
    if column.get("kind") == "percent":
        return f"{text}%"
    return f"{text} {column['unit']}" if column.get("unit") else text


def _change(number: Decimal, unit: str) -> str:
    """ "+1.2 points", "−14", "0.0 points": the sign, then the unit the column names."""
    if number == 0:
        number = abs(number)
    sign = "+" if number > 0 else "−" if number < 0 else ""
    return f"{sign}{grouped_text(abs(number))}{' ' + unit if unit else ''}"


def _beneath(row, columns, index, column) -> str | None:
    value = row[index]
    if value in (None, ""):
        return None
    if value == "yes":  # a yes-or-no column beneath: its label when yes ("Synthetic (demo)")
        return columns[index]["label"]
    return f"{cell(value, columns[index])} {column.get('beneath_words', '')}".strip()


def _part_text(number: Decimal, column: dict) -> str:
    """A percentage's numerator or denominator: whole if its column counts, else as given
    (full-time equivalents keep their decimals)."""
    return count_text(number) if column.get("kind") == "count" else grouped_text(number)


@register.filter
def confirmed_by(snapshot, as_of=None):
    """``snapshot|confirmed_by:as_of``: when a recompute last found the snapshot's figures
    unchanged, if after they were computed (and by the past moment a page is shown as of);
    else None."""
    return snapshot.confirmed_by(as_of.moment if as_of else None)


@register.filter
def numeric(column) -> bool:
    """Whether a column's cells line up on the right, as GOV.UK tables do for numbers."""
    return isinstance(column, dict) and column.get("kind") in (
        "money",
        "number",
        "percent",
        "count",
        "change",
    )


@register.filter
def with_columns(row, columns):
    """A row paired with its columns: ``{% for value, column in row|with_columns:cols %}``."""
    return zip(row, columns, strict=False)


@register.filter
def for_page(table):
    """A table as the page shows it: ``{"columns": [...], "rows": [[(value, column, of), ...]]}``.

    Columns marked ``"page": False`` (kept for the CSV, the API and the pack) and columns with
    no figure in any row are left out; a column with ``"of": [numerator key, denominator key]``
    shows "581 of 923" under its value, so a percentage is never without what it is made of;
    one with ``"beneath": key`` (and ``"beneath_words"``) shows that column's cell under its
    value ("64.0% of posts"; a yes-or-no column's label when yes), so a table of many columns
    fits the page.
    """
    columns = table["columns"]
    keys = [c["key"] for c in columns]
    rows = table["rows"]
    shown = [
        i
        for i, c in enumerate(columns)
        if c.get("page", True) and (i == 0 or any(row[i] not in (None, "") for row in rows))
    ]
    result = []
    for row in rows:
        cells = []
        for i in shown:
            column = columns[i]
            parts = [keys.index(k) for k in column.get("of", ()) if k in keys]
            of = None
            numbers = [_decimal(row[p]) for p in parts]
            if len(parts) == 2 and row[i] not in (None, "") and None not in numbers:
                a, b = (_part_text(n, columns[p]) for n, p in zip(numbers, parts, strict=True))
                of = f"{a} of {b}"
            if column.get("beneath") in keys and row[i] not in (None, ""):
                of = _beneath(row, columns, keys.index(column["beneath"]), column) or of
            cells.append((row[i], column, of))
        result.append(cells)
    return {"columns": [columns[i] for i in shown], "rows": result}
