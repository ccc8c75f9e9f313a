"""The worker's own limits: a process that grew on a large file is replaced once its task ends,
so the memory it took goes back to the machine (issue 16: a 1.9-million-row workbook left a pool
process at 1.4 GB); and one task cannot take more than WORKER_HARD_MEMORY_MIB while it runs."""

import os
import resource
import subprocess
import sys
from pathlib import Path

from celery.signals import worker_process_init
from django.conf import settings

from trust_portal import celery as worker_celery
from trust_portal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_each_worker_process_is_replaced_past_600_mb():
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD == 600 * 1024  # KiB
    assert app.conf.worker_max_memory_per_child == 600 * 1024


def test_each_worker_process_is_replaced_after_100_tasks():
    assert app.conf.worker_max_tasks_per_child == 100


# --- The hard cap inside a task (RLIMIT_AS, set as each pool process starts) ---------------------

CAP_PROBE = """
import sys
from trust_portal.celery import memory_hard_cap

def vm_size_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024

memory_hard_cap(CAP)
small = bytearray(8 * 1024 * 1024)  # well within the cap
try:
    large = bytearray(256 * 1024 * 1024)
except MemoryError:
    print("MemoryError")
else:
    print("allocated")
"""


def run_probe(cap: str) -> str:
    """What the probe says with ``memory_hard_cap(<cap>)`` applied in a fresh process."""
    probe = CAP_PROBE.replace("memory_hard_cap(CAP)", f"memory_hard_cap({cap})")
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "trust_portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_process_capped_below_what_it_asks_for_gets_memory_error():
    assert run_probe("vm_size_mib() + 64") == "MemoryError"


def test_the_same_allocation_without_the_cap_succeeds():
    # The probe's 256 MiB is refused because of the cap, not because the machine lacks it.
    assert run_probe("0") == "allocated"


def test_each_worker_process_is_capped_at_8_gib_of_address_space_by_default():
    assert settings.WORKER_HARD_MEMORY_MIB == 8192
    # Well above the size past which a process is replaced between tasks (KiB, resident).
    assert settings.WORKER_HARD_MEMORY_MIB * 1024 >= 4 * settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD


def test_the_cap_is_set_as_each_pool_process_starts(monkeypatch, settings):
    settings.WORKER_HARD_MEMORY_MIB = 1234
    applied = []
    monkeypatch.setattr(worker_celery, "memory_hard_cap", applied.append)

    assert worker_celery._cap_child_memory in worker_process_init._live_receivers(None)
    worker_celery._cap_child_memory(sender=None)

    assert applied == [1234]


def test_a_cap_of_0_changes_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(resource, "setrlimit", lambda *args: calls.append(args))

    worker_celery.memory_hard_cap(0)

    assert calls == []
