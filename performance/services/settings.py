"""Changes to an arrangement's performance settings: checked, recorded with a reason."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from performance.models import PerformanceSettings
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute

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


@transaction.atomic
def performance_settings_update(*, by, arrangement, reason: str, **values) -> PerformanceSettings:
    """Change an arrangement's performance settings, the reason kept in their history.

    Creates the settings row if the arrangement has none yet (pages read the unsaved defaults
    until then). The small-number size and the query threshold change what the dashboards
    show, so they are recomputed once the change commits.
    """
    if by is not None:
        require(by, Action.EDIT, Kind.TARGET, arrangement)
    unknown = set(values) - set(SETTINGS_LIMITS)
    if unknown:
        raise TypeError(f"Not a performance setting: {', '.join(sorted(unknown))}")
    row = PerformanceSettings.of(arrangement)
    before = {name: getattr(row, name) for name in SETTINGS_LIMITS}
    clean, errors = performance_settings_check(values)
    for name, value in clean.items():
        setattr(row, name, value)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why the settings change."
    elif len(reason) > 1000:
        errors["reason"] = "Say why the settings change in 1,000 characters or fewer."
    if errors:
        raise ValidationError(errors)
    if row.pk and all(getattr(row, name) == before[name] for name in SETTINGS_LIMITS):
        raise ValidationError("Nothing has changed: change a setting, or cancel.")
    row._history_user = by
    row._change_reason = reason
    row.full_clean()
    row.save()
    snapshot_queue_recompute(arrangement=arrangement)
    return row
