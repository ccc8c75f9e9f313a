"""Why a try failed is said in words on the endpoint's page, never as an exception's name or an
errno; errors recorded before that are rewritten by migration 0002."""

import http.client
import socket
import ssl
from importlib import import_module

import pytest
from django.apps import apps

from trust_portal.webhooks import sending
from trust_portal.webhooks.models import Delivery
from trust_portal.webhooks.tests.conftest import record

rewrite = import_module("trust_portal.webhooks.migrations.0002_errors_in_words")


@pytest.mark.parametrize(
    "failure, words",
    [
        (ConnectionRefusedError(111, "Connection refused"), "The receiver refused the connection."),
        (sending.AnswerTooLong("too long"), "The endpoint's answer was too long."),
        (
            ssl.SSLCertVerificationError("certificate verify failed"),
            "The endpoint's certificate could not be trusted.",
        ),
        (
            ssl.SSLError("wrong version number"),
            "The secure (TLS) connection to the endpoint could not be made.",
        ),
        (
            http.client.RemoteDisconnected("Remote end closed connection without response"),
            "The endpoint closed the connection without answering.",
        ),
        (
            ConnectionResetError(104, "Connection reset by peer"),
            "The connection to the endpoint was broken before it answered.",
        ),
        (
            socket.gaierror(-2, "Name or service not known"),
            "The endpoint's address could not be found.",
        ),
        (http.client.BadStatusLine("HTTP/9"), "The endpoint's answer was not readable HTTP."),
        (
            OSError(101, "Network is unreachable"),
            "The connection to the endpoint failed: network is unreachable.",
        ),
        (OSError("no errno"), "The connection to the endpoint failed."),
    ],
)
def test_each_failure_is_said_in_words(failure, words):
    assert sending.in_words(failure) == words


@pytest.mark.parametrize(
    "old, now",
    [
        (
            "ConnectionRefusedError: [Errno 111] Connection refused",
            "The receiver refused the connection.",
        ),
        (
            "TimeoutError: The endpoint took longer than 1.5 seconds",
            "The endpoint took longer than 1.5 seconds to answer.",
        ),
        (
            "HTTPException: The endpoint's answer was too long",
            "The endpoint's answer was too long.",
        ),
        (
            "RemoteDisconnected: Remote end closed connection without response",
            "The endpoint closed the connection without answering.",
        ),
        (
            "Not sent: something went wrong (UnicodeEncodeError)",
            "Not sent: something went wrong in the portal. It has been logged.",
        ),
        (
            "Not sent: The address must be a public HTTPS address.",
            "Not sent. The address must be a public HTTPS address.",
        ),
        (
            "The endpoint answered 503 Service Unavailable",
            "The endpoint answered 503 Service Unavailable",
        ),
        ("The receiver refused the connection.", "The receiver refused the connection."),
        ("Not sent: the endpoint is paused.", "Not sent: the endpoint is paused."),
        (
            "Not sent: something went wrong (Http404)",
            "Not sent: something went wrong in the portal. It has been logged.",
        ),
        (
            "OSError: [Errno 101] Network is unreachable",
            "The connection to the endpoint failed: network is unreachable.",
        ),
        ("ResponseNotReady: Idle", "The connection to the endpoint failed."),
        ("InvalidURL: nonnumeric port", "The connection to the endpoint failed."),
        ("PermissionError: [Errno 13] Permission denied", "The connection to the endpoint failed."),
    ],
)
def test_an_error_recorded_before_is_said_as_it_is_now(old, now):
    assert rewrite.in_words(old) == now


@pytest.mark.django_db
def test_the_migration_rewrites_each_deliverys_last_error_and_its_tries(endpoint):
    (delivery,) = record(endpoint.arrangement)
    old = "ConnectionRefusedError: [Errno 111] Connection refused"
    tries = [
        {"at": "2026-12-01T10:00:00+00:00", "status": None, "error": old},
        {"at": "2026-12-01T10:01:00+00:00", "status": 200, "error": ""},
    ]
    Delivery.objects.filter(pk=delivery.pk).update(last_error=old, tries=tries)
    rewrite.forwards(apps, None)
    delivery.refresh_from_db()
    assert delivery.last_error == "The receiver refused the connection."
    assert [t["error"] for t in delivery.tries] == ["The receiver refused the connection.", ""]
    assert [t["at"] for t in delivery.tries] == [t["at"] for t in tries]
