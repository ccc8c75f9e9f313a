"""A delivery over HTTPS: the connection goes to the address that was checked, while the
certificate is still checked against the endpoint's host name (SNI and verification), so a
certificate for another name, or one nobody vouches for, is a failed try said in words.

The receiver is a local HTTPS server with a certificate made here by Debian's openssl; the
portal's default TLS context is given that certificate as its only authority."""

import shutil
import ssl
import subprocess
import threading
from http.server import ThreadingHTTPServer

import pytest

from trust_portal.webhooks import sending, services
from trust_portal.webhooks.models import Delivery, Event
from trust_portal.webhooks.tests.conftest import make_endpoint, record
from trust_portal.webhooks.tests.test_delivery_http import Receiver

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not shutil.which("openssl"), reason="needs openssl: apt-get install openssl"
    ),
]


def certificate(folder, name: str):
    """A self-signed certificate for ``name`` and its key: (certificate path, key path)."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    asked = f"req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN={name}".split()
    asked += ["-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(["openssl", *asked], check=True, capture_output=True)  # noqa: S603, S607
    return cert, key


@pytest.fixture
def https_receiver(tmp_path, settings, dns, monkeypatch):
    """https_receiver(served_as, trusted): a local HTTPS receiver whose certificate names
    ``served_as``; the portal trusts it only if ``trusted``. Every host name resolves to
    127.0.0.1. Gives the server."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    dns("127.0.0.1")
    servers = []
    default_context = ssl.create_default_context

    def start(served_as="hooks.test", trusted=True):
        cert, key = certificate(tmp_path, served_as)
        Receiver.received, Receiver.pause, Receiver.answer = [], 0.0, (200, {}, b"ok")
        server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        serving = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        serving.load_cert_chain(cert, key)
        server.socket = serving.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        authority = cert if trusted else None
        monkeypatch.setattr(
            sending.ssl, "create_default_context", lambda: default_context(cafile=authority)
        )
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def deliver(people, arrangement, server, host="hooks.test") -> Delivery:
    url = f"https://{host}:{server.server_address[1]}/in"
    make_endpoint(people, arrangement, url=url, events=[Event.RETURN_APPROVED])
    (delivery,) = record(arrangement)
    services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    delivery.refresh_from_db()
    return delivery


def test_a_delivery_over_https_to_the_checked_address_arrives(people, arrangement, https_receiver):
    server = https_receiver()
    delivery = deliver(people, arrangement, server)
    assert (delivery.state, delivery.last_status, delivery.last_error) == ("delivered", 200, "")
    ((path, headers, body),) = Receiver.received
    assert path == "/in" and body == delivery.body.encode()
    assert headers["Host"] == f"hooks.test:{server.server_address[1]}"


def test_a_certificate_for_another_name_is_refused(people, arrangement, https_receiver):
    server = https_receiver(served_as="someone-else.test")
    delivery = deliver(people, arrangement, server)
    assert (delivery.state, delivery.last_status) == ("retrying", None)
    assert delivery.last_error == "The endpoint's certificate could not be trusted."
    assert Receiver.received == []


def test_a_certificate_nobody_vouches_for_is_refused(people, arrangement, https_receiver):
    server = https_receiver(trusted=False)
    delivery = deliver(people, arrangement, server)
    assert delivery.last_error == "The endpoint's certificate could not be trusted."
    assert Receiver.received == []
