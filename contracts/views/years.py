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
from contracts.views.contracts import (
    COUNCIL_HEADER,
    _council_table,
    _totals,
    council_rows,
    form_page_of,
    visible_years,
)
from trust_portal.accounts.attribution import made_by
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.exports import table_response
from trust_portal.formpages import form_page
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
            made_by(h) or "Trust Portal",
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
    taken = set(visible_years(request.user, arrangement).values_list("financial_year", flat=True))
    current = financial_year_of(timezone.localdate())
    years = [y for y in range(current - 3, current + 3) if y not in taken]
    form = year_forms.ContractYearForm(
        request.POST or None, years=years, initial={"financial_year": current}
    )

    def start(financial_year, **_):
        new = year_services.contract_year_create(
            by=request.user, arrangement=arrangement, financial_year=financial_year
        )
        messages.success(request, f"Contract year {new.label} started as a draft.")
        return redirect(new.get_absolute_url())

    context = {
        "arrangement": arrangement,
        "form": form,
        "heading": "Start a contract year",
        "hint": "Or roll over an existing year, which copies its recurring lines and split.",
    }
    return form_page(form, start, lambda: render(request, "contracts/form.html", context))


def _editable_year(request, code, year) -> ContractYear:
    contract_year = contract_year_or_404(request, code, year)
    require(request.user, Action.EDIT, Kind.CONTRACT)
    return contract_year


def _form_page(request, contract_year, form, heading, **extra):
    return form_page_of(request, contract_year, form, heading, year=contract_year, **extra)


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

    def save(**cleaned):
        year_services.funding_line_save(
            by=request.user, contract_year=contract_year, line=line, **cleaned
        )
        return _done(request, contract_year, "Funding line saved.")

    heading = f"Change {line.name}" if line else f"Add a funding line to {contract_year.label}"
    return form_page(form, save, lambda: _form_page(request, contract_year, form, heading))


def _done(request, contract_year, message: str):
    messages.success(request, message)
    return redirect(contract_year.get_absolute_url())


def _remove_page(model, service, what: str):
    """The page removing one row of a contract year (a funding line, grant or adjustment):
    ``service(by=, reason=, <what>=row)``, and the row stays in the year's history."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def remove_page(request, code, year, pk):
        contract_year = _editable_year(request, code, year)
        row = get_object_or_404(model, contract_year=contract_year, pk=pk)
        form = year_forms.RemoveForm(request.POST or None)

        def remove(reason):
            service(by=request.user, reason=reason, **{what: row})
            return _done(request, contract_year, f"{row} removed. It stays in the year's history.")

        heading = f"Remove {row}"
        return form_page(
            form,
            remove,
            lambda: _form_page(
                request, contract_year, form, heading, button="Remove", warning=True
            ),
        )

    return remove_page


def _money_row_page(model, service, what: str, noun: str):
    """The page adding (no pk) or changing a council's money row of a contract year: a
    passported grant or an adjustment, saved by ``service``."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def edit_page(request, code, year, pk=None):
        contract_year = _editable_year(request, code, year)
        row = get_object_or_404(model, contract_year=contract_year, pk=pk) if pk else None
        initial = (
            {"council": row.council, "name": row.name, "amount": f"{row.amount:,.2f}"}
            if row
            else {}
        )
        form = year_forms.MoneyRowForm(
            request.POST or None, arrangement=contract_year.arrangement, initial=initial
        )

        def save(reason, council, name, amount, **_):
            service(
                by=request.user,
                contract_year=contract_year,
                reason=reason,
                council=council,
                name=name,
                amount=amount,
                **{what: row},
            )
            return _done(request, contract_year, f"{noun.capitalize()} saved.")

        heading = f"Change {row}" if row else f"Add a {noun} to {contract_year.label}"
        return form_page(form, save, lambda: _form_page(request, contract_year, form, heading))

    return edit_page


line_remove = _remove_page(FundingLine, year_services.funding_line_remove, "line")
grant_edit = _money_row_page(PassportedGrant, year_services.grant_save, "grant", "passported grant")
grant_remove = _remove_page(PassportedGrant, year_services.grant_remove, "grant")
adjustment_edit = _money_row_page(
    Adjustment, year_services.adjustment_save, "adjustment", "adjustment"
)
adjustment_remove = _remove_page(Adjustment, year_services.adjustment_remove, "adjustment")


@login_required
@require_http_methods(["GET", "POST"])
def year_agree(request, code, year):
    contract_year = contract_year_or_404(request, code, year)
    require(request.user, Action.APPROVE, Kind.CONTRACT)
    form = year_forms.AgreeForm(request.POST or None)

    def agree(**cleaned):
        year_services.contract_year_agree(by=request.user, contract_year=contract_year, **cleaned)
        agreed = f"{contract_year.label} recorded as agreed. Its payment schedule has started."
        return _done(request, contract_year, agreed)

    heading = f"Record the agreement of {contract_year.label}"
    return form_page(
        form,
        agree,
        lambda: _form_page(request, contract_year, form, heading, button="Record the agreement"),
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
