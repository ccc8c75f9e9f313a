"""API throttling: per token (not per user), per signed-in user, per anonymous address (an IPv6
/64 as one), counted in the default cache, answering 429 with Retry-After."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from trust_portal.accounts.tests.factories import ApiTokenFactory

URL = "/api/v1/organisations/"


@pytest.fixture(autouse=True)
def small_rates(monkeypatch):
    # DRF's throttles keep the rates they were imported with: set them on the class.
    rates = {"token": "2/minute", "session": "3/minute", "anonymous": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def token_client(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def statuses(client, times: int, **extra) -> list[int]:
    return [client.get(URL, **extra).status_code for _ in range(times)]


def test_a_token_over_its_rate_gets_429_with_retry_after(people):
    client = token_client(ApiTokenFactory(user=people["officer"]))

    assert statuses(client, 2) == [200, 200]
    response = client.get(URL)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    wait = int(response["Retry-After"])
    assert response.json() == {
        "detail": f"Too many requests. Try again in {wait} second{'s' if wait != 1 else ''}."
    }


def test_each_token_has_its_own_count_even_for_one_user(people):
    first = token_client(ApiTokenFactory(user=people["officer"]))
    second = token_client(ApiTokenFactory(user=people["officer"]))

    assert statuses(first, 3) == [200, 200, 429]
    assert statuses(second, 2) == [200, 200]


def test_a_signed_in_session_is_counted_per_user(people, client_for):
    assert statuses(client_for(people["officer"]), 4) == [200, 200, 200, 429]
    assert statuses(client_for(people["manager"]), 1) == [200]


def test_anonymous_requests_are_counted_per_address_an_ipv6_64_as_one(db):
    client = APIClient()
    here = {"REMOTE_ADDR": "2001:db8:1:2::1"}
    same_network = {"REMOTE_ADDR": "2001:db8:1:2::ffff"}
    elsewhere = {"REMOTE_ADDR": "2001:db8:1:3::1"}

    assert statuses(client, 2, **here) == [401, 401]
    assert statuses(client, 1, **same_network) == [429]
    assert statuses(client, 1, **elsewhere) == [401]


def test_the_anonymous_address_is_read_through_the_trusted_proxies(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    one = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    other = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.8"}

    assert statuses(client, 3, **one) == [401, 401, 429]
    assert statuses(client, 1, **other) == [401]


def test_guessing_tokens_counts_as_anonymous(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token tp_not-a-real-token")

    assert statuses(client, 3) == [401, 401, 429]
