"""Which addresses and ports a webhook may be sent to: an IPv4 address hidden inside an IPv6
one (mapped, 6to4, Teredo, NAT64, IPv4-compatible) is judged as that IPv4 address, and the
special-purpose ranges Python's is_global lets through are refused too."""

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from trust_portal.webhooks import addresses


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "192.0.0.8",  # is_global on Python 3.11
        "198.18.0.1",
        "0.1.2.3",  # "this network", 0.0.0.0/8
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",  # site-local: is_global on Python 3.11
        "ff02::1",
        "::ffff:10.0.0.1",  # IPv4-mapped
        "::ffff:127.0.0.1",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64 of 10.0.0.1
        "2002:a00:1::",  # 6to4 of 10.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "2001:0:a00:1::f5ff:fffe",  # Teredo, server 10.0.0.1
        "2001:0:5db8:d822::f5ff:fffe",  # Teredo, client 10.0.0.1 (public server)
    ],
)
def test_an_address_inside_a_private_or_special_network_is_refused(address, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert addresses._allowed(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "2606:2800:220:1:248:1893:25c8:1946",
        "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
        "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
    ],
)
def test_a_public_address_or_one_carrying_a_public_ipv4_address_is_allowed(address, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert addresses._allowed(ipaddress.ip_address(address)) is True


def test_the_ipv4_addresses_inside_an_ipv6_address_are_found():
    def inside(address):
        return [str(a) for a in addresses.embedded(ipaddress.ip_address(address))]

    assert inside("64:ff9b::a00:1") == ["10.0.0.1"]
    assert inside("64:ff9b:1::a00:1") == ["10.0.0.1"]
    assert inside("2002:a00:1::") == ["10.0.0.1"]
    assert inside("::7f00:1") == ["127.0.0.1"]
    assert inside("2001:0:5db8:d822::f5ff:fffe") == ["93.184.216.34", "10.0.0.1"]
    assert inside("2606:2800:220:1:248:1893:25c8:1946") == []


def test_loopback_is_allowed_only_by_the_setting(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    assert addresses._allowed(ipaddress.ip_address("127.0.0.1")) is True
    assert addresses._allowed(ipaddress.ip_address("10.0.0.1")) is False
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert addresses._allowed(ipaddress.ip_address("127.0.0.1")) is False


@pytest.mark.parametrize(
    "url,port",
    [
        ("https://hooks.example.org/in", 443),
        ("https://hooks.example.org:443/in", 443),
        ("https://hooks.example.org:8443/in", 8443),
    ],
)
def test_only_the_allowed_ports_are_accepted(url, port, dns, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    assert addresses.resolve(url) == ("https", "hooks.example.org", port, "93.184.216.34")


@pytest.mark.parametrize("port", [22, 25, 80, 6379, 8080])
def test_another_port_is_refused_in_plain_english(port, dns, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(ValidationError) as refused:
        addresses.resolve(f"https://hooks.example.org:{port}/in")
    assert refused.value.messages == [
        "The address must use port 443 or 8443. Leave the port out to use 443."
    ]


def test_the_allowed_ports_are_a_setting(dns, settings):
    settings.WEBHOOK_ALLOWED_PORTS = [9443]
    assert addresses.resolve("https://hooks.example.org:9443/in")[2] == 9443
    with pytest.raises(ValidationError):
        addresses.resolve("https://hooks.example.org/in")


def test_with_loopback_allowed_any_port_on_loopback_is_accepted_but_not_elsewhere(dns, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    dns("127.0.0.1")
    assert addresses.resolve("http://127.0.0.1:8765/in") == ("http", "127.0.0.1", 8765, "127.0.0.1")
    dns("93.184.216.34")
    with pytest.raises(ValidationError):
        addresses.resolve("http://hooks.example.org:8765/in")


@pytest.mark.parametrize(
    "url", ["https://example.com/café", "https://exämple.com/in", "https://example.com/in?q=ü"]
)
def test_an_address_with_letters_outside_plain_ascii_is_refused_with_a_clear_message(url, dns):
    with pytest.raises(ValidationError) as refused:
        addresses.url_parts(url)
    assert refused.value.messages == [addresses.NOT_ASCII]
