"""One POST to a webhook endpoint, connected to the address ``addresses.resolve`` checked
(the TLS certificate still checked against the host's name), no redirect followed (a 3xx is a
failure) and only a short snippet of the answer read.

``WEBHOOK_TIMEOUT_SECONDS`` bounds the whole exchange, not each socket operation: connecting,
the TLS handshake and sending wait only the time left, every read of the answer waits only
the time left, and a watchdog cuts the connection at the deadline whatever it is doing. So a
receiver trickling a byte every few seconds cannot hold a worker. The status line, headers
and snippet together may be at most ``ANSWER_LIMIT`` bytes."""

import contextlib
import functools
import http.client
import io
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SNIPPET = 200
ANSWER_LIMIT = 32 * 1024
WATCHDOG_SLACK = 0.5


class AnswerTooLong(http.client.HTTPException):
    """The status line, headers and snippet passed ``ANSWER_LIMIT``."""


@dataclass
class Answer:
    status: int | None
    error: str
    snippet: str
    ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"The endpoint took longer than {self.seconds:g} seconds")
        return left


class _DeadlineReader(io.RawIOBase):
    """The socket's bytes, each read waiting only the time left, at most ANSWER_LIMIT in all.
    It holds the socket open (as the file it replaces did) until the answer is closed."""

    def __init__(self, sock, deadline: _Deadline):
        self._sock, self._deadline, self._read = sock, deadline, 0
        self._raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._sock.settimeout(self._deadline.left())
        count = self._raw.readinto(buffer)
        self._read += count or 0
        if self._read > ANSWER_LIMIT:
            raise AnswerTooLong("The endpoint's answer was too long")
        return count

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock, *args, deadline: _Deadline, **kwargs):
        super().__init__(sock, *args, **kwargs)
        reader = io.BufferedReader(_DeadlineReader(sock, deadline), buffer_size=4096)
        self.fp.close()
        self.fp = reader


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, deadline: _Deadline):
        super().__init__(host, port, timeout=deadline.seconds)
        self._address, self._deadline = address, deadline
        self.response_class = functools.partial(_DeadlineResponse, deadline=deadline)

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self._deadline.left())

    def send(self, data):
        if self.sock is None:
            self.connect()
        self.sock.settimeout(self._deadline.left())
        super().send(data)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self._deadline.left())
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        self.sock.settimeout(self._deadline.left())
        self.sock.do_handshake()


def _cut(connection) -> None:
    """The watchdog: end the connection at once (any read, write or handshake then fails)."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


# Why a try failed, in the words the endpoint's page shows its administrators: never an
# exception's name or an errno. The first kind that matches answers (subclasses first).
_FAILURES = [
    (AnswerTooLong, "The endpoint's answer was too long."),
    (ssl.SSLCertVerificationError, "The endpoint's certificate could not be trusted."),
    (ssl.SSLError, "The secure (TLS) connection to the endpoint could not be made."),
    (ConnectionRefusedError, "The receiver refused the connection."),
    (http.client.RemoteDisconnected, "The endpoint closed the connection without answering."),
    (ConnectionError, "The connection to the endpoint was broken before it answered."),
    (socket.gaierror, "The endpoint's address could not be found."),
    (http.client.HTTPException, "The endpoint's answer was not readable HTTP."),
]


def in_words(failure: BaseException) -> str:
    """Why a try failed, in plain words (an ``OSError``'s own description when no kind above
    names it: "Network is unreachable")."""
    for kind, words in _FAILURES:
        if isinstance(failure, kind):
            return words
    described = getattr(failure, "strerror", None)
    if described:
        return f"The connection to the endpoint failed: {described.rstrip('.').lower()}."
    return "The connection to the endpoint failed."


def post(*, url: str, scheme: str, host: str, port: int, address: str, body: bytes, headers):
    """POST ``body`` to ``url`` at ``address``; what it answered, or why it did not."""
    deadline = _Deadline(settings.WEBHOOK_TIMEOUT_SECONDS)
    kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address=address, deadline=deadline)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    watchdog = threading.Timer(deadline.seconds + WATCHDOG_SLACK, _cut, args=[connection])
    watchdog.daemon = True
    started = time.monotonic()
    watchdog.start()
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        snippet = response.read(SNIPPET).decode("utf-8", "replace")
        status, error = response.status, ""
        if not 200 <= status < 300:
            error = f"The endpoint answered {status} {response.reason}"[:300]
    except (OSError, http.client.HTTPException) as failure:
        status, snippet = None, ""
        if isinstance(failure, TimeoutError) or time.monotonic() >= deadline.at:
            # A read timed out, or the watchdog cut the connection.
            error = f"The endpoint took longer than {deadline.seconds:g} seconds to answer."
        else:
            error = in_words(failure)
    finally:
        watchdog.cancel()
        connection.close()
    ms = round((time.monotonic() - started) * 1000)
    return Answer(status=status, error=error, snippet=" ".join(snippet.split())[:SNIPPET], ms=ms)
