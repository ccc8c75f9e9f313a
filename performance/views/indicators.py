from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from performance.forms.indicators import DefinitionForm, TargetForm
from performance.models import Indicator, Target
from performance.services.indicators import indicator_revise_definition, target_set
from trust_portal.accounts.permissions import (
    Action,
    Kind,
    arrangement_or_404,
    can,
    permission_required,
    require,
)
from trust_portal.asof import honours_as_of
from trust_portal.formpages import form_page
from trust_portal.history import as_recorded
from trust_portal.numbers import digits_value
from trust_portal.periods import financial_year_label, financial_year_of


def _year(request) -> int:
    """The financial year asked for; by default this one (or the past moment's)."""
    year = digits_value(request.GET.get("year", ""))
    if year is not None and 2000 <= year <= 2100:
        return year
    as_of = getattr(request, "as_of", None)
    return financial_year_of(timezone.localdate(as_of.moment if as_of else None))


def _years(arrangement) -> list[int]:
    stored = Target.objects.filter(arrangement=arrangement).values_list("financial_year", flat=True)
    this_year = financial_year_of(timezone.localdate())
    return sorted(set(stored) | {this_year, this_year + 1})


def _targets(request, arrangement, **which) -> list[Target]:
    """The arrangement's targets (``which`` of them), oldest first; as of the past moment asked
    for, those recorded by then, each as it stood then."""
    if request.as_of:
        found = as_recorded(Target, request.as_of.moment, arrangement_id=arrangement.pk, **which)
        return sorted(found, key=lambda t: (t.valid_from, t.pk))
    found = Target.objects.filter(arrangement=arrangement, **which).select_related("set_by")
    return list(found.order_by("valid_from", "pk"))


def _indicators(request) -> list[Indicator]:
    """The catalogue now, or as it stood at the past moment asked for."""
    if request.as_of:
        found = as_recorded(Indicator, request.as_of.moment)
        return sorted(found, key=lambda i: (i.display_order, i.code))
    return list(Indicator.objects.all())


@login_required
@honours_as_of
def indicator_list(request, code):
    """Each indicator's target for a financial year; as of a past moment (``?as_of=``), the
    indicators and targets recorded by then, as they stood."""
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.INDICATOR)  # membership: just checked
    year = _year(request)
    latest = {}
    years = _years(arrangement)
    if request.as_of:  # the moment's year (the default then) among the choices
        years = sorted({*years, financial_year_of(timezone.localdate(request.as_of.moment)), year})
    for row in _targets(request, arrangement, financial_year=year):
        latest[row.indicator_id] = row  # the year's latest change wins
    context = {
        "arrangement": arrangement,
        "rows": [(i, latest.get(i.pk)) for i in _indicators(request)],
        "year": year,
        "year_label": financial_year_label(year),
        "years": [(y, financial_year_label(y)) for y in years],
    }
    return render(request, "performance/indicator_list.html", context)


@login_required
@honours_as_of
def indicator_detail(request, code, indicator):
    """One indicator: its definition in force, its targets and its definition's versions; as
    of a past moment (``?as_of=``), the indicator, the versions and the targets recorded by
    then, as they stood, and nothing to change."""
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.INDICATOR)  # membership: just checked
    indicator = get_object_or_404(Indicator.objects.with_definitions(), code=indicator.upper())
    definitions = list(indicator.definitions.all())
    today = timezone.localdate()
    as_of = request.as_of
    if as_of:
        then = as_recorded(Indicator, as_of.moment, pk=indicator.pk)
        if not then:
            raise Http404("This indicator was not yet in the catalogue then.")
        indicator = then[0]
        definitions = [d for d in definitions if d.changed_at <= as_of.moment]
        today = timezone.localdate(as_of.moment)
    versions = [d for d in definitions if d.valid_from <= today.replace(day=1)]
    targets = _targets(request, arrangement, indicator_id=indicator.pk)
    context = {
        "arrangement": arrangement,
        "indicator": indicator,
        "current": max(versions, key=lambda d: d.version, default=None),
        "definitions": sorted(definitions, key=lambda d: -d.version),
        "targets": sorted(targets, key=lambda t: (t.financial_year, t.valid_from), reverse=True),
        "can_set_target": not as_of
        and indicator.has_rag
        and can(request.user, Action.EDIT, Kind.TARGET, arrangement),
        "can_revise": not as_of and can(request.user, Action.EDIT, Kind.INDICATOR),
    }
    return render(request, "performance/indicator_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, code, indicator):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.EDIT, Kind.TARGET)  # membership: just checked
    indicator = get_object_or_404(Indicator, code=indicator.upper())
    data = request.POST if request.method == "POST" else None
    form = TargetForm(data, years=_years(arrangement), initial={"financial_year": _year(request)})

    def save(**cleaned):
        target_set(by=request.user, arrangement=arrangement, indicator=indicator, **cleaned)
        messages.success(request, f"Target for {indicator.name} saved.")
        return redirect("performance:indicator-detail", arrangement.code, indicator.code)

    context = {"arrangement": arrangement, "indicator": indicator, "form": form}
    return form_page(form, save, lambda: render(request, "performance/target_form.html", context))


@permission_required(Action.EDIT, Kind.INDICATOR)
@require_http_methods(["GET", "POST"])
def definition_revise(request, indicator):
    indicator = get_object_or_404(Indicator.objects.with_definitions(), code=indicator.upper())
    current = indicator.definition_for(timezone.localdate())
    initial = (
        {
            "definition": current.definition,
            "why_it_matters": current.why_it_matters,
            "numerator_words": current.numerator_words,
            "denominator_words": current.denominator_words,
        }
        if current
        else {}
    )
    form = DefinitionForm(request.POST if request.method == "POST" else None, initial=initial)

    def revise(**cleaned):
        indicator_revise_definition(by=request.user, indicator=indicator, **cleaned)
        messages.success(request, f"New definition of {indicator.name} saved.")
        return redirect("accounts:home")

    context = {"indicator": indicator, "form": form}
    return form_page(
        form, revise, lambda: render(request, "performance/definition_form.html", context)
    )
