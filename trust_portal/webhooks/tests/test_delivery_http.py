"""A real delivery over HTTP to a receiver on 127.0.0.1 (allowed by WEBHOOK_ALLOW_LOOPBACK, as
in the tests and the local demo): what arrives, how the answer is recorded, and that a
redirect is not followed."""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from trust_portal.webhooks import services
from trust_portal.webhooks.models import Delivery, Event
from trust_portal.webhooks.tests.conftest import make_endpoint, record, verify

pytestmark = pytest.mark.django_db


class Receiver(BaseHTTPRequestHandler):
    answer = (204, {}, b"")
    pause = 0.0  # seconds between the headers and the body of the answer
    received: list

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        self.received.append((self.path, dict(self.headers), self.rfile.read(length)))
        status, headers, body = self.answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        time.sleep(self.pause)
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    Receiver.received, Receiver.pause = [], 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def endpoint_at(people, arrangement, receiver):
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks/in?from=tp"
    return make_endpoint(people, arrangement, url=url, events=[Event.RETURN_APPROVED])


def test_a_delivery_arrives_signed_and_its_answer_is_recorded(people, arrangement, receiver):
    Receiver.answer = (200, {}, b"thanks " * 100)
    endpoint, secret = endpoint_at(people, arrangement, receiver)
    (delivery,) = record(arrangement)
    state = services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    assert state == Delivery.State.DELIVERED
    ((path, headers, body),) = Receiver.received
    assert path == "/hooks/in?from=tp"
    assert body == delivery.body.encode()
    assert headers["Content-Type"] == "application/json"
    assert headers["Trust-Portal-Delivery"] == str(delivery.pk)
    signature = headers["Trust-Portal-Signature"]
    assert verify(header=signature, body=body, secret=secret, now=int(time.time())) is True
    delivery.refresh_from_db()
    assert (delivery.last_status, delivery.last_error, delivery.attempts) == (200, "", 1)
    assert delivery.response_snippet == ("thanks " * 100)[:200].strip()
    assert delivery.tries[0]["ms"] >= 0


def test_a_redirect_is_a_failure_and_is_not_followed(people, arrangement, receiver):
    Receiver.answer = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    endpoint_at(people, arrangement, receiver)
    (delivery,) = record(arrangement)
    state = services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    assert state == Delivery.State.RETRYING
    assert len(Receiver.received) == 1  # and nothing else was asked for
    delivery.refresh_from_db()
    assert (delivery.last_status, delivery.last_error) == (302, "The endpoint answered 302 Found")


def test_a_receiver_that_is_not_there_is_recorded_as_a_connection_error(
    people, arrangement, receiver
):
    endpoint, _ = endpoint_at(people, arrangement, receiver)
    receiver.shutdown()
    receiver.server_close()
    (delivery,) = record(arrangement)
    assert services.delivery_attempt(delivery_id=delivery.pk, attempt=1) == "retrying"
    delivery.refresh_from_db()
    assert delivery.last_status is None
    assert delivery.last_error == "The receiver refused the connection."


@pytest.fixture
def trickler(settings):
    """A receiver that reads the request, then sends its answer a byte every 0.4 s."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 1000:
                if stop.wait(0.4):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener
    stop.set()
    listener.close()
    thread.join(timeout=5)


def test_a_receiver_trickling_its_answer_is_cut_at_the_total_deadline_and_recorded_failed(
    people, arrangement, trickler, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1.5
    url = f"http://127.0.0.1:{trickler.getsockname()[1]}/in"
    make_endpoint(people, arrangement, url=url, events=[Event.RETURN_APPROVED])
    (delivery,) = record(arrangement)
    started = time.monotonic()
    state = services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    took = time.monotonic() - started
    assert state == Delivery.State.RETRYING
    assert 1.4 < took < 2.5  # each byte came within the old per-read timeout
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status) == (1, None)
    assert delivery.last_error == "The endpoint took longer than 1.5 seconds to answer."


def test_an_answer_longer_than_the_limit_is_a_failure(people, arrangement, receiver):
    Receiver.answer = (200, {"X-Big": "b" * 40000}, b"")
    endpoint_at(people, arrangement, receiver)
    (delivery,) = record(arrangement)
    assert services.delivery_attempt(delivery_id=delivery.pk, attempt=1) == "retrying"
    delivery.refresh_from_db()
    assert delivery.last_error == "The endpoint's answer was too long."


def test_an_answer_whose_body_comes_after_its_headers_is_read(people, arrangement, receiver):
    Receiver.answer, Receiver.pause = (200, {}, b"thanks " * 100), 0.3
    endpoint_at(people, arrangement, receiver)
    (delivery,) = record(arrangement)
    assert services.delivery_attempt(delivery_id=delivery.pk, attempt=1) == "delivered"
    delivery.refresh_from_db()
    assert delivery.response_snippet == ("thanks " * 100)[:200].strip()
