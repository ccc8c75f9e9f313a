"""The Celery application. Tasks live in each app's ``tasks.py`` and are found automatically."""

import os
import resource

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_portal.settings")

app = Celery("trust_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def memory_hard_cap(mib: int) -> None:
    """Cap this process's address space (RLIMIT_AS) at ``mib`` MiB, 0 for no cap: past it, an
    allocation fails and Python raises MemoryError in the task that asked, which then fails as
    any task does. Only the soft limit is set, never above a hard limit already there."""
    if mib <= 0:
        return
    limit = mib * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@worker_process_init.connect
def _cap_child_memory(**kwargs) -> None:
    """Each prefork pool process, as it starts, is capped at WORKER_HARD_MEMORY_MIB: one task
    cannot take the machine's memory while it runs (``worker_max_memory_per_child`` acts only
    between tasks)."""
    from django.conf import settings

    memory_hard_cap(settings.WORKER_HARD_MEMORY_MIB)
