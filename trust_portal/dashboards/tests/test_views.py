"""The dashboard pages, on a test dashboard whose figures the tests choose.

Built on factories: the root ``world``'s arrangement and its ``people``; the demo's real
dashboards with and without history: test_views_demo.py."""

import csv
import dataclasses
import io
from decimal import Decimal
from unittest import mock

import plotly.graph_objects as go
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trust_portal.accounts.tests.factories import CommissionedArrangementFactory
from trust_portal.dashboards import figures, registry
from trust_portal.dashboards.models import RecomputeRun
from trust_portal.dashboards.services import snapshot_recompute


def months(n):
    return [f"{2010 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def build_test(arrangement, history=3):
    """A dashboard of a month-by-month table and chart, ``history`` months long."""
    columns = [
        figures.column("month", "Month", "month"),
        figures.column("spent", "Spent", "money"),
        figures.column("children", "Children", "count"),
        figures.column("rag", "RAG", "rag"),
    ]
    rows = [[m, Decimal("1234.5") + i, i, "red" if i % 2 else "green"]
            for i, m in enumerate(months(history))]  # fmt: skip
    table = figures.table(columns, rows)
    chart = go.Figure([go.Scatter(x=[r[0] for r in rows], y=[str(r[1]) for r in rows],
                                  name="Spent")])  # fmt: skip
    page = {
        "title": "One month at a time",
        "range": True,
        "blocks": [figures.chart_block("trend", "Trend", chart, table, summary="Up each month.")],
    }
    return {
        "title": f"Test dashboard of {arrangement.code}",
        "blocks": [
            figures.note_block("about", "About", "Made up for the tests."),
            figures.chart_block("spend", "Spend by month", chart, table, summary="It rises."),
            figures.table_block("table", "The table", table),
        ],
        "pages": {"detail": page},
    }


@pytest.fixture
def dashboard(db):
    entry = registry.Builder(name="test-dash", build=build_test, source="test figures",
                             title="Test dashboard", listed=True, order=99)  # fmt: skip
    with mock.patch.dict(registry._BUILDERS, {"test-dash": entry}):
        yield entry


@pytest.fixture
def url(arrangement):
    """url(name, *args) of the world's arrangement's dashboards (``code``: another's)."""

    def address(name, *args, code=None):
        return reverse(f"dashboards:{name}", args=[code or arrangement.code, *args])

    return address


def test_the_page_says_the_figures_are_being_prepared_before_the_first_run(
    dashboard, people, client_for, url
):
    response = client_for(people["observer"]).get(url("detail", "test-dash"))
    assert response.status_code == 200
    assert "These figures are being prepared" in response.content.decode()


def test_the_page_shows_each_block_with_its_table_and_downloads(
    dashboard, arrangement, people, client_for, url
):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    page = client_for(people["scrutiny"]).get(url("detail", "test-dash")).content.decode()
    assert f"Test dashboard of {arrangement.code}" in page
    assert "Figures computed at" in page and "from test figures." in page
    assert 'data-figure="figure-spend"' in page and 'id="figure-spend"' in page
    assert "The figures in this chart as a table" in page
    assert "£1,236.50" in page  # the third month's spend, in pounds and pence
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in page  # in words too
    assert url("data", "test-dash", "spend") + "?format=csv" in page
    assert url("page", "test-dash", "detail") in page
    assert "plotly/plotly-strict.min.js" in page


def test_a_block_downloads_as_csv_with_raw_figures(dashboard, arrangement, people, client_for, url):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    client = client_for(people["manager"])
    response = client.get(url("data", "test-dash", "table") + "?format=csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Month", "Spent", "Children", "RAG"]
    assert rows[1:] == [["2010-01", "1234.5", "0", "green"], ["2010-02", "1235.5", "1", "red"],
                        ["2010-03", "1236.5", "2", "green"]]  # fmt: skip


def test_a_block_downloads_as_excel(dashboard, arrangement, people, client_for, url):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    client = client_for(people["manager"])
    response = client.get(url("data", "test-dash", "spend") + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_page_can_be_cut_to_a_range_of_months(dashboard, arrangement, people, client_for, url):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    client = client_for(people["officer"])
    page = client.get(url("page", "test-dash", "detail") + "?from=2010-02&to=2010-02")
    text = page.content.decode()
    assert "£1,235.50" in text and "£1,234.50" not in text and "£1,236.50" not in text
    figure = next(b for b in page.context["blocks"] if b["id"] == "trend")["figure"]
    assert figure["layout"]["xaxis"]["range"] == ["2010-02-01", "2010-02-28"]
    data = client.get(url("page-data", "test-dash", "detail", "trend") + "?from=2010-02&format=csv")
    assert [r[0] for r in csv.reader(io.StringIO(data.content.decode("utf-8-sig")))] == [
        "Month", "2010-02", "2010-03"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2010-13", "From must be a month written as YYYY-MM"),
        ("?from=٢٠١٠-03", "From must be a month written as YYYY-MM"),
        ("?to=9999-12", "To: Enter a month from January 2000 to December"),
        ("?from=2010-03&to=2010-01", "The start of the range must not be after its end"),
    ],
)
def test_a_wrong_range_is_explained_and_every_month_shown(
    dashboard, arrangement, people, client_for, url, query, message
):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    response = client_for(people["officer"]).get(url("page", "test-dash", "detail") + query)
    text = response.content.decode()
    assert message in text
    assert "£1,234.50" in text and "£1,236.50" in text


@pytest.mark.parametrize(
    "path",
    [
        ("detail", "no-such-dashboard"),
        ("detail", "summary"),  # the home page's summary is not a dashboard page
        ("page", "test-dash", "no-such-page"),
        ("data", "test-dash", "no-such-block"),
        ("data", "test-dash", "about"),  # a note has no table
    ],
)
def test_unknown_dashboards_pages_and_blocks_are_not_found(
    dashboard, arrangement, people, client_for, url, path
):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    assert client_for(people["officer"]).get(url(*path)).status_code == 404


def test_another_arrangements_dashboards_do_not_exist(dashboard, people, client_for, url):
    other = CommissionedArrangementFactory()
    snapshot_recompute(arrangement=other, names=["test-dash"])
    client = client_for(people["officer"])
    assert client.get(url("detail", "test-dash", code=other.code)).status_code == 404
    assert client.get(url("data", "test-dash", "table", code=other.code)).status_code == 404


def test_the_page_says_when_new_figures_are_coming(dashboard, arrangement, people, client_for, url):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    RecomputeRun.objects.create(arrangement=arrangement, queued_at=timezone.now())
    text = client_for(people["officer"]).get(url("detail", "test-dash")).content.decode()
    assert "Being updated" in text


def test_the_page_says_when_an_update_failed_and_keeps_the_last_good_figures(
    dashboard, arrangement, people, client_for, url
):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    now = timezone.now()
    RecomputeRun.objects.create(
        arrangement=arrangement,
        state="failed",
        queued_at=now,
        finished_at=now,
        error="test-dash: RuntimeError",
    )
    text = client_for(people["officer"]).get(url("detail", "test-dash")).content.decode()
    assert "Update failed at" in text
    assert "These are the last good figures" in text
    assert "£1,234.50" in text


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_3_or_300_months(
    dashboard, arrangement, people, client_for, url
):
    client = client_for(people["officer"])
    counts = []
    for history in (3, 300):
        longer = dataclasses.replace(dashboard, build=lambda a, h=history: build_test(a, h))
        with mock.patch.dict(registry._BUILDERS, {"test-dash": longer}):
            snapshot_recompute(arrangement=arrangement, names=["test-dash"])
        for _ in range(3):
            RecomputeRun.objects.create(arrangement=arrangement, state="succeeded",
                                        queued_at=timezone.now())  # fmt: skip
        counts.append(
            (queries_for(client, url("detail", "test-dash")),
             queries_for(client, url("page", "test-dash", "detail")))
        )  # fmt: skip
    assert counts[0] == counts[1]


def test_the_index_lists_each_dashboard_with_its_age(
    dashboard, arrangement, people, client_for, url
):
    snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    text = client_for(people["observer"]).get(url("index")).content.decode()
    assert "Test dashboard" in text and "test figures" in text
    assert "Recompute runs" not in text  # administrators only


def test_administrators_see_the_runs_and_can_recompute_now(
    arrangement, people, client_for, url, django_capture_on_commit_callbacks
):
    client = client_for(people["admin"])
    with (
        mock.patch("trust_portal.dashboards.tasks.recompute_task.apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url("recompute"))
    assert response.status_code == 302
    run = RecomputeRun.objects.get(arrangement=arrangement)
    assert (run.trigger, run.requested_by) == ("administrator", people["admin"])
    sent.assert_called_once()
    assert "countdown" not in sent.call_args.kwargs or sent.call_args.kwargs["countdown"] == 0
    page = client.get(url("runs")).content.decode()
    assert "Waiting to start" in page and "An administrator" in page


@pytest.mark.parametrize("who", ["officer", "manager", "observer", "scrutiny"])
def test_nobody_else_may_recompute_or_see_the_runs(arrangement, people, client_for, url, who):
    client = client_for(people[who])
    assert client.post(url("recompute")).status_code == 403
    assert client.get(url("runs")).status_code == 403
    assert not RecomputeRun.objects.exists()


def test_the_page_says_when_the_figures_were_computed_and_last_confirmed(
    dashboard, arrangement, people, client_for, url
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    computed, confirmed = (datetime(2025, 12, d, 9, 5, tzinfo=london) for d in (1, 4))
    for moment in (computed, confirmed):  # the second recompute finds the same figures
        with mock.patch("trust_portal.dashboards.services.timezone.now", return_value=moment):
            snapshot_recompute(arrangement=arrangement, names=["test-dash"])
    client = client_for(people["scrutiny"])
    page = client.get(url("detail", "test-dash")).content.decode()
    index = client.get(url("index")).content.decode()
    said = page[page.index("Figures computed at") : page.index("</p>", page.index("tp-as-of"))]
    assert said.startswith(
        "Figures computed at 09:05 on 1 December 2025, last confirmed at 09:05 on 4 December "
        "2025 ("  # how long ago, from the moment the test runs
    )
    ending = " ago): a recompute then found them unchanged. Computed from test figures."
    assert said.endswith(ending)
    assert "Computed 09:05, 1 December 2025; last confirmed 09:05, 4 December 2025" in index
    # As of 2 December the figures had been computed, not yet confirmed.
    then = client.get(url("detail", "test-dash"), {"as_of": "2025-12-02"}).content.decode()
    assert "Figures computed at 09:05 on 1 December 2025 (" in then
    assert "last confirmed" not in then
