"""The fault tests' harness: a Redis of the test's own, real Celery workers, waiting with a
deadline, and a race of two people on two database connections.

The fault tests run only on PostgreSQL (a worker is another process and must see the test's
committed rows, and the races need row locks): elsewhere they are skipped, saying why; in CI,
where DATABASE_URL always names PostgreSQL, a missing ``redis-server`` fails them. Each test
that needs a broker starts its own ``redis-server`` on a free port, so stopping it harms no
other test or helper, and kills it at the end, with every worker it started.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def on_postgresql() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if not on_postgresql():
        pytest.skip(
            "fault tests need DATABASE_URL to point at PostgreSQL (workers in other "
            "processes, row locks)"
        )


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.integration)


def wait_for(condition, *, within: float, what: str, poll: float = 0.05, proc=None):
    """Poll ``condition()`` until it is true; fail saying ``what`` did not happen in time (or
    that ``proc``, a process it depends on, died first, with its log)."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"{what}: the process ended first.\n{proc.log()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {within} s.\n{proc.log() if proc else ''}")
        time.sleep(poll)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database, for a worker process."""
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    return f"postgres://{quote(s['USER'])}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"


class Process:
    """A child process whose output goes to a file (a pipe nobody reads would fill and stall
    it), read back when a test fails."""

    def __init__(self, args, *, log: Path, env=None):
        self.log_path = log
        self._out = open(log, "ab")  # noqa: SIM115  (closed in stop)
        self.popen = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT
        )

    def poll(self):
        return self.popen.poll()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def kill9(self) -> None:
        """SIGKILL: no clean-up, no acknowledgement, as when the machine loses the process."""
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()
        self._out.close()


class Redis:
    """A ``redis-server`` of the test's own on a free port, in memory only."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.tmp_path = tmp_path
        self.process = None
        self.hung = False

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        args = [
            *(shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
        ]
        self.process = Process(args, log=self.tmp_path / f"redis-{self.port}.log")
        wait_for(self.answers, within=10, what="Redis to answer", proc=self.process)

    def stop(self) -> None:
        if self.process is not None:
            self.resume()  # a hung Redis would not hear SIGTERM
            self.process.stop()
            self.process = None
        wait_for(lambda: not self.answers(), within=10, what="Redis to stop answering")

    def hang(self) -> None:
        """SIGSTOP: Redis still accepts connections (the kernel does) but answers nothing, as
        a Redis swapping, paused or behind a dead network path does."""
        os.kill(self.process.popen.pid, signal.SIGSTOP)
        self.hung = True
        wait_for(lambda: not self.answers(), within=10, what="Redis to stop answering")

    def resume(self) -> None:
        """SIGCONT: the hung Redis answers again, with everything it held."""
        if self.hung:
            os.kill(self.process.popen.pid, signal.SIGCONT)
            self.hung = False
            wait_for(self.answers, within=10, what="Redis to answer again")


@pytest.fixture
def redis(tmp_path, settings):
    """A running Redis of the test's own; this process's Celery app sends to it."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the fault tests, but redis-server is not installed")
        pytest.skip("redis-server is not installed")
    server = Redis(tmp_path)
    server.start()
    settings.CELERY_BROKER_URL = server.url
    with broker_for_this_process(server.url):
        yield server
    server.stop()


# The settings' BROKER_CONNECT_TIMEOUT and BROKER_SOCKET_TIMEOUT, made short for the tests.
BROKER_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 3}


class broker_for_this_process:
    """Point the Celery app of this (the test) process at ``url``, and back afterwards. The
    app read the broker URL when it was configured; its pool of connections is dropped."""

    def __init__(self, url: str):
        self.url = url

    def __enter__(self):
        from trust_portal.celery import app

        self.before = app.conf.broker_url
        self.options = app.conf.broker_transport_options
        # Celery reads CELERY_BROKER_URL from the environment before its own setting (CI and
        # `make test` set it), so both must name this Redis.
        self.environ = os.environ.get("CELERY_BROKER_URL")
        os.environ["CELERY_BROKER_URL"] = self.url
        app.conf.broker_url = self.url
        # The filesystem transport's folders (the default) mean nothing to Redis; a short
        # connection timeout lets a send to a stopped Redis fail quickly, and the socket
        # timeouts (as the settings give a Redis URL: BROKER_CONNECT_TIMEOUT and
        # BROKER_SOCKET_TIMEOUT, shorter here) one to a hung Redis.
        app.conf.broker_transport_options = dict(BROKER_TIMEOUTS)
        app.conf.broker_connection_timeout = 2
        self._forget_connections(app)
        return self

    @staticmethod
    def _forget_connections(app) -> None:
        # The connection pool and the producer pools made from it (kombu keeps them in its
        # own registry too) were made for the old URL.
        from kombu import pools

        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    def __exit__(self, *exc):
        from trust_portal.celery import app

        if self.environ is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = self.environ
        app.conf.broker_url = self.before
        app.conf.broker_transport_options = self.options
        self._forget_connections(app)


@pytest.fixture
def workers(tmp_path, redis):
    """``workers.start(**env)`` starts a Celery worker (solo pool: the task runs in the process
    a SIGKILL kills) on the test's Redis and database; every one is stopped at the end. With
    ``FAULT_HOLD=<path>`` its tasks wait mid-way for that file (``worker_main``)."""
    started = []

    class Workers:
        def start(self, **extra_env) -> Process:
            env = {
                **os.environ,
                "DATABASE_URL": database_url(),
                "CELERY_BROKER_URL": redis.url,
                "TRUST_PORTAL_VAR_DIR": str(tmp_path / "var"),
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                **extra_env,
            }
            args = [
                *(sys.executable, "-m", "tests.faults.worker_main", "--pool=solo"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                *("--loglevel=INFO", f"--hostname=fault{len(started)}@%h"),
            ]
            worker = Process(args, log=tmp_path / f"worker-{len(started)}.log", env=env)
            started.append(worker)
            wait_for(
                lambda: "ready." in worker.log(),
                within=60,
                what="the worker to be ready",
                proc=worker,
            )
            return worker

    yield Workers()
    for worker in started:
        worker.stop()


# --- Two people at once -----------------------------------------------------------------------


class Race:
    """Run actions at once, each in its own thread with its own database connection (Django's
    are per thread), and make them overlap: each, at its first call of ``point``, waits until
    every other has reached it too, or is waiting on a lock the first holds, or has finished.
    So the second really acts while the first's transaction is open, on every run."""

    def __init__(self):
        self.pids: dict[int, int] = {}
        self.arrived: set[int] = set()
        self.finished: set[int] = set()

    def point(self) -> None:
        me = threading.get_ident()
        if me in self.arrived:
            return
        self.arrived.add(me)
        others = [t for t in self.pids if t != me]
        wait_for(
            lambda: all(
                t in self.arrived or t in self.finished or self._waits_on_a_lock(t) for t in others
            ),
            within=20,
            what="the other person to act",
        )

    def _waits_on_a_lock(self, thread: int) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [self.pids[thread]]
            )
            row = cursor.fetchone()
        return row is not None and row[0] == "Lock"

    def run(self, *actions) -> list:
        """Each action's outcome, in order: what it returned, or the exception it raised."""
        outcomes: list = [None] * len(actions)
        ready = threading.Barrier(len(actions), timeout=20)

        def one(i, action):
            me = threading.get_ident()
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.pids[me] = cursor.fetchone()[0]
                ready.wait()  # every thread's pid is known before any acts
                outcomes[i] = action()
            except Exception as error:  # noqa: BLE001  (the outcome the test asserts on)
                outcomes[i] = error
            finally:
                self.finished.add(me)
                connection.close()

        threads = [threading.Thread(target=one, args=(i, a)) for i, a in enumerate(actions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
            assert not thread.is_alive(), "a racer did not finish within 60 s"
        return outcomes


def database_now():
    """The real time, from the database server: this process's clock is pinned to the tests'
    day (the root conftest), the workers' is not, and leases compare the two."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


@pytest.fixture
def race():
    return Race()
