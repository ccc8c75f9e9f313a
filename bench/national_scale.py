"""Time a full recompute of every arrangement's dashboards at national scale, with Celery worker
processes on Redis and PostgreSQL, and one arrangement's recompute after one approval; print
two tables (issue 18, items 2 and 5).

For each scale in ``--scales`` (1 and 2 by default; 4 when asked; a fraction to try it out):

1. a fresh database ``<--database-prefix>_<scale>`` on 127.0.0.1:5432 (user postgres), migrated,
   and ``manage.py generate_national --scale S --seed 18`` run into it (timed);
2. ``--workers`` Celery worker processes (``celery -A trust_portal worker --concurrency 1`` each,
   on the project's one queue) against a Redis database of the benchmark's own (``--redis-url``,
   flushed first), started and answering before any timing begins;
3. **cold**: every arrangement's recompute queued as the nightly beat job does (the body of
   ``recompute_all_task``, run here: one run per arrangement, each job handed to the broker by
   the outbox as its transaction commits, as in production; no beat is needed), then the
   database polled until every run has finished; **nightly**: the same again at once, nothing
   changed (what the nightly job does);
4. **after one approval**: GT001's latest performance return corrected through the services the
   pages call (``return_correct``, one count changed by one, ``return_save``, ``return_submit``
   and ``return_approve`` by every council's officer); the approval queues the recompute as it
   always does, here with ``DASHBOARD_RECOMPUTE_DELAY=0`` (no minute's wait), and a worker runs it;
5. at scales up to ``--compare-up-to`` (1): the snapshots and kept parts deleted and the cold
   recompute timed
   again with one worker (item 5: two workers against one, target 1.6 times faster at scale 1).
   One worker goes second, so a warmer database can only flatter it.

Each round's wall time runs from its first run queued to its last finished. Every round checks
that each run succeeded, ran once (``attempts`` 1) and that each arrangement got exactly one run;
a failure is printed and the script exits 1. Workers are stopped and the databases dropped at
the end (also after Ctrl-C or an error) unless ``--keep``. ``--reuse-database NAME`` skips the
generation and works in an existing database (never dropped, but written to: its snapshots
and kept parts deleted first and runs left unfinished marked failed, then runs and the
correction). ``--years`` passes fewer years to the generator, for a quick try-out. It ends
with the line
``national recompute: <s> s at 1x, <ratio> growth from 1x to 2x (target 60 s, 2.2)``
(the nightly recompute with ``--workers`` workers; n/a where a scale was not run).

    .venv/bin/python bench/national_scale.py [--scales 1 2] [--workers 2] [--keep]
    .venv/bin/python bench/national_scale.py --scales 0.04 0.08     # a try-out: about 9 minutes
    .venv/bin/python bench/national_scale.py --scales 0.04 --years 1  # a quicker one
    .venv/bin/python bench/national_scale.py --scales 1 --reuse-database tp_mine
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The approval's recompute is queued at once rather than after the usual minute's wait.
os.environ["DASHBOARD_RECOMPUTE_DELAY"] = "0"
os.environ["EMAIL_URL"] = "memorymail://"  # the approval's emails go nowhere
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_portal.settings")
SERVER = "postgres://postgres@127.0.0.1:5432"
SEED = 18

DONE = ("succeeded", "failed")  # RecomputeRun states of a finished run


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--compare-up-to",
        type=float,
        default=1.0,
        metavar="SCALE",
        help="time the cold recompute with one worker too at scales up to this",
    )
    parser.add_argument(
        "--years",
        type=int,
        help="years of returns generated (the generator's ten by default; fewer to try it out)",
    )
    parser.add_argument("--database-prefix", default="tp_national")
    parser.add_argument(
        "--reuse-database",
        metavar="NAME",
        help="an existing generated database: no generation (give its one scale)",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--keep", action="store_true", help="keep the databases made")
    parser.add_argument(
        "--timeout",
        type=float,
        default=3 * 3600,
        help="seconds one round may take before it counts as failed",
    )
    args = parser.parse_args()
    if args.reuse_database and len(args.scales) != 1:
        parser.error("--reuse-database takes the one scale it was generated at (--scales S)")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


ARGS = parse()
# The workers and this process share the settings' var folder (cache, secret key): one of ours.
VAR_DIR = tempfile.mkdtemp(prefix="tp-national-")
os.environ["TRUST_PORTAL_VAR_DIR"] = VAR_DIR
os.environ["CELERY_BROKER_URL"] = ARGS.redis_url
os.environ["DATABASE_URL"] = database_url("postgres")  # switched to each scale's database

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import redis  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from psycopg import sql  # noqa: E402

from performance.models import ALL_AREAS, MonthlyReturn  # noqa: E402
from performance.services import returns  # noqa: E402
from trust_portal.accounts.models import Arrangement, Commission, User  # noqa: E402
from trust_portal.approvals.models import State  # noqa: E402
from trust_portal.celery import app  # noqa: E402
from trust_portal.dashboards.models import KeptPart, RecomputeRun, Snapshot  # noqa: E402
from trust_portal.dashboards.tasks import recompute_all_task  # noqa: E402
from trust_portal.outbox.models import Job  # noqa: E402
from trust_portal.outbox.services import jobs_send_due  # noqa: E402

RECOMPUTE_TASK = "trust_portal.dashboards.tasks.recompute_task"
CELERY = ROOT / ".venv" / "bin" / "celery"


class BenchError(Exception):
    """Something the benchmark could not do (the line printed says what)."""


# --- Databases and commands ------------------------------------------------------------------


def database_name(scale: float) -> str:
    return f"{ARGS.database_prefix}_{scale:g}".replace(".", "_")


def server(statement, *params) -> list:
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        cursor = admin.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


def use_database(name: str) -> None:
    """Point this process's connection at ``name`` (each scale has its own database)."""
    connection.close()
    connection.settings_dict["NAME"] = name


def tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def manage(database: str, *command: str, log: Path) -> float:
    """Run ``manage.py command`` on ``database`` in a process of its own; its wall time."""
    env = {**os.environ, "DATABASE_URL": database_url(database)}
    began = time.perf_counter()
    with log.open("a") as out:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    if done.returncode:
        raise BenchError(f"manage.py {' '.join(command)} failed, see {log}:\n{tail(log)}")
    return time.perf_counter() - began


def prepare(scale: float, made: list[str], logs: Path) -> tuple[str, float | None]:
    """The scale's database, migrated and generated; the generation's wall time (None when
    reusing a database)."""
    if ARGS.reuse_database:
        return ARGS.reuse_database, None
    name = database_name(scale)
    if server("SELECT 1 FROM pg_database WHERE datname = %s", name):
        raise BenchError(
            f"Database {name} already exists (a kept run?): drop it, or pass "
            f"--reuse-database {name} --scales {scale:g}."
        )
    server(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    made.append(name)
    log = logs / f"{name}.log"
    progress(f"scale {scale:g}: database {name}, migrating")
    manage(name, "migrate", "--noinput", log=log)
    progress(f"scale {scale:g}: generating")
    years = ["--years", str(ARGS.years)] if ARGS.years else []
    command = ["generate_national", "--scale", f"{scale:g}", "--seed", str(SEED), *years]
    seconds = manage(name, *command, log=log)
    progress(f"scale {scale:g}: generated in {seconds:.1f} s")
    return name, seconds


def drop(names: list[str]) -> None:
    connection.close()
    for name in names:
        identifier = sql.Identifier(name)
        server(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))


def progress(line: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {line}", flush=True)


# --- Celery workers --------------------------------------------------------------------------


class Workers:
    """``count`` Celery worker processes (one pool process each) on ``database``, started on a
    flushed Redis database and answering a ping before it returns; each in a process group of
    its own, so stopping it stops its pool process too, whatever happened."""

    def __init__(self, count: int, database: str, logs: Path):
        self.count, self.database, self.logs = count, database, logs
        self.processes: list[subprocess.Popen] = []
        self.names = [f"bench{number}-{os.getpid()}" for number in range(1, count + 1)]

    def __enter__(self) -> "Workers":
        redis.Redis.from_url(ARGS.redis_url).flushdb()
        env = {**os.environ, "DATABASE_URL": database_url(self.database)}
        queue = app.conf.task_default_queue  # the project routes nothing elsewhere
        try:
            for name in self.names:
                command = [
                    *(str(CELERY), "-A", "trust_portal", "worker", "--concurrency", "1"),
                    *("-Q", queue, "-n", f"{name}@%h", "--loglevel", "WARNING"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ]
                with (self.logs / f"{name}.log").open("a") as log:
                    self.processes.append(
                        subprocess.Popen(  # noqa: S603 - the venv's celery, fixed arguments
                            command,
                            cwd=ROOT,
                            env=env,
                            stdout=log,
                            stderr=log,
                            start_new_session=True,
                        )
                    )
            self._wait_until_answering()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_answering(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while True:
            replies = app.control.ping(timeout=1.0)
            answered = {name.split("@")[0] for reply in replies for name in reply}
            if answered >= set(self.names):
                return
            self.check_alive()
            if time.monotonic() > deadline:
                raise BenchError(f"The workers did not answer within {seconds:.0f} s.")

    def check_alive(self) -> None:
        for name, process in zip(self.names, self.processes, strict=True):
            if process.poll() is not None:
                log = self.logs / f"{name}.log"
                raise BenchError(f"Worker {name} stopped ({process.returncode}):\n{tail(log)}")

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                self._signal(process, signal.SIGTERM)  # a warm shutdown: no task runs now
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._signal(process, signal.SIGKILL)
                process.wait()
            self._signal(process, signal.SIGKILL)  # a pool process its parent left behind
        self.processes = []

    @staticmethod
    def _signal(process: subprocess.Popen, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, number)  # its own group: the worker and its pool process


# --- Rounds of recompute ---------------------------------------------------------------------


@dataclass
class Round:
    """One round of recompute runs: from the first queued to the last finished."""

    name: str
    workers: int
    runs: int = 0
    wall: float | None = None  # seconds
    busy: float = 0.0  # the runs' durations added up
    slowest: float = 0.0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


RUN_FIELDS = ("arrangement_id", "arrangement__trust__code", "state", "attempts", "error")
RUN_FIELDS += ("queued_at", "finished_at", "duration_ms")


def recompute_round(name: str, pool: Workers, queue, expected: set[int]) -> Round:
    """Call ``queue()`` (which queues runs as production does) and wait for every run it
    queued to finish, polling the database; check them."""
    result = Round(name, pool.count)
    last_run = RecomputeRun.objects.aggregate(last=Max("pk"))["last"] or 0
    last_job = Job.objects.aggregate(last=Max("pk"))["last"] or 0
    queue()
    runs = RecomputeRun.objects.filter(pk__gt=last_run)
    jobs = Job.objects.filter(pk__gt=last_job)
    unsent = jobs.filter(task=RECOMPUTE_TASK).exclude(state=Job.State.SENT).count()
    if unsent:
        result.notes.append(f"{unsent} recompute jobs not sent on commit; sent as the beat would")
    deadline = time.monotonic() + ARGS.timeout
    while runs.exclude(state__in=DONE).exists():
        pool.check_alive()
        if time.monotonic() > deadline:
            result.problems.append(f"{name}: not finished after {ARGS.timeout:.0f} s")
            break
        if jobs.unsent().exists():
            jobs_send_due()  # the outbox's beat job would, within a minute
        time.sleep(0.5)
    rows = list(runs.values(*RUN_FIELDS))
    summarise(result, rows, expected)
    return result


def summarise(result: Round, rows: list[dict], expected: set[int]) -> None:
    """Times, and what went wrong: a run failed or unfinished, run twice, or an arrangement
    with no run or more than one."""
    result.runs = len(rows)
    finished = [row for row in rows if row["finished_at"]]
    if finished:
        first = min(row["queued_at"] for row in rows)
        result.wall = (max(row["finished_at"] for row in finished) - first).total_seconds()
    durations = [(row["duration_ms"] or 0) / 1000 for row in rows]
    result.busy, result.slowest = sum(durations), max(durations, default=0.0)
    problems = result.problems
    for row in rows:
        code = row["arrangement__trust__code"]
        if row["state"] == RecomputeRun.State.FAILED:
            problems.append(f"{result.name}: {code}'s run FAILED: {row['error']}")
        elif row["state"] not in DONE:
            problems.append(f"{result.name}: {code}'s run did not finish ({row['state']})")
        if row["state"] in DONE and row["attempts"] != 1:
            problems.append(f"{result.name}: {code}'s run ran {row['attempts']} times")
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["arrangement_id"]] = counts.get(row["arrangement_id"], 0) + 1
    if missing := expected - set(counts):
        problems.append(f"{result.name}: {len(missing)} arrangements got no run (lost)")
    if extra := set(counts) - expected:
        problems.append(f"{result.name}: {len(extra)} arrangements not asked for got a run")
    if twice := [pk for pk, count in counts.items() if count > 1]:
        problems.append(f"{result.name}: {len(twice)} arrangements got more than one run")


def queue_everything() -> None:
    """What the nightly beat job does: its task's body, here (so timing starts now)."""
    recompute_all_task()


def approve_a_correction(arrangement: Arrangement) -> str:
    """Correct the arrangement's latest approved performance return as a trust manager and
    its councils' officers would (one count up by one), through the services the pages call;
    the last approval queues the recompute. What changed, in words."""
    latest = (
        MonthlyReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)
        .order_by("-period")
        .first()
    )
    manager = User.objects.get(username=f"{arrangement.code.lower()}-manager")
    officers = [
        User.objects.get(username=f"{council.code.lower()}-officer")
        for council in arrangement.councils.order_by("code")
    ]
    new = returns.return_correct(
        by=manager, monthly_return=latest, reason="One count corrected (national benchmark)."
    )
    cells = new.measurements.select_related("indicator").exclude(area=ALL_AREAS)
    cells = cells.filter(numerator__isnull=False).order_by("indicator__code", "area")
    cell = next(m for m in cells if not m.indicator.has_denominator)  # a count
    key, figure = (cell.indicator.code, cell.area), str(cell.numerator + 1)
    save(manager, new, figures={key: (figure, None)})
    # A change big enough to be flagged needs a commentary before it can be submitted.
    flagged = {p.key.split(".")[0] for p in returns.return_checks(new) if p.commentary}
    if flagged:
        save(manager, new, commentary=dict.fromkeys(flagged, "Corrected: one count was wrong."))
    returns.return_submit(by=manager, monthly_return=new)
    for officer in officers:
        returns.return_approve(by=officer, monthly_return=new)
    return (
        f"{arrangement.code} {new.period:%Y-%m}, {key[0]} in {key[1]}: {cell.numerator} to {figure}"
    )


def save(manager: User, monthly_return: MonthlyReturn, figures=None, commentary=None) -> None:
    monthly_return.refresh_from_db()
    returns.return_save(
        by=manager,
        monthly_return=monthly_return,
        expected_version=monthly_return.lock_version,
        figures=figures or {},
        commentary=commentary or {},
    )
    monthly_return.refresh_from_db()


def make_cold() -> None:
    """Back to no dashboard snapshot and no kept part at all, as right after the generation
    (the runs stay)."""
    with transaction.atomic():
        Snapshot.objects.all().delete()
        KeptPart.objects.all().delete()


# --- Each scale, and the tables ---------------------------------------------------------------


@dataclass
class Scale:
    scale: float
    database: str
    arrangements: int = 0
    councils: int = 0
    generation: float | None = None
    rounds: dict[str, Round] = field(default_factory=dict)
    corrected: str = ""


def measure(scale: float, database: str, generation: float | None, logs: Path) -> Scale:
    use_database(database)
    result = Scale(scale, database, generation=generation)
    result.arrangements = Arrangement.objects.count()
    result.councils = Commission.objects.count()
    everyone = set(Arrangement.objects.values_list("pk", flat=True))
    first = Arrangement.objects.get(trust__code="GT001")

    def correction() -> None:
        result.corrected = approve_a_correction(first)

    left = RecomputeRun.objects.exclude(state__in=DONE)
    if left.update(state=RecomputeRun.State.FAILED, error="Left by an interrupted benchmark."):
        progress(f"scale {scale:g}: runs left unfinished in {database} marked failed")
    if Snapshot.objects.exists() or KeptPart.objects.exists():  # reused: cold first all the same
        make_cold()
        progress(f"scale {scale:g}: snapshots and kept parts in {database} deleted, to start cold")
    with Workers(ARGS.workers, database, logs) as pool:
        for name, queue, expected in [
            ("cold", queue_everything, everyone),
            ("nightly", queue_everything, everyone),
            ("after approval", correction, {first.pk}),
        ]:
            result.rounds[name] = recompute_round(name, pool, queue, expected)
            report(scale, result.rounds[name])
    if ARGS.workers > 1 and scale <= ARGS.compare_up_to:
        make_cold()
        with Workers(1, database, logs) as pool:
            result.rounds["cold, 1 worker"] = recompute_round(
                "cold, 1 worker", pool, queue_everything, everyone
            )
            report(scale, result.rounds["cold, 1 worker"])
    return result


def report(scale: float, done: Round) -> None:
    wall = f"{done.wall:.1f} s" if done.wall is not None else "unfinished"
    progress(
        f"scale {scale:g}: {done.name} recompute, workers {done.workers}: {wall} "
        f"({done.runs} runs, {done.busy:.1f} s of runs){' FAILED' if done.problems else ''}"
    )


def seconds(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def summary_table(results: list[Scale]) -> None:
    n = ARGS.workers
    columns = ["scale", "arrangements", "councils", "generation s", "cold 1w s"]
    columns += [f"cold {n}w s", f"nightly {n}w s", f"speed-up {n}w/1w", "after approval s"]
    rows = []
    for result in results:
        rounds = result.rounds
        wall = {name: rounds[name].wall if name in rounds else None for name in ROUND_NAMES}
        one, many = wall["cold, 1 worker"], wall["cold"]
        speed_up = one / many if one and many else None
        row = [f"{result.scale:g}", str(result.arrangements), str(result.councils)]
        row += [seconds(result.generation), seconds(one), seconds(many), seconds(wall["nightly"])]
        rows.append([*row, seconds(speed_up, 2), seconds(wall["after approval"], 2)])
    print_table(columns, rows)


ROUND_NAMES = ("cold", "nightly", "after approval", "cold, 1 worker")


def rounds_table(results: list[Scale]) -> None:
    columns = ["scale", "round", "workers", "runs", "wall s", "sum of runs s", "slowest run s"]
    rows = []
    for result in results:
        for done in result.rounds.values():
            rows.append(
                [f"{result.scale:g}", done.name, str(done.workers), str(done.runs)]
                + [seconds(done.wall, 2), seconds(done.busy, 2), seconds(done.slowest, 2)]
            )
    print_table(columns, rows)


def print_table(columns: list[str], rows: list[list[str]]) -> None:
    widths = [
        max(len(text) for text in [name, *(row[i] for row in rows)])
        for i, name in enumerate(columns)
    ]
    line = "  ".join(f"{{:>{width}}}" for width in widths)
    print(line.format(*columns))
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for row in rows:
        print(line.format(*row))
    print()


def final_line(results: list[Scale]) -> str:
    """The nightly recompute with ``--workers`` workers at 1x, and its growth to 2x."""
    nightly = {r.scale: r.rounds["nightly"].wall for r in results if "nightly" in r.rounds}
    at_1, at_2 = nightly.get(1.0), nightly.get(2.0)
    ratio = f"{at_2 / at_1:.2f}" if at_1 and at_2 else "n/a"
    return (
        f"national recompute: {seconds(at_1)} s at 1x, {ratio} growth from 1x to 2x "
        "(target 60 s, 2.2)"
    ).replace("- s at 1x", "n/a s at 1x")


def _terminated(number, frame) -> None:
    raise KeyboardInterrupt  # so the workers are stopped and the databases dropped


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)
    logs = Path(VAR_DIR) / "logs"
    logs.mkdir()
    made: list[str] = []
    results: list[Scale] = []
    failure = ""
    scales = " ".join(f"{scale:g}" for scale in ARGS.scales)
    print(f"National recompute: scales {scales}, {ARGS.workers} workers, logs in {logs}")
    try:
        for scale in ARGS.scales:
            database, generation = prepare(scale, made, logs)
            results.append(measure(scale, database, generation, logs))
    except BenchError as error:
        failure = str(error)
    except KeyboardInterrupt:
        failure = "Interrupted."
    finally:
        if made and ARGS.keep:
            print(f"Kept: {', '.join(made)}")
        elif made:
            drop(made)
    print()
    summary_table(results)
    rounds_table(results)
    problems = [p for r in results for done in r.rounds.values() for p in done.problems]
    for result in results:
        print(f"scale {result.scale:g}: corrected {result.corrected or '(nothing)'}")
        for done in result.rounds.values():
            for note in done.notes:
                print(f"scale {result.scale:g}, {done.name}: {note}")
    for problem in [*problems, *([failure] if failure else [])]:
        print(f"PROBLEM: {problem}")
    if not failure and not problems:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
    if ARGS.years:
        print(f"Note: {ARGS.years} years of returns, not the national scale's ten.")
    print(final_line(results))
    return 1 if failure or problems else 0


if __name__ == "__main__":
    sys.exit(main())
