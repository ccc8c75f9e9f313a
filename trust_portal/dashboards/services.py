"""Recomputing snapshots, and queueing that after the data they show has changed.

A change to anything a dashboard shows calls ``snapshot_queue_recompute`` inside its
transaction: a ``RecomputeRun`` for the arrangement and the outbox job that starts it
(``DASHBOARD_RECOMPUTE_DELAY`` seconds later) commit with the change, or not at all. Changes
that arrive while it waits join it instead of queueing another, so ten approvals in a minute
cost one run. A change
arriving once the run has started queues a fresh run, so nothing committed is ever left out.
"""

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards.models import RecomputeRun, Snapshot
from trust_portal.dashboards.registry import builders
from trust_portal.dashboards.shared import shared_reads
from trust_portal.outbox.models import Job
from trust_portal.outbox.services import job_add, jobs_rearm

RECOMPUTE_TASK = "trust_portal.dashboards.tasks.recompute_task"


class BuildFailed(Exception):
    """One or more builders failed; the others' snapshots were swapped in."""

    def __init__(self, built: list[str], errors: dict[str, str]):
        self.built = built
        self.errors = errors
        super().__init__("; ".join(f"{name}: {error}" for name, error in errors.items()))


def snapshot_recompute(*, arrangement: Arrangement, names: list[str] | None = None) -> list:
    """Build each named snapshot (all by default) and add it as the version in force.

    Each builder runs outside any transaction; only its swap is inside one, so a builder that
    fails leaves its previous snapshot exactly as it was. The other builders still run, and
    ``BuildFailed`` then names the ones that failed.
    """
    registered = builders()
    unknown = set(names or ()) - set(registered)
    if unknown:
        raise ValueError(f"No dashboard builder named {', '.join(sorted(unknown))}.")
    done, errors = [], {}
    with shared_reads():  # the builders' common reads, made once for them all
        for name in names or sorted(registered):
            _build_one(arrangement, registered[name], done, errors)
    if errors:
        raise BuildFailed([s.name for s in done], errors)
    return done


def _build_one(arrangement: Arrangement, entry, done: list, errors: dict) -> None:
    """Build one snapshot and swap it in (``done``), or note why it failed (``errors``)."""
    started = time.perf_counter()
    try:
        data = entry.build(arrangement)
    except SoftTimeLimitExceeded:
        raise  # out of time: stop here rather than start the next builder
    except Exception as error:  # noqa: BLE001 - recorded on the run, raised below
        errors[entry.name] = f"{type(error).__name__}: {error}"
        return
    elapsed = int((time.perf_counter() - started) * 1000)
    done.append(_version_add(arrangement, entry, data, elapsed))


def digest_of(data) -> str:
    """SHA-256 of a snapshot's figures as sorted JSON (``Snapshot.digest``)."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _same(digest: str, snapshot) -> bool:
    if snapshot.digest:
        return snapshot.digest == digest
    return digest_of(snapshot.data) == digest  # a version made before digests were kept


def _version_add(arrangement: Arrangement, entry, data: dict, elapsed: int) -> Snapshot:
    """Add a version of the dashboard's figures, unless they are the version in force's own:
    then that version stands (the figures in force since it was computed are unchanged) and is
    marked confirmed now, so a page can say the figures were checked a minute ago. The version
    in force's figures are not read back: their digest says whether they are the same."""
    digest = digest_of(data)
    with transaction.atomic():
        now = timezone.now()
        versions = Snapshot.objects.filter(arrangement=arrangement, name=entry.name)
        current = versions.order_by("-computed_at", "-pk").defer("data").first()
        if current is not None and current.source == entry.source and _same(digest, current):
            current.confirmed_at = now
            current.digest = digest  # kept from now on, if it was made before digests were
            current.save(update_fields=["confirmed_at", "digest"])
            return current
        return Snapshot.objects.create(
            arrangement=arrangement,
            name=entry.name,
            data=data,
            digest=digest,
            computed_at=now,
            confirmed_at=now,
            duration_ms=elapsed,
            source=entry.source,
        )


def snapshot_queue_recompute(*, arrangement: Arrangement) -> None:
    """Queue a recompute in the current transaction: the run (or the waiting run it joins)
    and the job that starts it commit with the change, and the job is sent after the commit."""
    recompute_request(arrangement_id=arrangement.pk)


def _start(run: RecomputeRun, countdown: int) -> None:
    trust = Arrangement.objects.select_related("trust").get(pk=run.arrangement_id).trust
    job_add(
        task=RECOMPUTE_TASK,
        args=[run.arrangement_id],
        kwargs={"run_id": run.pk},
        countdown=countdown,
        description=f"Recompute the dashboards of {trust.name} ({trust.code})",
    )


def _rearm_if_failed(run: RecomputeRun) -> None:
    # The waiting run's job was given up on (the broker refused it all day): this change needs
    # the run after all, so its job is sent again rather than waiting for the nightly run.
    jobs_rearm(
        Job.objects.filter(task=RECOMPUTE_TASK, kwargs__run_id=run.pk),
        because="A change joined the waiting recompute it starts.",
    )


@transaction.atomic
def recompute_request(
    *,
    arrangement_id: int,
    trigger: str = RecomputeRun.Trigger.CHANGE,
    by=None,
    delay: int | None = None,
) -> RecomputeRun:
    """Join the arrangement's waiting run (sending its job again if the outbox gave up on it),
    or queue a new one to start after ``delay`` seconds (its job in the outbox, in the
    caller's transaction)."""
    countdown = settings.DASHBOARD_RECOMPUTE_DELAY if delay is None else delay
    waiting = RecomputeRun.objects.filter(
        arrangement_id=arrangement_id, state=RecomputeRun.State.QUEUED
    )
    # Join or create, until one holds: a waiting run created by another transaction may be
    # claimed by a worker between our clash with it and our joining it.
    while True:
        if waiting.update(requests=F("requests") + 1):
            run = waiting.first()
            if run is not None and countdown == 0:
                # Wanted now (an administrator, the nightly run, the demo): start the waiting
                # run at once; its own later message will find it claimed and do nothing.
                _start(run, 0)
            elif run is not None:
                _rearm_if_failed(run)
            if run is not None:
                return run
            continue  # claimed between the update and the read: it has not seen this change
        try:
            # A savepoint: inside the caller's transaction, a clash on the one-waiting-run
            # rule must undo only this insert, not the change it answers.
            with transaction.atomic():
                run = RecomputeRun.objects.create(
                    arrangement_id=arrangement_id,
                    trigger=trigger,
                    requested_by=by,
                    queued_at=timezone.now(),
                )
        except IntegrityError:
            continue  # another transaction queued one meanwhile (and committed): join it
        _start(run, countdown)
        return run


def run_claim(run_id: int) -> bool:
    """Mark a waiting (or retrying, or reclaimed) run as running, in one conditional UPDATE;
    False if it already ran or is running."""
    claimed = RecomputeRun.objects.filter(
        pk=run_id, state__in=[RecomputeRun.State.QUEUED, RecomputeRun.State.RETRYING]
    ).update(
        state=RecomputeRun.State.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    return bool(claimed)


# A run whose worker dies this many times (out of memory, killed at the time limit) is failed
# rather than given back again, so it cannot take a worker down every few minutes for ever.
RECLAIM_ATTEMPTS = 3


def runs_reclaim(*, cutoff: datetime) -> int:
    """Give back runs still running since before ``cutoff`` (the lease: longer than the task's
    hard time limit, so their worker died): claimable again, each with a new job. A redelivered
    message for the run may claim it too; whichever comes first runs it, the other does nothing.
    So too a run waiting to be retried for longer than its longest wait plus the lease: its
    retry message was lost (the broker was down when the task asked for it)."""
    reclaimed = 0
    stuck = RecomputeRun.objects.filter(state=RecomputeRun.State.RUNNING, started_at__lt=cutoff)
    for run in stuck.only("pk", "arrangement_id"):
        with transaction.atomic():
            # Conditional, so a run that finished meanwhile is left alone.
            if stuck.filter(pk=run.pk, attempts__gte=RECLAIM_ATTEMPTS).update(
                state=RecomputeRun.State.FAILED,
                finished_at=timezone.now(),
                error=f"Its worker stopped before it finished, {RECLAIM_ATTEMPTS} times.",
            ):
                continue  # it kills its worker (memory, time): the nightly run tries again
            if stuck.filter(pk=run.pk).update(
                state=RecomputeRun.State.RETRYING,
                finished_at=timezone.now(),
                error="Its worker stopped before it finished; started again.",
            ):
                _start(run, 0)
                reclaimed += 1
    return reclaimed + _retries_reclaim(cutoff=cutoff)


def _retries_reclaim(*, cutoff: datetime) -> int:
    from trust_portal.dashboards.tasks import RETRIES, backoff

    lost = RecomputeRun.objects.filter(
        state=RecomputeRun.State.RETRYING,
        finished_at__lt=cutoff - timedelta(seconds=backoff(RETRIES - 1)),
    )
    reclaimed = 0
    for run in lost.only("pk", "arrangement_id"):
        with transaction.atomic():
            # Its wait starts again now, so the next beat does not send it twice.
            if lost.filter(pk=run.pk).update(finished_at=timezone.now()):
                _start(run, 0)
                reclaimed += 1
    return reclaimed


def run_finish(
    run_id: int, *, started: float, built: list[str], error: str = "", will_retry: bool = False
) -> None:
    if not error:
        state = RecomputeRun.State.SUCCEEDED
    else:
        state = RecomputeRun.State.RETRYING if will_retry else RecomputeRun.State.FAILED
    RecomputeRun.objects.filter(pk=run_id).update(
        state=state,
        finished_at=timezone.now(),
        duration_ms=int((time.perf_counter() - started) * 1000),
        built=built,
        error=error,
    )


@dataclass(frozen=True)
class Status:
    """What a dashboard page says about its figures: how old, and whether new ones are coming."""

    computed_at: datetime | None
    source: str
    updating: bool
    failed_at: datetime | None
    error: str

    @property
    def failed(self) -> bool:
        return self.failed_at is not None


def snapshot_status(arrangement: Arrangement, snapshot: Snapshot | None) -> Status:
    """Two queries at most, however long the history: the latest run is all that matters."""
    latest = RecomputeRun.objects.filter(arrangement=arrangement).order_by("-queued_at", "-pk")
    run = latest.only("state", "finished_at", "error", "built").first()
    updating = bool(run and run.in_progress)
    failed_at = None
    if run and run.state == RecomputeRun.State.FAILED and snapshot is not None:
        # Failed since these figures were made (or this snapshot's builder failed in that run).
        if run.finished_at and run.finished_at >= snapshot.computed_at:
            failed_at = run.finished_at
    elif run and run.state == RecomputeRun.State.FAILED:
        failed_at = run.finished_at
    return Status(
        computed_at=snapshot.computed_at if snapshot else None,
        source=snapshot.source if snapshot else "",
        updating=updating,
        failed_at=failed_at,
        error=run.error if failed_at and run else "",
    )
