"""Pages of the service contracts and the contract overview."""

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contracts import money
from contracts.forms import contracts as contract_forms
from contracts.models import ContractDocument, ContractYear, ServiceContract
from contracts.services import contracts as contract_services
from contracts.services.payments import payment_position
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.exports import table_response
from trust_portal.formpages import form_page
from trust_portal.periods import financial_year_of


def council_rows(contract_year: ContractYear, *, today: date) -> tuple[object, list[dict]]:
    """Per council: the year's money (money.year_figures) and what is due, paid, outstanding
    (payments.payment_position)."""
    figures = money.year_figures(contract_year)
    positions = {p.code: p for p in payment_position(contract_year, today=today, figures=figures)}
    rows = []
    for c in figures.councils:
        position = positions[c.code]
        rows.append(
            {
                "figures": c,
                "due": position.due_to_date,
                "paid": position.paid,
                "outstanding": position.outstanding,
            }
        )
    return figures, rows


COUNCIL_HEADER = [
    "Council",
    "Share (%)",
    "Share of contract sum (£)",
    "Passported grants (£)",
    "Contribution (£)",
    "Returned by the trust (£)",
    "Block 3 share (£)",
    "Due to date (£)",
    "Paid (£)",
    "Outstanding (£)",
]


def _council_table(rows):
    for r in rows:
        c = r["figures"]
        yield [
            c.code,
            c.percentage,
            c.share_of_contract_sum,
            c.passported_grants,
            c.contribution,
            c.adjustments,
            c.block3_share,
            r["due"],
            r["paid"],
            r["outstanding"],
        ]


def visible_years(user, arrangement):
    """The arrangement's contract years that ``user`` may see."""
    return ContractYear.objects.visible_to(user).for_arrangement(arrangement)


@login_required
def overview(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.CONTRACT)
    years = list(visible_years(request.user, arrangement).order_by("-financial_year"))
    today = timezone.localdate()
    chosen = _chosen_year(request, years, today)
    figures, rows = council_rows(chosen, today=today) if chosen else (None, [])
    if request.GET.get("table") == "contracts" and request.GET.get("format") in ("csv", "xlsx"):
        contracts = arrangement.contracts.select_related("council")
        rows = (
            [c.reference, c.council.code, c.title, c.starts_on, c.ends_on, c.get_status_display()]
            for c in contracts
        )
        return table_response(
            request.GET["format"],
            f"{arrangement.code}-contracts",
            ["Reference", "Council", "Title", "Starts", "Ends", "Status"],
            rows,
            title="Service contracts",
        )
    if chosen and request.GET.get("format") in ("csv", "xlsx"):
        name = f"{arrangement.code}-contributions-{chosen.financial_year}"
        return table_response(
            request.GET["format"],
            name,
            COUNCIL_HEADER,
            _council_table(rows),
            title=f"Contributions {chosen.label}",
        )
    context = {
        "arrangement": arrangement,
        "years": years,
        "year": chosen,
        "figures": figures,
        "rows": rows,
        "totals": _totals(rows),
        "today": today,
        "contracts": arrangement.contracts.select_related("council").order_by("council__code"),
        "can_edit": can(request.user, Action.EDIT, Kind.CONTRACT, arrangement),
    }
    return render(request, "contracts/overview.html", context)


def _chosen_year(request, years, today):
    wanted = request.GET.get("year")
    if wanted:
        found = next((y for y in years if str(y.financial_year) == wanted), None)
        if found is None:
            raise Http404("No such contract year, or not one you can see.")
        return found
    return year_to_open(years, today)


def year_to_open(years, today):
    """The year the money pages open on (``years`` newest first): the financial year in force
    today (April to March) once agreed, else the latest agreed year before it, else the
    latest agreed at all; never next year's draft while an agreed year exists. With none
    agreed, this year's draft, else the newest."""
    current = financial_year_of(today)
    agreed = [y for y in years if y.state == ContractYear.State.AGREED]
    in_force = [y for y in agreed if y.financial_year <= current]
    if in_force or agreed:
        return (in_force or agreed)[0]
    return next((y for y in years if y.financial_year == current), years[0] if years else None)


def _totals(rows):
    if not rows:
        return None
    zero = Decimal("0.00")
    keys = ("due", "paid", "outstanding")
    totals = {k: sum((r[k] for r in rows), zero) for k in keys}
    for name in (
        "share_of_contract_sum",
        "passported_grants",
        "contribution",
        "adjustments",
        "block3_share",
    ):
        totals[name] = sum((getattr(r["figures"], name) for r in rows), zero)
    return totals


# --- Service contracts -----------------------------------------------------------------------


def _own_contract(request, contract: ServiceContract) -> None:
    require(request.user, Action.EDIT, Kind.CONTRACT)
    if request.user.organisation_id != contract.council_id:
        raise PermissionDenied(
            f"Only {contract.council.code}'s officers change {contract.council.code}'s contract."
        )


def _contract_or_404(request, code, reference) -> ServiceContract:
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.CONTRACT)
    return get_object_or_404(
        ServiceContract.objects.select_related("council", "arrangement__trust"),
        arrangement=arrangement,
        reference=reference,
    )


@login_required
def contract_detail(request, code, reference):
    contract = _contract_or_404(request, code, reference)
    context = {
        "contract": contract,
        "arrangement": contract.arrangement,
        "obligations": contract.obligations.all(),
        "documents": contract.documents.select_related("uploaded_by"),
        "history": contract.history.select_related("history_user").order_by("-history_date")[:50],
        "can_edit": can(request.user, Action.EDIT, Kind.CONTRACT, contract.arrangement)
        and request.user.organisation_id == contract.council_id,
    }
    return render(request, "contracts/contract_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contract_create(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    form = contract_forms.ContractForm(request.POST or None, arrangement=arrangement)
    # A council records its own contract.
    form.fields["council"].queryset = arrangement.councils.filter(pk=request.user.organisation_id)

    def record(obligations, **fields):
        contract = contract_services.contract_create(
            by=request.user, arrangement=arrangement, obligations=form.obligation_list(), **fields
        )
        messages.success(request, f"Contract {contract.reference} recorded.")
        return redirect(contract.get_absolute_url())

    context = {"arrangement": arrangement, "form": form, "heading": "Record a service contract"}
    return form_page(form, record, lambda: render(request, "contracts/form.html", context))


def form_page_of(request, owner, form, heading, **extra):
    """contracts/form.html for a form about ``owner`` (a contract or a contract year), with the
    way back to its page."""
    context = {
        "arrangement": owner.arrangement,
        "form": form,
        "back": owner.get_absolute_url(),
        "heading": heading,
        **extra,
    }
    return render(request, "contracts/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, code, reference):
    contract = _contract_or_404(request, code, reference)
    _own_contract(request, contract)
    initial = {
        "title": contract.title,
        "starts_on": contract.starts_on,
        "ends_on": contract.ends_on,
        "status": contract.status,
        "obligations": "\n".join(o.text for o in contract.obligations.all()),
    }
    form = contract_forms.ContractForm(
        request.POST or None, arrangement=contract.arrangement, editing=True, initial=initial
    )

    def update(obligations, reason, **fields):
        contract_services.contract_update(
            by=request.user, contract=contract, reason=reason, **fields
        )
        contract_services.contract_set_obligations(
            by=request.user, contract=contract, obligations=form.obligation_list(), reason=reason
        )
        messages.success(request, f"Contract {contract.reference} updated.")
        return redirect(contract.get_absolute_url())

    heading = f"Change contract {contract.reference}"
    return form_page(form, update, lambda: form_page_of(request, contract, form, heading))


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, code, reference):
    contract = _contract_or_404(request, code, reference)
    _own_contract(request, contract)
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = contract_forms.DocumentForm(*data)

    def attach(title, file):
        contract_services.contract_document_add(
            by=request.user, contract=contract, title=title, file=file
        )
        messages.success(request, "Document attached.")
        return redirect(contract.get_absolute_url())

    heading = f"Attach a document to {contract.reference}"
    return form_page(
        form,
        attach,
        lambda: form_page_of(request, contract, form, heading, multipart=True),
    )


@login_required
def document_download(request, code, reference, pk):
    """Documents are served only through this page's permission check, never as public
    media."""
    contract = _contract_or_404(request, code, reference)
    document = get_object_or_404(ContractDocument, contract=contract, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The document's file is missing from the file storage.") from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name)
