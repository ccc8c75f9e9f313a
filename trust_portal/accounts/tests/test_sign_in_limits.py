"""Sign-in limits keyed on the true client address (trust_portal/accounts/sign_in_limits.py):
one user name from one address is locked (django-axes), one address across user names is
paused, one user name across addresses is slowed, never locked."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trust_portal import rate_limits
from trust_portal.accounts import sign_in_limits
from trust_portal.accounts.tests.conftest import PROXY

PASSWORD = "a-long-test-password"  # noqa: S105  (the factories' password)


pytestmark = pytest.mark.usefixtures("behind_one_proxy")


def sign_in(client, username, password, *, client_at):
    """A sign-in from ``client_at`` as the proxy reports it (the proxy is REMOTE_ADDR)."""
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"203.0.113.250, {client_at}",
    )


def test_two_clients_behind_one_proxy_do_not_lock_each_other_out(people, client):
    officer = people["officer"].username
    for _ in range(3):
        sign_in(client, officer, "wrong", client_at="198.51.100.1")
    locked = sign_in(client, officer, PASSWORD, client_at="198.51.100.1")
    assert locked.status_code == 429
    assert "signing in to this account from here is paused" in locked.content.decode()
    # The same proxy, another client: not locked out.
    response = sign_in(client, officer, PASSWORD, client_at="198.51.100.2")
    assert response.status_code == 302
    assert AccessAttempt.objects.get().ip_address == "198.51.100.1"


def test_the_lock_page_says_when_to_try_again(people, client):
    for _ in range(3):
        sign_in(client, people["officer"].username, "wrong", client_at="198.51.100.1")
    page = sign_in(client, people["officer"].username, PASSWORD, client_at="198.51.100.1")
    again = timezone.localtime(AccessAttempt.objects.get().attempt_time + timedelta(minutes=30))
    assert f"Try again after {again:%H:%M}" in page.content.decode()


def test_one_address_trying_many_user_names_is_paused(people, client):
    names = ["officer", "manager", "scrutiny", "observer", "admin"]
    for name in names:  # one wrong password each: under django-axes's limit for each
        response = sign_in(client, people[name].username, "wrong", client_at="198.51.100.1")
        assert response.status_code == 200
    paused = sign_in(client, people["officer"].username, PASSWORD, client_at="198.51.100.1")
    assert paused.status_code == 429
    assert "signing in from your network is paused" in paused.content.decode()
    elsewhere = sign_in(client, people["officer"].username, PASSWORD, client_at="198.51.100.2")
    assert elsewhere.status_code == 302


def fail_from_many_addresses(client, username, times):
    for n in range(times):
        response = sign_in(client, username, "wrong", client_at=f"198.51.100.{n + 1}")
        assert response.status_code == 200


def test_many_addresses_failing_one_user_name_slow_it_without_checking_the_password(people, client):
    officer = people["officer"].username
    fail_from_many_addresses(client, officer, 4)
    with mock.patch.object(ModelBackend, "authenticate") as check:
        slowed = sign_in(client, officer, PASSWORD, client_at="192.0.2.77")
    assert check.call_count == 0
    assert slowed.status_code == 429
    page = slowed.content.decode()
    assert "each attempt to sign in to it must wait" in page
    again = timezone.localtime(timezone.now() + timedelta(seconds=60))
    assert f"Try again after {again:%H:%M}" in page


def test_a_slowed_user_name_signs_in_once_its_wait_is_over(people, client):
    officer = people["officer"].username
    fail_from_many_addresses(client, officer, 4)
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        response = sign_in(client, officer, PASSWORD, client_at="192.0.2.77")
    assert response.status_code == 302


def test_each_further_wrong_password_doubles_the_wait_up_to_the_maximum(people, client):
    officer = people["officer"].username
    fail_from_many_addresses(client, officer, 4)
    waits = []
    start = timezone.now()
    for step in range(1, 4):
        # Each attempt just after the last wait ended (ten minutes apart), another wrong one.
        with time_machine.travel(start + timedelta(minutes=10 * step), tick=False):
            response = sign_in(client, officer, "wrong", client_at=f"192.0.2.{step}")
            assert response.status_code == 200
            until = sign_in_limits.refusal_for(address="192.0.2.99", username=officer).until
            waits.append(round((until - timezone.now()).total_seconds()))
    assert waits == [120, 200, 200]


def test_a_refused_attempt_counts_towards_nothing(people, client):
    officer = people["officer"].username
    fail_from_many_addresses(client, officer, 4)
    before = rate_limits.count(sign_in_limits.USERNAME, officer, window=3600)
    for _ in range(5):
        assert sign_in(client, officer, "wrong", client_at="192.0.2.77").status_code == 429
    assert rate_limits.count(sign_in_limits.USERNAME, officer, window=3600) == before
    assert rate_limits.count(sign_in_limits.ADDRESS, "192.0.2.77", window=3600) == 0
    assert not AccessAttempt.objects.filter(ip_address="192.0.2.77").exists()


def test_an_unknown_user_name_is_slowed_just_the_same(world, client):
    fail_from_many_addresses(client, "nobody-here", 4)
    assert sign_in(client, "nobody-here", "wrong", client_at="192.0.2.77").status_code == 429


def test_signing_in_starts_the_user_names_count_again(people, client):
    officer = people["officer"].username
    fail_from_many_addresses(client, officer, 3)
    assert sign_in(client, officer, PASSWORD, client_at="192.0.2.77").status_code == 302
    client.logout()
    fail_from_many_addresses(client, officer, 3)
    assert sign_in(client, officer, PASSWORD, client_at="192.0.2.77").status_code == 302


# --- Device cookies: a paused user name slows strangers, not the owner's own browser ------------


def owners_browser(client, username):
    """A browser that has signed in as ``username`` before, and signed out since."""
    response = sign_in(client, username, PASSWORD, client_at="192.0.2.10")
    assert response.status_code == 302
    value = response.cookies[sign_in_limits.DEVICE_COOKIE].value
    client.logout()
    client.cookies[sign_in_limits.DEVICE_COOKIE] = value
    return client


def test_signing_in_gives_the_browser_a_signed_long_lived_device_cookie(people, client, settings):
    settings.SESSION_COOKIE_SECURE = True  # as in production
    officer = people["officer"].username

    response = sign_in(client, officer, PASSWORD, client_at="192.0.2.10")

    cookie = response.cookies[sign_in_limits.DEVICE_COOKIE]
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert officer not in cookie.value  # a hash of the user name, signed


def test_the_owners_browser_signs_in_while_the_user_name_is_slowed(people, client):
    officer = people["officer"].username
    owner = owners_browser(client, officer)
    fail_from_many_addresses(Client(), officer, 4)
    assert sign_in(Client(), officer, PASSWORD, client_at="192.0.2.77").status_code == 429

    response = sign_in(owner, officer, PASSWORD, client_at="192.0.2.77")

    assert response.status_code == 302


def test_attackers_keeping_a_user_name_paused_never_stop_its_owners_browser(people, client):
    officer = people["officer"].username
    owner = owners_browser(client, officer)
    cookie = owner.cookies[sign_in_limits.DEVICE_COOKIE].value
    attacker = Client()
    start = timezone.now()
    for hour in range(3):
        with time_machine.travel(start + timedelta(hours=hour), tick=False):
            for n in range(14):  # 14 wrong passwords an hour, over three addresses
                sign_in(attacker, officer, "wrong", client_at=f"198.51.100.{n % 3 + 1}")
            assert sign_in(Client(), officer, PASSWORD, client_at="192.0.2.77").status_code == 429
            assert sign_in(owner, officer, PASSWORD, client_at="192.0.2.77").status_code == 302
            owner.logout()
            owner.cookies[sign_in_limits.DEVICE_COOKIE] = cookie


def test_a_device_cookie_for_another_user_name_or_forged_does_not_spare_the_wait(people, client):
    officer = people["officer"].username
    other = owners_browser(client, people["manager"].username)
    fail_from_many_addresses(Client(), officer, 4)
    assert sign_in(other, officer, PASSWORD, client_at="192.0.2.77").status_code == 429
    forged = Client()
    forged.cookies[sign_in_limits.DEVICE_COOKIE] = sign_in_limits._device_name(officer)
    assert sign_in(forged, officer, PASSWORD, client_at="192.0.2.77").status_code == 429


def test_a_device_cookie_does_not_spare_the_address_pause_or_django_axes_lock(people, client):
    officer = people["officer"].username
    owner = owners_browser(client, officer)
    for _ in range(3):
        sign_in(Client(), officer, "wrong", client_at="198.51.100.1")
    locked = sign_in(owner, officer, PASSWORD, client_at="198.51.100.1")
    assert locked.status_code == 429
    assert "signing in to this account from here is paused" in locked.content.decode()
    for name in ["manager", "scrutiny", "observer", "admin", "officer"]:
        sign_in(Client(), people[name].username, "wrong", client_at="198.51.100.2")
    paused = sign_in(owner, officer, PASSWORD, client_at="198.51.100.2")
    assert paused.status_code == 429
    assert "signing in from your network is paused" in paused.content.decode()
