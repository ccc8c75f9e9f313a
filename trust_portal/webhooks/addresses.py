"""Where a webhook may be sent: HTTPS to a public address, checked when the endpoint is
registered and again at every delivery (a name may resolve elsewhere since: DNS rebinding),
and the delivery then connects to the very address checked.

An address is refused if it, or an IPv4 address inside it (IPv4-mapped, 6to4, Teredo, NAT64,
IPv4-compatible), is private, loopback, link-local, site-local, multicast, reserved or another
special-purpose range; the port must be one of ``WEBHOOK_ALLOWED_PORTS``.
``WEBHOOK_ALLOW_LOOPBACK`` (tests and the local demo only; refused in production) also allows
http and 127.0.0.1, on any port.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

REFUSED = "The address must be a public HTTPS address, not one inside a private network."
NOT_ASCII = (
    "Enter the address using only plain letters, digits and punctuation (no accented "
    "letters or spaces). The receiving system's people can give you its encoded form."
)

# Special-purpose IPv4 ranges that Python's is_global does not (in every version) rule out.
_IPV4_REFUSED = [
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
    )
]
_NAT64 = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48")]
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def embedded(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo server and client,
    NAT64, IPv4-compatible): a packet to it may reach them."""
    if address.ipv4_mapped:
        return [address.ipv4_mapped]
    if address.sixtofour:
        return [address.sixtofour]
    if address.teredo:
        return list(address.teredo)
    if any(address in network for network in _NAT64):
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return [ipaddress.IPv4Address(int(address))]
    return []


def _special(address: Address) -> bool:
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )


def _public_ipv4(address: ipaddress.IPv4Address) -> bool:
    refused = any(address in network for network in _IPV4_REFUSED)
    return address.is_global and not refused and not _special(address)


def is_loopback(address: Address) -> bool:
    """The one loopback address WEBHOOK_ALLOW_LOOPBACK allows (tests and the local demo)."""
    return address == ipaddress.IPv4Address("127.0.0.1")


def _allowed(address: Address) -> bool:
    if settings.WEBHOOK_ALLOW_LOOPBACK and is_loopback(address):
        return True
    if isinstance(address, ipaddress.IPv4Address):
        return _public_ipv4(address)
    inside = embedded(address)
    if inside:
        return all(_public_ipv4(ipv4) for ipv4 in inside)
    return address.is_global and not _special(address)


def url_parts(url: str) -> tuple[str, str, int]:
    """The URL's scheme, host and port, if its scheme is allowed; else ValidationError."""
    if not url.isascii():
        raise ValidationError(NOT_ASCII)
    parts = urlsplit(url)
    schemes = {"https", "http"} if settings.WEBHOOK_ALLOW_LOOPBACK else {"https"}
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError("Enter an address starting https://.")
    if parts.username or parts.password:
        raise ValidationError("Enter the address without a user name or password in it.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise ValidationError("Enter an address with a valid port.") from error
    return parts.scheme, parts.hostname, port


def port_refused() -> str:
    ports = sorted(settings.WEBHOOK_ALLOWED_PORTS)
    listed = (
        " or ".join(str(port) for port in ports) if len(ports) < 3 else ", ".join(map(str, ports))
    )
    return f"The address must use port {listed}. Leave the port out to use 443."


def resolve(url: str) -> tuple[str, str, int, str]:
    """The URL's scheme, host, port and the one checked address to connect to; a
    ValidationError if any address the host resolves to is not public."""
    scheme, host, port = url_parts(url)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError("That address's host name could not be found.") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not addresses or not all(_allowed(address) for address in addresses):
        raise ValidationError(REFUSED)
    loopback = settings.WEBHOOK_ALLOW_LOOPBACK and all(is_loopback(a) for a in addresses)
    if not loopback and port not in settings.WEBHOOK_ALLOWED_PORTS:
        raise ValidationError(port_refused())
    return scheme, host, port, str(addresses[0])
