"""The worker's own limits: a process that grew on a large file is replaced once its task ends,
so the memory it took goes back to the machine (issue 16: a 1.9-million-row workbook left a pool
process at 1.4 GB)."""

from django.conf import settings

from trust_portal.celery import app


def test_each_worker_process_is_replaced_past_600_mb():
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 600 * 1024  # KiB
    assert app.conf.worker_max_memory_per_child == 600 * 1024


def test_each_worker_process_is_replaced_after_100_tasks():
    assert app.conf.worker_max_tasks_per_child == 100
