"""Snapshots: the figures behind a dashboard, computed by a Celery job and read by pages."""

from django.db import models


class SnapshotQuerySet(models.QuerySet):
    def latest_for(self, arrangements, *, name: str) -> dict:
        """{arrangement id: snapshot} for one dashboard name, in one query."""
        rows = self.filter(arrangement__in=[a.pk for a in arrangements], name=name)
        return {row.arrangement_id: row for row in rows}


class Snapshot(models.Model):
    """One dashboard's figures for one arrangement; replaced whole, never edited in place."""

    arrangement = models.ForeignKey(
        "accounts.Arrangement", on_delete=models.CASCADE, related_name="snapshots"
    )
    name = models.CharField(max_length=50)
    data = models.JSONField()
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    # What the figures were computed from, so a page can say so (e.g. "approved returns to Mar").
    source = models.CharField(max_length=200, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "name"], name="one_snapshot_per_name")
        ]

    def __str__(self):
        return f"{self.name} for {self.arrangement_id} at {self.computed_at:%Y-%m-%d %H:%M}"
