"""Why a percentage moved, month by month, on its trend page: each change from the month before,
per area and overall, split exactly into what its numerator and its denominator did
(``performance.change``), with a note where the definition, the target or a rule deciding it
changed between the two months."""

from __future__ import annotations

from datetime import date

from performance import change
from performance.dashboards.approved import OVERALL
from performance.dashboards.cells import month_key
from performance.dashboards.history import History
from performance.models import Indicator
from performance.rules import rule_note
from trust_portal.dashboards import figures
from trust_portal.periods import previous_month

SUMMARY = (
    "Each month's change from the month before, per council area and overall, split into what "
    "the numerator did at this month's denominator and what the denominator did to last "
    "month's numerator. The two parts add up to the change exactly; shown rounded to one "
    "decimal place, they may differ from it by 0.1."
)


def _notes(history: History, indicator: Indicator, before: date, month: date) -> str:
    versions = [history.regime(indicator, m)[0] for m in (before, month)]
    targets = [history.target(indicator, m) if indicator.has_rag else None for m in (before, month)]
    pairs = [(t.target, t.tolerance) if t else None for t in targets]
    notes = (
        change.definition_note(before=versions[0], after=versions[1], month_after=month),
        change.target_note(before=pairs[0], after=pairs[1]),
        rule_note(indicator.code, history.rules.at(before), history.rules.at(month)),
    )
    return " ".join(note for note in notes if note)


def _definition_changes(history: History, indicator: Indicator) -> list[str]:
    """ "From May 2024 to June 2024: the definition changed …" for each pair of months with
    figures, one after the other, between which the indicator's definition changed."""
    known = history.months_of.get(indicator.code, [])
    notes = []
    for before, month in zip(known, known[1:], strict=False):
        if previous_month(month) != before:
            continue
        versions = [history.regime(indicator, m)[0] for m in (before, month)]
        note = change.definition_note(before=versions[0], after=versions[1], month_after=month)
        if note:
            notes.append(f"From {before:%B %Y} to {month:%B %Y}: {note[0].lower()}{note[1:]}")
    return notes


def _row(history: History, indicator: Indicator, area: str, month: date) -> list | None:
    before = previous_month(month)
    now = history.figures.get((indicator.code, area, month))
    was = history.figures.get((indicator.code, area, before))
    if not (now and was and now.counted and was.counted):
        return None
    if not (now.denominator and was.denominator) or None in (now.numerator, was.numerator):
        return None
    counts = {
        "n0": was.numerator,
        "d0": was.denominator,
        "n1": now.numerator,
        "d1": now.denominator,
    }
    moved = change.split(**counts)
    definition = indicator.definition_for(month)
    text = change.words(
        **counts,
        numerator_words=definition.numerator_words if definition else "",
        denominator_words=definition.denominator_words if definition else "",
    )
    return [
        month_key(month),
        "Overall" if area == OVERALL else area,
        moved.total,
        moved.numerator_effect,
        moved.denominator_effect,
        text[0].upper() + text[1:],
        _notes(history, indicator, before, month),
    ]


def moves_block(history: History, indicator: Indicator, months: list[date]) -> dict | None:
    """The "why it moved" table of a percentage indicator (None for any other unit)."""
    if indicator.unit != Indicator.Unit.PERCENTAGE:
        return None
    title = f"{indicator.name}: why it moved"
    if not history.counted(indicator):
        text = (
            "This rate's parts are full-time equivalents from the workforce return, not counts, "
            "so its changes are not split here: the workforce return's page shows its parts."
        )
        changes = _definition_changes(history, indicator)
        return figures.note_block("why", title, " ".join([text, *changes]))
    columns = [
        figures.column("month", "Month", "month"),
        figures.column("area", "Area"),
        figures.column("change", "Change", "change", unit="points"),
        figures.column("numerator_effect", "Numerator effect", "change", unit="points"),
        figures.column("denominator_effect", "Denominator effect", "change", unit="points"),
        figures.column("why", "Why it moved"),
        figures.column("note", "Also changed"),
    ]
    rows = []
    for month in months[1:]:
        for area, _ in history.areas:
            row = _row(history, indicator, area, month)
            if row:
                rows.append(row)
    return figures.table_block("why", title, figures.table(columns, rows), summary=SUMMARY)
