"""What the performance app adds to an arrangement's search (trust_portal/search.py): its
indicators, and its monthly returns by month ("March 2019", "2019-03"). Imported by
``PerformanceConfig.ready``."""

from django.urls import reverse

from performance.models import Indicator, MonthlyReturn
from trust_portal.accounts.permissions import Action, Kind, can
from trust_portal.search import Hit, Hits, matching, provider, returns_of_the_month


@provider("indicators", title="Indicators", order=10)
def find_indicators(user, arrangement, query):
    # As the indicators pages: anyone in the arrangement whose role may read indicators.
    if not can(user, Action.VIEW_APPROVED, Kind.INDICATOR, arrangement):
        return []
    rows = matching(Indicator.objects.all(), query, "code", "name", "national_name")
    return Hits(
        rows.order_by("display_order", "code"),
        lambda i: Hit(
            i.name,
            reverse("performance:indicator-detail", args=[arrangement.code, i.code]),
            i.get_domain_display(),
        ),
    )


@provider("performance-returns", title="Performance returns", order=20)
def find_returns(user, arrangement, query):
    # As the returns pages: the revisions the person's role may see in their state.
    rows = MonthlyReturn.objects.visible_to(user).filter(arrangement=arrangement)
    return returns_of_the_month(rows, query)
