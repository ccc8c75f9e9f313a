"""Who is emailed at each step, once the change has committed: the councils' officers on
submission, the trust's managers on a query, both on approval; one message each, and never a
closed account, a scrutiny member, an observer or anyone outside the arrangement."""

import pytest

from trust_portal.approvals import services
from trust_portal.approvals.models import State


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def submit(world, submission, capture):
    with capture(execute=True):
        services.submission_submit(submission=submission, by=world.manager)


@pytest.fixture
def filled(kind, world, draft):
    kind.fill(draft, world.manager)
    draft.refresh_from_db()
    return draft


def test_submission_emails_every_officer_of_the_councils(
    world, filled, mailoutbox, django_capture_on_commit_callbacks
):
    submit(world, filled, django_capture_on_commit_callbacks)
    assert recipients(mailoutbox) == sorted(o.email for o in world.officers)


def test_each_officer_gets_a_message_of_their_own(
    world, filled, mailoutbox, django_capture_on_commit_callbacks
):
    submit(world, filled, django_capture_on_commit_callbacks)
    assert [len(message.to) for message in mailoutbox] == [1, 1]


def test_the_submission_email_names_the_return_and_links_to_it(
    world, filled, mailoutbox, django_capture_on_commit_callbacks
):
    submit(world, filled, django_capture_on_commit_callbacks)
    message = mailoutbox[0]
    assert message.subject == f"{filled} submitted for approval"
    assert filled.get_absolute_url() in message.body
    assert world.trust.name in message.body


def test_nothing_is_sent_until_the_change_commits(world, filled, mailoutbox):
    services.submission_submit(submission=filled, by=world.manager)
    assert mailoutbox == []


def test_a_query_emails_the_trusts_managers_with_the_query(
    world, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_return(
            submission=submitted, by=world.officers[0], query="Why did caseloads rise?"
        )
    assert recipients(mailoutbox) == [world.manager.email]
    message = mailoutbox[0]
    assert message.subject == f"{submitted} returned with a query"
    assert "Why did caseloads rise?" in message.body
    assert world.councils[0].name in message.body


def test_one_councils_approval_emails_nobody(
    world, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_approve_area(submission=submitted, by=world.officers[0])
    assert mailoutbox == []


def test_the_final_approval_emails_the_officers_and_the_trusts_managers(
    world, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    services.submission_approve_area(submission=submitted, by=world.officers[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_approve_area(submission=submitted, by=world.officers[1])
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert recipients(mailoutbox) == sorted(
        [world.manager.email, *(o.email for o in world.officers)]
    )
    assert {m.subject for m in mailoutbox} == {f"{submitted} approved"}


def test_starting_saving_and_correcting_email_nobody(
    kind, world, approved, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correction = services.submission_start_revision(
            approved=approved, by=world.manager, reason="A late-recorded visit"
        )
        kind.fill(correction, world.manager)
    assert mailoutbox == []


def test_closed_accounts_and_people_without_an_email_address_are_not_emailed(
    world, filled, mailoutbox, django_capture_on_commit_callbacks
):
    world.officers[1].email = ""
    world.officers[1].save()
    submit(world, filled, django_capture_on_commit_callbacks)
    assert world.leaver.email not in recipients(mailoutbox)
    assert recipients(mailoutbox) == [world.officers[0].email]


def test_scrutiny_observers_administrators_and_outsiders_are_never_emailed(
    world, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for officer in world.officers:
            services.submission_approve_area(submission=submitted, by=officer)
    never = {p.email for p in (world.scrutiny, world.observer, world.admin, world.outsider)}
    assert never.isdisjoint(recipients(mailoutbox))
