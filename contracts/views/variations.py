"""Variations to a contract year: request (council officers), decide (administrators on the
councils' joint decision), withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from contracts.access import contract_year_or_404
from contracts.forms import variations as variation_forms
from contracts.models import Variation
from contracts.services import variations as variation_services
from trust_portal.accounts.permissions import Action, Kind, can, require
from trust_portal.formpages import act, form_page, submitted


@login_required
@require_http_methods(["GET", "POST"])
def variation_new(request, code, year):
    contract_year = contract_year_or_404(request, code, year)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    # The split calculator links here with its proposal in the query string.
    initial = {
        key: request.GET[key]
        for key in request.GET
        if key == "kind" or key == "basis" or key.startswith("share_")
    }
    if not initial:
        initial = {"kind": Variation.Kind.SPLIT}
        initial.update(
            {
                f"share_{s.council.code}": f"{s.percentage.normalize():f}"
                for s in contract_year.shares.select_related("council")
            }
        )
    form = variation_forms.VariationForm(
        request.POST or None, contract_year=contract_year, initial=initial
    )

    def ask(kind, reason, **_):
        proposal = form.proposal()
        variation = variation_services.variation_request(
            by=request.user,
            contract_year=contract_year,
            kind=kind,
            reason=reason,
            line=proposal.pop("line"),
            **proposal,
        )
        messages.success(
            request,
            f"Variation {variation.number} requested. An administrator "
            "records the councils' decision on it.",
        )
        return redirect(variation.get_absolute_url())

    context = {"arrangement": contract_year.arrangement, "year": contract_year, "form": form}
    return form_page(form, ask, lambda: render(request, "contracts/variation_form.html", context))


def _variation_or_404(request, code, year, number) -> Variation:
    contract_year = contract_year_or_404(request, code, year)
    return get_object_or_404(
        Variation.objects.select_related(
            "contract_year__arrangement__trust", "line", "requested_by", "decided_by"
        ),
        contract_year=contract_year,
        number=number,
    )


@login_required
@require_http_methods(["GET", "POST"])
def variation_detail(request, code, year, number):
    variation = _variation_or_404(request, code, year, number)
    contract_year, user = variation.contract_year, request.user
    pending = variation.state == Variation.State.REQUESTED
    can_decide = pending and can(user, Action.APPROVE, Kind.CONTRACT, contract_year.arrangement)
    form = variation_forms.DecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        require(user, Action.APPROVE, Kind.CONTRACT)
        if form is None:
            messages.error(request, f"Variation {variation.number} has been decided already.")
            return redirect(variation.get_absolute_url())

        def decide(decision, note, decision_date):
            if decision == "approve":
                change, done = variation_services.variation_approve, "approved and applied"
            else:
                change, done = variation_services.variation_reject, "rejected"
            change(by=user, variation=variation, note=note, decision_date=decision_date)
            messages.success(request, f"Variation {variation.number} {done}.")
            return redirect(variation.get_absolute_url())

        if decided := submitted(form, decide):
            return decided
    context = {
        "variation": variation,
        "year": contract_year,
        "arrangement": contract_year.arrangement,
        "form": form,
        "can_withdraw": pending
        and can(user, Action.EDIT, Kind.CONTRACT, contract_year.arrangement),
        "history": variation.history.select_related("history_user").order_by("-history_date"),
    }
    return render(request, "contracts/variation_detail.html", context)


@login_required
@require_http_methods(["POST"])
def variation_withdraw(request, code, year, number):
    variation = _variation_or_404(request, code, year, number)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    return act(
        request,
        lambda: variation_services.variation_withdraw(by=request.user, variation=variation),
        f"Variation {variation.number} withdrawn.",
        variation.get_absolute_url(),
    )
