"""The revisions of one month's return compared: figures, commentary, reasons and history."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from performance import revisions
from performance.models import MonthlyReturn, RuleBook
from performance.rules import judged
from trust_portal.accounts.permissions import arrangement_or_404
from trust_portal.approvals.pages import month_or_404 as _month
from trust_portal.numbers import digits_value

LOG_PAGE_SIZE = 50


def _chosen(visible: list[MonthlyReturn], query) -> tuple[MonthlyReturn | None, MonthlyReturn]:
    """(older, newer) from ?from=&to=, by default the two latest revisions the user can see.
    A revision the user cannot see does not exist for them."""
    by_number = {r.revision: r for r in visible}

    def pick(name):
        text = query.get(name, "").strip()
        if not text:
            return None
        number = digits_value(text)
        if number not in by_number:
            raise Http404("No such revision, or not one you can see.")
        return by_number[number]

    older, newer = pick("from"), pick("to") or visible[-1]
    if older is None:
        older = next((r for r in reversed(visible) if r.revision < newer.revision), None)
    elif older.revision > newer.revision:
        older, newer = newer, older
    return (None if older is newer else older), newer


def _with_events(*shown: MonthlyReturn | None) -> list:
    return [(r, r.events.select_related("by").order_by("at", "pk")) for r in shown if r]


@login_required
def return_compare(request, code, month):
    arrangement = arrangement_or_404(request.user, code)
    visible = list(
        MonthlyReturn.objects.visible_to(request.user)
        .filter(arrangement=arrangement, period=_month(month))
        .select_related("created_by")
        .order_by("revision")
    )
    if not visible:
        raise Http404("No such return, or not one you can see.")
    older, newer = _chosen(visible, request.GET)
    only_changed = request.GET.get("cells") != "all"
    cells = revisions.compare(older, newer) if older else []
    notes = revisions.commentary_differences(older, newer) if older else []
    log = Paginator(revisions.change_log(newer), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {"from": older.revision if older else "", "to": newer.revision}
    context = {
        "arrangement": arrangement,
        "period": newer.period,
        "visible": visible,
        "older": older,
        "newer": newer,
        "shown": _with_events(older, newer),
        "only_changed": only_changed,
        "cells": [c for c in cells if c.changed or not only_changed],
        "changed_count": sum(c.changed for c in cells),
        "cell_count": len(cells),
        "notes": [n for n in notes if n.changed or not only_changed],
        "page": log,
        "query": urlencode({**chosen, "cells": "changed" if only_changed else "all"}),
        "judged": judged(RuleBook.of(arrangement), newer.period),
    }
    return render(request, "performance/return_compare.html", context)
