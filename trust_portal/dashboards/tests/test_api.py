"""The dashboards' API, on the root ``world``: its arrangement and the outsider's (each with a
test dashboard's snapshot and the home summary), and its people."""

from unittest import mock

import pytest
from django.urls import reverse

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards import registry
from trust_portal.dashboards.services import snapshot_recompute


@pytest.fixture
def elsewhere(world):
    """The other arrangement: the outsider's."""
    return Arrangement.objects.get(councils=world.outsider.organisation)


@pytest.fixture
def snapshots(arrangement, elsewhere):
    entry = registry.Builder(name="test-api", build=lambda a: {"title": a.code, "blocks": []},
                             source="test", title="Test", listed=True, order=99)  # fmt: skip
    with mock.patch.dict(registry._BUILDERS, {"test-api": entry}):
        for each in (arrangement, elsewhere):
            snapshot_recompute(arrangement=each, names=["test-api", "summary"])
        yield


def detail(code):
    return reverse("dashboards:api-detail", args=[code, "test-api"])


def test_a_snapshot_comes_with_when_it_was_computed(snapshots, arrangement, people, client_for):
    body = client_for(people["observer"]).get(detail(arrangement.code)).json()
    assert body["arrangement"] == arrangement.code and body["name"] == "test-api"
    assert body["data"] == {"title": arrangement.code, "blocks": []}
    assert body["computed_at"] and body["source"] == "test"
    assert body["status"] == {"updating": False, "failed_at": None}


def test_the_list_holds_the_callers_arrangements_only_without_figures(
    snapshots, arrangement, people, client_for
):
    body = client_for(people["scrutiny"]).get(reverse("dashboard-list")).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {r["arrangement"] for r in rows} == {arrangement.code}
    assert "summary" not in {r["name"] for r in rows}  # the home page's, not a dashboard
    rows = [r for r in rows if r["name"] == "test-api"]
    assert "data" not in rows[0]
    assert rows[0]["url"].endswith(detail(arrangement.code))


def test_another_arrangements_snapshot_is_not_found(snapshots, elsewhere, people, client_for):
    assert client_for(people["officer"]).get(detail(elsewhere.code)).status_code == 404


def test_the_home_summary_is_not_served_as_a_dashboard(snapshots, arrangement, people, client_for):
    path = reverse("dashboards:api-detail", args=[arrangement.code, "summary"])
    assert client_for(people["admin"]).get(path).status_code == 404


def test_signed_out_callers_are_refused(snapshots, arrangement, client):
    assert client.get(detail(arrangement.code)).status_code == 401


def test_a_snapshot_says_when_a_recompute_last_confirmed_it(
    snapshots, arrangement, people, client_for
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from trust_portal.dashboards.models import Snapshot

    london = ZoneInfo("Europe/London")
    snapshot = Snapshot.objects.get(arrangement=arrangement, name="test-api")
    computed, confirmed = (datetime(2025, 12, d, 9, 5, tzinfo=london) for d in (1, 4))
    Snapshot.objects.filter(pk=snapshot.pk).update(computed_at=computed, confirmed_at=confirmed)
    client = client_for(people["observer"])
    body = client.get(detail(arrangement.code)).json()
    assert (body["computed_at"], body["confirmed_at"]) == (
        "2025-12-01T09:05:00Z",
        "2025-12-04T09:05:00Z",
    )
    # As of a moment before the confirmation: computed_at, as it then stood.
    body = client.get(detail(arrangement.code), {"as_of": "2025-12-02"}).json()
    assert body["confirmed_at"] == "2025-12-01T09:05:00Z"
