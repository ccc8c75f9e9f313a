"""The client's address, read once for sign-in limits, email limits and the API's throttling."""

import pytest
from django.conf import settings as project_settings
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from trust_portal.client_address import client_address


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_a_forwarded_for_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("198.51.100.1", "203.0.113.9")) == "198.51.100.1"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "203.0.113.9" itself; only the last entry is the proxy's word.
    request = request_from("10.0.0.2", "203.0.113.9, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.2", "203.0.113.9, 198.51.100.7, 10.0.0.1")
    assert client_address(request) == "198.51.100.7"


def test_an_entry_that_is_not_an_address_counts_as_the_proxys(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2", "203.0.113.9, nonsense")) == "10.0.0.2"


def test_a_proxy_without_the_header_leaves_its_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"


def test_the_apis_throttling_counts_proxies_from_the_same_setting():
    assert project_settings.REST_FRAMEWORK["NUM_PROXIES"] == project_settings.TRUSTED_PROXY_COUNT


@pytest.mark.parametrize(
    "count, remote, forwarded",
    [
        (0, "198.51.100.1", "203.0.113.9"),
        (1, "10.0.0.2", "203.0.113.9, 198.51.100.7"),
        (2, "10.0.0.2", "203.0.113.9, 198.51.100.7, 10.0.0.1"),
        (3, "10.0.0.2", "198.51.100.7"),
        (1, "10.0.0.2", None),
    ],
)
def test_the_api_and_the_pages_agree_on_the_client(settings, count, remote, forwarded):
    settings.TRUSTED_PROXY_COUNT = count
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
    request = request_from(remote, forwarded)
    assert BaseThrottle().get_ident(Request(request)) == client_address(request)


def test_django_axes_reads_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.2", "203.0.113.9, 198.51.100.7")
    assert get_client_ip_address(request) == "198.51.100.7"


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        (0, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", None, "2001:db8:1:2::"),
        (0, "2001:db8:1:2::1", None, "2001:db8:1:2::"),
        (1, "10.0.0.2", "2001:db8:1:2:ffff::9", "2001:db8:1:2::"),
        (1, "10.0.0.2", "2001:DB8:1:3::9", "2001:db8:1:3::"),
    ],
)
def test_an_ipv6_client_is_known_by_its_64_network(settings, count, remote, forwarded, expected):
    # One home or server is given a whole /64: each of its addresses is the same client.
    settings.TRUSTED_PROXY_COUNT = count
    assert client_address(request_from(remote, forwarded)) == expected


def test_django_axes_stores_an_ipv6_client_as_its_64_network(settings):
    from axes.helpers import get_client_ip_address
    from django.core.validators import validate_ipv46_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from("10.0.0.2", "2001:db8:1:2:aaaa::7")
    assert get_client_ip_address(request) == "2001:db8:1:2::"
    validate_ipv46_address(get_client_ip_address(request))  # GenericIPAddressField accepts it
