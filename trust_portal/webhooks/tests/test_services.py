"""Webhooks: where they may go, what they carry, how they are signed, recorded with the
change, tried again, paused, replayed; and who may manage them."""

import json
import logging
import time
import uuid
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from trust_portal.accounts.models import Role, User
from trust_portal.outbox.models import Job
from trust_portal.webhooks import sending, services
from trust_portal.webhooks.models import Delivery, Endpoint, Event
from trust_portal.webhooks.services import DELIVER_TASK
from trust_portal.webhooks.tests.conftest import make_endpoint, record, verify

pytestmark = pytest.mark.django_db

FAILED = sending.Answer(
    status=503, error="The endpoint answered 503 Service Unavailable", snippet="", ms=12
)
OK = sending.Answer(status=204, error="", snippet="", ms=9)


# --- Where a webhook may go ------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "10.1.2.3",  # private
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # link-local: a cloud's metadata service
        "100.64.0.1",  # shared (carrier-grade NAT)
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "::1",
        "fc00::1",  # unique local
        "fe80::1",  # link-local
        "::ffff:10.0.0.1",  # private, written as IPv6
    ],
)
def test_an_address_that_resolves_inside_a_private_network_is_refused(
    people, arrangement, dns, address
):
    dns(address)
    with pytest.raises(ValidationError) as refused:
        make_endpoint(people, arrangement)
    assert refused.value.message_dict == {
        "url": ["The address must be a public HTTPS address, not one inside a private network."]
    }
    assert Endpoint.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/in",
        "ftp://hooks.example.org/",
        "https://user:pw@hooks.example.org/",
    ],
)
def test_only_https_without_credentials_is_accepted(people, arrangement, dns, url):
    with pytest.raises(ValidationError):
        make_endpoint(people, arrangement, url=url)


def test_a_public_https_address_is_accepted(people, arrangement, dns):
    endpoint, secret = make_endpoint(people, arrangement)
    assert (endpoint.url, endpoint.state, endpoint.secret) == (
        "https://hooks.example.org/in",
        Endpoint.State.ACTIVE,
        secret,
    )
    assert secret.startswith("whsec_") and len(secret) > 40


def test_loopback_and_http_are_allowed_only_by_the_setting(people, arrangement, dns, settings):
    dns("127.0.0.1")
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    endpoint, _ = make_endpoint(people, arrangement, url="http://127.0.0.1:8765/in")
    assert endpoint.url == "http://127.0.0.1:8765/in"
    dns("10.0.0.1")  # still not a private network's other addresses
    with pytest.raises(ValidationError):
        make_endpoint(people, arrangement, url="http://internal.example.org/in")


def test_an_address_that_resolves_privately_by_delivery_time_is_not_contacted(endpoint, dns):
    (delivery,) = record(endpoint.arrangement)
    dns("10.0.0.7")  # DNS rebinding: public when registered, private now
    with mock.patch.object(sending, "post") as post:
        state = services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    post.assert_not_called()
    delivery.refresh_from_db()
    assert state == Delivery.State.RETRYING
    assert delivery.last_error == (
        "Not sent. The address must be a public HTTPS address, not one inside a private network."
    )


def test_the_delivery_connects_to_the_address_it_checked(endpoint, dns):
    (delivery,) = record(endpoint.arrangement)
    with mock.patch.object(sending, "post", return_value=OK) as post:
        services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    sent = post.call_args.kwargs
    assert (sent["scheme"], sent["host"], sent["port"], sent["address"]) == (
        "https",
        "hooks.example.org",
        443,
        "93.184.216.34",
    )


# --- What an event carries, recorded with its change -----------------------------------------


def test_an_event_makes_one_delivery_per_subscribed_active_endpoint_and_an_outbox_job_each(
    people, arrangement, endpoint, dns
):
    other, _ = make_endpoint(people, arrangement, events=[Event.BUDGET_APPROVED])
    paused, _ = make_endpoint(people, arrangement)
    services.endpoint_pause(by=people["admin"], endpoint=paused)
    (delivery,) = record(arrangement, api_url="/api/v1/returns/7/")
    assert delivery.endpoint == endpoint
    body = json.loads(delivery.body)
    assert body == {
        "id": str(delivery.event_id),
        "type": "return.approved",
        "occurred_at": body["occurred_at"],
        "arrangement": arrangement.trust.code,
        "api_url": "http://127.0.0.1:8000/api/v1/returns/7/",
    }
    job = Job.objects.get()
    assert (job.task, job.args) == (DELIVER_TASK, [str(delivery.pk), 1])


def test_an_event_of_another_arrangement_makes_no_delivery(people, endpoint, dns):
    from trust_portal.accounts.tests.factories import CommissionedArrangementFactory

    assert record(CommissionedArrangementFactory()) == []
    assert Delivery.objects.count() == 0


def test_a_change_that_rolls_back_leaves_no_delivery_and_no_job(endpoint):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.event_record(
            arrangement=endpoint.arrangement, event=Event.RETURN_APPROVED, api_url="/x/"
        )
        1 / 0  # noqa: B018 - the change fails after recording its event
    assert (Delivery.objects.count(), Job.objects.count()) == (0, 0)


def test_the_job_is_sent_to_the_broker_after_the_commit(
    endpoint, django_capture_on_commit_callbacks
):
    from trust_portal.webhooks.tasks import webhook_deliver_task

    with (
        mock.patch.object(webhook_deliver_task, "apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        (delivery,) = record(endpoint.arrangement)
    queued.assert_called_once_with(args=[str(delivery.pk), 1], kwargs={})
    assert Job.objects.get().state == Job.State.SENT


# --- Signing -----------------------------------------------------------------------------------


def delivered_headers(delivery) -> dict:
    with mock.patch.object(sending, "post", return_value=OK) as post:
        services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    return post.call_args.kwargs["headers"]


def test_a_delivery_is_signed_with_the_endpoints_secret_and_a_timestamp(people, arrangement, dns):
    endpoint, secret = make_endpoint(people, arrangement)
    (delivery,) = record(arrangement)
    headers = delivered_headers(delivery)
    now = int(time.time())
    body = delivery.body.encode()
    signature = headers["Trust-Portal-Signature"]
    assert signature.startswith(f"t={headers['Trust-Portal-Timestamp']},v1=")
    assert signature.count("v1=") == 1
    assert verify(header=signature, body=body, secret=secret, now=now) is True
    assert verify(header=signature, body=body + b" ", secret=secret, now=now) is False
    assert verify(header=signature, body=body, secret="whsec_wrong", now=now) is False
    assert verify(header=signature, body=body, secret=secret, now=now + 301) is False  # replayed
    assert headers["Trust-Portal-Delivery"] == str(delivery.pk)
    assert headers["Trust-Portal-Event-Id"] == str(delivery.event_id)
    assert headers["Trust-Portal-Event"] == "return.approved"


def test_after_a_rotation_both_secrets_sign_until_the_overlap_ends(people, arrangement, dns):
    endpoint, old = make_endpoint(people, arrangement)
    new = services.endpoint_rotate_secret(by=people["admin"], endpoint=endpoint)
    assert new != old and new.startswith("whsec_")
    (delivery,) = record(arrangement)
    signature = delivered_headers(delivery)["Trust-Portal-Signature"]
    body, now = delivery.body.encode(), int(time.time())
    assert signature.count("v1=") == 2
    assert verify(header=signature, body=body, secret=new, now=now) is True
    assert verify(header=signature, body=body, secret=old, now=now) is True
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1), tick=False):
        delivery.state = Delivery.State.PENDING
        delivery.save()
        later = delivered_headers(delivery)["Trust-Portal-Signature"]
        now = int(time.time())
        assert later.count("v1=") == 1
        assert verify(header=later, body=body, secret=new, now=now) is True
        assert verify(header=later, body=body, secret=old, now=now) is False


def test_the_secret_is_kept_out_of_the_history_and_the_logs(people, arrangement, dns, caplog):
    caplog.set_level(logging.DEBUG)
    endpoint, secret = make_endpoint(people, arrangement)
    new = services.endpoint_rotate_secret(by=people["admin"], endpoint=endpoint)
    fields = {f.name for f in Endpoint.history.model._meta.fields}
    assert {"secret", "previous_secret"} & fields == set()
    assert secret not in caplog.text and new not in caplog.text
    assert secret not in str(endpoint) and new not in repr(endpoint)


# --- Trying again, giving up, pausing ---------------------------------------------------------


def test_the_waits_between_tries_double_up_to_the_maximum():
    assert [services.backoff(attempt) for attempt in range(1, 7)] == [30, 60, 120, 240, 480, 480]


def test_a_failed_try_queues_the_next_through_the_outbox_after_the_wait(endpoint):
    (delivery,) = record(endpoint.arrangement)
    Job.objects.all().delete()
    with time_machine.travel(timezone.now(), tick=False):
        with mock.patch.object(sending, "post", return_value=FAILED):
            state = services.delivery_attempt(delivery_id=delivery.pk, attempt=2)
        job = Job.objects.get()
        assert job.not_before == timezone.now() + timedelta(seconds=60)
    assert (state, job.task, job.args) == (
        Delivery.State.RETRYING,
        DELIVER_TASK,
        [str(delivery.pk), 3],
    )
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (
        1,
        503,
        "The endpoint answered 503 Service Unavailable",
    )
    assert [(t["status"], t["ms"]) for t in delivery.tries] == [(503, 12)]


def test_the_last_try_gives_up_without_queueing_another(endpoint, settings):
    (delivery,) = record(endpoint.arrangement)
    Job.objects.all().delete()
    with mock.patch.object(sending, "post", return_value=FAILED):
        state = services.delivery_attempt(
            delivery_id=delivery.pk, attempt=settings.WEBHOOK_MAX_ATTEMPTS
        )
    assert (state, Job.objects.count()) == (Delivery.State.FAILED, 0)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


def test_a_delivered_event_is_not_sent_again_by_a_late_retry(endpoint):
    (delivery,) = record(endpoint.arrangement)
    with mock.patch.object(sending, "post", return_value=OK):
        assert services.delivery_attempt(delivery_id=delivery.pk, attempt=1) == "delivered"
    with mock.patch.object(sending, "post") as post:
        assert services.delivery_attempt(delivery_id=delivery.pk, attempt=2) == "delivered"
    post.assert_not_called()


def fail_finally(endpoint, settings):
    (delivery,) = record(endpoint.arrangement)
    with mock.patch.object(sending, "post", return_value=FAILED):
        services.delivery_attempt(delivery_id=delivery.pk, attempt=settings.WEBHOOK_MAX_ATTEMPTS)
    return delivery


def test_an_endpoint_failing_again_and_again_is_paused_and_administrators_are_emailed(
    people, endpoint, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 2
    with django_capture_on_commit_callbacks(execute=True):
        fail_finally(endpoint, settings)
    endpoint.refresh_from_db()
    assert (endpoint.state, mailoutbox) == (Endpoint.State.ACTIVE, [])
    with django_capture_on_commit_callbacks(execute=True):
        fail_finally(endpoint, settings)
    endpoint.refresh_from_db()
    assert endpoint.state == Endpoint.State.PAUSED
    assert endpoint.paused_reason == "Paused automatically after 2 failed deliveries in a row"
    admins = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk")
    assert [m.to for m in mailoutbox] == [
        [email] for email in admins.values_list("email", flat=True)
    ]
    assert [people["admin"].email] in [m.to for m in mailoutbox]
    assert mailoutbox[0].subject == "A webhook endpoint was paused"
    assert f"/webhooks/{endpoint.pk}/" in mailoutbox[0].body
    # Paused: no new event is recorded for it.
    assert record(endpoint.arrangement) == []


def test_a_delivery_that_succeeds_clears_the_failures_in_a_row(endpoint, settings):
    fail_finally(endpoint, settings)
    (delivery,) = record(endpoint.arrangement)
    with mock.patch.object(sending, "post", return_value=OK):
        services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_a_delivery_to_an_endpoint_paused_meanwhile_fails_without_being_sent(people, endpoint):
    (delivery,) = record(endpoint.arrangement)
    services.endpoint_pause(by=people["admin"], endpoint=endpoint)
    with mock.patch.object(sending, "post") as post:
        state = services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    post.assert_not_called()
    assert state == Delivery.State.FAILED


# --- Replays ----------------------------------------------------------------------------------


def test_a_replay_sends_the_same_delivery_with_the_same_id_and_body(people, endpoint, settings):
    delivery = fail_finally(endpoint, settings)
    first = delivered_headers_after_replay(people, delivery)
    assert first["Trust-Portal-Delivery"] == str(delivery.pk)
    assert first["Trust-Portal-Event-Id"] == str(delivery.event_id)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.replayed_by) == (Delivery.State.DELIVERED, people["admin"])


def delivered_headers_after_replay(people, delivery):
    Job.objects.all().delete()
    services.delivery_replay(by=people["admin"], delivery=delivery)
    job = Job.objects.get()
    assert (job.task, job.args) == (DELIVER_TASK, [str(delivery.pk), 1])
    with mock.patch.object(sending, "post", return_value=OK) as post:
        services.delivery_attempt(delivery_id=job.args[0], attempt=job.args[1])
    assert post.call_args.kwargs["body"] == delivery.body.encode()
    return post.call_args.kwargs["headers"]


def test_every_failed_delivery_since_a_moment_is_sent_again(people, endpoint, settings):
    old = fail_finally(endpoint, settings)
    Delivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    recent = fail_finally(endpoint, settings)
    (delivered,) = record(endpoint.arrangement)
    Job.objects.all().delete()
    since = timezone.now() - timedelta(days=1)
    assert (
        services.deliveries_replay_failed(by=people["admin"], endpoint=endpoint, since=since) == 1
    )
    assert [job.args for job in Job.objects.all()] == [[str(recent.pk), 1]]


def test_a_delivery_being_sent_again_is_not_sent_again_twice(people, endpoint, settings):
    # A double click on "Send again": one round of tries, not two racing each other.
    delivery = fail_finally(endpoint, settings)
    Job.objects.all().delete()
    services.delivery_replay(by=people["admin"], delivery=delivery)
    with pytest.raises(ValidationError, match="being sent already"):
        services.delivery_replay(by=people["admin"], delivery=delivery)
    assert [job.args for job in Job.objects.all()] == [[str(delivery.pk), 1]]


def test_a_paused_endpoints_deliveries_are_not_replayed_until_it_is_resumed(
    people, endpoint, settings
):
    delivery = fail_finally(endpoint, settings)
    services.endpoint_pause(by=people["admin"], endpoint=endpoint)
    with pytest.raises(ValidationError, match="Resume the endpoint"):
        services.delivery_replay(by=people["admin"], delivery=delivery)
    services.endpoint_resume(by=people["admin"], endpoint=endpoint)
    services.delivery_replay(by=people["admin"], delivery=delivery)
    endpoint.refresh_from_db()
    assert (endpoint.state, endpoint.consecutive_failures) == (Endpoint.State.ACTIVE, 0)


# --- Who may manage them ------------------------------------------------------------------


NOT_ADMINS = ["manager", "officer", "scrutiny", "observer", "outsider", "unattached", "leaver"]


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_only_administrators_register_endpoints(people, arrangement, dns, who):
    with pytest.raises(PermissionDenied):
        services.endpoint_create(
            by=people[who],
            arrangement=arrangement,
            url="https://a.example.org/",
            events=["pack.issued"],
        )


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_only_administrators_rotate_pause_replay_or_delete(people, endpoint, settings, who):
    delivery = fail_finally(endpoint, settings)
    by = people[who]
    for act in (
        lambda: services.endpoint_rotate_secret(by=by, endpoint=endpoint),
        lambda: services.endpoint_pause(by=by, endpoint=endpoint),
        lambda: services.delivery_replay(by=by, delivery=delivery),
        lambda: services.endpoint_delete(by=by, endpoint=endpoint),
        lambda: services.endpoint_update(
            by=by, endpoint=endpoint, url=endpoint.url, events=endpoint.events, description=""
        ),
    ):
        with pytest.raises(PermissionDenied):
            act()


def test_an_endpoint_needs_at_least_one_known_event(people, arrangement, dns):
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(
            by=people["admin"], arrangement=arrangement, url="https://a.example.org/", events=[]
        )
    assert refused.value.message_dict == {"events": ["Choose at least one event to send."]}
    with pytest.raises(ValidationError):
        services.endpoint_create(
            by=people["admin"],
            arrangement=arrangement,
            url="https://a.example.org/",
            events=["child.data"],
        )


def test_an_unknown_event_is_a_programming_error(endpoint):
    with pytest.raises(ValueError), transaction.atomic():
        services.event_record(arrangement=endpoint.arrangement, event="return.eaten", api_url="/x/")


def test_a_delivery_id_is_a_uuid_distinct_from_the_events(endpoint, people, arrangement, dns):
    make_endpoint(people, arrangement)
    first, second = record(arrangement)
    assert first.event_id == second.event_id and first.pk != second.pk
    assert isinstance(first.pk, uuid.UUID)
