"""The dashboard pages on the demo's own data: its arrangements' real dashboards, one (NCT)
with years of history and one (OCT) with next to none (moved unchanged from test_views.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards import registry
from trust_portal.dashboards.services import snapshot_recompute


def url(name, *args, code="NCT"):
    return reverse(f"dashboards:{name}", args=[code, *args])


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_every_real_dashboard_costs_the_same_queries_with_history_or_without(cast, client_for):
    """NCT's demo has years of history; OCT's has next to none."""
    client = client_for(cast["admin"])
    for entry in registry.listed():
        costs = []
        for code in ("NCT", "OCT"):
            snapshot_recompute(arrangement=Arrangement.objects.get(trust__code=code),
                               names=[entry.name])  # fmt: skip
            costs.append(queries_for(client, url("detail", entry.name, code=code)))
        assert costs[0] == costs[1], entry.name
