"""The home page's summary: who takes part in each arrangement, computed by a Celery job."""

from django.db.models import Count, Q

from trust_portal.accounts.models import Role, User
from trust_portal.dashboards.registry import builder


@builder("summary", source="organisations, arrangements and user accounts")
def build_summary(arrangement) -> dict:
    councils = list(arrangement.councils.order_by("code"))
    organisations = [arrangement.trust, *councils]
    counts = (
        # People: a service account (another system using the API) is not one.
        User.objects.filter(
            organisation__in=organisations, is_active=True, is_service_account=False
        )
        .values("organisation__code", "role")
        .annotate(n=Count("pk"))
    )
    people = {org.code: {role.value: 0 for role in Role} for org in organisations}
    for row in counts:
        people[row["organisation__code"]][row["role"]] = row["n"]
    observers = (
        User.objects.filter(role=Role.DFE_OBSERVER, is_active=True)
        .filter(Q(observes_all_arrangements=True) | Q(grants__arrangement=arrangement))
        .distinct()
        .count()
    )
    return {
        "arrangement": arrangement.code,
        "trust": {"code": arrangement.trust.code, "name": arrangement.trust.name},
        "councils": [{"code": c.code, "name": c.name} for c in councils],
        "active_users": {
            org.code: {
                "name": org.name,
                "by_role": people[org.code],
                "total": sum(people[org.code].values()),
            }
            for org in organisations
        },
        "dfe_observers": observers,
    }
