"""The rules each month shown was judged under, as the dashboards' notes: the overview's (and
each month's pack section's) for its month, and an indicator trend page's across its months."""

from __future__ import annotations

from datetime import date

from performance.dashboards.history import History
from performance.models import Indicator
from performance.rules import changed_between, judged, over_months
from trust_portal.dashboards import figures


def month_note(history: History, month: date) -> dict:
    """The rules the month's figures were computed and rated under, and what changed in them
    since the month before."""
    text = judged(history.rules, month).sentence()
    changed = changed_between(history.rules, month)
    if changed:
        text += f" Changed since the month before: {'; '.join(changed)}."
    return figures.note_block("rules", "Rules in force", text)


def trend_note(history: History, indicator: Indicator, months: list[date]) -> dict:
    """The rules that decide the indicator, month by month."""
    text = over_months(history.rules, months, indicator.code)
    if not text:
        text = f"{indicator.name} has no approved figures yet."
    return figures.note_block("rules", "Rules in force", text)
