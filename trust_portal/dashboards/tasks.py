import time
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards.models import RecomputeRun
from trust_portal.dashboards.services import (
    recompute_request,
    run_claim,
    run_finish,
    snapshot_recompute,
)

RETRIES = 5
# The run history kept for administrators; older finished runs go with the nightly job.
KEEP_RUNS_DAYS = 90


def backoff(retries: int) -> int:
    """Seconds before the next try: 30 s, 1, 2, 4 and 8 minutes."""
    return 30 * 2**retries


@shared_task(bind=True, max_retries=RETRIES)
def recompute_task(
    self, arrangement_id: int, run_id: int | None = None, names: list[str] | None = None
) -> list[str]:
    """Rebuild an arrangement's snapshots for a queued run. Safe to retry or deliver twice:
    a run is claimed once, and each swap replaces a whole snapshot."""
    arrangement = Arrangement.objects.filter(pk=arrangement_id).first()
    if arrangement is None:
        return []  # deleted since it was queued (its runs went with it): nothing to do
    if run_id is None:  # called without a run (by hand): record one all the same
        run_id = RecomputeRun.objects.create(
            arrangement=arrangement,
            state=RecomputeRun.State.RETRYING,  # claimable at once, and never "waiting"
            trigger=RecomputeRun.Trigger.ADMINISTRATOR,
            queued_at=timezone.now(),
        ).pk
    if not run_claim(run_id):
        return []  # another delivery of this run has it, or it is over
    started = time.perf_counter()
    try:
        done = snapshot_recompute(arrangement=arrangement, names=names)
    except Exception as failure:
        will_retry = self.request.retries < self.max_retries
        built = list(getattr(failure, "built", []))
        run_finish(
            run_id,
            started=started,
            built=built,
            error=str(failure) or repr(failure),
            will_retry=will_retry,
        )
        if will_retry:
            raise self.retry(exc=failure, countdown=backoff(self.request.retries)) from failure
        raise
    built = [snapshot.name for snapshot in done]
    run_finish(run_id, started=started, built=built)
    return built


@shared_task
def recompute_all_task() -> int:
    """Nightly safety net: queue a recompute of every arrangement, starting now (and forget
    finished runs older than ``KEEP_RUNS_DAYS``)."""
    RecomputeRun.objects.filter(
        state__in=[RecomputeRun.State.SUCCEEDED, RecomputeRun.State.FAILED],
        queued_at__lt=timezone.now() - timedelta(days=KEEP_RUNS_DAYS),
    ).delete()
    ids = list(Arrangement.objects.values_list("pk", flat=True))
    for arrangement_id in ids:
        recompute_request(
            arrangement_id=arrangement_id, trigger=RecomputeRun.Trigger.NIGHTLY, delay=0
        )
    return len(ids)
