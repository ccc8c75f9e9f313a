"""Dashboard pages: they read stored snapshots only, so they cost the same few queries however
much history lies behind the figures. Who may see them: the "dashboard" row of
docs/permissions.md (everyone in the arrangement reads; administrators recompute)."""

import copy
from datetime import date
from functools import partial

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, can, require
from trust_portal.asof import honours_as_of, moment_of
from trust_portal.dashboards import rendered
from trust_portal.dashboards.figures import spreadsheet_rows
from trust_portal.dashboards.models import RecomputeRun, Snapshot
from trust_portal.dashboards.registry import builders, listed
from trust_portal.dashboards.services import recompute_request, snapshot_status
from trust_portal.exports import table_response
from trust_portal.periods import MONTH, month_text_problem


def _arrangement(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.DASHBOARD)  # membership: just checked
    return arrangement


def _snapshot(request, arrangement, name) -> tuple:
    """The builder and its snapshot in force (now, or at the moment ``?as_of=`` asks for; None
    while the first one is being made, or before it was); 404 if no listed dashboard has that
    name."""
    entry = builders().get(name)
    if entry is None or not entry.listed:
        raise Http404("No such dashboard.")
    # Never the whole data: the parts a page shows are read alone, once a version (rendered.py).
    versions = Snapshot.objects.defer("data")
    return entry, versions.version(arrangement, name, at=moment_of(request.as_of))


def _context(request, arrangement, entry, snapshot, **extra) -> dict:
    return {
        "arrangement": arrangement,
        "entry": entry,
        "snapshot": snapshot,
        # How today's recompute stands says nothing of a past moment's figures.
        "status": None if request.as_of else snapshot_status(arrangement, snapshot),
        "dashboards": listed(),
        "can_recompute": can(request.user, Action.ADMINISTER, Kind.DASHBOARD, arrangement),
        **extra,
    }


@login_required
@honours_as_of
def dashboard_index(request, code):
    arrangement = _arrangement(request, code)
    entries = listed()
    as_of = request.as_of
    snapshots = {
        s.name: s
        for s in Snapshot.objects.filter(
            arrangement=arrangement, name__in=[e.name for e in entries]
        )
        .in_force(moment_of(as_of))
        .defer("data")
    }
    context = {
        "arrangement": arrangement,
        "rows": [(entry, snapshots.get(entry.name)) for entry in entries],
        "status": None if as_of else snapshot_status(arrangement, None),
        "can_recompute": can(request.user, Action.ADMINISTER, Kind.DASHBOARD, arrangement),
    }
    return render(request, "dashboards/index.html", context)


# Charts: plotly.js adds one inline style as it loads, allowed by its hash (settings.py).
with_charts = csp_update({"style-src": settings.PLOTLY_STYLE_HASHES})


def month_words(key: str) -> str:
    return date.fromisoformat(f"{key}-01").strftime("%B %Y")


def _month(request, snapshot) -> tuple[str | None, list[str], dict, str, int]:
    """For a dashboard by month: the month shown (``?month=YYYY-MM``, else the latest), the
    months to choose from, that month's part of the snapshot (read alone: a page never loads
    every month's figures), what is wrong with the month asked for and the status to answer
    with. A snapshot made before its builder went by month has no months: its one period is
    shown, and a month asked of it is refused in words until the next recompute replaces it."""
    read = partial(rendered.part, snapshot)  # each part read once per version (cached)
    keys = read("month_keys") or []
    wanted = request.GET.get("month", "").strip()
    if not keys:
        shown = {"period": read("period"), "blocks": read("blocks") or []}
        error = (
            "Months cannot be chosen until these figures are next recomputed (each night, "
            "and after every approval). These are the figures for the latest month."
        )
        return None, [], shown, error if wanted else "", 404 if wanted else 200
    default = read("month") or keys[-1]
    if not wanted or wanted in keys:
        chosen = wanted or default
        return chosen, keys, read("months", chosen), "", 200
    if not MONTH.match(wanted):
        error, status = "Month must be written as YYYY-MM, for example 2024-04.", 400
    elif month_text_problem(wanted):
        error, status = month_text_problem(wanted), 400
    else:
        error, status = f"There are no approved figures for {month_words(wanted)}.", 404
    error += f" These are the figures for {month_words(default)}, the latest month."
    return default, keys, read("months", default), error, status


@login_required
@honours_as_of
@with_charts
def dashboard_detail(request, code, name):
    arrangement = _arrangement(request, code)
    entry, snapshot = _snapshot(request, arrangement, name)
    month, keys, month_error, status = None, [], "", 200
    if entry.by_month and snapshot is not None:
        month, keys, data, month_error, status = _month(request, snapshot)
        blocks = partial(data.get, "blocks", [])
    elif snapshot is not None:  # each part read once per version (cached), never the whole
        data = {
            "title": rendered.part(snapshot, "title"),
            "period": rendered.part(snapshot, "period"),
        }
        blocks = partial(rendered.part, snapshot, "blocks")
    else:
        data, blocks = {}, list
    context = _context(
        request,
        arrangement,
        entry,
        snapshot,
        title=data.get("title") or entry.title,
        period=data.get("period"),
        pages=rendered.page_titles(snapshot) if snapshot else [],
        month=month,
        months=[(key, month_words(key)) for key in reversed(keys)],
        month_error=month_error,
    )
    if snapshot is not None:
        context["blocks_html"] = rendered.blocks_html(
            request, snapshot, ("detail", month), lambda: blocks() or [], context
        )
    return render(request, "dashboards/dashboard.html", context, status=status)


def _range(request) -> tuple[str | None, str | None, list[str]]:
    """The ?from=YYYY-MM&to=YYYY-MM range asked for, and what is wrong with it."""
    errors, chosen = [], []
    for key, words in (("from", "From"), ("to", "To")):
        value = request.GET.get(key, "").strip()
        if value and not MONTH.match(value):
            errors.append(f"{words} must be a month written as YYYY-MM, for example 2024-04.")
            value = ""
        elif value and month_text_problem(value):
            errors.append(f"{words}: {month_text_problem(value)}")
            value = ""
        chosen.append(value or None)
    start, end = chosen
    if start and end and start > end:
        errors.append("The start of the range must not be after its end.")
        start = end = None
    return start, end, errors


def within(blocks: list[dict], start: str | None, end: str | None) -> list[dict]:
    """The blocks cut to a range of months: table rows whose first column is a month, and the
    charts' x-axes. The stored snapshot is never changed (this works on a copy)."""
    if not (start or end):
        return blocks
    cut = copy.deepcopy(blocks)
    for block in cut:
        table = block.get("table")
        if table and table["columns"] and table["columns"][0].get("kind") == "month":
            table["rows"] = [
                row
                for row in table["rows"]
                if (not start or str(row[0])[:7] >= start) and (not end or str(row[0])[:7] <= end)
            ]
        figure = block.get("figure")
        if figure is not None:
            months = [str(row[0])[:7] for row in (table or {}).get("rows", [])]
            low = start or (min(months) if months else None)
            high = end or (max(months) if months else None)
            if low and high:
                layout = figure.setdefault("layout", {})
                layout.setdefault("xaxis", {})["range"] = [f"{low}-01", f"{high}-28"]
    return cut


@login_required
@honours_as_of
@with_charts
def dashboard_page(request, code, name, page):
    arrangement = _arrangement(request, code)
    entry, snapshot = _snapshot(request, arrangement, name)
    found = rendered.part(snapshot, "pages", page) if snapshot else None
    if snapshot is not None and not isinstance(found, dict):
        raise Http404("No such page of this dashboard.")
    found = found or {}
    start, end, errors = _range(request) if found.get("range") else (None, None, [])
    context = _context(
        request,
        arrangement,
        entry,
        snapshot,
        title=found.get("title", page),
        page=page,
        ranged=found.get("range", False),
        start=start,
        end=end,
        range_errors=errors,
    )
    if snapshot is not None:
        context["blocks_html"] = rendered.blocks_html(
            request,
            snapshot,
            ("page", page, start, end),
            lambda: within(found.get("blocks", []), start, end),
            context,
        )
    return render(request, "dashboards/dashboard.html", context)


@login_required
@honours_as_of
def dashboard_data(request, code, name, block, page=None):
    """One block's table as CSV or Excel: the raw figures (pounds and pence as numbers)."""
    arrangement = _arrangement(request, code)
    entry, snapshot = _snapshot(request, arrangement, name)
    if snapshot is None:
        raise Http404("These figures are still being prepared.")
    month = request.GET.get("month", "").strip()
    if entry.by_month:  # the month's part alone (every month's, whole, is megabytes)
        found = Snapshot.objects.part(snapshot.pk, "months", month) if month else None
        if month and not isinstance(found, dict):
            raise Http404("No approved figures for that month.")
        blocks = found["blocks"] if found else rendered.part(snapshot, "blocks")
    else:
        blocks = rendered.part(snapshot, "blocks") or []
    if page is not None:
        found = rendered.part(snapshot, "pages", page)
        if not isinstance(found, dict):
            raise Http404("No such page of this dashboard.")
        start, end, _ = _range(request) if found.get("range") else (None, None, [])
        blocks = within(found.get("blocks", []), start, end)
    wanted = next((b for b in blocks if b.get("id") == block and b.get("table")), None)
    if wanted is None:
        raise Http404("No such table on this dashboard.")
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        fmt = "csv"
    header, rows = spreadsheet_rows(wanted["table"])
    moment = request.as_of and f"as-of-{timezone.localtime(request.as_of.moment):%Y-%m-%dT%H%M}"
    basename = "-".join(filter(None, [arrangement.code.lower(), name, page, block, moment]))
    return table_response(fmt, basename, header, rows, title=wanted.get("title") or block)


@login_required
def recompute_runs(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.ADMINISTER, Kind.DASHBOARD, arrangement)
    runs = RecomputeRun.objects.filter(arrangement=arrangement).select_related("requested_by")
    page = Paginator(runs.order_by("-queued_at", "-pk"), 25).get_page(request.GET.get("page"))
    context = {
        "arrangement": arrangement,
        "page": page,
        "status": snapshot_status(arrangement, None),
    }
    return render(request, "dashboards/runs.html", context)


@login_required
@require_POST
def recompute_now(request, code):
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.ADMINISTER, Kind.DASHBOARD, arrangement)
    recompute_request(
        arrangement_id=arrangement.pk,
        trigger=RecomputeRun.Trigger.ADMINISTRATOR,
        by=request.user,
        delay=0,
    )
    messages.success(request, f"A recompute of {arrangement.code}'s dashboards has been queued.")
    return redirect("dashboards:runs", arrangement.code)
