"""Two revisions of one month's return side by side, and who changed which figure in one.

A correction starts as a copy of the approved revision (``returns.return_correct``) and is then
changed; ``compare`` says which cells differ and by how much. ``change_log`` reads
django-simple-history's records of ``Measurement`` to say who changed a figure from what to
what, and when, while the revision was open.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from performance.models import ExtractUpload, Indicator, Measurement, MonthlyReturn
from performance.rag import value_of
from performance.services.returns import cells_of
from trust_portal.accounts.attribution import made_by
from trust_portal.approvals.models import Event
from trust_portal.numbers import count_text, figure_text

PERCENTAGE = Indicator.Unit.PERCENTAGE


def shown(value: Fraction | None, unit: str, *, signed: bool = False) -> str:
    """A value as the pages show it (``numbers.figure_text``): "66.7%", "1,783", "+1.2 points";
    "–" for no value."""
    return figure_text(value, unit, signed=signed)


@dataclass(frozen=True)
class Figure:
    """One cell's figures in one revision (all None: no figure)."""

    numerator: int | None
    denominator: int | None
    unit: str

    @classmethod
    def of(cls, measurement: Measurement | None, indicator: Indicator) -> Figure:
        if measurement is None:
            return cls(None, None, indicator.unit)
        denominator = measurement.denominator if indicator.has_denominator else None
        return cls(measurement.numerator, denominator, indicator.unit)

    @property
    def value(self) -> Fraction | None:
        return value_of(self.numerator, self.denominator, unit=self.unit)

    @property
    def is_empty(self) -> bool:
        return self.numerator is None and self.denominator is None

    def __str__(self) -> str:
        if self.is_empty:
            return "no figure"
        if self.unit not in (Indicator.Unit.PERCENTAGE, Indicator.Unit.RATIO):
            return "–" if self.numerator is None else count_text(self.numerator)
        top = "–" if self.numerator is None else count_text(self.numerator)
        bottom = "–" if self.denominator is None else count_text(self.denominator)
        return f"{top} / {bottom} = {shown(self.value, self.unit)}"


@dataclass(frozen=True)
class CellDifference:
    """One cell (indicator × area) in both revisions."""

    indicator: Indicator
    area: str
    old: Figure
    new: Figure

    @property
    def changed(self) -> bool:
        return (self.old.numerator, self.old.denominator) != (
            self.new.numerator,
            self.new.denominator,
        )

    @property
    def change(self) -> Fraction | None:
        """New value less old value, when both have one."""
        if self.old.value is None or self.new.value is None:
            return None
        return self.new.value - self.old.value

    @property
    def change_shown(self) -> str:
        return shown(self.change, self.indicator.unit, signed=True)


def compare(older: MonthlyReturn, newer: MonthlyReturn) -> list[CellDifference]:
    """Every cell of the return, in the review page's order, with both revisions' figures."""
    indicators = list(Indicator.objects.all())
    by_cell = {}
    for revision in (older, newer):
        by_cell[revision.pk] = {(m.indicator_id, m.area): m for m in revision.measurements.all()}
    return [
        CellDifference(
            indicator,
            area,
            Figure.of(by_cell[older.pk].get((indicator.pk, area)), indicator),
            Figure.of(by_cell[newer.pk].get((indicator.pk, area)), indicator),
        )
        for indicator, area in cells_of(newer.arrangement, indicators)
    ]


@dataclass(frozen=True)
class CommentaryDifference:
    """One indicator's commentary in both revisions ("" for none)."""

    indicator: Indicator
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def words(self) -> list[tuple[str, str]]:
        """The new text against the old, word by word: ("same" | "del" | "ins", text)."""
        return word_differences(self.old, self.new)


def word_differences(old: str, new: str) -> list[tuple[str, str]]:
    before, after = old.split(), new.split()
    parts: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("del", " ".join(before[a1:a2])))
        if b2 > b1:
            parts.append(("ins", " ".join(after[b1:b2])))
    return parts


def commentary_differences(
    older: MonthlyReturn, newer: MonthlyReturn
) -> list[CommentaryDifference]:
    """Every indicator with a commentary in either revision, in catalogue order."""
    old = {c.indicator_id: c.text for c in older.commentaries.all()}
    new = {c.indicator_id: c.text for c in newer.commentaries.all()}
    return [
        CommentaryDifference(indicator, old.get(indicator.pk, ""), new.get(indicator.pk, ""))
        for indicator in Indicator.objects.filter(pk__in=set(old) | set(new))
    ]


@dataclass(frozen=True)
class LogEntry:
    """One change to one figure while a revision was open."""

    at: datetime
    by: str  # who, as made_by says it (the API token too); "" if nobody is recorded (demo data)
    indicator: Indicator
    area: str
    old: Figure | None  # None: what it was before is not recorded
    new: Figure | None  # None: the figure was removed
    source: str


def _copied_figures(monthly_return: MonthlyReturn) -> dict:
    """A correction's figures as copied from the revision before it, by cell."""
    if monthly_return.revision == 1:
        return {}
    base = MonthlyReturn.objects.filter(
        arrangement_id=monthly_return.arrangement_id,
        period=monthly_return.period,
        revision=monthly_return.revision - 1,
    ).first()
    if base is None:
        return {}
    return {(m.indicator_id, m.area): m for m in base.measurements.all()}


def _saver(monthly_return: MonthlyReturn):
    """Who saved a history record: its user, else the person of the save event before it."""
    saves = list(
        monthly_return.events.filter(action=Event.Action.SAVED)
        .select_related("by")
        .order_by("at", "pk")
    )
    saved_at = [event.at for event in saves]

    def saver(record) -> str:
        if record.history_user is not None:
            return made_by(record)
        before = bisect_right(saved_at, record.history_date)
        return made_by(record, saves[before - 1].by if before else None)

    return saver


def _source(record, extracts: dict) -> str:
    """How a figure was entered; for one computed from an extract, which upload, in words."""
    upload = extracts.get(record.extract_upload_id)
    if upload is None:
        return record.get_source_display()
    return f"Computed from the {upload.source_text}"


def change_log(monthly_return: MonthlyReturn) -> list[LogEntry]:
    """Every change to a figure of this revision, newest first.

    Consecutive history records of one cell are compared, and a save that left a cell as it
    was is left out. A correction's figures start as a copy of the revision before it, made in
    bulk and so without history records: its first change compares against that copy. Who
    saved is the history's user where the request gave one, else the person of the "figures
    saved" event the save wrote just before (saves through the API or a background job).
    """
    indicators = {i.pk: i for i in Indicator.objects.all()}
    copied = _copied_figures(monthly_return)
    records = list(
        Measurement.history.filter(monthly_return_id=monthly_return.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    saver = _saver(monthly_return)
    extracts = ExtractUpload.objects.select_related("uploaded_by").in_bulk(
        {r.extract_upload_id for r in records if r.extract_upload_id}
    )
    last: dict[int, Figure] = {}
    entries = []
    for record in records:
        indicator = indicators.get(record.indicator_id)
        if indicator is None:
            continue
        cell = (record.indicator_id, record.area)
        if record.id in last:
            before = last[record.id]
        elif record.history_type == "+":
            before = Figure(None, None, indicator.unit)
        else:
            before = Figure.of(copied[cell], indicator) if cell in copied else None
        after = None if record.history_type == "-" else Figure.of(record, indicator)
        if after is not None:
            last[record.id] = after
        if before == after or (before is not None and before.is_empty and after is None):
            continue
        if record.history_type == "+" and after is not None and after.is_empty:
            continue  # an empty cell made by the first save: nothing was entered
        entries.append(
            LogEntry(
                record.history_date,
                saver(record),
                indicator,
                record.area,
                before,
                after,
                _source(record, extracts),
            )
        )
    entries.reverse()
    return entries
