"""Changes to an arrangement's performance rules, each from a month on: checked, dated,
recorded with a reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from performance.models import MonthlyReturn, PerformanceSettings, RuleBook
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.history import audited_save
from trust_portal.periods import first_of_month, month_problem

DEFAULTS_REASON = "The portal's default rules, in force from the beginning until the first change."

# What each performance setting is called in a message, its unit, and the values it may take.
SETTINGS_LIMITS = {
    "cin_visit_days": ("The visit frequency for children in need", "days", 1, 365),
    "cp_visit_days": ("The visit frequency for children on a protection plan", "days", 1, 365),
    "lac_visit_days": ("The visit frequency for looked-after children", "days", 1, 365),
    "cl_contact_days": ("The contact frequency for care leavers", "days", 1, 365),
    "caseload_limit": ("The caseload limit", "children", 1, 200),
    "small_number": ("The small-number size", "", 1, 1000),
    "due_working_day": ("The due working day", "", 1, 20),
    "query_change_points": (
        "The change that needs a commentary",
        "percentage points",
        Decimal("0.1"),
        Decimal(100),
    ),
}


def performance_settings_check(values: dict) -> tuple[dict, dict[str, str]]:
    """(the values as numbers, {setting: what to do}) for any of the settings; text is read
    as a number, as the API might send it. The settings form shows the same messages."""
    clean, errors = {}, {}
    for name, value in values.items():
        what, unit, lowest, highest = SETTINGS_LIMITS[name]
        decimal = name == "query_change_points"
        if isinstance(value, str):
            try:
                value = Decimal(value.strip()) if decimal else int(value.strip())
            except (ArithmeticError, ValueError):
                errors[name] = f"{what} must be a {'number' if decimal else 'whole number'}."
                continue
        if value is None:
            errors[name] = f"Enter {what[0].lower()}{what[1:]}."
        elif not lowest <= value <= highest or value != round(value, 1):
            places = ", to one decimal place" if decimal else ""
            errors[name] = f"{what} must be between {lowest} and {highest} {unit}".rstrip()
            errors[name] += f"{places}."
        else:
            clean[name] = value
    return clean, errors


# The kinds of monthly return whose months are judged under the rules: performance's own, and
# those another app registers with ``judged_by_rules`` (performance names no other app).
_JUDGED: list[type] = [MonthlyReturn]


def judged_by_rules(model: type) -> None:
    """Register a kind of return (an approvals ``Submission`` model: ``arrangement``,
    ``period``) whose months are computed or rated under the performance rules, as the
    workforce return's are (the small-number size, the caseload limit). Called from the app's
    ``AppConfig.ready``."""
    if model not in _JUDGED:
        _JUDGED.append(model)


def judged_returns() -> list[type]:
    return list(_JUDGED)


def _beginning(arrangement, start: date) -> date:
    """Where the rules an arrangement has always had begin: the month of its earliest return of
    any kind judged under them (a workforce month may come before the first performance
    return), or ``start`` if none is earlier."""
    months = [start]
    for model in _JUDGED:
        first = model.objects.filter(arrangement=arrangement).order_by("period").first()
        months += [first.period] if first else []
    return min(months)


def _check_month(book: RuleBook, valid_from: date | None, errors: dict) -> date | None:
    """The change's month (the first of the month given), or None with the error recorded:
    one change a month, none before the first rules (they are in force from the beginning)."""
    if valid_from is None:
        errors["valid_from"] = "Enter the month the change applies from."
        return None
    start = first_of_month(valid_from)
    first = book.first
    problem = month_problem(start, timezone.localdate())
    if problem:
        errors["valid_from"] = problem
    elif first is not None and start < first.valid_from:
        errors["valid_from"] = (
            f"The rules are recorded from {first.valid_from:%B %Y}, in force from the "
            f"beginning: a change must start in {first.valid_from:%B %Y} or later."
        )
    elif any(row.valid_from == start for row in book.rows):
        errors["valid_from"] = (
            f"The rules already change from {start:%B %Y}: one change a month. Choose a "
            "later month, or record a further change from the next month."
        )
    return start


@transaction.atomic
def performance_rules_change(
    *, by, arrangement, valid_from: date | None, reason: str, **values
) -> PerformanceSettings:
    """A change to an arrangement's rules from a month on: a new row holding every rule (those
    not given kept from the rules in force in that month), in force until the next change.
    Months before it keep the rules they were judged under.

    With no rules recorded yet, the defaults the arrangement has been judged under are first
    recorded as its rules from the beginning (from its earliest return), so that only months
    from the change on are judged differently. Every month is rated again under its own rules:
    the dashboards are recomputed once the change commits.
    """
    if by is not None:
        require(by, Action.EDIT, Kind.TARGET, arrangement)
    unknown = set(values) - set(SETTINGS_LIMITS)
    if unknown:
        raise TypeError(f"Not a performance setting: {', '.join(sorted(unknown))}")
    book = RuleBook.of(arrangement)
    errors: dict[str, str] = {}
    start = _check_month(book, valid_from, errors)
    base = book.at(start or timezone.localdate())
    row = PerformanceSettings(arrangement=arrangement, valid_from=start, set_by=by)
    for name in SETTINGS_LIMITS:
        setattr(row, name, getattr(base, name))
    clean, value_errors = performance_settings_check(values)
    errors.update(value_errors)
    for name, value in clean.items():
        setattr(row, name, value)
    row.reason = (reason or "").strip()
    if not row.reason:
        errors["reason"] = "Say why the rules change."
    elif len(row.reason) > 1000:
        errors["reason"] = "Say why the rules change in 1,000 characters or fewer."
    if errors:
        raise ValidationError(errors)
    if all(getattr(row, name) == getattr(base, name) for name in SETTINGS_LIMITS):
        raise ValidationError(
            f"Nothing changes: these are the rules already in force for {start:%B %Y}. Change "
            "a rule, or cancel."
        )
    if not book.rows and _beginning(arrangement, start) < start:
        first = PerformanceSettings(
            arrangement=arrangement,
            valid_from=_beginning(arrangement, start),
            reason=DEFAULTS_REASON,
            set_by=by,
        )
        audited_save(first, by=by, reason=DEFAULTS_REASON)
    audited_save(row, by=by, reason=row.reason)
    snapshot_queue_recompute(arrangement=arrangement)
    return row
