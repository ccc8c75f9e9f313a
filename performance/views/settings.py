"""An arrangement's performance settings: the values with what they mean, their history, and
the council officers' page to change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from performance.forms.settings import PerformanceSettingsForm
from performance.models import PerformanceSettings
from performance.services.settings import performance_settings_update
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.govuk_forms import add_service_errors

SETTINGS = PerformanceSettingsForm.SETTINGS
LABELS = {name: PerformanceSettingsForm.base_fields[name].label for name in SETTINGS}


def _rows(own: PerformanceSettings) -> list[tuple[str, str, object]]:
    fields = PerformanceSettingsForm.base_fields
    return [(fields[name].label, fields[name].help_text, getattr(own, name)) for name in SETTINGS]


def _history(own: PerformanceSettings) -> list[tuple[object, list[tuple[str, object, object]]]]:
    """Each recorded change, newest first, with what it changed (old → new). The first record
    is compared with the defaults it started from."""
    if own.pk is None:
        return []
    before = {name: PerformanceSettings._meta.get_field(name).default for name in SETTINGS}
    result = []
    records = own.history.select_related("history_user").order_by("history_date", "history_id")
    for record in records:
        after = {name: getattr(record, name) for name in SETTINGS}
        changes = [(LABELS[n], before[n], after[n]) for n in SETTINGS if before[n] != after[n]]
        result.append((record, changes))
        before = after
    result.reverse()
    return result


@login_required
def settings_detail(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.TARGET)  # membership: just checked
    own = PerformanceSettings.of(arrangement)  # unsaved defaults if none: a GET never writes
    context = {
        "arrangement": arrangement,
        "saved": own.pk is not None,
        "rows": _rows(own),
        "history": _history(own),
        "can_edit": can(request.user, Action.EDIT, Kind.TARGET, arrangement),
    }
    return render(request, "performance/settings_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.EDIT, Kind.TARGET)  # membership: just checked
    own = PerformanceSettings.of(arrangement)
    form = PerformanceSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(own, name) for name in SETTINGS},
    )
    if form.is_valid():
        try:
            performance_settings_update(
                by=request.user,
                arrangement=arrangement,
                reason=form.cleaned_data["reason"],
                **form.values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Performance settings saved.")
            return redirect("performance:settings", arrangement.code)
    context = {"arrangement": arrangement, "form": form}
    return render(request, "performance/settings_form.html", context)
