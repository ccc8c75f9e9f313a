"""The scrutiny pack's performance figures for each approved month, as a committee reads them:
page one's RAG matrix (indicators by domain, the council areas and all areas side by side), the
three biggest movements and the top exceptions with the trust's commentary once each; then a
small table per domain. No codes, no numerators or denominators: the counts behind each value
travel in columns the pack does not print (``pack=False``), so that it can still hide a value
worked out from a small count (trust_portal/dashboards/packs.py).

Its own snapshot ("performance-pack", not listed among the dashboards), so the overview's
builder stays the overview's."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from performance.dashboards.approved import OVERALL, Figure
from performance.dashboards.cells import month_key
from performance.dashboards.history import SOURCE, History, load
from performance.dashboards.matrix import (
    change_text,
    direction,
    exception_items,
    target_text,
    value_text,
)
from performance.dashboards.rules import month_note
from performance.models import Indicator
from performance.rag import Status
from trust_portal.dashboards import figures
from trust_portal.dashboards.parts import KeptParts
from trust_portal.dashboards.registry import builder, pack_section
from trust_portal.periods import previous_month

NAME = "performance-pack"
MOVEMENTS = 3
EXCEPTIONS = 5
NO_COMMENTARY = "No commentary given."
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "grey": "Not rated"}


def change_words(indicator: Indicator, figure: Figure | None, before: Figure | None) -> str:
    """ "+2.1 points, better", "−3, worse", "no change" (the matrix's words, one phrase); ""
    without both figures."""
    if not (figure and before) or figure.value is None or before.value is None:
        return ""
    change = figure.value - before.value
    word = direction(indicator, change)
    return word if word == "no change" else f"{change_text(indicator, change)}, {word}"


def _counts(key: str) -> list[dict]:
    """The hidden count columns behind a value (the pack hides the value if one is small)."""
    return [
        figures.column(f"{key}_n", "Numerator", "count", pack=False),
        figures.column(f"{key}_d", "Denominator", "count", pack=False),
        figures.column(f"{key}_pn", "Previous numerator", "count", pack=False),
        figures.column(f"{key}_pd", "Previous denominator", "count", pack=False),
    ]


def _area_columns(code: str, label: str) -> list[dict]:
    both = [f"{code}_n", f"{code}_d"]
    return [
        figures.column(f"{code}_value", "Value", "text", counts=both, group=label),
        figures.column(f"{code}_rag", "RAG", "rag", group=label),
        figures.column(
            f"{code}_change",
            "Change",
            "text",
            counts=both + [f"{code}_pn", f"{code}_pd"],
            group=label,
        ),
        *_counts(code),
    ]


def _area_cells(history: History, indicator: Indicator, area: str, month: date) -> list:
    figure = history.figures.get((indicator.code, area, month))
    before = history.figures.get((indicator.code, area, previous_month(month)))
    rating = history.rating(indicator, figure, month)
    status = None if figure is None or figure.value is None else rating.status.value
    return [
        value_text(indicator, figure.value) if figure else None,
        status,
        change_words(indicator, figure, before) or None,
        figure.numerator if figure else None,
        figure.denominator if figure else None,
        before.numerator if before else None,
        before.denominator if before else None,
    ]


def has_figure(history: History, indicator: Indicator, month: date) -> bool:
    return any(
        (f := history.figures.get((indicator.code, area, month))) and f.value is not None
        for area, _ in history.areas
    )


def is_rated(history: History, indicator: Indicator, month: date) -> bool:
    """Whether any area's figure is rated red, amber or green."""
    rated = (Status.GREEN, Status.AMBER, Status.RED)
    return any(
        history.rating(indicator, history.figures.get((indicator.code, area, month)), month).status
        in rated
        for area, _ in history.areas
    )


def _by_domain(history: History, month: date) -> list[tuple[str, list[Indicator]]]:
    found: dict[str, list[Indicator]] = {}
    for indicator in history.indicators:
        if has_figure(history, indicator, month):
            found.setdefault(indicator.get_domain_display(), []).append(indicator)
    order = [label for _, label in Indicator.Domain.choices]
    return sorted(found.items(), key=lambda item: order.index(item[0]))


def _short(code: str) -> str:
    return "All areas" if code == OVERALL else code


def matrix_block(history: History, month: date) -> dict:
    """Page one's matrix: a row per indicator with a figure, under its domain's heading."""
    columns = [figures.column("indicator", "Indicator")]
    for code, _ in history.areas:
        columns += _area_columns(code, _short(code))
    rows, headings = [], []
    domains = [
        (domain, rated)
        for domain, indicators in _by_domain(history, month)
        if (rated := [i for i in indicators if is_rated(history, i, month)])
    ]
    for domain, indicators in domains:
        headings.append(len(rows))
        rows.append([domain] + [None] * (len(columns) - 1))
        for indicator in indicators:
            row = [indicator.name]
            for code, _ in history.areas:
                row += _area_cells(history, indicator, code, month)
            rows.append(row)
    rated = sum(len(i) for _, i in domains)
    others = sum(len(i) for _, i in _by_domain(history, month)) - rated
    summary = (
        f"The {rated} indicators rated against a target in {month:%B %Y}: each area's value, "
        f"its RAG rating and the change since {previous_month(month):%B %Y}, said as better or "
        "worse for the indicator."
    )
    if others:
        summary += (
            f" {others} more with figures but no target (context, or not rated yet) are in the "
            "sections by domain."
        )
    block = figures.table_block(
        "matrix", f"Scorecard, {month:%B %Y}", figures.table(columns, rows), summary=summary
    )
    return {**block, "front": True, "headings": headings}


def _score(indicator: Indicator, figure: Figure, before: Figure) -> Fraction:
    """How big a movement is: the change relative to last month's value, so that a rate and
    a count of days compare."""
    change = Fraction(abs(figure.value - before.value))
    return change / abs(before.value) if before.value else change


def movements_block(history: History, month: date) -> dict:
    """The three biggest changes since last month (all areas together), better or worse."""
    found = []
    for indicator in history.indicators:
        if indicator.polarity == Indicator.Polarity.CONTEXT:
            continue
        figure = history.figures.get((indicator.code, OVERALL, month))
        before = history.figures.get((indicator.code, OVERALL, previous_month(month)))
        if not (figure and before) or figure.value is None or before.value is None:
            continue
        if figure.value != before.value:
            found.append((_score(indicator, figure, before), indicator, figure, before))
    found.sort(key=lambda item: (-item[0], item[1].name))
    columns = [
        figures.column("indicator", "Indicator"),
        figures.column("before", f"{previous_month(month):%B %Y}", "text", counts=["pn", "pd"]),
        figures.column("now", f"{month:%B %Y}", "text", counts=["n", "d"]),
        figures.column("change", "Change", "text", counts=["n", "d", "pn", "pd"]),
        figures.column("n", "Numerator", "count", pack=False),
        figures.column("d", "Denominator", "count", pack=False),
        figures.column("pn", "Previous numerator", "count", pack=False),
        figures.column("pd", "Previous denominator", "count", pack=False),
    ]
    rows = [
        [
            indicator.name,
            value_text(indicator, before.value),
            value_text(indicator, figure.value),
            change_words(indicator, figure, before),
            figure.numerator,
            figure.denominator,
            before.numerator,
            before.denominator,
        ]
        for _, indicator, figure, before in found[:MOVEMENTS]
    ]
    block = figures.table_block(
        "movements",
        "The biggest movements",
        figures.table(columns, rows),
        summary=f"All areas together, the largest changes since {previous_month(month):%B %Y}."
        if rows
        else f"No indicator can be compared with {previous_month(month):%B %Y}.",
    )
    return {**block, "front": True}


def exceptions_block(history: History, month: date) -> dict:
    """The indicators red somewhere (the overview's exceptions), most red areas first, with the
    trust's commentary once."""
    found = sorted(exception_items(history, month), key=lambda i: (-len(i["red"]), i["name"]))
    columns = [
        figures.column("indicator", "Indicator"),
        figures.column("where", "Red in"),
        figures.column("target", "Target"),
        figures.column("commentary", "The trust's commentary"),
    ]
    rows = []
    for item in found[:EXCEPTIONS]:
        where = ", ".join(red["area"] for red in item["red"])
        rows.append([item["name"], where, item["target"], item["commentary"] or NO_COMMENTARY])
    more = len(found) - len(rows)
    summary = (
        f"{len(found)} indicator{'s are' if len(found) != 1 else ' is'} red somewhere in "
        f"{month:%B %Y}" + (f"; the {len(rows)} red in most areas:" if more else ":")
        if found
        else f"Nothing is red in {month:%B %Y}."
    )
    block = figures.table_block(
        "top-exceptions", "Exceptions", figures.table(columns, rows), summary=summary
    )
    return {**block, "front": True}


def domain_block(history: History, month: date, domain: str, indicators: list) -> dict:
    """A domain's small table: each indicator's target, and each area's value in words."""
    columns = [figures.column("indicator", "Indicator"), figures.column("target", "Target")]
    for code, _ in history.areas:
        both = [f"{code}_n", f"{code}_d"]
        columns.append(figures.column(f"{code}_value", _short(code), counts=both))
        columns += _counts(code)[:2]
    rows, counts = [], {"green": 0, "amber": 0, "red": 0}
    for indicator in indicators:
        target = history.target(indicator, month) if indicator.has_rag else None
        row = [
            indicator.name,
            target_text(indicator, target.target if target else None),
        ]
        for code, _ in history.areas:
            value, status, _, n, d, _, _ = _area_cells(history, indicator, code, month)
            word = RAG_WORDS.get(status)
            row += [f"{value} ({word.lower()})" if value and word else value, n, d]
            if code == OVERALL and status in counts:
                counts[status] += 1
        rows.append(row)
    summary = (
        f"{len(indicators)} indicator{'s' if len(indicators) != 1 else ''} with figures; for "
        f"all areas together {counts['green']} green, {counts['amber']} amber and "
        f"{counts['red']} red."
    )
    slug = domain.lower().replace(" ", "-")
    return figures.table_block(
        f"domain-{slug}", domain, figures.table(columns, rows), summary=summary
    )


def pack_month(history: History, month: date) -> list[dict]:
    blocks = [
        matrix_block(history, month),
        movements_block(history, month),
        exceptions_block(history, month),
    ]
    for domain, indicators in _by_domain(history, month):
        # The workforce rates have the workforce summary's section of their own.
        if domain != Indicator.Domain.WORKFORCE.label:
            blocks.append(domain_block(history, month, domain, indicators))
    blocks.append(month_note(history, month))  # the rules the month was judged under
    return blocks


pack_section(
    NAME,
    title="Performance by domain",
    missing="No approved performance figures for {month}.",
    order=10,
)


@builder(NAME, title="Performance for the scrutiny pack", source=SOURCE)
def build_performance_pack(arrangement) -> dict:
    history = load(arrangement)
    data = {"title": "Performance for the scrutiny pack", "blocks": [], "pack": {"by_month": {}}}
    parts = KeptParts(arrangement, NAME)  # each month's kept while what it reads is the same
    for month in sorted(history.returns):
        data["pack"]["by_month"][month_key(month)] = parts.part(
            month_key(month), history.month_inputs(month), lambda m=month: pack_month(history, m)
        )
    parts.save()
    return data
