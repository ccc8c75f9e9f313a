"""Changes to the indicator catalogue and to an arrangement's targets: recorded, never silent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from performance.models import Indicator, IndicatorDefinition, Target
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.history import audited_save
from trust_portal.periods import (
    financial_year_label,
    financial_year_of,
    first_of_month,
    month_problem,
)


@transaction.atomic
def indicator_revise_definition(
    *,
    by,
    indicator: Indicator,
    valid_from: date,
    definition: str,
    why_it_matters: str,
    numerator_words: str,
    denominator_words: str,
    reviewed_by: str,
    reviewed_on: date,
    change_reason: str,
    allow_past: bool = False,
) -> IndicatorDefinition:
    """A new version of an indicator's words, from a month onwards; earlier months keep theirs.

    ``allow_past`` is for loading a catalogue's first versions only (no past month can yet
    have been reported against them).
    """
    if by is not None:
        require(by, Action.EDIT, Kind.INDICATOR)
    problem = month_problem(valid_from, timezone.localdate())
    if problem:
        raise ValidationError({"valid_from": problem})
    latest = indicator.definitions.order_by("-version").first()
    if latest and valid_from <= latest.valid_from:
        raise ValidationError(
            {
                "valid_from": f"Version {latest.version} already applies from "
                f"{latest.valid_from:%B %Y}; a new version must start after it."
            }
        )
    if latest and not allow_past and valid_from < first_of_month(timezone.localdate()):
        raise ValidationError(
            {
                "valid_from": "A definition cannot change months already reported. "
                "Start it this month or later."
            }
        )
    if not change_reason.strip():
        raise ValidationError({"change_reason": "Say why the definition changes."})
    version = IndicatorDefinition(
        indicator=indicator,
        version=(latest.version + 1) if latest else 1,
        valid_from=valid_from,
        definition=definition,
        why_it_matters=why_it_matters,
        numerator_words=numerator_words,
        denominator_words=denominator_words,
        reviewed_by=reviewed_by,
        reviewed_on=reviewed_on,
        change_reason=change_reason.strip(),
        changed_by=by,
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def target_set(
    *,
    by,
    arrangement,
    indicator: Indicator,
    financial_year: int,
    valid_from: date | None = None,
    target: Decimal,
    tolerance: Decimal,
    reason: str,
) -> Target:
    """Set a target and tolerance for a financial year, from a month onwards.

    The first target of a year may start at the beginning of that year (to record history).
    A change to a year that already has a target starts this month or later, so months
    already judged keep the target they were judged against.
    """
    if by is not None:
        require(by, Action.EDIT, Kind.TARGET, arrangement)
    start = first_of_month(valid_from or date(financial_year, 4, 1))
    existing = Target.objects.filter(
        arrangement=arrangement, indicator=indicator, financial_year=financial_year
    )
    this_month = first_of_month(timezone.localdate())
    if existing.exists():
        latest = existing.order_by("-valid_from").first()
        if start <= latest.valid_from:
            raise ValidationError(
                {
                    "valid_from": f"The {financial_year_label(financial_year)} target already "
                    f"changed from {latest.valid_from:%B %Y}; a new change must start after it."
                }
            )
        if start < this_month:
            raise ValidationError(
                {
                    "valid_from": "Months already reported keep their target. "
                    "Start the change this month or later."
                }
            )
    if financial_year_of(start) != financial_year:
        raise ValidationError(
            {"valid_from": f"Choose a month in {financial_year_label(financial_year)}."}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the target is set or changed."})
    row = Target(
        arrangement=arrangement,
        indicator=indicator,
        financial_year=financial_year,
        valid_from=start,
        target=target,
        tolerance=tolerance,
        reason=reason.strip(),
        set_by=by,
    )
    return audited_save(row, by=by, reason=None)  # its reason is a field of its own
