"""An arrangement's performance rules: those in force this month with what they mean, every
dated change (each from a month on), their history, and the council officers' page to record
a change."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from performance.forms.settings import PerformanceSettingsForm
from performance.models import PerformanceSettings, RuleBook
from performance.services.settings import performance_rules_change
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.govuk_forms import add_service_errors
from trust_portal.periods import first_of_month, parse_month

SETTINGS = PerformanceSettingsForm.SETTINGS
LABELS = {name: PerformanceSettingsForm.base_fields[name].label for name in SETTINGS}


def _rows(own: PerformanceSettings) -> list[tuple[str, str, object]]:
    fields = PerformanceSettingsForm.base_fields
    return [(fields[name].label, fields[name].help_text, getattr(own, name)) for name in SETTINGS]


def _changes(before, after) -> list[tuple[str, object, object]]:
    return [
        (LABELS[n], getattr(before, n), getattr(after, n))
        for n in SETTINGS
        if getattr(before, n) != getattr(after, n)
    ]


def _periods(book: RuleBook) -> list[dict]:
    """Each dated row, newest first, with what it changed from the rules before it (the first,
    in force from the beginning, with every rule)."""
    result, before = [], None
    for row in book.rows:
        result.append(
            {
                "rules": row,
                "first": before is None,
                "changes": _changes(before, row) if before else [],
                "all": _rows(row) if before is None else [],
            }
        )
        before = row
    result.reverse()
    return result


def _history(book: RuleBook) -> list[tuple[object, str, list]]:
    """Each recorded write, newest first: a row of rules recorded from its month, or (before
    the rules were dated) a change to the one row, old → new."""
    records = PerformanceSettings.history.filter(arrangement=book.arrangement)
    records = records.select_related("history_user").order_by("history_date", "history_id")
    result, last = [], {}
    for record in records:
        before = last.get(record.id)
        if before is None:
            what, changes = f"Rules from {record.valid_from:%B %Y} recorded", []
        else:
            what, changes = (
                f"Rules from {record.valid_from:%B %Y} changed",
                _changes(before, record),
            )
        result.append((record, what, changes))
        last[record.id] = record
    result.reverse()
    return result


@login_required
def settings_detail(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.TARGET)  # membership: just checked
    book = RuleBook.of(arrangement)  # the defaults, unsaved, if none: a GET never writes
    now = book.at(timezone.localdate())
    context = {
        "arrangement": arrangement,
        "saved": bool(book.rows),
        "now": now,
        "this_month": first_of_month(timezone.localdate()),
        "rows": _rows(now),
        "periods": _periods(book),
        "history": _history(book),
        "can_edit": can(request.user, Action.EDIT, Kind.TARGET, arrangement),
    }
    return render(request, "performance/settings_detail.html", context)


def _start_month(request) -> tuple[date, date | None]:
    """(the month whose rules the form starts from, the month it offers for the change):
    ``?from=2019-03`` starts from March 2019's rules and leaves the month to choose (March 2019
    already has its change); without it, this month's rules from this month."""
    this_month = first_of_month(timezone.localdate())
    try:
        return parse_month(request.GET.get("from", "")), None
    except ValueError:
        return this_month, this_month


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.EDIT, Kind.TARGET)  # membership: just checked
    start, offered = _start_month(request)
    own = PerformanceSettings.of(arrangement, start)
    form = PerformanceSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"valid_from": offered} | {name: getattr(own, name) for name in SETTINGS},
    )
    if form.is_valid():
        try:
            performance_rules_change(
                by=request.user,
                arrangement=arrangement,
                valid_from=form.cleaned_data["valid_from"],
                reason=form.cleaned_data["reason"],
                **form.values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Rules change saved.")
            return redirect("performance:settings", arrangement.code)
    context = {"arrangement": arrangement, "form": form, "start": start}
    return render(request, "performance/settings_form.html", context)
