"""Pages of monthly performance returns: list, review, entry, and the approval actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from performance import forms, returns
from performance.models import Indicator, MonthlyReturn
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.approvals.pages import act, life_context, save_figures, submission_or_404
from trust_portal.govuk_forms import add_service_errors


def _return_or_404(request, code, month, revision) -> MonthlyReturn:
    return submission_or_404(
        request,
        MonthlyReturn,
        code,
        month,
        revision,
        missing="No such return, or not one you can see.",
    )


@login_required
def return_list(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.RETURN)
    rows = (
        MonthlyReturn.objects.visible_to(request.user)
        .filter(arrangement=arrangement)
        .select_related("created_by", "arrangement__trust")
    )
    page = Paginator(rows, 24).get_page(request.GET.get("page"))
    can_start = can(request.user, Action.EDIT, Kind.RETURN, arrangement)
    form = forms.ReturnStartForm(request.POST if request.method == "POST" else None)
    if can_start and form.is_valid():
        try:
            started = returns.return_start(
                by=request.user, arrangement=arrangement, month=form.cleaned_data["month"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("performance:return-edit", code, f"{started.period:%Y-%m}", 1)
    elif request.method == "POST" and not can_start:
        require(request.user, Action.EDIT, Kind.RETURN)
    context = {"arrangement": arrangement, "page": page, "form": form, "can_start": can_start}
    return render(request, "performance/return_list.html", context)


@login_required
def return_detail(request, code, month, revision):
    monthly_return = _return_or_404(request, code, month, revision)
    user, arrangement = request.user, monthly_return.arrangement
    life = life_context(user, monthly_return)
    editable = life["can_edit"]
    context = {
        "monthly_return": monthly_return,
        "arrangement": arrangement,
        "rows": returns.return_rows(monthly_return),
        "commentaries": monthly_return.commentaries.select_related("indicator").order_by(
            "indicator__display_order"
        ),
        **life,
        "problems": returns.return_problems(monthly_return) if editable else ([], []),
        "uploads": monthly_return.extract_uploads.select_related("uploaded_by")[:10],
    }
    return render(request, "performance/return_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def return_edit(request, code, month, revision):
    monthly_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.EDIT, Kind.RETURN)
    if monthly_return.is_locked:
        messages.error(request, "This return is locked. Start a correction to change it.")
        return redirect(monthly_return.get_absolute_url())

    def build(data=None):
        return forms.ReturnFiguresForm(
            data,
            cells=returns.cells_of(monthly_return.arrangement, Indicator.objects.all()),
            measurements={(m.indicator_id, m.area): m for m in monthly_return.measurements.all()},
            commentaries={c.indicator_id: c.text for c in monthly_return.commentaries.all()},
            version=monthly_return.lock_version,
        )

    done, form, stale = save_figures(
        request,
        monthly_return,
        build=build,
        saved="Figures saved as a draft.",
        save=lambda form: returns.return_save(
            by=request.user,
            monthly_return=monthly_return,
            expected_version=form.cleaned_data["version"],
            figures=form.figures(),
            commentary=form.commentary(),
        ),
    )
    if done:
        return done
    context = {
        "monthly_return": monthly_return,
        "arrangement": monthly_return.arrangement,
        "form": form,
        "stale": stale,
    }
    return render(request, "performance/return_edit.html", context)


@login_required
@require_http_methods(["POST"])
def return_submit(request, code, month, revision):
    monthly_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.SUBMIT, Kind.RETURN)
    return act(
        request,
        monthly_return,
        lambda: returns.return_submit(by=request.user, monthly_return=monthly_return),
        "Submitted. The councils' officers have been told by email.",
    )


@login_required
@require_http_methods(["POST"])
def return_approve(request, code, month, revision):
    monthly_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.APPROVE, Kind.RETURN)
    return act(
        request,
        monthly_return,
        lambda: returns.return_approve(by=request.user, monthly_return=monthly_return),
        "Your council's area is approved.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def return_send_back(request, code, month, revision):
    monthly_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.APPROVE, Kind.RETURN)
    form = forms.QueryForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return act(
            request,
            monthly_return,
            lambda: returns.return_send_back(
                by=request.user, monthly_return=monthly_return, query=form.cleaned_data["query"]
            ),
            "Returned to the trust with your query.",
        )
    context = {
        "monthly_return": monthly_return,
        "arrangement": monthly_return.arrangement,
        "form": form,
        "heading": "Return with a query",
        "button": "Return to the trust",
    }
    return render(request, "performance/return_action.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def return_correct(request, code, month, revision):
    monthly_return = _return_or_404(request, code, month, revision)
    require(request.user, Action.EDIT, Kind.RETURN)
    form = forms.CorrectionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            new = returns.return_correct(
                by=request.user, monthly_return=monthly_return, reason=form.cleaned_data["reason"]
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
        "monthly_return": monthly_return,
        "arrangement": monthly_return.arrangement,
        "form": form,
        "heading": "Correct an approved return",
        "button": "Start correction",
    }
    return render(request, "performance/return_action.html", context)
