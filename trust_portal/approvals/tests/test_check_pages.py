"""Submitting and approving with a check, for every kind of return: the trust's manager sees
"Check your return" before submitting (what stops submission in one error summary, each item
linking to its box on the entry page; or what will be sent and one button), and the submit
POST is checked again by the kind's own service; a council officer confirms once what they
approve for their own council's area. Built on the factory world (``world``), never the demo.
"""

import re

import pytest
from django.urls import reverse

from trust_portal.approvals.models import State

# Each kind's pages (namespace:route) and the relation holding its figures, by the name the
# approvals conftest gives the kind.
PAGES = {"performance": "performance:return", "budget": "contracts:budget"}
PAGES["workforce"] = "workforce:return"
FIGURES = {"performance": "measurements", "budget": "lines", "workforce": "figures"}

# Who gets what from the check page of a draft (only the trust sees a draft) and from the
# confirmation of a submitted return (its councils' officers see it; the trust may not approve).
SIGNED_OUT = 302  # to the sign-in page
CHECK_OF_A_DRAFT = {
    "manager": 200,
    "officer": 404,
    "other-officer": 404,
    "scrutiny": 404,
    "observer": 404,
    "admin": 404,
    "outsider": 404,
    "other-manager": 404,
    "unattached": 404,
    "anonymous": SIGNED_OUT,
}
CONFIRM_OF_A_SUBMITTED = {
    "manager": 403,
    "officer": 200,
    "other-officer": 200,
    "scrutiny": 404,
    "observer": 404,
    "admin": 404,
    "outsider": 404,
    "other-manager": 404,
    "unattached": 404,
    "anonymous": SIGNED_OUT,
}


def url(kind, submission, page):
    args = [submission.arrangement.code, f"{submission.period:%Y-%m}", submission.revision]
    return reverse(f"{PAGES[kind.name]}-{page}", args=args)


def drop_figures(kind, submission, count=2):
    """Delete ``count`` of the return's saved rows (a cell, a category, a team's figures), so
    that exactly that many figures are missing."""
    rows = getattr(submission, FIGURES[kind.name]).order_by("pk")
    for row in list(rows[:count]):
        row.delete()


def summary_links(body: str) -> list[str]:
    """The links in the page's error summary, as (href, text) pairs."""
    found = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>\s*</div>', body, re.S)
    assert found, "no error summary"
    return re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', found.group(0))


@pytest.fixture
def filled(kind, world, draft):
    kind.fill(draft, world.manager)
    draft.refresh_from_db()
    return draft


def test_the_check_page_lists_every_missing_figure_once_in_one_summary(
    kind, people, client_for, filled
):
    drop_figures(kind, filled, count=2)
    client = client_for(people["manager"])
    body = client.get(url(kind, filled, "submit")).content.decode()
    links = summary_links(body)
    assert len(links) == 2
    assert len({text for _, text in links}) == 2
    assert body.count('class="govuk-error-summary"') == 1
    assert "govuk-notification-banner" not in body
    assert "2 figures missing" in body
    assert "Submit to the councils</button>" not in body
    edit = url(kind, filled, "edit")
    entry_page = client.get(edit).content.decode()
    for href, _ in links:
        page, anchor = href.split("#")
        assert page == edit
        assert f'id="{anchor}"' in entry_page  # the link lands on the box to fill


def test_a_complete_return_shows_what_will_be_sent_and_submits(
    kind, people, client_for, filled, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(people["manager"])
    body = client.get(url(kind, filled, "submit")).content.decode()
    assert "govuk-error-summary" not in body
    assert "Check your return" in body
    assert "Submit to the councils</button>" in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(kind, filled, "submit"))
    assert response.status_code == 302
    assert response.url == filled.get_absolute_url()
    filled.refresh_from_db()
    assert filled.state == State.SUBMITTED
    assert len(mailoutbox) == 2  # each council's officer


def test_a_stale_check_page_cannot_submit_an_incomplete_return(kind, people, client_for, filled):
    client = client_for(people["manager"])
    shown = client.get(url(kind, filled, "submit")).content.decode()
    assert "Submit to the councils</button>" in shown
    drop_figures(kind, filled, count=1)  # changed since the page was shown
    response = client.post(url(kind, filled, "submit"))
    assert response.status_code == 200
    body = response.content.decode()
    assert len(summary_links(body)) == 1
    assert "govuk-notification-banner" not in body
    filled.refresh_from_db()
    assert filled.state == State.DRAFT


def test_the_review_page_leads_to_the_check_page_not_straight_to_submission(
    kind, people, client_for, filled
):
    body = client_for(people["manager"]).get(filled.get_absolute_url()).content.decode()
    assert f'<a href="{url(kind, filled, "submit")}" role="button"' in body
    assert f'action="{url(kind, filled, "submit")}"' not in body


@pytest.mark.parametrize("who", list(CHECK_OF_A_DRAFT))
def test_only_the_trusts_manager_checks_and_submits(kind, people, client_for, filled, who):
    client = client_for(people[who])
    assert client.get(url(kind, filled, "submit")).status_code == CHECK_OF_A_DRAFT[who]
    if who != "manager":
        assert client.post(url(kind, filled, "submit")).status_code == CHECK_OF_A_DRAFT[who]
    filled.refresh_from_db()
    assert filled.state == State.DRAFT


def test_a_council_officer_may_not_submit(kind, world, people, client_for, submitted):
    assert client_for(people["officer"]).get(url(kind, submitted, "submit")).status_code == 403
    assert client_for(people["officer"]).post(url(kind, submitted, "submit")).status_code == 403


def test_a_submitted_return_is_not_checked_again(kind, people, client_for, submitted):
    response = client_for(people["manager"]).get(url(kind, submitted, "submit"), follow=True)
    assert response.redirect_chain == [(submitted.get_absolute_url(), 302)]
    assert "Only a draft or a returned return can be submitted" in response.content.decode()


# --- Approving ------------------------------------------------------------------------------


def test_each_officer_confirms_for_their_own_area_and_the_return_is_approved_by_both(
    kind, world, people, client_for, submitted
):
    for who, council in zip(["officer", "other-officer"], world.councils, strict=True):
        client = client_for(people[who])
        body = client.get(url(kind, submitted, "approve")).content.decode()
        assert f"Approve the figures for {council.name}" in body
        assert f"Approve for {council.name}</button>" in body
        main = body.split('id="main-content"')[1]
        assert main.count("<button") == 1  # asked once
        assert f"{submitted.period:%B %Y}" in body
        response = client.post(url(kind, submitted, "approve"))
        assert response.status_code == 302
        decisions = submitted.decisions.filter(by=people[who])
        assert [d.council for d in decisions] == [council]
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED


def test_the_review_page_leads_to_the_confirmation(kind, people, client_for, submitted):
    body = client_for(people["officer"]).get(submitted.get_absolute_url()).content.decode()
    assert f'<a href="{url(kind, submitted, "approve")}" role="button"' in body
    assert f'action="{url(kind, submitted, "approve")}"' not in body


def test_an_officer_who_has_decided_is_not_asked_again(kind, world, people, client_for, submitted):
    client = client_for(people["officer"])
    client.post(url(kind, submitted, "approve"))
    response = client.get(url(kind, submitted, "approve"), follow=True)
    assert response.redirect_chain == [(submitted.get_absolute_url(), 302)]
    assert f"{world.councils[0].name} has already decided on this return." in (
        response.content.decode()
    )


@pytest.mark.parametrize("who", list(CONFIRM_OF_A_SUBMITTED))
def test_only_the_councils_officers_confirm_an_approval(kind, people, client_for, submitted, who):
    client = client_for(people[who])
    assert client.get(url(kind, submitted, "approve")).status_code == CONFIRM_OF_A_SUBMITTED[who]
    if CONFIRM_OF_A_SUBMITTED[who] != 200:
        assert (
            client.post(url(kind, submitted, "approve")).status_code
            == (CONFIRM_OF_A_SUBMITTED[who])
        )
        assert not submitted.decisions.exists()


def test_an_officer_of_a_council_outside_the_arrangement_is_refused(
    kind, world, people, client_for, submitted
):
    from trust_portal.accounts.tests.factories import CouncilOfficerFactory

    stranger = CouncilOfficerFactory()  # a council that does not commission this trust
    client = client_for(stranger)
    assert client.get(url(kind, submitted, "approve")).status_code == 404
    assert client.post(url(kind, submitted, "approve")).status_code == 404
