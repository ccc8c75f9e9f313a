"""What the webhooks' tests share: an endpoint of the factory-built world's arrangement, host
names resolved to the address a test chooses (no DNS), and the reference verifier a receiving
system would write (docs/api.md shows the same)."""

import hashlib
import hmac
import socket

import pytest
from django.db import transaction

from trust_portal.webhooks import services
from trust_portal.webhooks.models import Endpoint, Event

PUBLIC = "93.184.216.34"  # a public address (example.com's, once)


def resolving_to(address: str):
    """A stand-in for socket.getaddrinfo: every name resolves to ``address``."""

    def getaddrinfo(host, port, *args, **kwargs):
        if ":" in address:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo


@pytest.fixture
def dns(monkeypatch):
    """dns(address): every host name resolves to ``address`` from now on (public at first)."""

    def point(address):
        monkeypatch.setattr(socket, "getaddrinfo", resolving_to(address))

    point(PUBLIC)
    return point


def verify(*, header: str, body: bytes, secret: str, now: int, tolerance: int = 300) -> bool:
    """A receiver's check: a v1 signature made with ``secret`` over "<t>.<body>", and a
    timestamp ``t`` within ``tolerance`` seconds of ``now`` (against replays)."""
    parts = [item.split("=", 1) for item in header.split(",")]
    timestamps = [value for key, value in parts if key == "t"]
    if len(timestamps) != 1 or not timestamps[0].isdigit():
        return False
    if abs(now - int(timestamps[0])) > tolerance:
        return False
    message = timestamps[0].encode() + b"." + body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, value) for key, value in parts if key == "v1")


def make_endpoint(people, arrangement, *, url="https://hooks.example.org/in", events=None):
    endpoint, secret = services.endpoint_create(
        by=people["admin"],
        arrangement=arrangement,
        url=url,
        events=events or [Event.RETURN_APPROVED, Event.PACK_ISSUED],
        description="Finance system",
    )
    return endpoint, secret


@pytest.fixture
def endpoint(people, arrangement, dns) -> Endpoint:
    return make_endpoint(people, arrangement)[0]


def record(arrangement, event=Event.RETURN_APPROVED, api_url="/api/v1/returns/7/"):
    with transaction.atomic():
        return services.event_record(arrangement=arrangement, event=event, api_url=api_url)


def listening(arrangement, *events) -> Endpoint:
    """An active endpoint of the arrangement subscribed to ``events`` (made directly: the
    apps' tests check the events their services record, not the address checks)."""
    return Endpoint.objects.create(
        arrangement=arrangement,
        url="https://hooks.example.org/in",
        events=list(events),
        secret="whsec_test",
    )


def delivered(endpoint) -> list[tuple[str, str, str]]:
    """(event, arrangement, api_url) of each delivery recorded for the endpoint, oldest first."""
    import json

    bodies = [json.loads(d.body) for d in endpoint.deliveries.order_by("created_at")]
    return [(b["type"], b["arrangement"], b["api_url"]) for b in bodies]
