"""What goes wrong while sending is a failed try (retried, given up, paused as any other), the
old signing secret is forgotten once its overlap ends, and it can be stopped at once."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from trust_portal.outbox.models import Job
from trust_portal.webhooks import addresses, sending, services
from trust_portal.webhooks.models import Delivery, Endpoint
from trust_portal.webhooks.services import DELIVER_TASK
from trust_portal.webhooks.tasks import webhook_secrets_purge_task
from trust_portal.webhooks.tests.conftest import make_endpoint, record

pytestmark = pytest.mark.django_db


def test_an_exception_while_posting_is_a_failed_try_and_is_tried_again(endpoint):
    (delivery,) = record(endpoint.arrangement)
    Job.objects.all().delete()
    with mock.patch.object(sending, "post", side_effect=UnicodeEncodeError("ascii", "é", 0, 1, "")):
        state = services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    assert state == Delivery.State.RETRYING
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (
        1,
        None,
        "Not sent: something went wrong in the portal. It has been logged.",
    )
    job = Job.objects.get()
    assert (job.task, job.args) == (DELIVER_TASK, [str(delivery.pk), 2])


def test_an_exception_on_the_last_try_fails_the_delivery(endpoint, settings):
    (delivery,) = record(endpoint.arrangement)
    with mock.patch.object(addresses, "resolve", side_effect=RuntimeError("boom")):
        state = services.delivery_attempt(
            delivery_id=delivery.pk, attempt=settings.WEBHOOK_MAX_ATTEMPTS
        )
    assert state == Delivery.State.FAILED
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1


def test_the_tasks_soft_time_limit_is_recorded_as_a_failed_try(endpoint):
    (delivery,) = record(endpoint.arrangement)
    with mock.patch.object(sending, "post", side_effect=SoftTimeLimitExceeded()):
        state = services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    assert state == Delivery.State.RETRYING
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (
        1,
        "Stopped: sending took longer than the time allowed.",
    )


def test_an_address_with_an_accented_letter_is_refused_at_registration(people, arrangement, dns):
    with pytest.raises(ValidationError) as refused:
        make_endpoint(people, arrangement, url="https://example.com/café")
    assert refused.value.message_dict == {"url": [addresses.NOT_ASCII]}
    assert Endpoint.objects.count() == 0


def _rotated(people, arrangement, *, overlap=True):
    endpoint, old = make_endpoint(people, arrangement)
    services.endpoint_rotate_secret(by=people["admin"], endpoint=endpoint, overlap=overlap)
    endpoint.refresh_from_db()
    return endpoint, old


def test_the_old_secret_is_forgotten_at_the_first_delivery_after_the_overlap(
    people, arrangement, dns
):
    endpoint, old = _rotated(people, arrangement)
    assert endpoint.previous_secret == old
    (delivery,) = record(arrangement)
    later = timezone.now() + timedelta(hours=24, seconds=1)
    answer = sending.Answer(204, "", "", 3)
    with time_machine.travel(later, tick=False), mock.patch.object(sending, "post") as post:
        post.return_value = answer
        services.delivery_attempt(delivery_id=delivery.pk, attempt=1)
    assert post.call_args.kwargs["headers"]["Trust-Portal-Signature"].count("v1=") == 1
    endpoint.refresh_from_db()
    assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)


def test_the_daily_purge_forgets_only_the_old_secrets_whose_overlap_has_ended(
    people, arrangement, dns
):
    ended, _ = _rotated(people, arrangement)
    with time_machine.travel(timezone.now() + timedelta(hours=23), tick=False):
        current, current_old = _rotated(people, arrangement)
    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1), tick=False):
        assert webhook_secrets_purge_task() == 1
    ended.refresh_from_db()
    current.refresh_from_db()
    assert (ended.previous_secret, ended.previous_secret_until) == ("", None)
    assert current.previous_secret == current_old


def test_rotating_without_overlap_stops_the_old_secret_at_once(people, arrangement, dns):
    endpoint, old = _rotated(people, arrangement, overlap=False)
    assert endpoint.secret != old
    assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)
    assert endpoint.signing_secrets() == [endpoint.secret]


def test_the_rotate_page_offers_rotating_without_overlap(people, endpoint, client_for):
    client = client_for(people["admin"])
    url = reverse("webhooks:endpoint-rotate", args=[endpoint.pk])
    page = client.get(url).content.decode()
    assert "Rotate without overlap" in page
    old = endpoint.secret
    response = client.post(url, {"old_secret": "stop"})
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()
    assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)
