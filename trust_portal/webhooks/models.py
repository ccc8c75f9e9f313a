"""Webhook endpoints other council systems register, and each event delivered to them.

An endpoint belongs to one arrangement and subscribes to some of ``Event``; every event of
that arrangement makes one ``Delivery`` per subscribed active endpoint, in the change's own
transaction, and an outbox job sends it after the commit. The endpoint's secret signs every
delivery: it is stored (it must be, to sign) but shown only once, when made or rotated, and
kept out of the history, the admin and the logs.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from trust_portal.accounts.attribution import kept_history


class Event(models.TextChoices):
    RETURN_APPROVED = "return.approved", "A monthly performance return approved"
    RETURN_CORRECTED = "return.corrected", "A correction of a monthly return approved"
    BUDGET_APPROVED = "budget_month.approved", "A month's budget monitoring approved"
    CASE_DECIDED = "business_case.decided", "A business case decided"
    PACK_ISSUED = "pack.issued", "A scrutiny committee pack issued"
    VARIATION_APPROVED = "variation.approved", "A contract variation approved"


class EndpointQuerySet(models.QuerySet):
    def listening(self, arrangement, event: str):
        """The active endpoints of the arrangement subscribed to the event."""
        found = self.filter(arrangement=arrangement, state=Endpoint.State.ACTIVE)
        return [endpoint for endpoint in found if event in endpoint.events]


class Endpoint(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500, help_text="Where the events are sent (HTTPS).")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The events subscribed to.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    paused_reason = models.CharField(max_length=200, blank=True)
    secret = models.CharField(max_length=100)
    # The secret before the last rotation, still signing (beside the new one) until
    # previous_secret_until, so a receiver can switch over without missing an event.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EndpointQuerySet.as_manager()
    history = kept_history(excluded_fields=["secret", "previous_secret"])

    class Meta:
        ordering = ["arrangement__trust__code", "url", "pk"]

    def __str__(self):
        return self.description or self.url

    def get_absolute_url(self):
        return reverse("webhooks:endpoint-detail", args=[self.pk])

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets that sign a delivery now: the current one, then the previous one
        during the overlap after a rotation."""
        now = now or timezone.now()
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            secrets.append(self.previous_secret)
        return secrets

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [labels.get(event, event) for event in self.events]


class DeliveryQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(state=Delivery.State.FAILED)


class Delivery(models.Model):
    """One event for one endpoint: its body as first made (sent byte for byte the same on
    every retry and replay, under the same id) and what each try answered."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        RETRYING = "retrying", "Retrying"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(help_text="The event's id: the same for every endpoint.")
    event = models.CharField(max_length=40, choices=Event.choices)
    body = models.TextField(help_text="The JSON sent, exactly.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Each try: {"at", "status" (HTTP status or null), "error", "ms"}, the last few kept.
    tries = models.JSONField(default=list, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    response_snippet = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replayed_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self):
        return f"{self.get_event_display()} to {self.endpoint} ({self.get_state_display()})"
