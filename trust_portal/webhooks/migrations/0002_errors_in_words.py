"""Deliveries' errors recorded before they were said in words ("ConnectionRefusedError: [Errno
111] Connection refused") rewritten as the endpoint's page now says them
(``trust_portal.webhooks.sending.in_words``)."""

import re

from django.db import migrations

# (the whole of an old error, what it says now); the first that matches answers.
_OLD = [
    (r"ConnectionRefusedError:.*", "The receiver refused the connection."),
    (
        r"TimeoutError: The endpoint took longer than ([0-9.]+) seconds",
        r"The endpoint took longer than \1 seconds to answer.",
    ),
    (r"TimeoutError:.*", "The endpoint took too long to answer."),
    (r"HTTPException: The endpoint's answer was too long", "The endpoint's answer was too long."),
    (r"SSLCertVerificationError:.*", "The endpoint's certificate could not be trusted."),
    (r"SSL[A-Za-z]*Error:.*", "The secure (TLS) connection to the endpoint could not be made."),
    (r"RemoteDisconnected:.*", "The endpoint closed the connection without answering."),
    (
        r"(ConnectionResetError|ConnectionAbortedError|BrokenPipeError|ConnectionError):.*",
        "The connection to the endpoint was broken before it answered.",
    ),
    (r"gaierror:.*", "The endpoint's address could not be found."),
    (
        r"(HTTPException|BadStatusLine|LineTooLong|IncompleteRead):.*",
        "The endpoint's answer was not readable HTTP.",
    ),
    (r"OSError: \[Errno [0-9]+\] (.+)", lambda found: _failed(found[1])),
    (
        r"Not sent: something went wrong \([A-Za-z0-9_.]+\)",
        "Not sent: something went wrong in the portal. It has been logged.",
    ),
    # A refusal of the address checks, which starts with a capital ("Not sent: the endpoint
    # is paused." is still said so, and is left as it is).
    (r"Not sent: ([A-Z].*)", r"Not sent. \1"),
    # Any other exception's name and text: what the live code says of an unknown failure.
    (r"[A-Za-z_][A-Za-z0-9_.]*(Error|Exception|Timeout|Disconnected|Ready|Request|URL):.*",
     "The connection to the endpoint failed."),
]
OLD = [(re.compile(pattern, re.DOTALL), words) for pattern, words in _OLD]


def _failed(described: str) -> str:
    """As ``sending.in_words`` says an OSError with its own description."""
    return f"The connection to the endpoint failed: {described.rstrip('.').lower()}."


def in_words(error: str) -> str:
    """An error as it is said now (one already in words, or empty, unchanged)."""
    for pattern, words in OLD:
        if pattern.fullmatch(error):
            return pattern.sub(words, error, count=1)
    return error


def forwards(apps, schema_editor):
    Delivery = apps.get_model("webhooks", "Delivery")
    for delivery in Delivery.objects.iterator():
        tries = [
            {**tried, "error": in_words(tried["error"])} if tried.get("error") else tried
            for tried in delivery.tries
        ]
        error = in_words(delivery.last_error)
        if error != delivery.last_error or tries != delivery.tries:
            Delivery.objects.filter(pk=delivery.pk).update(last_error=error, tries=tries)


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
