"""A performance return's check before submission and its approval's confirmation, and the
system's own flag on a figure, "needs commentary" (it was called "Query", the word kept for a
council's query): shown until the return is approved, then gone. Built on factories: the root
``world`` and indicators of the test's own (``catalogue``), one of them red against a target."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from performance.models import ALL_AREAS, Indicator
from performance.services import returns
from performance.tests.conftest import full_figures
from performance.tests.conftest import save as save_as
from performance.tests.factories import TargetFactory
from trust_portal.approvals.checks import split
from trust_portal.approvals.models import State

MONTH = date(2025, 6, 1)


def url(monthly_return, name="return-detail"):
    args = [monthly_return.arrangement.code, f"{monthly_return.period:%Y-%m}", 1]
    return reverse(f"performance:{name}", args=args)


@pytest.fixture
def areas(world):
    return sorted(council.code for council in world.councils)


@pytest.fixture
def draft(people, arrangement, catalogue):
    """A draft in which "Test visits in time" is red in both areas (8/10 against 90 ± 5), and
    three figures are missing: children on a plan in both areas, the caseload of all areas."""
    TargetFactory(
        arrangement=arrangement,
        indicator=catalogue.visits,
        financial_year=2025,
        target=Decimal(90),
        tolerance=Decimal(5),
    )
    made = returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)
    first, second = sorted(c.code for c in arrangement.councils.all())
    gaps = {
        (catalogue.open_cp.code, first): ("", None),
        (catalogue.open_cp.code, second): ("", None),
        (catalogue.caseload.code, ALL_AREAS): ("", ""),
    }
    save_as(people["manager"], made, full_figures(arrangement, gaps))
    made.refresh_from_db()
    return made


def summary_lists(body):
    """{testid: [link texts]} of the error summary's lists."""
    lists = re.findall(r'<ul [^>]*data-testid="(check-[a-z-]+)">(.*?)</ul>', body, re.S)
    return {name: re.findall(r'<a href="[^"]+">([^<]+)</a>', items) for name, items in lists}


def test_the_check_page_lists_each_missing_figure_and_each_figure_needing_a_commentary_once(
    people, client_for, areas, draft
):
    body = client_for(people["manager"]).get(url(draft, "return-submit")).content.decode()
    lists = summary_lists(body)
    assert lists["check-missing"] == [
        f"Test children on a plan ({areas[0]}): enter the figure.",
        f"Test children on a plan ({areas[1]}): enter the figure.",
        "Test average caseload (ALL): enter the figure.",
    ]
    assert lists["check-needs-commentary"] == [
        f"Test visits in time ({area}): red against target. Add a commentary to explain it."
        for area in areas
    ]
    assert "3 figures missing, 2 figures need a commentary" in body
    assert body.count(f'href="{url(draft, "return-edit")}#id_c__TEST_VISITS_IN_TIME"') == 2


def test_the_submit_service_refuses_exactly_what_the_check_page_lists(people, draft):
    missing, flagged = split(returns.return_checks(draft))
    listed = [str(problem) for problem in missing + flagged]
    with pytest.raises(ValidationError) as refused:
        returns.return_submit(by=people["manager"], monthly_return=draft)
    assert refused.value.messages == listed
    assert len(listed) == 5


def test_a_refused_submission_shows_one_summary_not_a_banner_per_figure(people, client_for, draft):
    response = client_for(people["manager"]).post(url(draft, "return-submit"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="govuk-error-summary"') == 1
    assert "govuk-notification-banner" not in body
    assert sum(len(items) for items in summary_lists(body).values()) == 5
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_the_review_page_calls_the_flag_needs_commentary_not_query(
    people, client_for, areas, draft
):
    body = client_for(people["manager"]).get(url(draft)).content.decode()
    assert body.count("Needs commentary: red against target") == 2
    assert "Query:" not in body


@pytest.fixture
def approved(people, draft, catalogue, arrangement):
    save_as(
        people["manager"],
        draft,
        full_figures(arrangement),
        {catalogue.visits.code: "Two workers were off sick."},
    )
    returns.return_submit(by=people["manager"], monthly_return=draft)
    for who in ("officer", "other-officer"):
        returns.return_approve(by=people[who], monthly_return=draft)
    draft.refresh_from_db()
    assert draft.state == State.APPROVED
    return draft


@pytest.mark.parametrize("who", ["manager", "officer", "scrutiny"])
def test_the_flag_is_gone_once_the_return_is_approved(people, client_for, approved, who):
    body = client_for(people[who]).get(url(approved)).content.decode()
    assert "Needs commentary" not in body
    assert "Query:" not in body
    assert body.count('govuk-tag--red">Red</strong>') == 2  # the figures still rated red


def test_the_officer_confirms_their_own_areas_figures_and_reds(
    world, people, client_for, areas, draft, catalogue, arrangement
):
    save_as(
        people["manager"],
        draft,
        full_figures(arrangement),
        {catalogue.visits.code: "Two workers were off sick."},
    )
    returns.return_submit(by=people["manager"], monthly_return=draft)
    body = client_for(people["officer"]).get(url(draft, "return-approve")).content.decode()
    council = world.councils[0]
    assert f"Approve for {council.name}</button>" in body
    # One figure of its own area per indicator entered in the performance return.
    own = Indicator.objects.filter(entered_in=Indicator.EnteredIn.PERFORMANCE).count()
    assert f"{own} of {own} entered" in body
    assert re.search(r"Red against target</dt>\s*<dd[^>]*>1<ul", body)
    assert "<li>Test visits in time</li>" in body
    assert "1, with a commentary" in body
