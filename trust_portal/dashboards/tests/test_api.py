from unittest import mock

import pytest
from django.urls import reverse

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards import registry
from trust_portal.dashboards.services import snapshot_recompute


@pytest.fixture
def snapshots(cast):
    entry = registry.Builder(name="test-api", build=lambda a: {"title": a.code, "blocks": []},
                             source="test", title="Test", listed=True, order=99)  # fmt: skip
    with mock.patch.dict(registry._BUILDERS, {"test-api": entry}):
        for code in ("NCT", "OCT"):
            snapshot_recompute(arrangement=Arrangement.objects.get(trust__code=code),
                               names=["test-api", "summary"])  # fmt: skip
        yield


def detail(code):
    return reverse("dashboards:api-detail", args=[code, "test-api"])


def test_a_snapshot_comes_with_when_it_was_computed(snapshots, cast, client_for):
    body = client_for(cast["dfe-observer"]).get(detail("NCT")).json()
    assert body["arrangement"] == "NCT" and body["name"] == "test-api"
    assert body["data"] == {"title": "NCT", "blocks": []}
    assert body["computed_at"] and body["source"] == "test"
    assert body["status"] == {"updating": False, "failed_at": None}


def test_the_list_holds_the_callers_arrangements_only_without_figures(snapshots, cast,
                                                                      client_for):  # fmt: skip
    body = client_for(cast["wnc-scrutiny"]).get(reverse("dashboard-list")).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {r["arrangement"] for r in rows} == {"NCT"}
    assert "summary" not in {r["name"] for r in rows}  # the home page's, not a dashboard
    rows = [r for r in rows if r["name"] == "test-api"]
    assert "data" not in rows[0]
    assert rows[0]["url"].endswith(detail("NCT"))


def test_another_arrangements_snapshot_is_not_found(snapshots, cast, client_for):
    assert client_for(cast["wnc-officer"]).get(detail("OCT")).status_code == 404


def test_the_home_summary_is_not_served_as_a_dashboard(snapshots, cast, client_for):
    path = reverse("dashboards:api-detail", args=["NCT", "summary"])
    assert client_for(cast["admin"]).get(path).status_code == 404


def test_signed_out_callers_are_refused(snapshots, client):
    assert client.get(detail("NCT")).status_code == 401
