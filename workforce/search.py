"""What the workforce app adds to an arrangement's search (trust_portal/search.py): its teams,
and its monthly returns by month. Imported by ``WorkforceConfig.ready``."""

from django.urls import reverse

from trust_portal.accounts.permissions import Action, Kind, can
from trust_portal.search import Hit, Hits, matching, provider, returns_of_the_month
from workforce.models import Team, WorkforceReturn


@provider("workforce-returns", title="Workforce returns", order=25)
def find_returns(user, arrangement, query):
    rows = WorkforceReturn.objects.visible_to(user).filter(arrangement=arrangement)
    return returns_of_the_month(rows, query)


@provider("teams", title="Teams", order=70)
def find_teams(user, arrangement, query):
    # As the teams pages: the roles that may read returns.
    if not can(user, Action.VIEW_APPROVED, Kind.RETURN, arrangement):
        return []
    rows = matching(Team.objects.filter(arrangement=arrangement), query, "name", "area__name")
    return Hits(
        rows.select_related("area").order_by("name"),
        lambda t: Hit(
            t.name,
            reverse("workforce:team-detail", args=[arrangement.code, t.pk]),
            f"{t.get_service_display()}, {t.area.name}" + ("" if t.active else " (closed)"),
        ),
    )
