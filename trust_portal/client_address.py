"""Who is asking: the client's address, read the one way the whole service reads it.

Behind a reverse proxy every request comes from the proxy's address (``REMOTE_ADDR``), and the
client's own address is in ``X-Forwarded-For``, where each proxy appends the address it was
called from. Anyone may send that header too, so only the entries the proxies themselves
appended can be believed: with ``TRUSTED_PROXY_COUNT`` proxies in front, the client is the
entry that many places from the right. With none, the header is ignored altogether.

django-axes (``AXES_CLIENT_IP_CALLABLE``), the sign-in and email limits, and the API's
throttling (DRF's ``NUM_PROXIES``, set from the same setting) all read it this way.

An IPv6 address is read as its /64 network ("2001:db8:1:2::"): one home or server is usually
given a whole /64, so keying on the full address would give it countless addresses to spread
guesses over. The network's own address is still an address, as django-axes stores it in a
GenericIPAddressField.
"""

from ipaddress import IPv6Address, ip_address, ip_network

from django.conf import settings


def client_address(request) -> str:
    remote = _keyed(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if count == 0 or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    # As DRF counts (rest_framework.throttling.BaseThrottle.get_ident): a header shorter than
    # the proxy count gives its leftmost entry.
    candidate = entries[-min(count, len(entries))]
    try:
        return _keyed(candidate, strict=True)
    except ValueError:
        # Not an address: a misconfigured proxy, never a client's say. Count it as the proxy's.
        return remote


def _keyed(text: str, *, strict: bool = False) -> str:
    """An IPv4 address as it is; an IPv6 one as its /64 network's address."""
    try:
        address = ip_address(text)
    except ValueError:
        if strict:
            raise
        return text
    if isinstance(address, IPv6Address) and address.ipv4_mapped is None:
        return str(ip_network(f"{address}/64", strict=False).network_address)
    return str(address)
