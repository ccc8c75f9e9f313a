"""The outbox: every job a change needs from a worker, recorded in the change's own transaction.

A job row commits (or rolls back) with the change that asked for it; sending it to the broker
happens after the commit, and again from the beat job until it is sent, so a broker that is
down never fails a change and never loses its job.
"""

from django.conf import settings
from django.db import models


class JobQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(state__in=Job.UNSENT)

    def due(self, now):
        """Unsent, due now, and not being sent by another process this moment."""
        return (
            self.unsent()
            .filter(not_before__lte=now)
            .filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lt=now))
        )

    def needing_attention(self):
        """What the administrators' page lists: not yet sent, retrying, or failed."""
        return self.exclude(state=Job.State.SENT)


class Job(models.Model):
    """One Celery task to send: its name and arguments (ids and plain values only), when."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to send"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Retrying to send"
        FAILED = "failed", "Failed to send"

    UNSENT = (State.WAITING, State.RETRYING)

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    description = models.CharField(max_length=200, help_text="What the job does, in words.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    not_before = models.DateTimeField(
        db_index=True, help_text="Not to start before: a countdown, or the next try's time."
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Tries to send it.")
    last_error = models.CharField(max_length=300, blank=True)
    # Set while one process sends it, so the beat job and the request's own send never both do.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # An email's arguments (its text, with any sign-in link) are blanked once it is sent.
    erase_when_sent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The administrator who last sent it again after it failed, and when (the audit of that
    # action: a job's other changes are the outbox's own).
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resent_at = models.DateTimeField(null=True, blank=True)
    # Why it was sent again: by an administrator, or by the outbox itself for a job that is
    # safe to send late (a change joined its waiting recompute, or the broker is back).
    resent_because = models.CharField(max_length=200, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "not_before"])]

    def __str__(self):
        return f"{self.description} ({self.get_state_display().lower()})"
