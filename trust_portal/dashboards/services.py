"""Recomputing snapshots, and queueing that after the data they show has changed."""

import time

from django.db import transaction
from django.utils import timezone

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.registry import builders


def snapshot_recompute(*, arrangement: Arrangement, names: list[str] | None = None) -> list:
    """Build each named snapshot (all by default) and swap it in whole.

    The builder runs outside the transaction; only the swap is inside one, so a builder that
    fails leaves the previous snapshot exactly as it was.
    """
    registered = builders()
    unknown = set(names or ()) - set(registered)
    if unknown:
        raise ValueError(f"No dashboard builder named {', '.join(sorted(unknown))}.")
    done = []
    for name in names or sorted(registered):
        entry = registered[name]
        started = time.perf_counter()
        data = entry.build(arrangement)
        elapsed = int((time.perf_counter() - started) * 1000)
        with transaction.atomic():
            snapshot, _ = Snapshot.objects.update_or_create(
                arrangement=arrangement,
                name=name,
                defaults={
                    "data": data,
                    "computed_at": timezone.now(),
                    "duration_ms": elapsed,
                    "source": entry.source,
                },
            )
        done.append(snapshot)
    return done


def snapshot_queue_recompute(*, arrangement: Arrangement) -> None:
    """Queue a recompute for when the current transaction commits (never before)."""
    from trust_portal.dashboards.tasks import recompute_task

    transaction.on_commit(lambda: recompute_task.delay(arrangement.pk))
