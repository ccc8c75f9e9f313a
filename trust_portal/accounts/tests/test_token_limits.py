"""API tokens revoked when their person is deactivated or their second factor reset, and the cap
on one account's active tokens (API_TOKENS_PER_USER_MAX)."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from trust_portal.accounts import api_tokens, services, two_factor
from trust_portal.accounts.models import ApiToken
from trust_portal.accounts.tests.factories import ApiTokenFactory, ServiceAccountFactory

ORGANISATIONS = "/api/v1/organisations/"
CAPPED = (
    "{who} 2 active API tokens, the most allowed. Revoke one that is no longer used before "
    "making another."
)


def works(token) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.get(ORGANISATIONS).status_code == 200


# --- Revoked with their person's access ---------------------------------------------------------


def test_deactivating_revokes_the_persons_tokens_for_good(people):
    officer, admin = people["officer"], people["admin"]
    token = ApiTokenFactory(user=officer)
    earlier = ApiTokenFactory(user=officer, revoked_at=timezone.now(), revoked_by=officer)
    others = ApiTokenFactory(user=people["other-officer"])

    services.user_deactivate(by=admin, user=officer, reason="Left the council")
    services.user_reactivate(by=admin, user=officer, reason="Came back")

    token.refresh_from_db()
    earlier.refresh_from_db()
    assert token.revoked_by == admin and token.revoked_at is not None
    assert earlier.revoked_by == officer
    assert not works(token)
    assert works(others)
    latest = token.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        admin,
        "API token revoked: account deactivated",
    )


def test_resetting_the_second_factor_revokes_the_persons_tokens(people):
    manager, admin = people["manager"], people["admin"]
    token = ApiTokenFactory(user=manager)

    two_factor.two_factor_reset(by=admin, user=manager, reason="lost their phone")

    token.refresh_from_db()
    assert token.revoked_by == admin
    assert not works(token)
    latest = token.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        admin,
        "API token revoked: two-factor authentication reset",
    )


@pytest.mark.parametrize("page", ["accounts:user-deactivate", "accounts:user-reset-two-factor"])
def test_the_confirmation_pages_say_the_tokens_are_revoked(people, client_for, page):
    response = client_for(people["admin"]).get(reverse(page, args=[people["officer"].username]))

    assert response.status_code == 200
    assert "Their API tokens are revoked." in response.content.decode()


# --- At most API_TOKENS_PER_USER_MAX active tokens ----------------------------------------------


@pytest.fixture
def cap_of_2(settings):
    settings.API_TOKENS_PER_USER_MAX = 2
    return settings


def test_a_person_past_the_cap_is_refused_until_one_is_revoked(people, cap_of_2):
    officer = people["officer"]
    ApiTokenFactory(user=officer)
    second = ApiTokenFactory(user=officer)

    with pytest.raises(ValidationError) as refused:
        api_tokens.api_token_create(by=officer, user=officer, name="Third")
    api_tokens.api_token_revoke(by=officer, token=second)
    api_tokens.api_token_create(by=officer, user=officer, name="Third")

    assert refused.value.messages == [CAPPED.format(who="You already have")]
    assert ApiToken.objects.filter(user=officer, revoked_at__isnull=True).count() == 2


def test_expired_and_revoked_tokens_and_other_peoples_do_not_count(people, cap_of_2):
    officer, long_ago = people["officer"], timezone.now() - timedelta(days=200)
    ApiTokenFactory(user=officer, created_at=long_ago, expires_at=long_ago + timedelta(days=90))
    ApiTokenFactory(user=officer, revoked_at=timezone.now())
    ApiTokenFactory.create_batch(2, user=people["other-officer"])

    api_tokens.api_token_create(by=officer, user=officer, name="One")
    api_tokens.api_token_create(by=officer, user=officer, name="Two")

    assert ApiToken.objects.filter(user=officer).count() == 4


def test_the_create_page_says_why_past_the_cap(people, client_for, cap_of_2):
    officer = people["officer"]
    ApiTokenFactory.create_batch(2, user=officer)

    response = client_for(officer).post(
        reverse("accounts:api-token-create"), {"name": "Third", "expires_in_days": "30"}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [CAPPED.format(who="You already have")]
    assert ApiToken.objects.filter(user=officer).count() == 2


def test_a_service_account_is_capped_too_on_its_page_and_by_the_command(
    people, client_for, cap_of_2
):
    account = ServiceAccountFactory()
    ApiTokenFactory.create_batch(2, user=account)

    response = client_for(people["admin"]).post(
        reverse("accounts:service-account-token-create", args=[account.username]),
        {"name": "Third", "expires_in_days": "30"},
    )
    with pytest.raises(CommandError) as refused:
        call_command("create_api_token", account.username, "--name", "x", stdout=io.StringIO())

    message = CAPPED.format(who="This account has")
    assert response.context["form"].non_field_errors() == [message]
    assert str(refused.value) == message
    assert ApiToken.objects.filter(user=account).count() == 2
