"""Pages of a contract year's payments (the schedule, recording and undoing a payment, the
export) and the split calculator."""

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contracts import split_calculator as calculator
from contracts.access import contract_year_or_404
from contracts.forms import payments as payment_forms
from contracts.models import ContractYear, Instalment
from contracts.services import payments
from trust_portal.accounts.permissions import Action, Kind, require, role_allows
from trust_portal.exports import table_response
from trust_portal.formpages import form_page
from trust_portal.numbers import money_text

EXPORT_HEADER = [
    "Contract year",
    "Council",
    "Instalment",
    "Month",
    "Due on",
    "Amount (£)",
    "Paid on",
    "Reference",
    "Recorded by",
    "Recorded at",
]


def _list_url(contract_year: ContractYear, code: str = "") -> str:
    url = reverse(
        "contracts:payment-list",
        args=[contract_year.arrangement.code, contract_year.financial_year],
    )
    return f"{url}#{code}" if code else url


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _export_rows(contract_year, positions):
    for position in positions:
        for i in position.instalments:
            recorded_at = ""
            if i.is_paid and i.recorded_at:
                recorded_at = f"{timezone.localtime(i.recorded_at):%Y-%m-%d %H:%M}"
            yield [
                contract_year.label,
                position.code,
                i.number,
                f"{i.due_on:%B %Y}",
                i.due_on,
                i.amount,
                i.paid_on,
                i.reference,
                _person(i.recorded_by) if i.is_paid else "",
                recorded_at,
            ]


@login_required
def payment_list(request, code, year):
    contract_year = contract_year_or_404(request, code, year)
    positions = payments.payment_position(contract_year, today=timezone.localdate())
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"{contract_year.arrangement.code}-payments-{contract_year.label.replace('/', '-')}"
        rows = _export_rows(contract_year, positions)
        return table_response(fmt, name, EXPORT_HEADER, rows, title="Payments")
    records = role_allows(request.user.role, Kind.CONTRACT, Action.EDIT)
    context = {
        "arrangement": contract_year.arrangement,
        "contract_year": contract_year,
        "positions": positions,
        "agreed": contract_year.state == ContractYear.State.AGREED,
        "own_council_id": request.user.organisation_id if records else None,
        "today": timezone.localdate(),
    }
    return render(request, "contracts/payment_list.html", context)


def _instalment(request, code, year, council, number) -> Instalment:
    """The instalment, for its council's officers: 404 for people outside the arrangement or
    an instalment that does not exist, 403 for roles that do not record payments."""
    contract_year = contract_year_or_404(request, code, year)
    require(request.user, Action.EDIT, Kind.CONTRACT)  # membership: just checked
    found = (
        contract_year.instalments.select_related("council")
        .filter(council__code=council.upper(), number=number)
        .first()
    )
    if found is None:
        raise Http404("No such instalment.")
    found.contract_year = contract_year
    return found


def _refused(request, instalment, doing: str):
    """Each council records its own payments: another council's officer is told so."""
    if request.user.organisation_id == instalment.council_id:
        return None
    year = instalment.contract_year
    context = {
        "instalment": instalment,
        "doing": doing,
        "arrangement": year.arrangement,
        "contract_year": year,
    }
    return render(request, "contracts/payment_refused.html", context, status=403)


def _describe(instalment) -> str:
    if instalment.is_balancing:
        return f"{instalment.council.code}'s balancing payment ({money_text(instalment.amount)})"
    return (
        f"{instalment.council.code}'s instalment {instalment.number} "
        f"({instalment.due_on:%B %Y}, {money_text(instalment.amount)})"
    )


def _payment_page(request, key, doing: str, *, paid: bool, form_class, change):
    """The page recording (``doing`` "record") or undoing ("undo") an instalment's payment,
    for its own council's officers. On a GET, an instalment already ``paid`` or not as the
    page would leave it goes back to the schedule with a word; once the form goes through,
    ``change(instalment, **cleaned_data)`` answers what was done."""
    instalment = _instalment(request, *key)
    refusal = _refused(request, instalment, doing)
    if refusal:
        return refusal
    back = _list_url(instalment.contract_year, instalment.council.code)
    if request.method == "GET" and instalment.is_paid == paid:
        already = "is already recorded as paid" if paid else "is not recorded as paid"
        messages.info(request, f"{_describe(instalment)} {already}.")
        return redirect(back)
    form = form_class(request.POST if request.method == "POST" else None)

    def save(**cleaned):
        messages.success(request, change(instalment, **cleaned))
        return redirect(back)

    context = {
        "instalment": instalment,
        "form": form,
        "back": back,
        "arrangement": instalment.contract_year.arrangement,
    }
    template = f"contracts/payment_{doing}.html"
    return form_page(form, save, lambda: render(request, template, context))


@login_required
@require_http_methods(["GET", "POST"])
def payment_record(request, code, year, council, number):
    def record(instalment, paid_on, **cleaned):
        payments.instalment_record_payment(
            by=request.user, instalment=instalment, paid_on=paid_on, **cleaned
        )
        return f"{_describe(instalment)} recorded as paid on {paid_on:%-d %B %Y}."

    key = (code, year, council, number)
    form_class = payment_forms.PaymentForm
    return _payment_page(request, key, "record", paid=True, form_class=form_class, change=record)


@login_required
@require_http_methods(["GET", "POST"])
def payment_undo(request, code, year, council, number):
    def undo(instalment, reason):
        payments.instalment_undo_payment(by=request.user, instalment=instalment, reason=reason)
        return f"{_describe(instalment)} shows as unpaid again."

    key = (code, year, council, number)
    form_class = payment_forms.UndoPaymentForm
    return _payment_page(request, key, "undo", paid=False, form_class=form_class, change=undo)


# --- The split calculator ---------------------------------------------------------------------


def _variation_link(contract_year, proposal, basis: str) -> str:
    """ "Request this split as a variation": the variation form, filled in."""
    url = reverse(
        "contracts:variation-new",
        args=[contract_year.arrangement.code, contract_year.financial_year],
    )
    shares = [(f"share_{code}", f"{value:.2f}") for code, value in proposal.shares.items()]
    return f"{url}?{urlencode([('kind', 'split'), *shares, ('basis', basis)])}"


def _calculator_form(request, councils, returns, remembered):
    """Bound to what was asked; or, on the first visit and on "Fill in open cases", unbound
    with the open cases of the chosen approved return (the latest by default) filled in, and
    the populations last remembered for the arrangement."""
    chosen = next((r for r in returns if f"{r.period:%Y-%m}" == request.GET.get("month")), None)
    chosen = chosen or (returns[0] if returns else None)
    filled = calculator.open_cases(chosen) if chosen else {}
    months = [r.period for r in returns]
    if "weight" in request.GET and "fill" not in request.GET:
        form = payment_forms.SplitCalculatorForm(request.GET, councils=councils, months=months)
        return form, chosen, filled
    initial = {f"population_{code}": row.population for code, row in remembered.items()}
    initial.update({"weight": "50", **request.GET.dict()})
    initial.pop("fill", None)
    initial["month"] = f"{chosen.period:%Y-%m}" if chosen else ""
    initial.update({f"demand_{c.code}": filled.get(c.code, "") for c in councils})
    form = payment_forms.SplitCalculatorForm(initial=initial, councils=councils, months=months)
    return form, chosen, filled


def _propose(request, contract_year, councils, data, chosen, filled):
    """The proposal, and the link to request it as a variation (council officers only)."""
    proposal = calculator.propose(
        contract_year,
        councils=councils,
        weight=data["weight"],
        population=data["population"],
        demand=data["demand"],
    )
    if not role_allows(request.user.role, Kind.CONTRACT, Action.EDIT):
        return proposal, None
    if chosen and all(filled.get(code) == cases for code, cases in data["demand"].items()):
        source = f"open cases at the end of {chosen.period:%B %Y} (approved performance return)"
    else:
        source = "open cases as entered"
    return proposal, _variation_link(contract_year, proposal, proposal.basis(source))


def _remember_populations(request, contract_year):
    """POST: remember the populations just used, for the arrangement's next calculation
    (council officers: contract, edit), then back to the calculation as it was."""
    arrangement = contract_year.arrangement
    require(request.user, Action.EDIT, Kind.CONTRACT, arrangement)
    councils = list(arrangement.councils.order_by("code"))
    form = payment_forms.PopulationsForm(request.POST, councils=councils)
    if form.is_valid():
        populations = form.populations()
        payments.population_record(
            by=request.user, arrangement=arrangement, populations=populations
        )
        figures = ", ".join(f"{code} {value:,}" for code, value in populations.items())
        messages.success(request, f"Populations remembered for the next calculation: {figures}.")
    else:
        messages.error(request, "The populations were not remembered: enter each as a number.")
    url = reverse(
        "contracts:split-calculator", args=[arrangement.code, contract_year.financial_year]
    )
    query = urlencode(parse_qsl(request.POST.get("query", "")))
    return redirect(f"{url}?{query}#result" if query else url)


@login_required
@require_http_methods(["GET", "POST"])
def split_calculator(request, code, year):
    contract_year = contract_year_or_404(request, code, year)
    if request.method == "POST":
        return _remember_populations(request, contract_year)
    arrangement = contract_year.arrangement
    councils = list(arrangement.councils.order_by("code"))
    returns = list(calculator.approved_returns(request.user, arrangement))
    remembered = payments.populations_of(arrangement)
    form, chosen, filled = _calculator_form(request, councils, returns, remembered)
    proposal = link = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        proposal, link = _propose(request, contract_year, councils, data, chosen, filled)
    context = {
        "arrangement": arrangement,
        "contract_year": contract_year,
        "form": form,
        "chosen": chosen,
        "filled": [(c.code, filled.get(c.code)) for c in councils],
        "proposal": proposal,
        "shares": contract_year.shares.select_related("council").order_by("council__code"),
        "variation_link": link,
        "remembered": remembered,
        "may_remember": role_allows(request.user.role, Kind.CONTRACT, Action.EDIT),
        "month_warning": calculator.demand_month_warning(
            contract_year, chosen.period if chosen else None
        ),
        "query": request.GET.urlencode(),
    }
    return render(request, "contracts/split_calculator.html", context)
