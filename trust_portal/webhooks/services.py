"""Registering webhook endpoints, recording events, delivering and replaying them.

``event_record`` is what the apps' services call, inside the change's transaction: one
``Delivery`` per subscribed active endpoint and one outbox job each, so an event commits (or
rolls back) with its change and none is lost while the broker is down. A failed try queues the
next one through the outbox too, waiting longer each time; after ``WEBHOOK_MAX_ATTEMPTS`` the
delivery has failed, and ``WEBHOOK_PAUSE_AFTER_FAILURES`` failed deliveries in a row pause the
endpoint and tell the administrators.
"""

import json
import logging
import secrets
import time
import uuid
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from trust_portal.accounts.models import Arrangement, Role, User
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.outbox.services import email_add, job_add
from trust_portal.webhooks import addresses, sending, signing
from trust_portal.webhooks.models import Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

DELIVER_TASK = "trust_portal.webhooks.tasks.webhook_deliver_task"
KEEP_TRIES = 10


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _check(endpoint: Endpoint) -> None:
    unknown = set(endpoint.events) - set(Event.values)
    if not endpoint.events or unknown:
        raise ValidationError({"events": "Choose at least one event to send."})
    try:
        addresses.resolve(endpoint.url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from error
    endpoint.full_clean()


@transaction.atomic
def endpoint_create(
    *, by, arrangement: Arrangement, url: str, events: list[str], description: str = ""
) -> tuple[Endpoint, str]:
    """Register an endpoint; the endpoint and its secret (to show once, never again)."""
    require(by, Action.ADMINISTER, Kind.ARRANGEMENT, arrangement)
    secret = _new_secret()
    endpoint = Endpoint(
        arrangement=arrangement,
        url=url.strip(),
        events=sorted(events),
        description=description.strip(),
        secret=secret,
        created_by=by,
    )
    _check(endpoint)
    endpoint._history_user = by
    endpoint.save()
    logger.info("Webhook endpoint %s registered by %s", endpoint.pk, by.username)
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, by, endpoint: Endpoint, url: str, events: list[str], description: str):
    require(by, Action.ADMINISTER, Kind.ARRANGEMENT, endpoint.arrangement)
    endpoint.url, endpoint.events = url.strip(), sorted(events)
    endpoint.description = description.strip()
    _check(endpoint)
    endpoint._history_user = by
    endpoint.save()
    return endpoint


def _set_state(endpoint: Endpoint, state: str, reason: str, by=None) -> None:
    endpoint.state, endpoint.paused_reason = state, reason[:200]
    if state == Endpoint.State.ACTIVE:
        endpoint.consecutive_failures = 0
    endpoint._history_user = by
    endpoint.save(update_fields=["state", "paused_reason", "consecutive_failures"])


@transaction.atomic
def endpoint_pause(*, by, endpoint: Endpoint) -> None:
    require(by, Action.ADMINISTER, Kind.ARRANGEMENT, endpoint.arrangement)
    if endpoint.state == Endpoint.State.PAUSED:
        raise ValidationError("This endpoint is already paused.")
    _set_state(endpoint, Endpoint.State.PAUSED, f"Paused by {by.get_full_name() or by}", by)


@transaction.atomic
def endpoint_resume(*, by, endpoint: Endpoint) -> None:
    require(by, Action.ADMINISTER, Kind.ARRANGEMENT, endpoint.arrangement)
    if endpoint.state == Endpoint.State.ACTIVE:
        raise ValidationError("This endpoint is already active.")
    _set_state(endpoint, Endpoint.State.ACTIVE, "", by)


@transaction.atomic
def endpoint_delete(*, by, endpoint: Endpoint) -> None:
    require(by, Action.ADMINISTER, Kind.ARRANGEMENT, endpoint.arrangement)
    endpoint._history_user = by
    logger.info("Webhook endpoint %s deleted by %s", endpoint.pk, by.username)
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, by, endpoint: Endpoint, overlap: bool = True) -> str:
    """A new secret (returned, to show once); the old one also signs for the overlap, or (if
    it may have leaked: ``overlap=False``) stops signing at once and is forgotten."""
    require(by, Action.ADMINISTER, Kind.ARRANGEMENT, endpoint.arrangement)
    now = timezone.now()
    if overlap:
        endpoint.previous_secret = endpoint.secret
        until = now + timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)
        endpoint.previous_secret_until = until
    else:
        endpoint.previous_secret, endpoint.previous_secret_until = "", None
    endpoint.secret, endpoint.secret_rotated_at = _new_secret(), now
    endpoint._history_user = by
    endpoint.save()
    logger.info("Webhook endpoint %s secret rotated by %s", endpoint.pk, by.username)
    return endpoint.secret


# --- Events --------------------------------------------------------------------------------


def absolute(url: str) -> str:
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def event_record(
    *, arrangement: Arrangement, event: str, api_url: str, occurred_at: datetime | None = None
) -> list[Delivery]:
    """Inside the change's transaction: the event for every active endpoint of the
    arrangement subscribed to it. The body names the object by its API address, never
    anything more about it (so never a child's data)."""
    if event not in Event.values:
        raise ValueError(f"Unknown webhook event {event!r}")
    endpoints = Endpoint.objects.listening(arrangement, event)
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    body = json.dumps(
        {
            "id": str(event_id),
            "type": event,
            "occurred_at": (occurred_at or timezone.now()).isoformat(),
            "arrangement": arrangement.trust.code,
            "api_url": absolute(api_url),
        },
        separators=(",", ":"),
    )
    made = []
    for endpoint in endpoints:
        delivery = Delivery.objects.create(
            endpoint=endpoint, event_id=event_id, event=event, body=body
        )
        _queue(delivery, attempt=1)
        made.append(delivery)
    return made


def _queue(delivery: Delivery, *, attempt: int, countdown: int = 0) -> None:
    job_add(
        task=DELIVER_TASK,
        args=[str(delivery.pk), attempt],
        countdown=countdown,
        description=f"Webhook: {delivery.get_event_display()} (try {attempt})",
    )


def backoff(attempt: int) -> int:
    """Seconds before the try after ``attempt``: 30 s, 1, 2, 4 minutes... at most the max."""
    wait = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempt - 1)
    return min(wait, settings.WEBHOOK_RETRY_MAX_SECONDS)


# --- Delivering ----------------------------------------------------------------------------


def headers(delivery: Delivery, *, timestamp: int, secrets_now: list[str]) -> dict:
    body = delivery.body.encode()
    return {
        "Content-Type": "application/json",
        "User-Agent": "Trust-Portal-Webhooks/1",
        "Trust-Portal-Event": delivery.event,
        "Trust-Portal-Event-Id": str(delivery.event_id),
        "Trust-Portal-Delivery": str(delivery.pk),
        "Trust-Portal-Timestamp": str(timestamp),
        "Trust-Portal-Signature": signing.signature_header(
            secrets=secrets_now, timestamp=timestamp, body=body
        ),
    }


def delivery_attempt(*, delivery_id: str, attempt: int) -> str:
    """One try (the task's body): checks the address again, POSTs, records the answer, and
    queues the next try or gives up. The delivery's state afterwards."""
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.state == Delivery.State.DELIVERED:
        return "gone" if delivery is None else delivery.state
    endpoint = delivery.endpoint
    if endpoint.state == Endpoint.State.PAUSED:
        answer = sending.Answer(None, "Not sent: the endpoint is paused.", "", 0)
        return _record(delivery, answer, attempt=attempt, last=True)
    answer = _send(delivery, endpoint)
    return _record(delivery, answer, attempt=attempt)


def _send(delivery: Delivery, endpoint: Endpoint) -> sending.Answer:
    """Check the address again and POST; whatever goes wrong (even the task's soft time limit)
    is an answer recorded as a failed try, so the retries, the giving up and the pausing
    still apply."""
    try:
        scheme, host, port, address = addresses.resolve(endpoint.url)
        timestamp = int(time.time())
        sent_with = headers(delivery, timestamp=timestamp, secrets_now=_secrets_now(endpoint))
        return sending.post(
            url=endpoint.url,
            scheme=scheme,
            host=host,
            port=port,
            address=address,
            body=delivery.body.encode(),
            headers=sent_with,
        )
    except ValidationError as error:
        return sending.Answer(None, f"Not sent. {error.messages[0]}", "", 0)
    except SoftTimeLimitExceeded:
        logger.warning("Webhook delivery %s stopped at the time limit", delivery.pk)
        return sending.Answer(None, "Stopped: sending took longer than the time allowed.", "", 0)
    except Exception:
        logger.exception("Webhook delivery %s could not be sent", delivery.pk)
        return sending.Answer(
            None, "Not sent: something went wrong in the portal. It has been logged.", "", 0
        )


def _secrets_now(endpoint: Endpoint) -> list[str]:
    """The secrets signing now; a previous secret whose overlap has ended is cleared first."""
    now = timezone.now()
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until and until <= now:
        expired_secrets_clear(endpoint=endpoint)
        endpoint.previous_secret, endpoint.previous_secret_until = "", None
    return endpoint.signing_secrets(now)


def expired_secrets_clear(*, endpoint: Endpoint | None = None) -> int:
    """Forget every previous signing secret whose overlap has ended (the daily beat job, and
    at delivery time); how many were forgotten."""
    expired = Endpoint.objects.exclude(previous_secret="").filter(
        previous_secret_until__lte=timezone.now()
    )
    if endpoint is not None:
        expired = expired.filter(pk=endpoint.pk)
    return expired.update(previous_secret="", previous_secret_until=None)


@transaction.atomic
def _record(delivery: Delivery, answer, *, attempt: int, last: bool = False) -> str:
    now = timezone.now()
    tried = {"at": now.isoformat(), "status": answer.status, "error": answer.error}
    delivery.tries = [*delivery.tries, {**tried, "ms": answer.ms}][-KEEP_TRIES:]
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = answer.status, answer.error
    delivery.response_snippet = answer.snippet
    endpoint = delivery.endpoint
    if answer.ok:
        delivery.state, delivery.delivered_at = Delivery.State.DELIVERED, now
        Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
    elif last or attempt >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = Delivery.State.FAILED
        if endpoint.state == Endpoint.State.ACTIVE:
            _failed_once_more(endpoint)
    else:
        delivery.state = Delivery.State.RETRYING
        _queue(delivery, attempt=attempt + 1, countdown=backoff(attempt))
    delivery.save()
    return delivery.state


def _failed_once_more(endpoint: Endpoint) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    endpoint.refresh_from_db(fields=["consecutive_failures", "state"])
    limit = settings.WEBHOOK_PAUSE_AFTER_FAILURES
    if endpoint.state != Endpoint.State.ACTIVE or endpoint.consecutive_failures < limit:
        return
    reason = f"Paused automatically after {limit} failed deliveries in a row"
    _set_state(endpoint, Endpoint.State.PAUSED, reason)
    logger.warning("Webhook endpoint %s paused after %s failures", endpoint.pk, limit)
    link = absolute(endpoint.get_absolute_url())
    subject = "A webhook endpoint was paused"
    body = (
        f"The webhook endpoint {endpoint.url} for {endpoint.arrangement} failed {limit} "
        "deliveries in a row, so no more events are being sent to it.\n\n"
        "Once it works again, resume it and send the failed deliveries again from its page:\n"
        f"{link}\n"
    )
    admins = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(email="")
    for email in admins.order_by("pk").values_list("email", flat=True):
        email_add(subject=subject, body=body, to=email, description=f"Email: {subject}")


# --- Replays -------------------------------------------------------------------------------


@transaction.atomic
def delivery_replay(*, by, delivery: Delivery) -> None:
    """Send a delivery again, with the same id, body and event id (the receiver sees it is the
    same event); a new round of tries."""
    # Locked, so two "Send again"s at once (a double click, two administrators) start one
    # round of tries, not two racing each other.
    delivery = (
        Delivery.objects.select_related("endpoint__arrangement")
        .select_for_update(of=("self",))
        .get(pk=delivery.pk)
    )
    require(by, Action.ADMINISTER, Kind.ARRANGEMENT, delivery.endpoint.arrangement)
    if delivery.endpoint.state != Endpoint.State.ACTIVE:
        raise ValidationError("Resume the endpoint before sending its deliveries again.")
    if delivery.state not in (Delivery.State.FAILED, Delivery.State.DELIVERED):
        raise ValidationError("This delivery is being sent already: wait for its answer.")
    delivery.state = Delivery.State.PENDING
    delivery.replayed_by, delivery.replayed_at = by, timezone.now()
    delivery.save(update_fields=["state", "replayed_by", "replayed_at"])
    _queue(delivery, attempt=1)


@transaction.atomic
def deliveries_replay_failed(*, by, endpoint: Endpoint, since: datetime) -> int:
    """Send again every delivery to the endpoint that failed and was made since ``since``."""
    require(by, Action.ADMINISTER, Kind.ARRANGEMENT, endpoint.arrangement)
    failed = endpoint.deliveries.failed().filter(created_at__gte=since).order_by("created_at")
    count = 0
    for delivery in failed.select_related("endpoint__arrangement"):
        delivery_replay(by=by, delivery=delivery)
        count += 1
    return count


def deliveries_forget_old() -> int:
    """The daily purge: forget deliveries delivered, or failed (and not replayed since), more
    than ``WEBHOOK_KEEP_DELIVERIES_DAYS`` ago; those still waiting or retrying are kept. How many
    were forgotten."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_KEEP_DELIVERIES_DAYS)
    delivered = Q(state=Delivery.State.DELIVERED, delivered_at__lt=cutoff)
    failed = Q(state=Delivery.State.FAILED, created_at__lt=cutoff) & (
        Q(replayed_at__isnull=True) | Q(replayed_at__lt=cutoff)
    )
    deleted, _ = Delivery.objects.filter(delivered | failed).delete()
    return deleted
