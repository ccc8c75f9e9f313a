"""Monthly performance returns: start, save figures, check, submit, approve, return, correct.

The life itself (states, area approvals, locking, revisions, emails) is the shared mechanism
in ``trust_portal.approvals``; this module adds what is particular to performance figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from performance import change as move
from performance.models import (
    ALL_AREAS,
    Commentary,
    Indicator,
    Measurement,
    MonthlyReturn,
    RuleBook,
    Target,
)
from performance.rag import Status, rate, value_of
from performance.rules import rule_note, standard_of
from trust_portal.approvals import services as approvals
from trust_portal.approvals.checks import Problem, split
from trust_portal.approvals.models import State
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.numbers import whole_number
from trust_portal.periods import previous_month
from trust_portal.webhooks.models import Event
from trust_portal.webhooks.services import event_record


def areas_of(arrangement) -> list[str]:
    return [c.code for c in arrangement.councils.order_by("code")]


def cells_of(arrangement, indicators) -> list[tuple[Indicator, str]]:
    """Every (indicator, area) a return holds: each council's area, and for figures that do
    not add up across areas, all areas together as well."""
    areas = areas_of(arrangement)
    cells = []
    for indicator in indicators:
        if indicator.entered_in != Indicator.EnteredIn.PERFORMANCE:
            continue  # the workforce return's rates are derived there, not entered here
        cells += [(indicator, area) for area in areas]
        if not indicator.additive:
            cells.append((indicator, ALL_AREAS))
    return cells


def return_start(*, by, arrangement, month: date) -> MonthlyReturn:
    return approvals.submission_start_month(
        model=MonthlyReturn, by=by, arrangement=arrangement, month=month, what="return"
    )


def _whole(text, *, cell: str, what: str, errors: dict):
    value, problem = whole_number(text)
    if problem:
        typed = str(text).strip()
        shown = typed if len(typed) <= 20 else f"{typed[:20]}…"
        errors[cell] = f"The {what} {problem} (you entered “{shown}”)."
    return value


def _check_figures(monthly_return, indicators, figures) -> dict:
    """Parse typed figures; raise every error at once, each keyed "CODE.AREA" (".den" for a
    denominator) so the form can show it beside the cell."""
    valid_cells = {
        (i.code, a) for i, a in cells_of(monthly_return.arrangement, indicators.values())
    }
    errors: dict[str, str] = {}
    clean: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    for (code, area), (num_text, den_text) in figures.items():
        key = f"{code}.{area}"
        if (code, area) not in valid_cells:
            errors[key] = f"{code} has no {area} figure in this return."
            continue
        indicator = indicators[code]
        numerator = _whole(
            num_text,
            cell=key,
            what="number" if not indicator.has_denominator else "numerator",
            errors=errors,
        )
        denominator = None
        if indicator.has_denominator:
            denominator = _whole(den_text, cell=f"{key}.den", what="denominator", errors=errors)
            if (
                indicator.unit == Indicator.Unit.PERCENTAGE
                and numerator is not None
                and denominator is not None
                and numerator > denominator
            ):
                errors[key] = (
                    f"The numerator ({numerator}) cannot be more than the denominator "
                    f"({denominator})."
                )
        clean[(code, area)] = (numerator, denominator)
    if errors:
        raise ValidationError(errors)
    return clean


def _save_commentary(monthly_return, indicators, commentary: dict[str, str]) -> None:
    for code, text in commentary.items():
        if code not in indicators:
            continue
        if text.strip():
            Commentary.objects.update_or_create(
                monthly_return=monthly_return,
                indicator=indicators[code],
                defaults={"text": text.strip()},
            )
        else:
            Commentary.objects.filter(
                monthly_return=monthly_return, indicator=indicators[code]
            ).delete()


@transaction.atomic
def return_save(
    *,
    by,
    monthly_return: MonthlyReturn,
    expected_version: int,
    figures: dict[tuple[str, str], tuple[str | None, str | None]],
    commentary: dict[str, str],
    source: str = Measurement.Source.FORM,
) -> MonthlyReturn:
    """Save figures typed or uploaded: {(indicator code, area): (numerator, denominator)}.

    Errors (not a whole number, negative, numerator above denominator) refuse the whole save,
    each keyed "CODE.AREA" so the form can show it beside the cell.
    """
    indicators = {i.code: i for i in Indicator.objects.all()}
    clean = _check_figures(monthly_return, indicators, figures)
    approvals.submission_record_change(
        submission=monthly_return, by=by, expected_version=expected_version
    )
    existing = {
        (m.indicator.code, m.area): m
        for m in monthly_return.measurements.select_related("indicator")
    }
    for (code, area), (numerator, denominator) in clean.items():
        old = existing.get((code, area))
        if old is not None and (old.numerator, old.denominator) == (numerator, denominator):
            continue  # unchanged: it keeps where it came from (an extract, say) and its history
        Measurement.objects.update_or_create(
            monthly_return=monthly_return,
            indicator=indicators[code],
            area=area,
            defaults={
                "numerator": numerator,
                "denominator": denominator,
                "source": source,
                "extract_upload": None,
            },
        )
    _save_commentary(monthly_return, indicators, commentary)
    return monthly_return


@dataclass(frozen=True)
class Row:
    """One cell of a return as the review page shows it."""

    indicator: Indicator
    area: str
    measurement: Measurement | None
    rating: object
    previous: Fraction | None
    change: Fraction | None
    needs_commentary: str | None  # why it needs a commentary (the system's flag), if it does
    why: str = ""  # the change split into what its numerator and denominator did, in words
    notes: tuple[str, ...] = ()  # a definition or target that changed between the two months
    standard: str = ""  # the dated rule the figure was counted under, in words, if any

    @property
    def entered(self) -> bool:
        """Its numerator given, and its denominator where the indicator has one."""
        m = self.measurement
        if m is None or m.numerator is None:
            return False
        return m.denominator is not None or not self.indicator.has_denominator


def previous_approved(monthly_return: MonthlyReturn, at=None) -> MonthlyReturn | None:
    """Last month's approved return, if there is one ("change since last month" means the
    month before, not whatever month was last approved); at the past moment ``at``, the
    revision of it approved and in force then."""
    month = MonthlyReturn.objects.filter(
        arrangement=monthly_return.arrangement, period=previous_month(monthly_return.period)
    )
    return (month.in_force_at(at) if at else month.filter(state=State.APPROVED)).first()


def return_rows(monthly_return: MonthlyReturn, at=None) -> list[Row]:
    """Values, RAG, change since the previous approved month, and whether it needs a
    commentary, per cell: each rated and flagged under the rules in force for the return's
    month. At the past moment ``at``: the rules and targets as recorded then, and the month
    before as approved then."""
    arrangement = monthly_return.arrangement
    book = RuleBook.of(arrangement, at=at)
    settings_ = book.at(monthly_return.period)  # the month's rules
    indicators = list(Indicator.objects.with_definitions(at=at))  # the words written by then
    targets = Target.objects.in_force(arrangement=arrangement, month=monthly_return.period, at=at)
    mine = {
        (m.indicator_id, m.area): m
        for m in monthly_return.measurements.select_related("extract_upload__uploaded_by")
    }
    before = previous_approved(monthly_return, at=at)
    earlier = {(m.indicator_id, m.area): m for m in before.measurements.all()} if before else {}
    targets_before = (
        Target.objects.in_force(arrangement=arrangement, month=before.period, at=at)
        if before
        else {}
    )
    rows = []
    for indicator, area in cells_of(arrangement, indicators):
        m = mine.get((indicator.pk, area))
        target = targets.get(indicator.pk)
        rating = rate(
            numerator=m.numerator if m else None,
            denominator=m.denominator if m else None,
            unit=indicator.unit,
            polarity=indicator.polarity,
            target=target.target if target else None,
            tolerance=target.tolerance if target else None,
            small_number=settings_.small_number,
        )
        old = earlier.get((indicator.pk, area))
        previous = value_of(old.numerator, old.denominator, unit=indicator.unit) if old else None
        change = (
            rating.value - previous if rating.value is not None and previous is not None else None
        )
        flag = None
        if rating.status == Status.RED:
            flag = "Red against target"
        elif (
            change is not None
            and indicator.unit == Indicator.Unit.PERCENTAGE
            and abs(change) > settings_.query_change_points
        ):
            points = Decimal(settings_.query_change_points).normalize()
            flag = f"Changed by more than {points:f} points since last month"
        why, notes = "", ()
        if change is not None and indicator.unit == Indicator.Unit.PERCENTAGE:
            why = explained(indicator, monthly_return.period, old, m)
            notes = changed_between(
                indicator, before.period, monthly_return.period, targets_before, targets
            ) + tuple(filter(None, [rule_note(indicator.code, book.at(before.period), settings_)]))
        standard = standard_of(indicator.code, settings_)
        rows.append(Row(indicator, area, m, rating, previous, change, flag, why, notes, standard))
    return rows


def explained(indicator: Indicator, month: date, before: Measurement, after: Measurement) -> str:
    """Last month to this in words, split into what the numerator and denominator did."""
    definition = indicator.definition_for(month)
    text = move.words(
        n0=before.numerator,
        d0=before.denominator,
        n1=after.numerator,
        d1=after.denominator,
        numerator_words=definition.numerator_words if definition else "",
        denominator_words=definition.denominator_words if definition else "",
    )
    return text[0].upper() + text[1:]


def changed_between(indicator, month_before, month, targets_before, targets) -> tuple[str, ...]:
    """Notes on what changed between two months besides the figures: the definition in force,
    and the target (``targets_before`` and ``targets``: ``Target.objects.in_force`` of each)."""
    versions = [
        getattr(indicator.definition_for(m), "version", None) for m in (month_before, month)
    ]
    pairs = [
        (t.target, t.tolerance) if t else None
        for t in (targets_before.get(indicator.pk), targets.get(indicator.pk))
    ]
    notes = (
        move.definition_note(before=versions[0], after=versions[1], month_after=month),
        move.target_note(before=pairs[0], after=pairs[1]),
    )
    return tuple(note for note in notes if note)


def return_checks(monthly_return: MonthlyReturn) -> list[Problem]:
    """Every figure that stops submission: missing, or flagged and without a commentary on
    its indicator; each names its indicator and area and the entry box to fix it in."""
    commented = set(monthly_return.commentaries.values_list("indicator_id", flat=True))
    return list(filter(None, (_problem(row, commented) for row in return_rows(monthly_return))))


def _problem(row: Row, commented: set[int]) -> Problem | None:
    code, m = row.indicator.code, row.measurement
    if not row.entered:
        field = f"{'n' if m is None or m.numerator is None else 'd'}__{code}__{row.area}"
        return Problem(row.indicator.name, row.area, "enter the figure.", field=field, key=field)
    if row.needs_commentary and row.indicator.pk not in commented:
        return Problem(
            row.indicator.name,
            row.area,
            f"{row.needs_commentary.lower()}. Add a commentary to explain it.",
            field=f"c__{code}",
            commentary=True,
            key=f"{code}.{row.area}.commentary",
        )
    return None


def return_problems(monthly_return: MonthlyReturn) -> tuple[list[str], list[str]]:
    """(errors that block submission, figures that need a commentary first), in words."""
    missing, flagged = split(return_checks(monthly_return))
    return [str(p) for p in missing], [str(p) for p in flagged]


@transaction.atomic
def return_submit(*, by, monthly_return: MonthlyReturn) -> None:
    missing, flagged = return_problems(monthly_return)
    if missing or flagged:
        raise ValidationError(missing + flagged)
    approvals.submission_submit(submission=monthly_return, by=by)


_return_approve, return_send_back = approvals.kind_decisions(
    "monthly_return",
    on_approved=lambda arrangement: snapshot_queue_recompute(arrangement=arrangement),
)


@transaction.atomic
def return_approve(
    *, by, monthly_return: MonthlyReturn, expected_version: int | None = None
) -> bool:
    """Approve the officer's council's area (True once every council has); the approval of
    a correction (a later revision) is told to webhooks as a correction."""
    done = _return_approve(by=by, monthly_return=monthly_return, expected_version=expected_version)
    if done:
        first = monthly_return.revision == 1
        event_record(
            arrangement=monthly_return.arrangement,
            event=Event.RETURN_APPROVED if first else Event.RETURN_CORRECTED,
            api_url=reverse("return-detail", args=[monthly_return.pk]),
        )
    return done


def _copy_figures(approved: MonthlyReturn, new: MonthlyReturn, by) -> None:
    Measurement.objects.bulk_create(
        Measurement(
            monthly_return=new,
            indicator_id=m.indicator_id,
            area=m.area,
            numerator=m.numerator,
            denominator=m.denominator,
            source=m.source,
            extract_upload_id=m.extract_upload_id,
        )
        for m in approved.measurements.all()
    )
    Commentary.objects.bulk_create(
        Commentary(monthly_return=new, indicator_id=c.indicator_id, text=c.text)
        for c in approved.commentaries.all()
    )


return_correct = approvals.kind_correct("monthly_return", copy_figures=_copy_figures)
