from celery import shared_task

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards.services import snapshot_recompute


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_task(arrangement_id: int, names: list[str] | None = None) -> list[str]:
    """Rebuild an arrangement's snapshots. Safe to retry: each swap replaces the whole row."""
    arrangement = Arrangement.objects.filter(pk=arrangement_id).first()
    if arrangement is None:
        return []  # deleted since it was queued: nothing to show, nothing to do
    return [s.name for s in snapshot_recompute(arrangement=arrangement, names=names)]


@shared_task
def recompute_all_task() -> int:
    """Nightly safety net: queue a recompute of every arrangement."""
    ids = list(Arrangement.objects.values_list("pk", flat=True))
    for arrangement_id in ids:
        recompute_task.delay(arrangement_id)
    return len(ids)
