"""Pages of benefits realisation: every benefit of the programme by theme for a financial year,
each benefit with its quarters and history, the trust's entry of benefits, targets and actuals.
Reading needs "view approved" on business cases (scrutiny members: 403) and only shows the
cases the reader may see (``access.cases_visible``); writing needs "edit" (the trust's
managers). The council officers' and the DfE's review is reading these pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from transformation import access
from transformation.forms.benefits import BenefitForm, ReportForm
from transformation.models import Benefit, BenefitQuarter, BusinessCase
from transformation.services import benefits
from trust_portal.accounts.permissions import Action, Kind, can, require
from trust_portal.exports import table_response
from trust_portal.govuk_forms import add_service_errors
from trust_portal.numbers import digits_value
from trust_portal.periods import financial_year_label as fy_label
from trust_portal.periods import financial_year_of, quarter_label

EXPORTS = ("csv", "xlsx")
QUARTER_HEADER = [
    "Theme",
    "Case",
    "Case title",
    "Case state",
    "Benefit",
    "Kind",
    "Financial year",
    "Quarter",
    "Target",
    "Lower tolerance",
    "Actual",
    "RAG",
    "Commentary",
    "Reported by",
    "Reported at",
]
TOTALS_HEADER = [
    "Theme",
    "Benefit",
    "Cases",
    "Quarters reported",
    "Target to date",
    "Lower tolerance to date",
    "Actual to date",
    "RAG",
    "Target for the year",
]


def _arrangement(request, code):
    return access.programme_or_404(request, code)


def _case_or_404(request, code, reference) -> BusinessCase:
    return access.case_or_404(request, code, reference)


def _benefit_or_404(request, code, reference, pk) -> Benefit:
    case = _case_or_404(request, code, reference)
    benefit = get_object_or_404(Benefit, business_case=case, pk=pk)
    benefit.business_case = case  # with its project and arrangement, already read
    return benefit


def _year(request, default: int) -> int:
    year = digits_value(request.GET.get("year", default))
    if year is None or not 2000 <= year <= 2100:
        raise Http404("No such financial year.")
    return year


def _may_edit(user, case: BusinessCase) -> bool:
    return case.state in benefits.EDITABLE and can(
        user, Action.EDIT, Kind.BUSINESS_CASE, case.project.arrangement
    )


# --- The programme's benefits ----------------------------------------------------------------


@login_required
def benefit_list(request, code):
    arrangement = _arrangement(request, code)
    visible = benefits.benefits_visible(request.user, arrangement)
    years = benefits.benefit_years(visible)
    current = financial_year_of(timezone.localdate())
    year = _year(request, current if current in years or not years else years[0])
    rows = _year_benefits(visible, year)
    totals = benefits.benefit_totals(arrangement, year)
    fmt = request.GET.get("format")
    if fmt in EXPORTS:
        return _benefit_export(request, fmt, arrangement, year, rows, totals)
    user = request.user
    may_edit = can(user, Action.EDIT, Kind.BUSINESS_CASE, arrangement)
    context = {
        "arrangement": arrangement,
        "year": year,
        "year_label": fy_label(year),
        "years": [(y, fy_label(y)) for y in sorted(set(years) | {current, year}, reverse=True)],
        "year_query": f"year={year}",
        "groups": [
            (theme, [(b, benefits.quarter_grid(b.year_quarters)) for b in found])
            for theme, found in benefits.theme_groups(rows)
        ],
        "totals": totals,
        "without_targets": visible.filter(quarters__isnull=True)
        .select_related("business_case")
        .order_by("business_case__reference", "name"),
        "addable": (
            access.cases_visible(user, arrangement)
            .filter(state__in=benefits.EDITABLE)
            .order_by("reference")
            if may_edit
            else []
        ),
        "rag_words": benefits.RAG_WORDS,
    }
    return render(request, "transformation/benefit_list.html", context)


def _year_benefits(visible, year: int):
    """The visible benefits with targets in the year, each with that year's quarters."""
    return (
        visible.filter(quarters__financial_year=year)
        .distinct()
        .select_related("business_case__project")
        .prefetch_related(
            Prefetch(
                "quarters",
                BenefitQuarter.objects.filter(financial_year=year).select_related("reported_by"),
                to_attr="year_quarters",
            )
        )
        .order_by("business_case__project__theme", "business_case__reference", "name")
    )


def _benefit_export(request, fmt: str, arrangement, year: int, rows, totals):
    """The benefit list's download: the year's totals (table=totals) or its quarters."""
    if request.GET.get("table") == "totals":
        return table_response(
            fmt,
            f"{arrangement.code}-benefit-totals-{year}",
            TOTALS_HEADER,
            _totals_rows(totals),
            title=f"Benefit totals {fy_label(year)}",
        )
    table = (_quarter_row(b, q) for b in rows for q in b.year_quarters)
    return table_response(
        fmt,
        f"{arrangement.code}-benefits-{year}",
        QUARTER_HEADER,
        table,
        title=f"Benefits {fy_label(year)}",
    )


def _quarter_row(benefit: Benefit, row: BenefitQuarter) -> list:
    case = benefit.business_case
    return [
        case.project.get_theme_display(),
        case.reference,
        case.title,
        case.get_state_display(),
        benefit.name,
        benefit.get_kind_display(),
        fy_label(row.financial_year),
        row.quarter,
        row.target,
        row.lower_tolerance,
        row.actual,
        row.rag,
        row.commentary,
        str(row.reported_by or ""),
        row.reported_at.replace(tzinfo=None) if row.reported_at else None,
    ]


def _totals_rows(totals):
    def line(theme, name, cases, t):
        return [
            theme,
            name,
            cases,
            t.reported,
            t.target,
            t.lower_tolerance,
            t.actual,
            t.rag,
            t.year_target,
        ]

    for theme in totals.themes:
        if theme.savings:
            yield line(theme.label, "Savings (£), every case", "", theme.savings)
        for count in theme.counts:
            yield line(theme.label, count.name, ", ".join(count.cases), count.totals)
    if totals.savings:
        yield line("Programme", "Savings (£), every case", "", totals.savings)
    for count in totals.counts:
        yield line("Programme", count.name, ", ".join(count.cases), count.totals)


# --- One benefit -----------------------------------------------------------------------------


@login_required
def benefit_detail(request, code, reference, pk):
    benefit = _benefit_or_404(request, code, reference, pk)
    case = benefit.business_case
    rows = list(
        benefit.quarters.select_related("reported_by").order_by("-financial_year", "quarter")
    )
    if request.GET.get("format") in EXPORTS:
        fmt = request.GET["format"]
        table = (_quarter_row(benefit, row) for row in rows)
        name = f"{case.project.arrangement.code}-{case.reference}-benefit-{benefit.pk}"
        return table_response(fmt, name, QUARTER_HEADER, table, title=benefit.name[:31])
    years = {}
    for row in rows:
        years.setdefault(row.financial_year, []).append(row)
    user = request.user
    may_edit = _may_edit(user, case)
    may_report = case.state == BusinessCase.State.APPROVED and may_edit
    context = {
        "arrangement": case.project.arrangement,
        "case": case,
        "benefit": benefit,
        "years": [(fy_label(y), y, benefits.quarter_grid(found)) for y, found in years.items()],
        "history": _history(benefit),
        "can_edit": may_edit,
        "can_report": may_report and any(_reportable(rows)),
        "rag_words": benefits.RAG_WORDS,
    }
    return render(request, "transformation/benefit_detail.html", context)


def _history(benefit: Benefit) -> list:
    """Every recorded change to the benefit and its quarters, newest first."""
    entries = [("Benefit", h) for h in benefit.history.select_related("history_user")[:100]]
    entries += [
        (quarter_label(h.financial_year, h.quarter), h)
        for h in BenefitQuarter.history.filter(benefit_id=benefit.pk).select_related(
            "history_user"
        )[:300]
    ]
    return sorted(entries, key=lambda e: e[1].history_date, reverse=True)


def _reportable(rows):
    return [r for r in rows if benefits.quarter_has_begun(r.financial_year, r.quarter)]


# --- The trust's entry -----------------------------------------------------------------------


def _editable_case(request, code, reference) -> BusinessCase:
    case = _case_or_404(request, code, reference)
    require(request.user, Action.EDIT, Kind.BUSINESS_CASE)
    return case


def _plan_page(request, case, benefit=None):
    """Add a benefit (no ``benefit``) or change one, with a year's targets."""
    if case.state not in benefits.EDITABLE:
        messages.error(
            request,
            f"{case.reference} is {case.get_state_display().lower()}: benefits are set on a "
            "draft, deferred or approved case.",
        )
        return redirect("transformation:benefit-list", case.project.arrangement.code)
    current = financial_year_of(timezone.localdate())
    year = _year(request, current)
    initial = {}
    if benefit:
        existing = {q.quarter: q for q in benefit.quarters.filter(financial_year=year)}
        initial = {"name": benefit.name, "kind": benefit.kind, "description": benefit.description}
        for quarter, row in existing.items():
            text = (lambda v: f"{v:,.2f}") if benefit.kind == "saving" else (lambda v: f"{v:.0f}")
            initial[f"q{quarter}_target"] = text(row.target)
            initial[f"q{quarter}_lower_tolerance"] = text(row.lower_tolerance)
    data = request.POST if request.method == "POST" else None
    kind_fixed = bool(benefit and benefit.quarters.exists())
    form = BenefitForm(data, initial=initial, case=case, financial_year=year, kind_fixed=kind_fixed)
    if form.is_valid():
        try:
            saved = benefits.benefit_plan(
                by=request.user,
                case=case,
                benefit=benefit,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data.get("kind") or benefit.kind,
                description=form.cleaned_data["description"],
                financial_year=year,
                targets=form.targets(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{saved.name} saved, with its targets for {fy_label(year)}.")
            return redirect(_detail_url(saved))
    context = {
        "arrangement": case.project.arrangement,
        "case": case,
        "benefit": benefit,
        "form": form,
        "year": year,
        "year_label": fy_label(year),
        "years": [(y, fy_label(y)) for y in range(current + 2, current - 4, -1)],
    }
    return render(request, "transformation/benefit_form.html", context)


def _detail_url(benefit: Benefit) -> str:
    case = benefit.business_case
    return reverse(
        "transformation:benefit-detail",
        args=[case.project.arrangement.code, case.reference, benefit.pk],
    )


@login_required
@require_http_methods(["GET", "POST"])
def benefit_add(request, code, reference):
    return _plan_page(request, _editable_case(request, code, reference))


@login_required
@require_http_methods(["GET", "POST"])
def benefit_edit(request, code, reference, pk):
    benefit = _benefit_or_404(request, code, reference, pk)
    require(request.user, Action.EDIT, Kind.BUSINESS_CASE)
    return _plan_page(request, benefit.business_case, benefit)


@login_required
@require_http_methods(["GET", "POST"])
def benefit_report(request, code, reference, pk):
    """The trust reports a quarter's actual (approved cases, quarters that have begun)."""
    benefit = _benefit_or_404(request, code, reference, pk)
    require(request.user, Action.EDIT, Kind.BUSINESS_CASE)
    case = benefit.business_case
    if case.state != BusinessCase.State.APPROVED:
        messages.error(
            request, f"{case.reference} is not approved: actuals are reported once it is."
        )
        return redirect(_detail_url(benefit))
    quarters = _reportable(benefit.quarters.order_by("-financial_year", "-quarter"))
    for row in quarters:
        row.label = quarter_label(row.financial_year, row.quarter)
    chosen = request.GET.get("quarter")
    initial = {"quarter": chosen} if chosen else {}
    if chosen:
        found = next((q for q in quarters if f"{q.financial_year}-{q.quarter}" == chosen), None)
        if found and found.actual is not None:
            text = f"{found.actual:,.2f}" if benefit.kind == "saving" else f"{found.actual:.0f}"
            initial.update(actual=text, commentary=found.commentary)
    data = request.POST if request.method == "POST" else None
    form = ReportForm(data, initial=initial, benefit=benefit, quarters=quarters)
    if form.is_valid():
        year, quarter = form.period()
        try:
            row = benefits.quarter_report_actual(
                by=request.user,
                benefit=benefit,
                financial_year=year,
                quarter=quarter,
                actual=form.cleaned_data["actual"],
                commentary=form.cleaned_data["commentary"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            words = benefits.RAG_WORDS[row.rag].split(":")[0]
            messages.success(
                request,
                f"{quarter_label(year, quarter)} reported: "
                f"{benefits.figure_text(row.actual, benefit.kind)} ({words}).",
            )
            return redirect(_detail_url(benefit))
    context = {
        "arrangement": case.project.arrangement,
        "case": case,
        "benefit": benefit,
        "form": form,
        "quarters": quarters,
    }
    return render(request, "transformation/benefit_report.html", context)
