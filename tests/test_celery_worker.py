"""A Celery round trip through a real worker process and a real Redis broker.

The worker is a separate process, so it must see the test's committed rows: that needs a
server database (PostgreSQL). CI always has both; elsewhere the test is skipped, saying why.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection

from trust_portal.accounts.models import Arrangement
from trust_portal.celery import app
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.tasks import recompute_task

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.integration


def reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), timeout=2).close()
    except OSError:
        return False
    return True


def unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the worker round trip, but {reason}")
    pytest.skip(reason)


def database_url() -> str:
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return f"postgres://{quote(s['USER'])}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


def test_a_real_worker_rebuilds_a_snapshot_queued_through_redis(committed_cast, tmp_path):
    if connection.vendor != "postgresql":
        unavailable("the worker round trip needs DATABASE_URL to point at PostgreSQL")
    if not reachable(REDIS_URL):
        unavailable(f"Redis is not reachable at {REDIS_URL}")
    nct = Arrangement.objects.get(trust__code="NCT")
    Snapshot.objects.filter(arrangement=nct).delete()
    queue = f"test-{uuid.uuid4().hex}"  # its own queue: no other worker takes the task
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "TRUST_PORTAL_VAR_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "trust_portal", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue,
         "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        with app.connection_for_write(REDIS_URL) as broker:
            recompute_task.apply_async(args=[nct.pk], queue=queue, connection=broker)
        deadline = time.monotonic() + 60
        while not Snapshot.objects.filter(arrangement=nct, name="summary").exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                output = worker.stdout.read() if worker.poll() is not None else ""
                pytest.fail(f"The worker did not rebuild the snapshot in time.\n{output}")
            time.sleep(0.2)
        snapshot = Snapshot.objects.get(arrangement=nct, name="summary")
        assert snapshot.data["arrangement"] == "NCT"
        assert snapshot.data["active_users"]["WNC"]["total"] == 2
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
