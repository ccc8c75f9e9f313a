"""Password-reset and invitation emails, limited per client address and per account each hour,
the reset page answering the same whether or not the account exists."""

import pytest
from django.urls import reverse

from trust_portal.accounts.tests.factories import UserFactory

RESET = "accounts:password-reset"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 5
    settings.PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR = 3
    settings.INVITATIONS_PER_ADDRESS_PER_HOUR = 4
    settings.INVITATIONS_PER_ACCOUNT_PER_HOUR = 2


def ask_reset(client, email, *, client_at):
    return client.post(
        reverse(RESET), {"email": email}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_at
    )


def test_one_account_is_sent_at_most_three_reset_emails_an_hour(people, client, mailoutbox):
    email = people["manager"].email
    answers = [ask_reset(client, email, client_at=f"198.51.100.{n}") for n in range(1, 6)]
    assert [(a.status_code, a["Location"]) for a in answers] == [
        (302, reverse("accounts:password-reset-done"))
    ] * 5
    assert len(mailoutbox) == 3


def test_the_reset_page_answers_a_known_and_an_unknown_address_alike(people, client, mailoutbox):
    for n in range(1, 6):  # past the account's limit too
        known = ask_reset(client, people["manager"].email, client_at=f"198.51.100.{n}")
        unknown = ask_reset(client, "nobody@example.org", client_at=f"198.51.101.{n}")
        assert (known.status_code, known["Location"], known.content) == (
            unknown.status_code,
            unknown["Location"],
            unknown.content,
        )


def test_one_address_asking_for_many_resets_is_told_to_wait(people, client, mailoutbox):
    for n in range(5):
        response = ask_reset(client, f"person{n}@example.org", client_at="198.51.100.1")
        assert response.status_code == 302
    refused = ask_reset(client, people["manager"].email, client_at="198.51.100.1")
    assert refused.status_code == 429
    assert "Too many requests from your network. Try again after 10:00." in refused.content.decode()
    assert mailoutbox == []
    elsewhere = ask_reset(client, people["manager"].email, client_at="198.51.100.2")
    assert elsewhere.status_code == 302
    assert len(mailoutbox) == 1


def resend(client, person, *, client_at):
    url = reverse("accounts:user-resend-invitation", args=[person.username])
    return client.post(url, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_at, follow=True)


def test_an_invitation_is_sent_again_at_most_twice_an_hour(people, client_for, mailoutbox):
    invited = UserFactory(password=None)
    client = client_for(people["admin"])
    pages = [resend(client, invited, client_at="198.51.100.1").content.decode() for _ in range(3)]
    assert len(mailoutbox) == 2
    assert (
        f"{invited.username} has had too many invitations this hour. Try again after 10:00."
        in (pages[2])
    )


def test_one_address_sending_many_invitations_is_told_to_wait(people, client_for, mailoutbox):
    client = client_for(people["admin"])
    for _ in range(4):
        resend(client, UserFactory(password=None), client_at="198.51.100.1")
    page = resend(client, UserFactory(password=None), client_at="198.51.100.1").content.decode()
    assert len(mailoutbox) == 4
    assert "Too many invitations sent from your address this hour." in page
    resend(client, UserFactory(password=None), client_at="198.51.100.2")
    assert len(mailoutbox) == 5
