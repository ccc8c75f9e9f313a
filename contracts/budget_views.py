"""Pages of monthly budget monitoring: the list per arrangement, the trust's entry form, the
councils' review (variance and each council's share), the approval actions, and exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contracts import budget, budget_forms
from contracts.models import BudgetReturn
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.approvals.pages import act, life_context, save_figures, submission_or_404
from trust_portal.exports import table_response
from trust_portal.govuk_forms import add_service_errors

EXPORTS = ("csv", "xlsx")


def _return_or_404(request, code, month, revision) -> BudgetReturn:
    return submission_or_404(
        request,
        BudgetReturn,
        code,
        month,
        revision,
        missing="No such budget monitoring, or not one you can see.",
    )


def _revision(r: BudgetReturn) -> str:
    return "Original" if r.revision == 1 else f"Correction {r.revision - 1}"


LIST_HEADER = ["Month", "Revision", "State", "Started by", "Submitted", "Approved"]


def _day(moment):
    # Spreadsheets hold no time zones: the day, as people here saw it.
    return timezone.localdate(moment) if moment else None


def _list_table(rows):
    for r in rows:
        yield [
            f"{r.period:%Y-%m}",
            _revision(r),
            r.get_state_display(),
            str(r.created_by or ""),
            _day(r.submitted_at),
            _day(r.approved_at),
        ]


@login_required
def budget_list(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.RETURN)
    rows = (
        BudgetReturn.objects.visible_to(request.user)
        .filter(arrangement=arrangement)
        .select_related("created_by", "arrangement__trust")
    )
    if request.GET.get("format") in EXPORTS:
        name = f"{arrangement.code}-budget-monitoring"
        return table_response(
            request.GET["format"], name, LIST_HEADER, _list_table(rows), title="Budget monitoring"
        )
    can_start = can(request.user, Action.EDIT, Kind.RETURN, arrangement)
    form = budget_forms.BudgetStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not can_start:
        require(request.user, Action.EDIT, Kind.RETURN, arrangement)
    if can_start and form.is_valid():
        try:
            started = budget.budget_return_start(
                by=request.user, arrangement=arrangement, month=form.cleaned_data["month"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("contracts:budget-edit", code, f"{started.period:%Y-%m}", 1)
    page = Paginator(rows, 24).get_page(request.GET.get("page"))
    context = {"arrangement": arrangement, "page": page, "form": form, "can_start": can_start}
    return render(request, "contracts/budget_list.html", context)


VARIANCE_HEADER = [
    "Category",
    "Budget (£)",
    "Actual to date (£)",
    "Forecast outturn (£)",
    "Variance: forecast less budget (£)",
    "Variance (% of budget)",
    "Over or under",
    "Commentary",
]
SHARES_HEADER = ["Council", "Share (%)", "Falling to it: over (+) or under (−) (£)", "In words"]


def _variance_table(table):
    for row in [*table.rows, table.total]:
        yield [
            row.label,
            row.budget,
            row.actual_to_date,
            row.forecast_outturn,
            row.variance,
            row.variance_percent,
            row.in_words,
            row.commentary,
        ]


def _shares_table(shares):
    for share in shares.shares:
        yield [f"{share.name} ({share.code})", share.percentage, share.amount, share.in_words]


def _export(request, budget_return, table, shares):
    name = (
        f"{budget_return.arrangement.code}-budget-{budget_return.period:%Y-%m}"
        f"-r{budget_return.revision}"
    )
    title = f"Budget {budget_return.period:%b %Y}"
    if request.GET.get("table") == "shares":
        return table_response(
            request.GET["format"],
            f"{name}-council-shares",
            SHARES_HEADER,
            _shares_table(shares),
            title=title,
        )
    return table_response(
        request.GET["format"], name, VARIANCE_HEADER, _variance_table(table), title=title
    )


@login_required
def budget_detail(request, code, month, revision):
    budget_return = _return_or_404(request, code, month, revision)
    user, arrangement = request.user, budget_return.arrangement
    table, shares = budget.variance_rows(budget_return), budget.council_shares(budget_return)
    if request.GET.get("format") in EXPORTS:
        return _export(request, budget_return, table, shares)
    life = life_context(user, budget_return)
    editable = life["can_edit"]
    context = {
        "budget_return": budget_return,
        "arrangement": arrangement,
        "table": table,
        "shares": shares,
        "threshold": budget.COMMENTARY_THRESHOLD,
        **life,
        "problems": budget.budget_return_problems(budget_return) if editable else {},
    }
    return render(request, "contracts/budget_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request, code, month, revision):
    budget_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.EDIT, Kind.RETURN)
    if budget_return.is_locked:
        messages.error(request, "This month is locked. Start a correction to change it.")
        return redirect(budget_return.get_absolute_url())

    def build(data=None):
        return budget_forms.BudgetLinesForm(
            data,
            lines={line.category: line for line in budget_return.lines.all()},
            defaults=budget.budget_defaults(budget_return),
            version=budget_return.lock_version,
        )

    done, form, stale = save_figures(
        request,
        budget_return,
        build=build,
        save=lambda form: budget.budget_return_save(
            by=request.user,
            budget_return=budget_return,
            expected_version=form.cleaned_data["version"],
            lines=form.lines(),
        ),
    )
    if done:
        return done
    context = {
        "budget_return": budget_return,
        "arrangement": budget_return.arrangement,
        "form": form,
        "stale": stale,
        "threshold": budget.COMMENTARY_THRESHOLD,
    }
    return render(request, "contracts/budget_edit.html", context)


@login_required
@require_http_methods(["POST"])
def budget_submit(request, code, month, revision):
    budget_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.SUBMIT, Kind.RETURN)
    return act(
        request,
        budget_return,
        lambda: budget.budget_return_submit(by=request.user, budget_return=budget_return),
        "Submitted. The councils' officers have been told by email.",
    )


@login_required
@require_http_methods(["POST"])
def budget_approve(request, code, month, revision):
    budget_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.APPROVE, Kind.RETURN)
    return act(
        request,
        budget_return,
        lambda: budget.budget_return_approve(by=request.user, budget_return=budget_return),
        "Your council's area is approved.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_send_back(request, code, month, revision):
    budget_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.APPROVE, Kind.RETURN)
    form = budget_forms.BudgetQueryForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return act(
            request,
            budget_return,
            lambda: budget.budget_return_send_back(
                by=request.user, budget_return=budget_return, query=form.cleaned_data["query"]
            ),
            "Returned to the trust with your query.",
        )
    context = {
        "budget_return": budget_return,
        "arrangement": budget_return.arrangement,
        "form": form,
        "heading": "Return with a query",
        "button": "Return to the trust",
    }
    return render(request, "contracts/budget_action.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def budget_correct(request, code, month, revision):
    budget_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.EDIT, Kind.RETURN)
    form = budget_forms.BudgetCorrectionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            new = budget.budget_return_correct(
                by=request.user, budget_return=budget_return, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Correction started. The approved figures stay in use "
                "until the councils approve it.",
            )
            return redirect(new.get_absolute_url())
    context = {
        "budget_return": budget_return,
        "arrangement": budget_return.arrangement,
        "form": form,
        "heading": "Correct approved budget monitoring",
        "button": "Start correction",
    }
    return render(request, "contracts/budget_action.html", context)
