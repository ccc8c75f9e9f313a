"""A Celery worker for the fault tests that can be caught in the middle of a task.

``python -m tests.faults.worker_main <celery worker arguments>``. With ``FAULT_HOLD`` set to a
path, the dashboards' builders and the extract check, once started, write ``<path>.entered``
and wait (at most two minutes) for ``<path>`` to exist: the test kills the worker meanwhile,
so it dies mid-recompute or mid-extract on every run. Only the test's worker process is
patched; nothing in the application knows of it."""

import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_portal.settings")
django.setup()


def hold_here() -> None:
    hold = Path(os.environ["FAULT_HOLD"])
    Path(f"{hold}.entered").touch()
    deadline = time.monotonic() + 120
    while not hold.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def held(function):
    def wrapper(*args, **kwargs):
        hold_here()
        return function(*args, **kwargs)

    return wrapper


def hold_every_task() -> None:
    from performance.services import uploads
    from trust_portal.dashboards import tasks

    tasks.snapshot_recompute = held(tasks.snapshot_recompute)
    uploads._read_check_fill = held(uploads._read_check_fill)


if __name__ == "__main__":
    if os.environ.get("FAULT_HOLD"):
        hold_every_task()
    from trust_portal.celery import app

    app.worker_main(["worker", *sys.argv[1:]])
