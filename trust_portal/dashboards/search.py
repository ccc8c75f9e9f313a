"""What the dashboards app adds to an arrangement's search (trust_portal/search.py): the
scrutiny committee packs issued, by month or by their title and committee. Imported by
``DashboardsConfig.ready``."""

from django.db.models import Q
from django.urls import reverse

from trust_portal.accounts.permissions import Action, Kind, can
from trust_portal.dashboards.models import IssuedPack
from trust_portal.search import Hit, Hits, matching, provider


@provider("packs", title="Scrutiny committee packs", order=80)
def find_packs(user, arrangement, query):
    # As the packs pages: every role that may see dashboards.
    if not can(user, Action.VIEW_APPROVED, Kind.DASHBOARD, arrangement):
        return []
    packs = IssuedPack.objects.filter(arrangement=arrangement).defer("data", "pdf")
    found = matching(packs, query, "title", "committee").values("pk")
    if query.month:
        rows = packs.filter(Q(month=query.month) | Q(pk__in=found))
    else:
        rows = packs.filter(pk__in=found)
    return Hits(
        rows.order_by("-month", "-issued_at"),
        lambda p: Hit(
            p.title,
            reverse("packs:pack-detail", args=[arrangement.code, p.pk]),
            f"For {p.month:%B %Y}"
            + (f", {p.committee}" if p.committee else "")
            + (f", meeting on {p.meeting_date:%-d %B %Y}" if p.meeting_date else ""),
        ),
    )
