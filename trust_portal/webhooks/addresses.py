"""Where a webhook may be sent: HTTPS to a public address, checked when the endpoint is
registered and again at every delivery (a name may resolve elsewhere since: DNS rebinding),
and the delivery then connects to the very address checked.

``WEBHOOK_ALLOW_LOOPBACK`` (tests and the local demo only) also allows http and 127.0.0.1.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

REFUSED = "The address must be a public HTTPS address, not one inside a private network."


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if settings.WEBHOOK_ALLOW_LOOPBACK and address == ipaddress.ip_address("127.0.0.1"):
        return True
    return address.is_global and not address.is_multicast


def url_parts(url: str) -> tuple[str, str, int]:
    """The URL's scheme, host and port, if its scheme is allowed; else ValidationError."""
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
    return scheme, host, port, str(addresses[0])
