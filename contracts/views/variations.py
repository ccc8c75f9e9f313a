"""Variations to a contract year: request (council officers), decide (administrators on the
councils' joint decision), withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from contracts.access import contract_year_or_404
from contracts.forms import variations as variation_forms
from contracts.models import Variation
from contracts.services import variations as variation_services
from trust_portal.accounts.permissions import Action, Kind, can, require
from trust_portal.govuk_forms import add_service_errors


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
    if form.is_valid():
        data = form.cleaned_data
        proposal = form.proposal()
        try:
            variation = variation_services.variation_request(
                by=request.user,
                contract_year=contract_year,
                kind=data["kind"],
                reason=data["reason"],
                line=proposal.pop("line"),
                **proposal,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Variation {variation.number} requested. An administrator "
                "records the councils' decision on it.",
            )
            return redirect(variation.get_absolute_url())
    context = {"arrangement": contract_year.arrangement, "year": contract_year, "form": form}
    return render(request, "contracts/variation_form.html", context)


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
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "approve":
                    variation_services.variation_approve(
                        by=user,
                        variation=variation,
                        note=data["note"],
                        decision_date=data["decision_date"],
                    )
                else:
                    variation_services.variation_reject(
                        by=user,
                        variation=variation,
                        note=data["note"],
                        decision_date=data["decision_date"],
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Variation {variation.number} "
                    f"{'approved and applied' if data['decision'] == 'approve' else 'rejected'}.",
                )
                return redirect(variation.get_absolute_url())
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
    try:
        variation_services.variation_withdraw(by=request.user, variation=variation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Variation {variation.number} withdrawn.")
    return redirect(variation.get_absolute_url())
