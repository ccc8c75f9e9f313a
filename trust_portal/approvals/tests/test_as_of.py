"""Returns as they stood at a past moment (``?as_of=``): the list of returns, a return's review
page and the API lists give each month's revision approved and in force then; a revision not
yet approved then shows nothing of itself; nothing can be changed from the past; a moment in
the future is refused; and a role that cannot see drafts sees nothing of them at any moment.

Built on factories (the root ``world``): a return of each kind approved on 10 March 2025,
corrected with different figures on 2 April and approved again on 10 April 2025. The
services run with the clock set to those moments, so every stamp (approval, decisions,
history) is where it would be."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from performance.models import Indicator
from performance.tests.factories import IndicatorFactory, TargetFactory
from trust_portal.approvals import services
from trust_portal.approvals.tests.conftest import KINDS, approve_every_area, start, submit

LONDON = ZoneInfo("Europe/London")
FEBRUARY = datetime(2025, 2, 10, 9, 30, tzinfo=LONDON)
MARCH = datetime(2025, 3, 10, 9, 30, tzinfo=LONDON)
EARLY_APRIL = datetime(2025, 4, 2, 9, 30, tzinfo=LONDON)
APRIL = datetime(2025, 4, 10, 9, 30, tzinfo=LONDON)
BETWEEN = "2025-03-31"  # the end of 31 March: revision 1 approved, revision 2 not yet
BEFORE = "2025-03-01"  # nothing approved yet

# The list's and the API's names of each kind's returns.
LIST_PAGE = {
    "performance": "performance:return-list",
    "budget": "contracts:budget-list",
    "workforce": "workforce:return-list",
}
API_LIST = {
    "performance": "return-list",
    "budget": "budget-return-list",
    "workforce": "workforce-return-list",
}


def clock(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def corrected(kind, world):
    """A return approved on 10 March 2025, corrected (other figures) on 2 April 2025 and
    approved again on 10 April 2025: (revision 1, revision 2)."""
    with clock(FEBRUARY):
        first = submit(kind, world, start(kind, world))
    with clock(MARCH):
        first = approve_every_area(world, first)
    with clock(EARLY_APRIL):
        second = services.submission_start_revision(
            approved=first, by=world.manager, reason="Two cases were missed"
        )
        kind.change(second, world.manager)
        second.refresh_from_db()
        services.submission_submit(submission=second, by=world.manager)
    with clock(APRIL):
        second = approve_every_area(world, second)
    first.refresh_from_db()
    return first, second


def rows_of(response) -> list[tuple[str, int]]:
    return [(f"{r.period:%Y-%m}", r.revision) for r in response.context["page"].object_list]


# --- The list of returns ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_the_list_gives_the_revision_in_force_at_the_moment(kind, world, client_for):
    first, second = corrected(kind, world)
    client = client_for(world.people["scrutiny"])
    url = reverse(LIST_PAGE[kind.name], args=[world.arrangement.code])

    now = client.get(url)
    assert rows_of(now) == [("2025-06", 2), ("2025-06", 1)]
    assert "A past moment" not in now.content.decode()

    between = client.get(url, {"as_of": BETWEEN})
    assert between.status_code == 200
    assert rows_of(between) == [("2025-06", 1)]
    html = between.content.decode()
    assert "You are looking at the figures as they stood at the end of 31 March 2025." in html
    assert f'href="{first.get_absolute_url()}?as_of={BETWEEN}"' in html  # the moment carried on
    assert "Begun by then" not in html

    before = client.get(url, {"as_of": BEFORE})
    assert rows_of(before) == []
    # Scrutiny sees only approved returns: a month approved since says nothing to them of
    # when the trust began it. Those who saw it then (the trust's manager from its start, a
    # council officer once submitted, in February) are told it had none approved.
    assert "Begun by then" not in before.content.decode()
    for who in ("manager", "officer"):
        seen = client_for(world.people[who]).get(url, {"as_of": BEFORE}).content.decode()
        assert "Begun by then, but with no revision approved: June 2025." in seen

    after = client.get(url, {"as_of": "2025-04-30"})
    assert rows_of(after) == [("2025-06", 2)]
    # A month begun after the moment is not named: it was not there then.
    assert "Begun by then" not in client.get(url, {"as_of": "2025-01-31"}).content.decode()


def test_the_list_as_of_a_moment_offers_no_start(world, client_for):
    kind = KINDS[0]
    corrected(kind, world)
    url = reverse(LIST_PAGE[kind.name], args=[world.arrangement.code])
    client = client_for(world.manager)
    assert "Start the return" in client.get(url).content.decode()
    assert "Start the return" not in client.get(url, {"as_of": BETWEEN}).content.decode()


# --- A return's review page ------------------------------------------------------------------


def test_the_review_as_of_a_moment_shows_the_revision_in_force_and_its_figures(world, client_for):
    performance = next(k for k in KINDS if k.name == "performance")
    first, second = corrected(performance, world)
    client = client_for(world.people["scrutiny"])

    then = client.get(first.get_absolute_url(), {"as_of": BETWEEN})
    assert then.status_code == 200
    html = then.content.decode()
    assert "Approved</strong> on 10 March 2025; in force at the end of 31 March 2025." in html
    figures = {row.measurement.numerator for row in then.context["rows"] if row.measurement}
    assert figures == {8}  # revision 1's figures (the correction's are 7)

    # Revision 1 as of now: approved, and replaced since; nothing offered to change.
    replaced = client.get(first.get_absolute_url(), {"as_of": "2025-04-30"})
    assert "replaced before the end of 30 April 2025 by" in replaced.content.decode()

    # The correction as of a moment before its approval: nothing of it, and which was in force.
    draft_then = client.get(second.get_absolute_url(), {"as_of": BETWEEN}).content.decode()
    assert "Not yet begun</strong> at the end of 31 March 2025." in draft_then
    begun = client.get(second.get_absolute_url(), {"as_of": "2025-04-05T12:00"})
    assert "Not yet approved</strong> at 12:00 on 5 April 2025" in begun.content.decode()
    assert "The revision in force then was" in draft_then
    assert "Two cases were missed" not in draft_then
    assert ">7 / 10<" not in draft_then and "History" not in draft_then

    now = client.get(second.get_absolute_url())
    assert {r.measurement.numerator for r in now.context["rows"] if r.measurement} == {7}


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_each_kind_of_review_as_of_a_moment_says_which_revision_was_in_force(
    kind, world, client_for
):
    first, second = corrected(kind, world)
    client = client_for(world.people["scrutiny"])
    then = client.get(first.get_absolute_url(), {"as_of": BETWEEN})
    assert then.status_code == 200
    assert "on 10 March 2025; in force at the end of 31 March 2025." in then.content.decode()
    later = client.get(second.get_absolute_url(), {"as_of": BETWEEN}).content.decode()
    assert "Not yet begun</strong> at the end of 31 March 2025." in later
    assert f'href="{first.get_absolute_url()}?as_of={BETWEEN}">the original</a>' in later


def test_the_review_as_of_a_moment_rates_against_the_target_recorded_then(world, client_for):
    performance = next(k for k in KINDS if k.name == "performance")
    first, _ = corrected(performance, world)  # revision 1: 8 of 10, 80%
    indicator = Indicator.objects.get(code="APPROVALS_TEST_SEEN_IN_TIME")
    with clock(MARCH):
        target = TargetFactory(arrangement=world.arrangement, indicator=indicator,
                               financial_year=2025, target=Decimal("70"))  # fmt: skip
    with clock(APRIL):
        target.target = Decimal("90")  # 80% is now more than the 5 points' tolerance below
        target.save()
    client = client_for(world.people["scrutiny"])

    def ratings(**query):
        rows = client.get(first.get_absolute_url(), query).context["rows"]
        return {r.rating.status for r in rows if r.indicator.pk == indicator.pk}

    assert ratings(as_of=BETWEEN) == {"green"}
    assert ratings() == {"red"}
    # Its download, as of that moment, says the same (and its name says the moment).
    export = reverse("performance:return-export", args=[world.arrangement.code, "2025-06", 1])
    then = client.get(export, {"as_of": BETWEEN})
    assert then["Content-Disposition"].endswith('-2025-06-r1-as-of-2025-03-31T2359.csv"')
    rows = list(csv.reader(io.StringIO(then.content.decode("utf-8-sig"))))[1:]
    rags = {row[6] for row in rows if row[0] == indicator.code}
    assert rags == {"Green"}
    assert client.get(export, {"as_of": BEFORE}).status_code == 404  # not approved then


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_review_download_as_of_a_moment_before_its_approval_is_not_found(kind, world, client_for):
    first, _ = corrected(kind, world)
    client = client_for(world.people["scrutiny"])
    for download in ("csv", "xlsx"):
        before = client.get(first.get_absolute_url(), {"format": download, "as_of": BEFORE})
        assert before.status_code == 404  # not approved then: nothing of it to download
    assert client.get(first.get_absolute_url(), {"as_of": BEFORE}).status_code == 200  # says so


def test_the_workforce_review_as_of_a_moment_rates_against_the_target_recorded_then(
    world, client_for
):
    workforce = next(k for k in KINDS if k.name == "workforce")
    with clock(FEBRUARY):
        vacancy = IndicatorFactory(code="WORKFORCE_VACANCY_RATE", polarity=Indicator.Polarity.LOWER)
    first, _ = corrected(workforce, world)  # each team 2 vacant, 1 agency, of 10 posts: 30%
    with clock(MARCH):
        target = TargetFactory(arrangement=world.arrangement, indicator=vacancy,
                               financial_year=2025, target=Decimal("30"))  # fmt: skip
    with clock(APRIL):
        target.target = Decimal("10")  # 30% is now more than the 5 points' tolerance above
        target.save()
    client = client_for(world.people["scrutiny"])

    def vacancy_rating(**query):
        summary = client.get(first.get_absolute_url(), query).context["summary"]
        return summary.arrangement.measures["vacancy_rate"].rating.status

    assert vacancy_rating(as_of=BETWEEN) == "green"
    assert vacancy_rating() == "red"


def test_the_review_as_of_a_moment_offers_no_action(world, client_for):
    performance = next(k for k in KINDS if k.name == "performance")
    first, second = corrected(performance, world)
    # A fresh correction, open now: the trust's manager may change it now, not in the past.
    with clock(APRIL):
        third = services.submission_start_revision(
            approved=second, by=world.manager, reason="Late figures"
        )
    client = client_for(world.manager)
    assert "Enter or change figures" in client.get(third.get_absolute_url()).content.decode()
    then = client.get(third.get_absolute_url(), {"as_of": "2025-04-30"}).content.decode()
    assert "Enter or change figures" not in then
    assert "Submit to the councils" not in then
    approved_then = client.get(second.get_absolute_url(), {"as_of": "2025-04-30"})
    assert "Correct this return" in client.get(second.get_absolute_url()).content.decode()
    assert "Correct this return" not in approved_then.content.decode()


def test_a_future_or_wrong_moment_is_refused_on_the_pages_and_the_api(world, client_for):
    performance = next(k for k in KINDS if k.name == "performance")
    first, _ = corrected(performance, world)
    client = client_for(world.people["scrutiny"])
    listing = reverse("performance:return-list", args=[world.arrangement.code])
    for url in (listing, first.get_absolute_url()):
        response = client.get(url, {"as_of": "2999-01-01"})
        assert response.status_code == 400
        assert "That moment is in the future" in response.content.decode()
        assert client.get(url, {"as_of": "March"}).status_code == 400
    for name in ("return-list", "measurement-list"):
        response = client.get(reverse(name), {"as_of": "2999-01-01"})
        assert response.status_code == 400
        assert response.json()["as_of"][0].startswith("That moment is in the future")


# --- The API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_the_api_lists_the_revision_in_force_at_the_moment(kind, world, client_for):
    corrected(kind, world)
    client = client_for(world.people["observer"])
    url = reverse(API_LIST[kind.name])

    def revisions(**query):
        return [(r["month"], r["revision"]) for r in client.get(url, query).json()["results"]]

    assert revisions(as_of=BETWEEN) == [("2025-06-01", 1)]
    assert revisions(as_of=BEFORE) == []
    assert revisions() == [("2025-06-01", 2), ("2025-06-01", 1)]
    assert revisions(as_of="2025-04-30") == [("2025-06-01", 2)]


def test_the_measurements_api_gives_the_figures_in_force_at_the_moment(world, client_for):
    performance = next(k for k in KINDS if k.name == "performance")
    corrected(performance, world)
    client = client_for(world.people["observer"])

    def numerators(**query):
        rows = client.get(reverse("measurement-list"), query).json()["results"]
        return sorted({(r["revision"], r["numerator"]) for r in rows})

    assert numerators(as_of=BETWEEN) == [(1, 8)]
    assert numerators(as_of=BEFORE) == []
    assert numerators() == [(2, 7)]


# --- Drafts stay hidden from those who may not see them ---------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_a_role_that_cannot_see_drafts_sees_nothing_of_them_at_any_moment(kind, world, client_for):
    with clock(FEBRUARY):
        draft = start(kind, world)
        kind.fill(draft, world.manager)
    page = reverse(LIST_PAGE[kind.name], args=[world.arrangement.code])
    for who in ("scrutiny", "officer", "observer"):
        client = client_for(world.people[who])
        for as_of in ("2025-02-28", BETWEEN, ""):
            html = client.get(page, {"as_of": as_of}).content.decode()
            assert "June 2025" not in html
            assert (
                client.get(reverse(API_LIST[kind.name]), {"as_of": as_of}).json()["results"] == []
            )
            detail = client.get(draft.get_absolute_url(), {"as_of": as_of})
            assert detail.status_code == 404
    # The trust's manager, who may see the draft, is told it was not approved then.
    html = client_for(world.manager).get(page, {"as_of": BETWEEN}).content.decode()
    assert "Begun by then, but with no revision approved: June 2025." in html
