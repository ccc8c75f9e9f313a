"""Password-reset and invitation emails, limited per client address and per account each hour,
the reset page answering the same whether or not the account exists."""

import pytest
from django.urls import reverse

from trust_portal.accounts.tests.conftest import PROXY
from trust_portal.accounts.tests.factories import UserFactory

RESET = "accounts:password-reset"


pytestmark = pytest.mark.usefixtures("behind_one_proxy")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Emails go through the outbox after the request's commit: each request is made inside
    this, which runs its commit callbacks as it ends, so ``mailoutbox`` holds what was sent."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def ask_reset(client, email, *, client_at, committed):
    with committed():
        return client.post(
            reverse(RESET), {"email": email}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_at
        )


def test_one_account_is_sent_at_most_three_reset_emails_an_hour(
    people, client, mailoutbox, committed
):
    email = people["manager"].email
    answers = [
        ask_reset(client, email, client_at=f"198.51.100.{n}", committed=committed)
        for n in range(1, 6)
    ]
    assert [(a.status_code, a["Location"]) for a in answers] == [
        (302, reverse("accounts:password-reset-done"))
    ] * 5
    assert len(mailoutbox) == 3


def test_the_reset_page_answers_a_known_and_an_unknown_address_alike(
    people, client, mailoutbox, committed
):
    for n in range(1, 6):  # past the account's limit too
        known = ask_reset(
            client, people["manager"].email, client_at=f"198.51.100.{n}", committed=committed
        )
        unknown = ask_reset(
            client, "nobody@example.org", client_at=f"198.51.101.{n}", committed=committed
        )
        assert (known.status_code, known["Location"], known.content) == (
            unknown.status_code,
            unknown["Location"],
            unknown.content,
        )


def test_one_address_asking_for_many_resets_is_told_to_wait(people, client, mailoutbox, committed):
    for n in range(5):
        response = ask_reset(
            client, f"person{n}@example.org", client_at="198.51.100.1", committed=committed
        )
        assert response.status_code == 302
    refused = ask_reset(
        client, people["manager"].email, client_at="198.51.100.1", committed=committed
    )
    assert refused.status_code == 429
    assert "Too many requests from your network. Try again after 10:00." in refused.content.decode()
    assert mailoutbox == []
    elsewhere = ask_reset(
        client, people["manager"].email, client_at="198.51.100.2", committed=committed
    )
    assert elsewhere.status_code == 302
    assert len(mailoutbox) == 1


def resend(client, person, *, client_at, committed):
    url = reverse("accounts:user-resend-invitation", args=[person.username])
    with committed():
        return client.post(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_at, follow=True)


def test_an_invitation_is_sent_again_at_most_twice_an_hour(
    people, client_for, mailoutbox, committed
):
    invited = UserFactory(password=None)
    client = client_for(people["admin"])
    pages = [
        resend(client, invited, client_at="198.51.100.1", committed=committed).content.decode()
        for _ in range(3)
    ]
    assert len(mailoutbox) == 2
    assert (
        f"{invited.username} has had too many invitations this hour. Try again after 10:00."
        in (pages[2])
    )


def test_one_address_sending_many_invitations_is_told_to_wait(
    people, client_for, mailoutbox, committed
):
    client = client_for(people["admin"])
    for _ in range(4):
        resend(client, UserFactory(password=None), client_at="198.51.100.1", committed=committed)
    page = resend(
        client, UserFactory(password=None), client_at="198.51.100.1", committed=committed
    ).content.decode()
    assert len(mailoutbox) == 4
    assert "Too many invitations sent from your address this hour." in page
    resend(client, UserFactory(password=None), client_at="198.51.100.2", committed=committed)
    assert len(mailoutbox) == 5
