"""Pages of the risk register: the register with its heat map, each risk with its history, and
the trust's forms to add, change, review, close and reopen a risk. Reading needs "view approved" on
business cases (scrutiny members: 403; people outside the arrangement: 404); writing needs
"edit" (the trust's managers; everyone else 403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from transformation import access
from transformation.forms.risks import (
    CloseForm,
    RegisterFilter,
    ReopenForm,
    ReviewForm,
    RiskForm,
)
from transformation.models import Risk
from transformation.services import risks
from trust_portal.accounts.permissions import Action, Kind, can, require
from trust_portal.exports import table_response
from trust_portal.govuk_forms import add_service_errors

EXPORTS = ("csv", "xlsx")
CASE = Kind.BUSINESS_CASE
HEADER = [
    "Reference",
    "Project",
    "Title",
    "Description",
    "Likelihood",
    "Impact",
    "Score",
    "Rating",
    "Owner",
    "Mitigation",
    "Review date",
    "Review overdue",
    "Status",
]
FORM_FIELDS = ("reference", "title", "description", "project", "owner", "mitigation", "review_date")


_arrangement = access.programme_or_404  # 404 outside the arrangement, 403 for scrutiny


def _risk_or_404(request, code, reference) -> Risk:
    arrangement = _arrangement(request, code)
    return get_object_or_404(
        Risk.objects.select_related("project", "arrangement__trust"),
        arrangement=arrangement,
        reference=reference,
    )


def _editable(request, risk: Risk):
    """The trust's managers change open risks; a closed one is kept as it was."""
    require(request.user, Action.EDIT, CASE)
    if risk.status != Risk.Status.OPEN:
        messages.error(request, f"{risk.reference} is closed: a closed risk is kept as it was.")
        return redirect("transformation:risk-detail", risk.arrangement.code, risk.reference)
    return None


def _rows(register, today):
    for r in register:
        yield [
            r.reference,
            r.project.name if r.project else "Programme-level",
            r.title,
            r.description,
            r.likelihood,
            r.impact,
            r.score,
            r.rating,
            r.owner,
            r.mitigation,
            r.review_date,
            "Yes" if r.review_overdue(today) else "No",
            r.get_status_display(),
        ]


@login_required
def risk_list(request, code):
    arrangement = _arrangement(request, code)
    today = timezone.localdate()
    everything = risks.register(arrangement)
    found = RegisterFilter(request.GET, queryset=everything, arrangement=arrangement, today=today)
    valid = found.is_valid()
    shown = found.qs if valid else everything.none()
    if request.GET.get("format") in EXPORTS:
        return table_response(
            request.GET["format"],
            f"{arrangement.code}-risks",
            HEADER,
            _rows(shown, today),
            title="Risk register",
        )
    scope = everything.filter(status=Risk.Status.OPEN)
    chosen = found.form.cleaned_data.get("project") if valid else None
    page = Paginator(shown, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "arrangement": arrangement,
        "filter": found,
        "heat_rows": [
            (row[0].likelihood, risks.LIKELIHOOD[row[0].likelihood], row)
            for row in risks.heat_map(found.filter_project(scope, "project", chosen))
        ],
        "chosen": chosen,
        "overdue_count": risks.overdue(everything, today).count(),
        "page": page,
        "rows": [(r, r.review_overdue(today)) for r in page.object_list],
        "query": query.urlencode(),
        "impacts": risks.IMPACT.items(),
        "can_edit": can(request.user, Action.EDIT, CASE, arrangement),
    }
    return render(request, "transformation/risk_list.html", context)


@login_required
def risk_detail(request, code, reference):
    risk = _risk_or_404(request, code, reference)
    history = risks.risk_history(risk)
    editor = can(request.user, Action.EDIT, CASE, risk.arrangement)
    context = {
        "arrangement": risk.arrangement,
        "risk": risk,
        "overdue": risk.review_overdue(timezone.localdate()),
        "likelihood_word": risks.LIKELIHOOD[risk.likelihood],
        "impact_word": risks.IMPACT[risk.impact],
        "history": history,
        "last_reviewed": risks.last_reviewed(history),
        "closure": risks.last_closed(history) if risk.status == Risk.Status.CLOSED else None,
        "can_edit": editor and risk.status == Risk.Status.OPEN,
        "can_reopen": editor and risk.status == Risk.Status.CLOSED,
    }
    return render(request, "transformation/risk_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit(request, code, reference=None):
    """Add a risk to the register (no reference), or change one, with a reason."""
    if reference is None:
        arrangement, risk = _arrangement(request, code), None
        require(request.user, Action.EDIT, CASE)
        initial = {"reason": "Added to the register"}
    else:
        risk = _risk_or_404(request, code, reference)
        arrangement = risk.arrangement
        if refused := _editable(request, risk):
            return refused
        initial = {f: getattr(risk, f) for f in FORM_FIELDS}
        initial.update(likelihood=str(risk.likelihood), impact=str(risk.impact))
    data = request.POST if request.method == "POST" else None
    form = RiskForm(data, initial=initial, arrangement=arrangement)
    if form.is_valid():
        try:
            saved = risks.risk_save(
                by=request.user, arrangement=arrangement, risk=risk, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Risk {saved.reference} saved.")
            return redirect("transformation:risk-detail", arrangement.code, saved.reference)
    context = {
        "arrangement": arrangement,
        "risk": risk,
        "form": form,
        "heading": f"Change risk {risk.reference}" if risk else "Add a risk",
    }
    return render(request, "transformation/risk_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def risk_review(request, code, reference):
    risk = _risk_or_404(request, code, reference)
    if refused := _editable(request, risk):
        return refused
    initial = {
        "likelihood": str(risk.likelihood),
        "impact": str(risk.impact),
        "mitigation": risk.mitigation,
    }
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            risks.risk_review(by=request.user, risk=risk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Review of {risk.reference} recorded.")
            return redirect("transformation:risk-detail", risk.arrangement.code, risk.reference)
    context = {
        "arrangement": risk.arrangement,
        "risk": risk,
        "form": form,
        "heading": f"Review risk {risk.reference}",
        "button": "Record the review",
    }
    return render(request, "transformation/risk_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def risk_close(request, code, reference):
    risk = _risk_or_404(request, code, reference)
    if refused := _editable(request, risk):
        return refused
    form = CloseForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            risks.risk_close(by=request.user, risk=risk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Risk {risk.reference} closed.")
            return redirect("transformation:risk-detail", risk.arrangement.code, risk.reference)
    context = {
        "arrangement": risk.arrangement,
        "risk": risk,
        "form": form,
        "warning": True,
        "heading": f"Close risk {risk.reference}",
        "button": "Close the risk",
    }
    return render(request, "transformation/risk_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def risk_reopen(request, code, reference):
    """Reopen a closed risk, with a reason and the date of its next review."""
    risk = _risk_or_404(request, code, reference)
    require(request.user, Action.EDIT, CASE)
    if risk.status != Risk.Status.CLOSED:
        messages.error(request, risks.ALREADY_OPEN.format(risk.reference))
        return redirect("transformation:risk-detail", risk.arrangement.code, risk.reference)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            risks.risk_reopen(by=request.user, risk=risk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Risk {risk.reference} reopened.")
            return redirect("transformation:risk-detail", risk.arrangement.code, risk.reference)
    context = {
        "arrangement": risk.arrangement,
        "risk": risk,
        "form": form,
        "heading": f"Reopen risk {risk.reference}",
        "button": "Reopen the risk",
    }
    return render(request, "transformation/risk_form.html", context)
