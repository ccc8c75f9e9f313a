"""What the transformation app adds to an arrangement's search (trust_portal/search.py):
business cases (in the states the person may see, ``access.cases_visible``) and risks.
Imported by ``TransformationConfig.ready``. Both are read under the "business case" rules, as
their pages are (scrutiny members: nothing)."""

from django.urls import reverse

from transformation.access import cases_visible
from transformation.models import Risk
from trust_portal.accounts.permissions import Action, Kind, can
from trust_portal.search import Hit, Hits, line, matching, provider


def _sees_programme(user, arrangement) -> bool:
    return can(user, Action.VIEW_APPROVED, Kind.BUSINESS_CASE, arrangement)


@provider("business-cases", title="Business cases", order=60)
def find_cases(user, arrangement, query):
    if not _sees_programme(user, arrangement):
        return []
    rows = matching(
        cases_visible(user, arrangement), query, "reference", "title", "summary", "project__name"
    )
    return Hits(
        rows.select_related("project__arrangement__trust").order_by("reference"),
        lambda c: Hit(
            f"{c.reference}: {c.title}",
            c.get_absolute_url(),
            f"{c.get_state_display()}. {line(c.summary, query.words)}",
        ),
    )


@provider("risks", title="Risks", order=65)
def find_risks(user, arrangement, query):
    if not _sees_programme(user, arrangement):
        return []
    rows = Risk.objects.filter(arrangement=arrangement)
    rows = matching(rows, query, "reference", "title", "description", "mitigation")
    return Hits(
        rows.order_by("reference"),
        lambda r: Hit(
            f"{r.reference}: {r.title}",
            reverse("transformation:risk-detail", args=[arrangement.code, r.reference]),
            f"{r.get_status_display()}. {line(r.description, query.words)}",
        ),
    )
