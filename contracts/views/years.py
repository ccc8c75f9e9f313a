"""Pages of one contract year: its lines, split, grants, adjustments and contributions; the
draft's editing, its agreement, and the rollover into next year."""

import json
from itertools import chain

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contracts.access import contract_year_or_404
from contracts.forms import years as year_forms
from contracts.models import Adjustment, ContractYear, FundingLine, PassportedGrant
from contracts.services import years as year_services
from contracts.views.contracts import COUNCIL_HEADER, _council_table, _totals, council_rows
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.exports import table_response
from trust_portal.govuk_forms import add_service_errors
from trust_portal.periods import financial_year_of

LINE_HEADER = ["Block", "Line", "Amount (£)", "Recurring", "Funded by"]


@login_required
def year_detail(request, code, year):
    contract_year = contract_year_or_404(request, code, year)
    user, arrangement = request.user, contract_year.arrangement
    lines = list(contract_year.lines.select_related("funded_by"))
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        table = request.GET.get("table", "contributions")
        if table not in YEAR_TABLES:
            raise Http404("No such table.")
        header, rows = YEAR_TABLES[table](contract_year)
        return table_response(
            fmt,
            f"{arrangement.code}-{table}-{year}",
            header,
            rows,
            title=f"{table.capitalize()} {contract_year.label}",
        )
    today = timezone.localdate()
    figures, rows = council_rows(contract_year, today=today)
    is_draft = contract_year.state == ContractYear.State.DRAFT
    may_edit = can(user, Action.EDIT, Kind.CONTRACT, arrangement)
    context = {
        "year": contract_year,
        "arrangement": arrangement,
        "blocks": [(b, [x for x in lines if x.block == b.value]) for b in FundingLine.Block],
        "figures": figures,
        "rows": rows,
        "totals": _totals(rows),
        "today": today,
        "shares": contract_year.shares.select_related("council"),
        "grants": contract_year.grants.select_related("council"),
        "adjustments": contract_year.adjustments.select_related("council"),
        "variations": contract_year.variations.select_related("requested_by", "decided_by"),
        "history": year_history(contract_year)[:40],
        "is_draft": is_draft,
        "can_edit_lines": is_draft and may_edit,
        "can_edit": may_edit,
        "can_agree": is_draft and can(user, Action.APPROVE, Kind.CONTRACT, arrangement),
        "can_rollover": may_edit
        and not ContractYear.objects.filter(
            arrangement=arrangement, financial_year=contract_year.financial_year + 1
        ).exists(),
    }
    return render(request, "contracts/year_detail.html", context)


def _lines_table(contract_year):
    lines = contract_year.lines.select_related("funded_by")
    return LINE_HEADER, (
        [
            line.get_block_display(),
            line.name,
            line.amount,
            "yes" if line.recurring else "no",
            line.funded_by.code if line.funded_by else "the split",
        ]
        for line in lines
    )


def _contributions_table(contract_year):
    _, rows = council_rows(contract_year, today=timezone.localdate())
    return COUNCIL_HEADER, _council_table(rows)


def _grants_table(contract_year):
    return ["Council", "Grant", "Amount (£)", "Notes"], (
        [g.council.code, g.name, g.amount, g.notes]
        for g in contract_year.grants.select_related("council")
    )


def _adjustments_table(contract_year):
    return ["Council", "Adjustment", "Amount returned (£)", "Reason"], (
        [a.council.code, a.name, a.amount, a.reason]
        for a in contract_year.adjustments.select_related("council")
    )


def _variations_table(contract_year):
    header = [
        "Number",
        "Change",
        "Reason",
        "Proposed",
        "Replaced",
        "State",
        "Requested by",
        "Requested at",
        "Decided by",
        "Councils' decision of",
        "Decision note",
    ]
    rows = (
        [
            v.number,
            v.get_kind_display(),
            v.reason,
            json.dumps(v.proposed),
            json.dumps(v.before) if v.before else "",
            v.get_state_display(),
            str(v.requested_by),
            v.requested_at.replace(tzinfo=None),
            str(v.decided_by or ""),
            v.decision_date,
            v.decision_note,
        ]
        for v in contract_year.variations.select_related("requested_by", "decided_by")
    )
    return header, rows


def _history_table(contract_year):
    return ["When", "Who", "What", "Change", "Why"], (
        [
            h.history_date.replace(tzinfo=None),
            str(h.history_user or "Trust Portal"),
            label,
            {"+": "added", "-": "removed"}.get(h.history_type, "changed") + f": {h.instance}",
            h.history_change_reason or "",
        ]
        for label, h in year_history(contract_year)
    )


YEAR_TABLES = {
    "lines": _lines_table,
    "contributions": _contributions_table,
    "grants": _grants_table,
    "adjustments": _adjustments_table,
    "variations": _variations_table,
    "history": _history_table,
}


def year_history(contract_year: ContractYear) -> list:
    """Every recorded change to the year's figures, newest first: who, when, what and why."""
    pk = contract_year.pk
    sources = [
        ("Year", ContractYear.history.filter(id=pk)),
        ("Line", FundingLine.history.filter(contract_year_id=pk)),
        ("Split", contract_year.shares.model.history.filter(contract_year_id=pk)),
        ("Grant", PassportedGrant.history.filter(contract_year_id=pk)),
        ("Adjustment", Adjustment.history.filter(contract_year_id=pk)),
    ]
    entries = chain.from_iterable(
        ((label, h) for h in qs.select_related("history_user").order_by("-history_date")[:200])
        for label, qs in sources
    )
    return sorted(entries, key=lambda e: e[1].history_date, reverse=True)


@login_required
@require_http_methods(["GET", "POST"])
def year_create(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    taken = set(
        ContractYear.objects.visible_to(request.user)
        .for_arrangement(arrangement)
        .values_list("financial_year", flat=True)
    )
    current = financial_year_of(timezone.localdate())
    years = [y for y in range(current - 3, current + 3) if y not in taken]
    form = year_forms.ContractYearForm(
        request.POST or None, years=years, initial={"financial_year": current}
    )
    if form.is_valid():
        try:
            new = year_services.contract_year_create(
                by=request.user,
                arrangement=arrangement,
                financial_year=form.cleaned_data["financial_year"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Contract year {new.label} started as a draft.")
            return redirect(new.get_absolute_url())
    context = {
        "arrangement": arrangement,
        "form": form,
        "heading": "Start a contract year",
        "hint": "Or roll over an existing year, which copies its recurring lines and split.",
    }
    return render(request, "contracts/form.html", context)


def _editable_year(request, code, year) -> ContractYear:
    contract_year = contract_year_or_404(request, code, year)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    return contract_year


def _form_page(request, contract_year, form, heading, **extra):
    context = {
        "arrangement": contract_year.arrangement,
        "year": contract_year,
        "form": form,
        "heading": heading,
        "back": contract_year.get_absolute_url(),
        **extra,
    }
    return render(request, "contracts/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request, code, year, pk=None):
    contract_year = _editable_year(request, code, year)
    line = get_object_or_404(FundingLine, contract_year=contract_year, pk=pk) if pk else None
    initial = (
        {
            "block": line.block,
            "name": line.name,
            "amount": f"{line.amount:,.2f}",
            "recurring": line.recurring,
            "funded_by": line.funded_by,
            "notes": line.notes,
        }
        if line
        else {"recurring": True}
    )
    form = year_forms.LineForm(
        request.POST or None, arrangement=contract_year.arrangement, initial=initial
    )
    if form.is_valid():
        try:
            year_services.funding_line_save(
                by=request.user, contract_year=contract_year, line=line, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Funding line saved.")
            return redirect(contract_year.get_absolute_url())
    heading = f"Change {line.name}" if line else f"Add a funding line to {contract_year.label}"
    return _form_page(request, contract_year, form, heading)


def _remove(request, contract_year, row, service, what: str):
    form = year_forms.RemoveForm(request.POST or None)
    if form.is_valid():
        try:
            service(by=request.user, reason=form.cleaned_data["reason"], **{what: row})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{row} removed. It stays in the year's history.")
            return redirect(contract_year.get_absolute_url())
    return _form_page(request, contract_year, form, f"Remove {row}", button="Remove", warning=True)


@login_required
@require_http_methods(["GET", "POST"])
def line_remove(request, code, year, pk):
    contract_year = _editable_year(request, code, year)
    line = get_object_or_404(FundingLine, contract_year=contract_year, pk=pk)
    return _remove(request, contract_year, line, year_services.funding_line_remove, "line")


def _money_row(request, code, year, pk, model, service, what, noun):
    contract_year = _editable_year(request, code, year)
    row = get_object_or_404(model, contract_year=contract_year, pk=pk) if pk else None
    initial = (
        {"council": row.council, "name": row.name, "amount": f"{row.amount:,.2f}"} if row else {}
    )
    form = year_forms.MoneyRowForm(
        request.POST or None, arrangement=contract_year.arrangement, initial=initial
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            service(
                by=request.user,
                contract_year=contract_year,
                reason=data["reason"],
                council=data["council"],
                name=data["name"],
                amount=data["amount"],
                **{what: row},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{noun.capitalize()} saved.")
            return redirect(contract_year.get_absolute_url())
    heading = f"Change {row}" if row else f"Add a {noun} to {contract_year.label}"
    return _form_page(request, contract_year, form, heading)


@login_required
@require_http_methods(["GET", "POST"])
def grant_edit(request, code, year, pk=None):
    return _money_row(
        request,
        code,
        year,
        pk,
        PassportedGrant,
        year_services.grant_save,
        "grant",
        "passported grant",
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_remove(request, code, year, pk):
    contract_year = _editable_year(request, code, year)
    grant = get_object_or_404(PassportedGrant, contract_year=contract_year, pk=pk)
    return _remove(request, contract_year, grant, year_services.grant_remove, "grant")


@login_required
@require_http_methods(["GET", "POST"])
def adjustment_edit(request, code, year, pk=None):
    return _money_row(
        request,
        code,
        year,
        pk,
        Adjustment,
        year_services.adjustment_save,
        "adjustment",
        "adjustment",
    )


@login_required
@require_http_methods(["GET", "POST"])
def adjustment_remove(request, code, year, pk):
    contract_year = _editable_year(request, code, year)
    adjustment = get_object_or_404(Adjustment, contract_year=contract_year, pk=pk)
    return _remove(
        request, contract_year, adjustment, year_services.adjustment_remove, "adjustment"
    )


@login_required
@require_http_methods(["GET", "POST"])
def year_agree(request, code, year):
    contract_year = contract_year_or_404(request, code, year)
    require(request.user, Action.APPROVE, Kind.CONTRACT)
    form = year_forms.AgreeForm(request.POST or None)
    if form.is_valid():
        try:
            year_services.contract_year_agree(
                by=request.user, contract_year=contract_year, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{contract_year.label} recorded as agreed. Its payment schedule has started.",
            )
            return redirect(contract_year.get_absolute_url())
    return _form_page(
        request,
        contract_year,
        form,
        f"Record the agreement of {contract_year.label}",
        button="Record the agreement",
    )


@login_required
@require_http_methods(["GET", "POST"])
def year_rollover(request, code, year):
    contract_year = _editable_year(request, code, year)
    if request.method == "POST":
        try:
            new = year_services.contract_year_rollover(by=request.user, contract_year=contract_year)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(contract_year.get_absolute_url())
        messages.success(request, f"{new.label} started as a draft from {contract_year.label}.")
        return redirect(new.get_absolute_url())
    context = {
        "arrangement": contract_year.arrangement,
        "year": contract_year,
        "recurring": contract_year.lines.filter(recurring=True),
        "dropped": contract_year.lines.filter(recurring=False),
    }
    return render(request, "contracts/year_rollover.html", context)
