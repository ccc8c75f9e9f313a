"""Snapshots: the figures behind a dashboard, computed by a Celery job and read by pages."""

from django.db import models
from django.db.models.fields.json import KeyTransform
from django.urls import reverse


class SnapshotQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """For each arrangement and name, the one version in force at ``at`` (now if None): the
        latest computed by then. One query, however many versions lie behind."""
        versions = self.model.objects.filter(
            arrangement=models.OuterRef("arrangement"), name=models.OuterRef("name")
        )
        if at is not None:
            versions = versions.filter(computed_at__lte=at)
        newest = versions.order_by("-computed_at", "-pk").values("pk")[:1]
        return self.filter(pk=models.Subquery(newest))

    def version(self, arrangement, name: str, at=None) -> "Snapshot | None":
        """One dashboard's version in force at ``at`` (now if None), or None before the first."""
        versions = self.filter(arrangement=arrangement, name=name)
        if at is not None:
            versions = versions.filter(computed_at__lte=at)
        return versions.order_by("-computed_at", "-pk").first()

    def part(self, pk: int, *path: str):
        """One part of a snapshot's data (``part(pk, "months", "2024-07")``: that month's), read
        in the database so that a page by month never loads every month's figures; None if it
        has no such part."""
        transform = "data"
        for key in path:
            transform = KeyTransform(key, transform)
        return self.filter(pk=pk).values_list(transform, flat=True).first()

    def latest_for(self, arrangements, *, name: str, at=None) -> dict:
        """{arrangement id: version in force} for one dashboard name, in one query."""
        rows = self.filter(arrangement__in=[a.pk for a in arrangements], name=name).in_force(at)
        return {row.arrangement_id: row for row in rows}


class Snapshot(models.Model):
    """One version of one dashboard's figures for one arrangement. A recompute whose figures
    differ from the version in force adds a version (never edits its figures), so the figures as
    they stood at any past moment can be shown again; one whose figures are the same adds none
    and only records that it confirmed them (``confirmed_at``). A version is in force from its
    ``computed_at``: that, never ``confirmed_at``, picks the version of a past moment."""

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="snapshots"
    )
    name = models.CharField(max_length=50)
    data = models.JSONField()
    computed_at = models.DateTimeField()
    # The last recompute that found these figures unchanged; computed_at until one does.
    confirmed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    # What the figures were computed from, so a page can say so (e.g. "approved returns to Mar").
    source = models.CharField(max_length=200, blank=True)
    # SHA-256 of the figures (``data`` as sorted JSON), so a recompute can tell it found the
    # same figures without reading them back; empty on versions made before it was kept.
    digest = models.CharField(max_length=64, blank=True, default="")

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["arrangement", "name", "-computed_at"], name="snapshot_versions")
        ]

    def __str__(self):
        return f"{self.name} for {self.arrangement_id} at {self.computed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.confirmed_at is None:  # a new version is confirmed when it is computed
            self.confirmed_at = self.computed_at
        super().save(*args, **kwargs)

    def confirmed_by(self, moment=None):
        """When a recompute last found these figures unchanged, if that was after they were
        computed and (for a page as of a past ``moment``) by then; else None. Only the last
        confirmation is kept, so a past moment before it shows none."""
        if self.confirmed_at <= self.computed_at:
            return None
        if moment is not None and self.confirmed_at > moment:
            return None
        return self.confirmed_at


class RecomputeRun(models.Model):
    """One recompute of an arrangement's snapshots: queued, run, and how it ended.

    Changes arriving while a run is still waiting join it rather than queue another (at most
    one waiting run per arrangement), so a burst of approvals costs one run.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Failed, will try again"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        CHANGE = "change", "A change to the figures"
        NIGHTLY = "nightly", "The nightly safety net"
        ADMINISTRATOR = "administrator", "An administrator"

    IN_PROGRESS = (State.QUEUED, State.RUNNING, State.RETRYING)

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="recompute_runs"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    trigger = models.CharField(max_length=15, choices=Trigger.choices, default=Trigger.CHANGE)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How many changes this run answers: the first, plus every one that joined it.
    requests = models.PositiveIntegerField(default=1)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    built = models.JSONField(default=list, blank=True, help_text="Snapshots swapped in.")
    error = models.TextField(blank=True, help_text="Which builder failed, and why.")

    class Meta:
        ordering = ["-queued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement"],
                condition=models.Q(state="queued"),
                name="one_waiting_recompute_per_arrangement",
            )
        ]
        indexes = [models.Index(fields=["arrangement", "-queued_at"])]

    def __str__(self):
        return f"Recompute of {self.arrangement_id} queued {self.queued_at:%Y-%m-%d %H:%M}"

    @property
    def in_progress(self) -> bool:
        return self.state in self.IN_PROGRESS


class IssuedPack(models.Model):
    """A scrutiny committee pack as it was issued: the figures and the PDF, never changed.

    Committee papers are public, so ``data`` holds the sections after small counts were hidden
    (``threshold``), with each snapshot's computed_at and source; ``pdf`` is the document the
    committee saw, made from the same HTML, and ``sha256`` its digest. Nothing edits or deletes
    an issued pack: ``save()`` refuses a row that already exists and ``delete()`` refuses too.
    """

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.PROTECT, related_name="issued_packs"
    )
    month = models.DateField(help_text="The first day of the month the pack reports.")
    title = models.CharField(max_length=200)
    committee = models.CharField(max_length=200, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    threshold = models.PositiveSmallIntegerField(
        help_text="Counts below this print as 'fewer than N'."
    )
    issued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    data = models.JSONField(help_text="The sections exactly as issued, small counts hidden.")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["arrangement", "-issued_at"])]

    def __str__(self):
        return f"{self.title} ({self.arrangement_id}, issued {self.issued_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        from django.core.exceptions import ValidationError  # (kept here: the top is the lead's)

        # An issued pack is a public record of what a committee saw.
        if self.pk is not None and IssuedPack.objects.filter(pk=self.pk).exists():
            raise ValidationError("An issued pack cannot be changed; issue a new one.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("packs:pack-detail", args=[self.arrangement.code, self.pk])

    def delete(self, *args, **kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError("An issued pack cannot be deleted.")


class KeptPart(models.Model):
    """A part of a snapshot (one month's blocks, say) kept from the recompute that built it,
    with a fingerprint of everything it was built from (``inputs``): the next recompute uses it
    again while the fingerprint is the same, and builds it afresh the moment any of those
    inputs (or the code) changes. Never shown: snapshots are (trust_portal/dashboards/parts.py).
    """

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="kept_parts"
    )
    builder = models.CharField(max_length=50)
    key = models.CharField(max_length=100)
    inputs = models.CharField(max_length=64)  # SHA-256, hex
    data = models.JSONField()
    made_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "builder", "key"], name="one_kept_part_per_key"
            )
        ]

    def __str__(self):
        return f"{self.builder} {self.key} for {self.arrangement_id}"
