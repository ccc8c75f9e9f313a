"""Dashboards as they stood at a past moment (``?as_of=``): each recompute that changes the
figures adds a version, and the pages, their downloads, the API and the scrutiny pack's preview
show the version in force then, saying so; a future moment is refused.

Built on factories: the root ``world``'s arrangement with a test dashboard whose two versions
the tests store at known moments, and, for the pack, a workforce return of the world approved,
issued in a pack, then corrected and approved again."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from trust_portal.approvals import services as approvals
from trust_portal.approvals.tests.conftest import KINDS, approve_every_area, start, submit
from trust_portal.dashboards import figures, packs, registry
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.services import snapshot_recompute

LONDON = ZoneInfo("Europe/London")
MARCH = datetime(2025, 3, 10, 9, 30, tzinfo=LONDON)
APRIL = datetime(2025, 4, 10, 9, 30, tzinfo=LONDON)
FAKE_PDF = b"%PDF-1.7 made in a test"


def figures_of(children: int) -> dict:
    table = figures.table(
        [figures.column("area", "Area"), figures.column("children", "Children", "count")],
        [["North", children]],
    )
    return {
        "title": "Test dashboard",
        "blocks": [figures.table_block("children", "Children", table)],
        "pages": {"detail": {"title": "Detail", "blocks": []}},
    }


@pytest.fixture
def versions(arrangement):
    """The test dashboard computed on 10 March 2025 (40 children) and 10 April 2025 (44)."""
    entry = registry.Builder(name="test-asof", build=lambda a: figures_of(0), source="test",
                             title="Test dashboard", listed=True, order=99)  # fmt: skip
    with mock.patch.dict(registry._BUILDERS, {"test-asof": entry}):
        for at, children in ((MARCH, 40), (APRIL, 44)):
            data = figures_of(children)
            figures.check_snapshot(data)
            Snapshot.objects.create(
                arrangement=arrangement, name="test-asof", data=data, computed_at=at, source="t"
            )
        yield


def page(client_for, who, name="detail", *args, as_of=None, code=None, arrangement=None):
    url = reverse(f"dashboards:{name}", args=[code or arrangement.code, *args])
    return client_for(who).get(url, {"as_of": as_of} if as_of else {})


def children_shown(response) -> str:
    html = response.content.decode()
    return "44" if ">44<" in html else "40" if ">40<" in html else "none"


# --- The pages -------------------------------------------------------------------------------


def test_the_page_shows_the_version_in_force_at_the_moment_asked_for(
    versions, arrangement, people, client_for
):
    now = page(client_for, people["scrutiny"], "detail", "test-asof", arrangement=arrangement)
    assert children_shown(now) == "44"
    assert "A past moment" not in now.content.decode()
    then = page(client_for, people["scrutiny"], "detail", "test-asof", as_of="2025-03-31",
                arrangement=arrangement)  # fmt: skip
    assert then.status_code == 200
    assert children_shown(then) == "40"
    html = then.content.decode()
    assert "You are looking at the figures as they stood at the end of 31 March 2025." in html
    # Its links to other dashboards, its pages and its downloads keep to that moment.
    base = reverse("dashboards:index", args=[arrangement.code])
    assert f'href="{base}?as_of=2025-03-31"' in html
    assert f'href="{base}test-asof/detail/?as_of=2025-03-31"' in html
    assert f'href="{base}test-asof/data/children/?format=csv&amp;as_of=2025-03-31"' in html
    # And it says nothing of today's recompute runs.
    assert "Being updated" not in html


def test_a_moment_between_two_versions_down_to_the_minute(
    versions, arrangement, people, client_for
):
    just_before = page(client_for, people["officer"], "detail", "test-asof",
                       as_of="2025-04-10T09:29", arrangement=arrangement)  # fmt: skip
    assert children_shown(just_before) == "40"
    assert "as they stood at 09:29 on 10 April 2025" in just_before.content.decode()
    at_it = page(client_for, people["officer"], "detail", "test-asof",
                 as_of="2025-04-10T09:30", arrangement=arrangement)  # fmt: skip
    assert children_shown(at_it) == "44"


def test_before_the_first_version_the_page_says_none_had_been_computed(
    versions, arrangement, people, client_for
):
    response = page(client_for, people["manager"], "detail", "test-asof", as_of="2025-01-31",
                    arrangement=arrangement)  # fmt: skip
    html = response.content.decode()
    assert "No figures had been computed for this dashboard by the end of 31 January 2025." in html
    assert "These figures are being prepared" not in html
    index = page(client_for, people["manager"], "index", as_of="2025-01-31",
                 arrangement=arrangement)  # fmt: skip
    assert "None yet by then" in index.content.decode()


def test_a_download_as_of_a_moment_gives_that_versions_figures_and_says_when_in_its_name(
    versions, arrangement, people, client_for
):
    url = reverse("dashboards:data", args=[arrangement.code, "test-asof", "children"])
    response = client_for(people["observer"]).get(url, {"format": "csv", "as_of": "2025-03-31"})
    body = response.content.decode("utf-8-sig").splitlines()
    assert body == ["Area,Children", "North,40"]
    name = f"{arrangement.code.lower()}-test-asof-children-as-of-2025-03-31T2359.csv"
    assert name in response["Content-Disposition"]
    now = client_for(people["observer"]).get(url, {"format": "csv"})
    assert now.content.decode("utf-8-sig").splitlines() == ["Area,Children", "North,44"]


@pytest.mark.parametrize("as_of", ["2999-01-01", "2999-01-01T10:00"])
def test_a_future_moment_is_refused_and_shows_nothing(
    as_of, versions, arrangement, people, client_for
):
    response = page(client_for, people["scrutiny"], "detail", "test-asof", as_of=as_of,
                    arrangement=arrangement)  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "That moment is in the future: figures can be shown as they stood at a past" in html
    assert children_shown(response) == "none"


def test_words_that_name_no_moment_are_refused_with_how_to_write_one(
    versions, arrangement, people, client_for
):
    response = page(client_for, people["scrutiny"], "index", as_of="last March",
                    arrangement=arrangement)  # fmt: skip
    assert response.status_code == 400
    assert "Enter a date, like 2025-03-31" in response.content.decode()


def test_a_past_moment_opens_nothing_a_person_may_not_see(
    versions, arrangement, people, client_for
):
    for who, status in (("outsider", 404), ("unattached", 404)):
        response = page(client_for, people[who], "detail", "test-asof", as_of="2025-03-31",
                        arrangement=arrangement)  # fmt: skip
        assert response.status_code == status
    signed_out = page(client_for, None, "detail", "test-asof", as_of="2999-01-01",
                      arrangement=arrangement)  # fmt: skip
    assert signed_out.status_code == 302


# --- The API ---------------------------------------------------------------------------------


def test_the_api_gives_the_versions_in_force_at_the_moment_asked_for(
    versions, arrangement, people, client_for
):
    client = client_for(people["observer"])
    detail = reverse("dashboards:api-detail", args=[arrangement.code, "test-asof"])
    then = client.get(detail, {"as_of": "2025-03-31"}).json()
    assert then["data"]["blocks"][0]["table"]["rows"] == [["North", 40]]
    assert then["computed_at"].startswith("2025-03-10T09:30:00")
    listed = client.get(reverse("dashboard-list"), {"as_of": "2025-03-31"}).json()
    mine = [row for row in listed["results"] if row["name"] == "test-asof"]
    assert [row["computed_at"][:16] for row in mine] == ["2025-03-10T09:30"]
    assert client.get(detail, {"as_of": "2025-01-31"}).status_code == 404


def test_the_api_refuses_a_future_moment_saying_why(versions, arrangement, people, client_for):
    detail = reverse("dashboards:api-detail", args=[arrangement.code, "test-asof"])
    response = client_for(people["officer"]).get(detail, {"as_of": "2999-01-01"})
    assert response.status_code == 400
    assert response.json()["as_of"][0].startswith("That moment is in the future")


# --- The scrutiny pack -----------------------------------------------------------------------


@mock.patch("trust_portal.dashboards.packs.pack_pdf", return_value=FAKE_PDF)
def test_a_pack_previewed_as_of_its_issue_equals_the_pack_as_issued_cell_for_cell(
    _pdf, world, arrangement, people, client_for
):
    workforce = next(kind for kind in KINDS if kind.name == "workforce")
    approved = approve_every_area(world, submit(workforce, world, start(workforce, world)))
    snapshot_recompute(arrangement=arrangement)
    month = approved.period
    issued = packs.pack_issue(by=world.officers[0], arrangement=arrangement, month=month,
                              threshold=10)  # fmt: skip
    # The return is corrected (its caseloads change) and approved again; the dashboards follow.
    correction = approvals.submission_start_revision(approved=approved, by=world.manager,
                                                     reason="Two cases were missed")  # fmt: skip
    approve_every_area(world, submit_changed(workforce, world, correction))
    snapshot_recompute(arrangement=arrangement)

    def preview(at):
        assembled = packs.pack_assemble(arrangement=arrangement, month=month, at=at)
        return packs.pack_suppress(assembled, threshold=issued.threshold)

    now, then = preview(None), preview(issued.issued_at)
    assert now["sections"] != issued.data["sections"]  # the correction changed the figures
    assert then["sections"] == issued.data["sections"]
    assert then["approval"] == issued.data["approval"]
    assert now["approval"] != issued.data["approval"]  # now: revision 2
    # The preview page as of that moment shows it so, and offers no issuing from the past.
    url = reverse("packs:pack-preview", args=[arrangement.code, f"{month:%Y-%m}"])
    response = client_for(people["officer"]).get(url, {"as_of": issued.issued_at.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The figures below are the snapshots as they stood at" in html
    assert "Issue the pack" not in html


def submit_changed(kind, world, submission):
    kind.change(submission, world.manager)
    submission.refresh_from_db()
    approvals.submission_submit(submission=submission, by=world.manager)
    submission.refresh_from_db()
    return submission
