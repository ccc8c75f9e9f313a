from django.contrib import admin

from trust_portal.dashboards.models import IssuedPack, RecomputeRun, Snapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: what the portal makes itself is never added or changed by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    """Read-only: snapshots are made by the recompute job, never by hand."""

    list_display = ["arrangement", "name", "computed_at", "duration_ms", "source"]
    list_filter = ["name", "arrangement"]
    readonly_fields = ["arrangement", "name", "data", "computed_at", "duration_ms", "source"]


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyAdmin):
    """The run history; runs are queued from the arrangement's "Recompute runs" page."""

    list_display = [
        "arrangement",
        "queued_at",
        "trigger",
        "requests",
        "state",
        "attempts",
        "duration_ms",
    ]
    list_filter = ["state", "trigger", "arrangement"]
    readonly_fields = [f.name for f in RecomputeRun._meta.fields]


@admin.register(IssuedPack)
class IssuedPackAdmin(ReadOnlyAdmin):
    """Issued packs are kept as issued: listed here, never changed or deleted."""

    list_display = ["arrangement", "month", "title", "issued_by", "issued_at", "threshold"]
    list_filter = ["arrangement"]
    exclude = ["pdf"]
    readonly_fields = [f.name for f in IssuedPack._meta.fields if f.name != "pdf"]

    def has_delete_permission(self, request, obj=None):
        return False
