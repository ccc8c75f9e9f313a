"""Dashboard pages render each snapshot version's blocks once (trust_portal/dashboards/
rendered.py): later requests, by anyone, reuse the HTML and never read the figures again; a
new version (a recompute with other figures) is rendered afresh; the page around the blocks
stays each person's own."""

import dataclasses
from datetime import UTC, datetime
from unittest import mock

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trust_portal.dashboards import registry, rendered
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.services import snapshot_recompute
from trust_portal.dashboards.tests import test_views

# The test dashboard and its addresses, as the page tests have them.
dashboard = test_views.dashboard
url = test_views.url

PAGES = [("detail", "test-dash"), ("page", "test-dash", "detail")]


def get(client, path) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def test_the_blocks_are_rendered_once_a_version_for_everyone(
    dashboard, arrangement, people, client_for, url
):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    for name, *args in PAGES:
        path = url(name, *args)
        first, _ = get(client_for(people["observer"]), path)
        with mock.patch.object(rendered, "render_to_string", side_effect=AssertionError):
            again, queries = get(client_for(people["scrutiny"]), path)
        assert "£1,236.50" in again  # the blocks, from the cache
        assert not [q for q in queries if '"data"' in q], "the figures are not read again"
        # the page around them is each person's own: their name and role in the header
        scrutiny, observer = people["scrutiny"], people["observer"]
        assert f"{scrutiny.username}</span>" in again and scrutiny.role_label in again
        assert f"{observer.username}</span>" in first and observer.role_label in first
        assert f"{scrutiny.username}</span>" not in first


def test_a_new_version_is_rendered_afresh(dashboard, arrangement, people, client_for, url):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    client = client_for(people["officer"])
    for name, *args in PAGES:
        assert "£1,236.50" in get(client, url(name, *args))[0]
    longer = dataclasses.replace(dashboard, build=lambda a: test_views.build_test(a, 4))
    with mock.patch.dict(registry._BUILDERS, {"test-dash": longer}):
        snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    assert Snapshot.objects.filter(arrangement=arrangement, name="test-dash").count() == 2
    for name, *args in PAGES:
        assert "£1,237.50" in get(client, url(name, *args))[0]  # the fourth month's spend


def test_a_past_moment_is_rendered_with_its_own_links(
    dashboard, arrangement, people, client_for, url
):
    with time_machine.travel(datetime(2025, 1, 6, 9, tzinfo=UTC), tick=False):
        snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    client = client_for(people["officer"])
    now, _ = get(client, url("detail", "test-dash"))
    then, _ = get(client, url("detail", "test-dash") + "?as_of=2025-06-02T10:00")
    download = url("data", "test-dash", "spend") + "?format=csv"
    assert f'{download}">' in now
    assert f"{download}&amp;as_of=2025-06-02T10%3A00" in then
