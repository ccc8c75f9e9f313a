"""Pages of the transformation programme: the overview by theme, projects, business cases and
the board's decisions on them, and the Block 3 ledger (the board's meetings: views/meetings.py).

Reading needs "view approved" on business cases (scrutiny members: 403) and which cases show
depends on the role (transformation/access.py); drafting and submitting needs "edit"
and "submit" (the trust's managers); recording meetings and the board's decisions needs
"approve" (council officers). Every write is a service in transformation/services/cases.py.
"""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from contracts.models import ContractYear
from transformation.access import (
    case_or_404,
    cases_visible,
    ledger_years,
    programme_or_404,
    visible_states,
)
from transformation.forms.cases import (
    CaseForm,
    DecideForm,
    ProjectForm,
    SpendForm,
    cost_field_name,
)
from transformation.models import Block3Draw, BoardMeeting, BusinessCase, CaseSpend, Project, Theme
from transformation.services import cases as services
from trust_portal.accounts.attribution import made_by
from trust_portal.accounts.permissions import Action, Kind, can, require
from trust_portal.exports import table_response
from trust_portal.formpages import act, form_page
from trust_portal.periods import financial_year_label as fy_label
from trust_portal.periods import financial_year_of

ZERO = Decimal("0.00")
State = BusinessCase.State
EXPORTS = ("csv", "xlsx")
CHANGEABLE = (State.DRAFT, State.DEFERRED)


def _export(request, tables: dict, basename: str):
    """A download of one of the page's tables (``?table=…&format=csv|xlsx``), else None."""
    fmt = request.GET.get("format")
    if fmt not in EXPORTS:
        return None
    name = request.GET.get("table") or next(iter(tables))
    if name not in tables:
        raise Http404("No such table.")
    title, header, rows = tables[name]()
    return table_response(fmt, f"{basename}-{name}", header, rows, title=title)


def _risk_register_url(arrangement) -> str:
    return reverse("transformation:risk-list", args=[arrangement.code])


# --- Programme overview ----------------------------------------------------------------------


def theme_rows(projects, cases, states) -> list[dict]:
    """Per theme: its projects, its cases counted per state and the money approved (the cost
    of its approved cases, every year)."""
    rows = []
    for theme in Theme:
        mine = [c for c in cases if c.project.theme == theme]
        rows.append(
            {
                "theme": theme,
                "projects": [p for p in projects if p.theme == theme],
                "cases": mine,
                "counts": [sum(1 for c in mine if c.state == s) for s in states],
                "approved": sum((c.total_cost for c in mine if c.state == State.APPROVED), ZERO),
            }
        )
    return rows


def _benefit_totals(arrangement, user):
    """Benefits against targets by theme (transformation/services/benefits.py): approved cases
    only, so the same for every reader; None (and nothing shown) when there are none."""
    from transformation.services.benefits import programme_benefit_totals

    return programme_benefit_totals(arrangement, None)


@login_required
def programme(request, code):
    arrangement = programme_or_404(request, code)
    user = request.user
    states = [s for s in State if s in visible_states(user)]
    cases = list(
        cases_visible(user, arrangement)
        .select_related("meeting", "block2_line")
        .prefetch_related("costs")
        .order_by("project__theme", "reference")
    )
    projects = list(arrangement.projects.order_by("theme", "name"))
    by_project = defaultdict(list)
    for case in cases:
        by_project[case.project_id].append(case)
    for project in projects:
        project.arrangement = arrangement  # read once, for every case's address
        project.visible_cases = by_project[project.pk]
        for case in project.visible_cases:
            case.project = project
    rows = theme_rows(projects, cases, states)
    download = _export(request, _programme_tables(rows, cases, states), f"{code.upper()}-programme")
    if download:
        return download
    context = {
        "arrangement": arrangement,
        "states": [s.label for s in states],
        "rows": rows,
        "total_counts": [sum(r["counts"][i] for r in rows) for i in range(len(states))],
        "total_approved": sum((r["approved"] for r in rows), ZERO),
        "ledgers": [services.block3_ledger(y) for y in ledger_years(arrangement)],
        "benefit_totals": _benefit_totals(arrangement, user),
        "risk_register_url": _risk_register_url(arrangement),
        "can_edit": can(user, Action.EDIT, Kind.BUSINESS_CASE, arrangement),
        "can_record_meetings": can(user, Action.APPROVE, Kind.BUSINESS_CASE, arrangement),
    }
    return render(request, "transformation/programme.html", context)


def _programme_tables(rows, cases, states):
    def themes():
        header = ["Theme", "Projects", *[s.label for s in states], "Money approved (£)"]
        return (
            "Programme by theme",
            header,
            ([r["theme"].label, len(r["projects"]), *r["counts"], r["approved"]] for r in rows),
        )

    def case_table():
        header = [
            "Reference",
            "Title",
            "Project",
            "Theme",
            "Reported under",
            "Owner",
            "Funding",
            "Block 2 item",
            "State",
            "Total cost (£)",
            "Board meeting",
            "Decision note",
            "Synthetic (demo)",
        ]
        return (
            "Business cases",
            header,
            (
                [
                    c.reference,
                    c.title,
                    c.project.name,
                    c.project.get_theme_display(),
                    c.project.tag,
                    c.project.owner,
                    c.get_funding_display(),
                    c.block2_line.name if c.block2_line else "",
                    c.get_state_display(),
                    c.total_cost,
                    c.meeting.held_on if c.meeting else None,
                    c.decision_note,
                    "yes" if c.synthetic else "no",
                ]
                for c in cases
            ),
        )

    return {"themes": themes, "cases": case_table}


# --- Projects --------------------------------------------------------------------------------


def _form_page(request, arrangement, form, heading, template="transformation/form.html", **extra):
    context = {"arrangement": arrangement, "form": form, "heading": heading, **extra}
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, code, pk=None):
    arrangement = programme_or_404(request, code)
    require(request.user, Action.EDIT, Kind.BUSINESS_CASE)
    project = get_object_or_404(Project, arrangement=arrangement, pk=pk) if pk else None
    initial = {"status": Project.Status.ACTIVE}
    if project:
        fields = ("theme", "name", "owner", "status", "tag", "description")
        initial = {name: getattr(project, name) for name in fields}
    form = ProjectForm(request.POST or None, initial=initial, editing=project is not None)

    def save(**cleaned):
        data = {"reason": "Project added", **cleaned}
        saved = services.project_save(
            by=request.user, arrangement=arrangement, project=project, **data
        )
        messages.success(request, f"Project “{saved.name}” saved.")
        return redirect("transformation:programme", arrangement.code)

    heading = f"Change the project “{project.name}”" if project else "Add a project"
    return form_page(form, save, lambda: _form_page(request, arrangement, form, heading))


# --- Business cases --------------------------------------------------------------------------


def cost_years(arrangement, case: BusinessCase | None = None) -> list[int]:
    """The financial years a case may be costed in: two back to three ahead of this one, the
    arrangement's contract years, and any the case is already costed in."""
    current = financial_year_of(timezone.localdate())
    years = set(range(current - 2, current + 4))
    years |= set(arrangement.contract_years.values_list("financial_year", flat=True))
    if case is not None:
        years |= {c.financial_year for c in case.costs.all()}
    return sorted(years)


def _case_form_page(request, project, case=None):
    arrangement = project.arrangement
    initial = {"funding": BusinessCase.Funding.BLOCK3}
    if case is not None:
        fields = (
            "reference",
            "title",
            "summary",
            "funding",
            "block2_line",
            "expected_benefits",
            "risks",
        )
        initial = {name: getattr(case, name) for name in fields}
        initial.update(
            {cost_field_name(c.financial_year): f"{c.amount:,.2f}" for c in case.costs.all()}
        )
    form = CaseForm(
        request.POST or None,
        arrangement=arrangement,
        initial=initial,
        years=cost_years(arrangement, case),
        editing=case is not None,
    )

    def save(**cleaned):
        data = {**cleaned, "reason": cleaned.get("reason") or "Drafted"}
        data = {k: v for k, v in data.items() if not k.startswith("cost_")}
        saved = services.case_save(
            by=request.user, project=project, case=case, costs=form.costs(), **data
        )
        messages.success(request, f"Business case {saved.reference} saved as a draft.")
        return redirect(saved.get_absolute_url())

    heading = f"Change {case}" if case else f"Draft a business case for “{project.name}”"
    context = {
        "arrangement": arrangement,
        "project": project,
        "case": case,
        "form": form,
        "heading": heading,
    }
    return form_page(form, save, lambda: render(request, "transformation/case_form.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def case_add(request, code, pk):
    arrangement = programme_or_404(request, code)
    require(request.user, Action.EDIT, Kind.BUSINESS_CASE)
    project = get_object_or_404(Project, arrangement=arrangement, pk=pk)
    return _case_form_page(request, project)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, code, reference):
    case = case_or_404(request, code, reference)
    require(request.user, Action.EDIT, Kind.BUSINESS_CASE)
    if case.state not in CHANGEABLE:
        messages.error(
            request,
            f"{case.reference} is {case.get_state_display().lower()}: only "
            "a draft or a deferred case can be changed.",
        )
        return redirect(case.get_absolute_url())
    return _case_form_page(request, case.project, case)


def decision_trail(case: BusinessCase) -> list[dict]:
    """Every recorded change to the case, oldest first: when, who, what, and the state and
    meeting it left."""
    records = list(
        case.history.select_related("history_user").order_by("history_date", "history_id")
    )
    meetings = BoardMeeting.objects.in_bulk({r.meeting_id for r in records if r.meeting_id})
    return [
        {
            "when": r.history_date,
            "who": made_by(r),
            "what": r.history_change_reason
            or {"+": "Created", "-": "Deleted"}.get(r.history_type, "Changed"),
            "state": State(r.state).label,
            "meeting": meetings.get(r.meeting_id),
            "note": r.decision_note,
        }
        for r in records
    ]


@login_required
def case_detail(request, code, reference):
    case = case_or_404(request, code, reference)
    user, arrangement = request.user, case.project.arrangement
    costs = list(case.costs.all())
    draws = list(case.block3_draws.select_related("contract_year"))
    spends = list(case.spends.select_related("recorded_by"))
    trail = decision_trail(case)
    download = _export(
        request,
        _case_tables(case, costs, draws, spends, trail),
        f"{arrangement.code}-{case.reference}",
    )
    if download:
        return download
    changeable = case.state in CHANGEABLE
    context = {
        "arrangement": arrangement,
        "case": case,
        "costs": costs,
        "total": sum((c.amount for c in costs), ZERO),
        "draws": draws,
        "spends": spends,
        "spent": sum((s.amount for s in spends), ZERO),
        "trail": trail,
        "can_edit": changeable and can(user, Action.EDIT, Kind.BUSINESS_CASE, arrangement),
        "can_submit": changeable and can(user, Action.SUBMIT, Kind.BUSINESS_CASE, arrangement),
        "can_decide": case.state == State.SUBMITTED
        and can(user, Action.APPROVE, Kind.BUSINESS_CASE, arrangement),
        "can_spend": case.state == State.APPROVED
        and can(user, Action.EDIT, Kind.BUSINESS_CASE, arrangement),
        "risk_register_url": _risk_register_url(arrangement),
        "benefits": case.benefits.all(),
        "can_add_benefit": case.state in (State.DRAFT, State.DEFERRED, State.APPROVED)
        and can(user, Action.EDIT, Kind.BUSINESS_CASE, arrangement),
    }
    return render(request, "transformation/case_detail.html", context)


def _case_tables(case, costs, draws, spends, trail):
    return {
        "costs": lambda: (
            "Cost by year",
            ["Financial year", "Cost (£)"],
            ([fy_label(c.financial_year), c.amount] for c in costs),
        ),
        "draws": lambda: (
            "Block 3 draws",
            ["Financial year", "Drawn on", "Amount (£)"],
            ([d.contract_year.label, d.drawn_on, d.amount] for d in draws),
        ),
        "spend": lambda: (
            "Spend",
            ["Month", "Amount (£)", "Note", "Reported by"],
            ([s.month, s.amount, s.note, str(s.recorded_by or "")] for s in spends),
        ),
        "history": lambda: (
            "Decision trail",
            ["When", "Who", "What", "State", "Board meeting", "Decision note"],
            (
                [
                    t["when"].replace(tzinfo=None),
                    str(t["who"] or "Trust Portal"),
                    t["what"],
                    t["state"],
                    t["meeting"].held_on if t["meeting"] else None,
                    t["note"],
                ]
                for t in trail
            ),
        ),
    }


@login_required
@require_http_methods(["POST"])
def case_submit(request, code, reference):
    case = case_or_404(request, code, reference)
    require(request.user, Action.SUBMIT, Kind.BUSINESS_CASE)
    return act(
        request,
        lambda: services.case_submit(by=request.user, case=case),
        f"{case.reference} submitted to the board. Council officers "
        "record the board's decision on it.",
        case.get_absolute_url(),
    )


def year_ledgers(case: BusinessCase) -> list[dict]:
    """For each year the case is costed in: its cost and that year's Block 3 fund (None when
    the year has no agreed contract year)."""
    years = {y.financial_year: y for y in ledger_years(case.project.arrangement)}
    return [
        {
            "cost": cost,
            "label": fy_label(cost.financial_year),
            "ledger": services.block3_ledger(years[cost.financial_year])
            if cost.financial_year in years
            else None,
        }
        for cost in case.costs.all()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def case_decide(request, code, reference):
    case = case_or_404(request, code, reference)
    require(request.user, Action.APPROVE, Kind.BUSINESS_CASE)
    if case.state != State.SUBMITTED:
        messages.error(
            request,
            f"{case.reference} is {case.get_state_display().lower()}: the "
            "board decides submitted cases.",
        )
        return redirect(case.get_absolute_url())
    meetings = case.project.arrangement.board_meetings.order_by("-held_on")
    if case.submitted_at:
        meetings = meetings.filter(held_on__gte=timezone.localdate(case.submitted_at))
    form = DecideForm(request.POST or None, meetings=meetings)

    def decide(decision, note, **_):
        meeting = form.chosen_meeting()
        services.case_decide(
            by=request.user, case=case, decision=decision, meeting=meeting, note=note
        )
        case.refresh_from_db()
        messages.success(
            request,
            f"The board's decision recorded: {case.reference} {case.get_state_display().lower()}.",
        )
        return redirect(case.get_absolute_url())

    def page():
        context = {
            "arrangement": case.project.arrangement,
            "case": case,
            "form": form,
            "years": year_ledgers(case),
        }
        return render(request, "transformation/case_decide.html", context)

    return form_page(form, decide, page)


@login_required
@require_http_methods(["GET", "POST"])
def case_spend(request, code, reference):
    case = case_or_404(request, code, reference)
    require(request.user, Action.EDIT, Kind.BUSINESS_CASE)
    if case.state != State.APPROVED:
        messages.error(request, f"{case.reference} is not approved: nothing is spent on it yet.")
        return redirect(case.get_absolute_url())
    form = SpendForm(request.POST or None)

    def record(**cleaned):
        services.case_spend_record(by=request.user, case=case, **cleaned)
        messages.success(request, f"Spend on {case.reference} recorded.")
        return redirect(case.get_absolute_url())

    def page():
        heading = f"Record a month's spend on {case.reference}"
        back = case.get_absolute_url()
        arrangement = case.project.arrangement
        return _form_page(
            request, arrangement, form, heading, case=case, back=back, button="Record the spend"
        )

    return form_page(form, record, page)


# --- The Block 3 ledger ----------------------------------------------------------------------


def _chosen_year(request, years: list[ContractYear]) -> ContractYear | None:
    wanted = request.GET.get("year")
    if wanted:
        found = next((y for y in years if str(y.financial_year) == wanted), None)
        if found is None:
            raise Http404("No such agreed contract year.")
        return found
    current = financial_year_of(timezone.localdate())
    return next((y for y in years if y.financial_year == current), years[0] if years else None)


@login_required
def ledger(request, code):
    arrangement = programme_or_404(request, code)
    years = list(ledger_years(arrangement))
    chosen = _chosen_year(request, years)
    ledgers = [services.block3_ledger(y) for y in years]
    draws, spends = [], []
    if chosen:
        draws = list(
            Block3Draw.objects.filter(contract_year=chosen).select_related("business_case__project")
        )
        spends = list(
            CaseSpend.objects.filter(
                business_case__funding=BusinessCase.Funding.BLOCK3,
                business_case__project__arrangement=arrangement,
                month__gte=chosen.starts_on,
                month__lte=chosen.ends_on,
            )
            .select_related("business_case")
            .order_by("month", "business_case__reference")
        )
    download = _export(
        request, _ledger_tables(ledgers, chosen, draws, spends), f"{arrangement.code}-block3"
    )
    if download:
        return download
    context = {
        "arrangement": arrangement,
        "years": years,
        "year": chosen,
        "ledgers": ledgers,
        "chosen": next((x for x in ledgers if chosen and x.contract_year.pk == chosen.pk), None),
        "draws": draws,
        "spends": spends,
    }
    return render(request, "transformation/ledger.html", context)


def _ledger_tables(ledgers, chosen, draws, spends):
    label = chosen.label if chosen else ""
    return {
        "years": lambda: (
            "Block 3 by year",
            ["Financial year", "Provision (£)", "Committed (£)", "Spent (£)", "Remaining (£)"],
            (
                [x.contract_year.label, x.provision, x.committed, x.spent, x.remaining]
                for x in ledgers
            ),
        ),
        "draws": lambda: (
            f"Draws {label}",
            ["Drawn on", "Business case", "Title", "Amount (£)"],
            (
                [d.drawn_on, d.business_case.reference, d.business_case.title, d.amount]
                for d in draws
            ),
        ),
        "spend": lambda: (
            f"Spend {label}",
            ["Month", "Business case", "Amount (£)", "Note"],
            ([s.month, s.business_case.reference, s.amount, s.note] for s in spends),
        ),
    }
