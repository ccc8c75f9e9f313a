"""One POST to a webhook endpoint, connected to the address ``addresses.resolve`` checked
(the TLS certificate still checked against the host's name), with a short timeout, no
redirect followed (a 3xx is a failure) and only a short snippet of the answer read."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SNIPPET = 200


@dataclass
class Answer:
    status: int | None
    error: str
    snippet: str
    ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(*, url: str, scheme: str, host: str, port: int, address: str, body: bytes, headers):
    """POST ``body`` to ``url`` at ``address``; what it answered, or why it did not."""
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address=address, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        snippet = response.read(SNIPPET).decode("utf-8", "replace")
        status, error = response.status, ""
        if not 200 <= status < 300:
            error = f"The endpoint answered {status} {response.reason}"[:300]
    except (OSError, http.client.HTTPException) as failure:
        status, snippet = None, ""
        error = f"{type(failure).__name__}: {' '.join(str(failure).split())}"[:300]
    finally:
        connection.close()
    ms = round((time.monotonic() - started) * 1000)
    return Answer(status=status, error=error, snippet=" ".join(snippet.split())[:SNIPPET], ms=ms)
