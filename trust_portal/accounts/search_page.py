"""The search page of one arrangement: /arrangements/NCT/search/?q=… (trust_portal/search.py
holds the registry the apps fill). Scoped to one arrangement, as every other page is, so a
result's link is always a page of the arrangement the person is looking at."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from trust_portal import search
from trust_portal.accounts.permissions import arrangement_or_404

SHOWN = 5  # results of each kind on the page of every kind
ALL_OF_A_KIND = 100  # on the page of one kind, which says when there are more


@login_required
def search_page(request, code):
    arrangement = arrangement_or_404(request.user, code)
    raw = request.GET.get("q", "")
    query = search.Query.parse(raw)
    kinds = {p.name: p for p in search.providers()}
    only = request.GET.get("kind", "")
    only = only if only in kinds else ""
    limit = ALL_OF_A_KIND if only else SHOWN
    groups = []
    if query.words:
        groups = search.search(request.user, arrangement, query, limit=limit, only=only)
    context = {
        "arrangement": arrangement,
        "query": query,
        "cut": len(" ".join(raw.split())) > search.MAX_QUERY,
        "only": kinds.get(only),
        "groups": groups,
        "max_query": search.MAX_QUERY,
        "search_page": True,  # its own box, not the header's too
    }
    return render(request, "accounts/search.html", context)
