"""Pages of the workforce: the overview per arrangement, its teams, and the monthly workforce
returns as a kind of return (their list, entry, review and approval actions are the shared
pages of ``trust_portal.approvals``; here, what they show of a workforce return), each table
downloadable as CSV or Excel.

Who may do what is the "monthly return" row of docs/permissions.md: everyone in the
arrangement reads approved figures and the teams; the trust's managers keep the teams and
enter and submit returns; council officers see submitted returns and approve their own area.
"""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from performance.models import MonthlyReturn, PerformanceSettings
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.approvals.kinds import ReturnKind, Wording, services_named
from trust_portal.approvals.models import State
from trust_portal.approvals.pages import last_month_approved
from trust_portal.approvals.queries import QueryRow
from trust_portal.dashboards.figures import spreadsheet_rows
from trust_portal.dashboards.models import Snapshot
from trust_portal.exports import table_response
from trust_portal.formpages import form_page
from trust_portal.history import as_recorded
from trust_portal.listing import EXPORTS, download
from trust_portal.numbers import number_text
from workforce import charts, dashboards, forms, reads, services, tables
from workforce.dashboards.overview import SHAPE
from workforce.models import Team, TeamFigures, WorkforceReturn
from workforce.overview import overview_from
from workforce.rates import all_staff_turnover


def _export(request, name: str, header, rows, title: str):
    return table_response(request.GET["format"], name, header, rows, title=title)


def _wants_export(request) -> bool:
    return request.GET.get("format") in EXPORTS


# --- The overview ----------------------------------------------------------------------------


@login_required
def overview(request, code):
    """The arrangement's workforce from the "workforce" snapshot (workforce/dashboards/): this
    page computes nothing across months, so its queries do not grow with the history."""
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.RETURN)
    snapshot = Snapshot.objects.version(arrangement, dashboards.NAME)
    if snapshot and snapshot.data.get("latest_month") and snapshot.data.get("shape") != SHAPE:
        snapshot = None  # made by an earlier release: shown as being prepared until recomputed
    shown = overview_from(snapshot.data, arrangement) if snapshot else None
    if _wants_export(request):
        if shown is None:
            raise Http404("The workforce figures are not ready yet.")
        return _overview_export(request, arrangement, shown)
    if shown is not None:
        _link(arrangement, shown)
    context = {
        "arrangement": arrangement,
        "snapshot": snapshot,
        "summary": shown,
        "latest": shown.workforce_return if shown else None,
        "points": shown.points if shown else [],
        "mix_chart": charts.staff_mix(shown.points) if shown and shown.points else None,
        "caseload_chart": charts.caseload_bars(shown.teams, shown.caseload_limit)
        if shown
        else None,
        "posts_and_rates": reads.posts_and_rates(shown.arrangement.totals) if shown else [],
        "any_synthetic": bool(shown) and any(p.synthetic for p in shown.points),
        "latest_synthetic": bool(shown) and shown.synthetic,
    }
    return render(request, "workforce/overview.html", context)


def _link(arrangement, shown) -> None:
    """The links the overview makes from the snapshot's figures to the returns and teams they
    come from: three queries, however many months there are."""
    approved = dict(
        WorkforceReturn.objects.filter(arrangement=arrangement, state=State.APPROVED).values_list(
            "period", "revision"
        )
    )
    for point in shown.points:
        if point.month in approved:
            point.url = reverse(
                "workforce:return-detail",
                args=[arrangement.code, f"{point.month:%Y-%m}", approved[point.month]],
            )
    if shown.month in approved:
        shown.workforce_return = WorkforceReturn(
            arrangement=arrangement, period=shown.month, revision=approved[shown.month]
        )
    teams = dict(Team.objects.filter(arrangement=arrangement).values_list("name", "pk"))
    for team in shown.teams:
        team.team = SimpleNamespace(pk=teams.get(team.label))  # a renamed team: no link
    if shown.has_performance:
        shown.performance_return = MonthlyReturn.objects.filter(
            arrangement=arrangement, period=shown.month, state=State.APPROVED
        ).first()


OVERVIEW_TABLES = {
    "mix": ("staff-mix", "Staff mix"),
    "rates": ("rates-over-time", "Rates over time"),
    "latest": ("{month}", "Latest month"),
    "teams": ("teams-{month}", "Teams"),
    "caseloads": ("caseloads-{month}", "Caseloads"),
}


def _overview_export(request, arrangement, shown):
    """The overview's tables as CSV or Excel, straight from the snapshot."""
    table = request.GET.get("table")
    table = table if table in OVERVIEW_TABLES else "mix"
    suffix, title = OVERVIEW_TABLES[table]
    header, rows = spreadsheet_rows(shown.tables[table])
    name = f"{arrangement.code}-workforce-{suffix.format(month=f'{shown.month:%Y-%m}')}"
    return _export(request, name, header, rows, title)


# --- Teams -----------------------------------------------------------------------------------


def _team_or_404(request, code, pk):
    arrangement = arrangement_or_404(request.user, code)
    team = Team.objects.filter(arrangement=arrangement, pk=pk).select_related("area").first()
    if team is None:
        raise Http404("No such team.")
    return arrangement, team


@login_required
def team_list(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.RETURN)
    teams = Team.objects.filter(arrangement=arrangement).select_related("area")
    name, table = f"{arrangement.code}-teams", tables.team_rows(teams)
    if exported := download(request, name, tables.TEAM_LIST_HEADER, table, title="Teams"):
        return exported
    by_area: dict = {}
    for team in teams:
        by_area.setdefault(team.area, []).append(team)
    context = {
        "arrangement": arrangement,
        "by_area": list(by_area.items()),
        "can_edit": can(request.user, Action.EDIT, Kind.RETURN, arrangement),
    }
    return render(request, "workforce/team_list.html", context)


@login_required
def team_detail(request, code, pk):
    arrangement, team = _team_or_404(request, code, pk)
    require(request.user, Action.VIEW_APPROVED, Kind.RETURN)
    points = reads.over_time(
        arrangement,
        pick=lambda f: f.team_id == team.pk,
        synthetic=reads.synthetic_months(arrangement),
    )
    name, table = f"{arrangement.code}-team-{team.pk}", tables.team_month_rows(points)
    if exported := download(request, name, tables.TEAM_MONTHS_HEADER, table, title="Team by month"):
        return exported
    context = {
        "arrangement": arrangement,
        "team": team,
        "points": points,
        "history": team.history.select_related("history_user").order_by("-history_date"),
        "can_edit": can(request.user, Action.EDIT, Kind.RETURN, arrangement),
        "any_synthetic": any(p.synthetic for p in points),
    }
    return render(request, "workforce/team_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, code, pk=None):
    arrangement = arrangement_or_404(request.user, code)
    team = _team_or_404(request, code, pk)[1] if pk is not None else None
    require(request.user, Action.EDIT, Kind.RETURN, arrangement)
    initial = {"name": team.name, "service": team.service, "area": team.area} if team else {}
    form = forms.TeamForm(
        request.POST if request.method == "POST" else None, arrangement=arrangement, initial=initial
    )

    def save(**cleaned):
        saved = services.team_save(by=request.user, arrangement=arrangement, team=team, **cleaned)
        messages.success(request, f"{saved.name} saved.")
        return redirect("workforce:team-detail", arrangement.code, saved.pk)

    context = {"arrangement": arrangement, "team": team, "form": form}
    return form_page(form, save, lambda: render(request, "workforce/team_form.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def team_close(request, code, pk):
    """Close an open team, or reopen a closed one, with a reason."""
    arrangement, team = _team_or_404(request, code, pk)
    require(request.user, Action.EDIT, Kind.RETURN, arrangement)
    form = forms.TeamCloseForm(request.POST if request.method == "POST" else None)

    def close_or_reopen(reason):
        change = services.team_close if team.active else services.team_reopen
        change(by=request.user, team=team, reason=reason)
        messages.success(request, f"{team.name} {'reopened' if team.active else 'closed'}.")
        return redirect("workforce:team-detail", arrangement.code, team.pk)

    context = {"arrangement": arrangement, "team": team, "form": form}
    return form_page(
        form, close_or_reopen, lambda: render(request, "workforce/team_close.html", context)
    )


# --- Returns: a kind of return, whose pages are the shared ones (trust_portal.approvals) ----


def listing(request, arrangement, rows):
    """The list as CSV or Excel (``?format=``), else the months the demo made up."""
    name, table = f"{arrangement.code}-workforce-returns", tables.return_rows(rows)
    header, title = tables.RETURN_LIST_HEADER, "Workforce returns"
    if exported := download(request, name, header, table, title=title):
        return exported
    return {"synthetic": reads.synthetic_months(arrangement)}


def _return_export(request, workforce_return, summary):
    name = (
        f"{workforce_return.arrangement.code}-workforce-{workforce_return.period:%Y-%m}"
        f"-r{workforce_return.revision}"
    )
    title = f"Workforce {workforce_return.period:%b %Y}"
    if request.GET.get("table") == "caseloads":
        return _export(
            request,
            f"{name}-caseloads",
            tables.CASELOAD_HEADER,
            tables.caseload_rows(summary.caseloads),
            title,
        )
    return _export(request, name, tables.GROUP_HEADER, tables.group_rows(summary), title)


def review(request, workforce_return, *, editable: bool):
    """Every team's, area's and the arrangement's figures and rates, or a table's download; as
    of a past moment (``request.as_of``), rated as they stood then (``reads.summary``)."""
    as_of = getattr(request, "as_of", None)
    summary = reads.summary(workforce_return, at=as_of.moment if as_of else None)
    if _wants_export(request):
        return _return_export(request, workforce_return, summary)
    arrangement = workforce_return.arrangement
    return {
        "summary": summary,
        "posts_and_rates": reads.posts_and_rates(summary.arrangement.totals),
        "areas": [
            (area, [t for t in summary.teams if t.area == area.key]) for area in summary.areas
        ],
        "synthetic": workforce_return.period in reads.synthetic_months(arrangement),
        "all_staff_turnover": reads.display(
            all_staff_turnover(
                workforce_return.all_staff_leavers_fte, workforce_return.all_staff_fte
            )
        ),
        "problems": services.workforce_return_problems(workforce_return) if editable else {},
    }


def _last_month_figures(workforce_return) -> dict:
    last = last_month_approved(workforce_return)
    return {f.team_id: f for f in last.figures.all()} if last else {}


def summary(workforce_return, area=None) -> list[tuple[str, str, list[str]]]:
    """What the month holds (for one council's ``area``, if given): the teams reported, their
    open cases and workers over the caseload limit."""
    teams = [t for t in services.reportable_teams(workforce_return) if area in (None, t.area.code)]
    figures = {f.team_id: f for f in workforce_return.figures.all()}
    reported = [figures[t.pk] for t in teams if t.pk in figures]
    unreported = [t.name for t in teams if t.pk not in figures]
    cases = sum(f.open_cases or 0 for f in reported)
    over = sum(f.workers_over_limit or 0 for f in reported)
    return [
        ("Teams", f"{len(reported)} of {len(teams)} reported", unreported),
        ("Open cases", f"{cases:,}", []),
        ("Workers over the caseload limit", f"{over:,}", []),
    ]


def figures_form(workforce_return, data=None):
    return forms.WorkforceFiguresForm(
        data,
        teams=services.reportable_teams(workforce_return),
        figures={f.team_id: f for f in workforce_return.figures.all()},
        all_staff=workforce_return,
        last=_last_month_figures(workforce_return),
        version=workforce_return.lock_version,
    )


def entry(workforce_return) -> dict:
    rules = PerformanceSettings.of(workforce_return.arrangement, workforce_return.period)
    limit = rules.caseload_limit
    return {"columns": forms.COLUMNS, "limit": limit}


def query_rows(workforce_return, council, at=None) -> list[QueryRow]:
    """Each of the council's area's teams with its figures, as they stand or stood at the
    past moment ``at`` (a team with none: "–" each)."""
    if at is None:
        figures = workforce_return.figures.all()
    else:
        figures = as_recorded(TeamFigures, at, workforce_return=workforce_return)
    by_team = {f.team_id: f for f in figures}
    rows = []
    for team in services.reportable_teams(workforce_return):
        if council is None or team.area_id != council.pk:
            continue
        got = by_team.get(team.pk)
        shown = tuple(
            (name, number_text(getattr(got, field)) if got else "–")
            for _, columns in forms.COLUMNS
            for field, name in columns
        )
        rows.append(QueryRow(str(team.pk), team.name, shown))
    return rows


KIND = ReturnKind(
    model=WorkforceReturn,
    namespace="workforce",
    route="return",
    object_name="workforce_return",
    templates="workforce/return_",
    services=services_named(services, "workforce_return_"),
    wording=Wording(
        missing="No such workforce return, or not one you can see.",
        locked="This month is locked. Start a correction to change it.",
        correct_heading="Correct an approved workforce return",
    ),
    start_form=forms.WorkforceStartForm,
    query_form=forms.QueryForm,
    correction_form=forms.CorrectionForm,
    figures_form=figures_form,
    figures_saved=lambda form: {"teams": form.teams_typed(), "all_staff": form.all_staff_typed()},
    review=review,
    checks=services.workforce_return_checks,
    summary=summary,
    entry=entry,
    listing=listing,
    query_rows=query_rows,
)
