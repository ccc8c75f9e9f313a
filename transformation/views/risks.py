"""Pages of the risk register: the register with its heat map, each risk with its history, and
the trust's forms to add, change, review, close and reopen a risk. Reading needs "view approved" on
business cases (scrutiny members: 403; people outside the arrangement: 404); writing needs
"edit" (the trust's managers; everyone else 403)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
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
from trust_portal.formpages import form_page
from trust_portal.listing import download, paged

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
    name = f"{arrangement.code}-risks"
    if exported := download(request, name, HEADER, _rows(shown, today), title="Risk register"):
        return exported
    scope = everything.filter(status=Risk.Status.OPEN)
    chosen = found.form.cleaned_data.get("project") if valid else None
    page, query = paged(request, shown, 25)
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
        "query": query,
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

    def save(**cleaned):
        saved = risks.risk_save(by=request.user, arrangement=arrangement, risk=risk, **cleaned)
        messages.success(request, f"Risk {saved.reference} saved.")
        return redirect("transformation:risk-detail", arrangement.code, saved.reference)

    context = {
        "arrangement": arrangement,
        "risk": risk,
        "form": form,
        "heading": f"Change risk {risk.reference}" if risk else "Add a risk",
    }
    return form_page(form, save, lambda: render(request, "transformation/risk_form.html", context))


# Each change to one risk: its service, its page's heading and button, and what is said once
# it is made.
CHANGES = {
    "review": (risks.risk_review, "Review risk {}", "Record the review", "Review of {} recorded."),
    "close": (risks.risk_close, "Close risk {}", "Close the risk", "Risk {} closed."),
    "reopen": (risks.risk_reopen, "Reopen risk {}", "Reopen the risk", "Risk {} reopened."),
}


def _change_page(request, risk, change: str, form):
    """The risk form for a change to one risk (``CHANGES``): once the form goes through, its
    service, its word said, and back to the risk."""
    service, *words = CHANGES[change]
    heading, button, done = (w.format(risk.reference) for w in words)

    def save(**cleaned):
        service(by=request.user, risk=risk, **cleaned)
        messages.success(request, done)
        return redirect("transformation:risk-detail", risk.arrangement.code, risk.reference)

    context = {"arrangement": risk.arrangement, "risk": risk, "form": form}
    if change == "close":
        context["warning"] = True
    context |= {"heading": heading, "button": button}
    return form_page(form, save, lambda: render(request, "transformation/risk_form.html", context))


def _open_risk_page(view):
    """A page changing an open risk: ``view(request, risk)`` once the risk is found and may be
    changed (``_editable``)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def page(request, code, reference):
        risk = _risk_or_404(request, code, reference)
        if refused := _editable(request, risk):
            return refused
        return view(request, risk)

    return page


@_open_risk_page
def risk_review(request, risk):
    initial = {
        "likelihood": str(risk.likelihood),
        "impact": str(risk.impact),
        "mitigation": risk.mitigation,
    }
    form = ReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    return _change_page(request, risk, "review", form)


@_open_risk_page
def risk_close(request, risk):
    form = CloseForm(request.POST if request.method == "POST" else None)
    return _change_page(request, risk, "close", form)


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
    return _change_page(request, risk, "reopen", form)
