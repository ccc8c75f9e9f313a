"""Pages served as in production, measured against a bare Django view: gunicorn and wrk on
PostgreSQL, at demo scale and at national scale; a table per scale (issue 18, item 3).

For each scale in ``--scales`` (``demo`` and ``national`` by default):

1. a fresh database ``<--database-prefix>_<scale>`` on 127.0.0.1:5432 (user postgres),
   migrated, then ``manage.py load_demo`` (demo) or ``manage.py generate_national --scale S
   --seed 18`` (national, S from ``--national-scale``) run into it, and every arrangement's
   dashboard snapshots computed in this process (``snapshot_recompute``, as a worker would);
2. the signed-in person: the demo's DfE observer ``dfe-observer`` (granted NCT), or at national
   scale a DfE observer invited by an administrator through the accounts services and granted
   every generated arrangement (``user_invite``); signed in as the tests' ``client_for`` signs
   people in (Django's ``force_login``, an authenticator app and django-otp's device id in the
   session): its session cookie is what wrk sends;
3. gunicorn with 2 sync workers (``--worker-class sync --workers 2``), persistent database
   connections (``CONN_MAX_AGE=600``), a Redis cache of the benchmark's own (``--cache-url``,
   flushed before each scale), settings ``bench.bench_settings`` (the project's, whose URLs add
   ``/bench/bare/``: a 2 KB blob behind the same middleware and sign-in, ``bench/bench_urls.py``);
4. each page asked once (urllib, no redirect followed: it must answer 200), warmed up for
   ``--warmup`` seconds, then ``wrk -c<--connections> -t2 -d<--duration>s --latency``: requests
   a second, the 99th percentile latency, and req/s divided by the bare view's at that scale.

The pages (the arrangement: NCT for the demo, GT001 at national scale): the bare view; the
dashboards (their index, every listed dashboard, an indicator's trend page); the latest
approved performance return's review, contracts and money, home; every API list the observer
may read (``?page_size=50``; one it may not read is listed as skipped). Targets (issue 18):
dashboard pages at least 0.25 of the bare view with p99 under 100 ms; the other pages and the
API lists at least 0.1 with p99 under 250 ms. A miss is printed (MISS), not a failure; a page
that does not answer 200 (before wrk and again after it, so a session signed out midway shows),
or that wrk saw answer 4xx/5xx, is a PROBLEM and the script exits 1.

The API's per-session throttle is raised for the run (``API_THROTTLE_SESSION_RATE``): it still
counts every request in the cache, but 5,000 an hour would refuse most of the run's requests.
gunicorn writes no access log. Databases made are dropped at the end (also after Ctrl-C or an
error) unless ``--keep``; gunicorn is always stopped. ``--reuse-demo-database NAME`` and
``--reuse-national-database NAME`` work in existing databases (never dropped; snapshots
computed only for arrangements without any, unless ``--recompute``; the national observer is
made if missing). It ends with the line
``dashboard/bare ratio: <r> (target 0.25)``, r the lowest over the dashboard pages at either
scale (n/a when the run was cut short by an error or Ctrl-C).

    .venv/bin/python bench/served_pages.py [--scales demo national] [--keep]
    .venv/bin/python bench/served_pages.py --national-scale 0.04        # a try-out
    .venv/bin/python bench/served_pages.py --scales national --reuse-national-database tp_mine
"""

import argparse
import contextlib
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["EMAIL_URL"] = "memorymail://"  # the observer's invitation goes nowhere
SERVER = "postgres://postgres@127.0.0.1:5432"
SEED = 18
WRK = "/usr/bin/wrk"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SETTINGS = "bench.bench_settings"
# The targets by group: (least share of the bare view's req/s, most p99 in ms).
TARGETS = {"dashboard": (0.25, 100.0), "page": (0.1, 250.0), "API list": (0.1, 250.0)}
REFUSED_DATABASES = re.compile(r"^(tp_nat|tp_national_.*)$")  # others' benchmark databases


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scales", nargs="+", choices=["demo", "national"], default=["demo", "national"]
    )
    parser.add_argument("--national-scale", type=float, default=1.0, metavar="S")
    parser.add_argument("--database-prefix", default="tp_pages")
    parser.add_argument("--reuse-demo-database", metavar="NAME")
    parser.add_argument("--reuse-national-database", metavar="NAME")
    parser.add_argument(
        "--recompute", action="store_true", help="recompute every snapshot of a reused database"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases made")
    parser.add_argument("--duration", type=int, default=8, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each page")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    names = [args.reuse_demo_database, args.reuse_national_database]
    names += [f"{args.database_prefix}_{scale}" for scale in args.scales]
    if any(name and REFUSED_DATABASES.match(name) for name in names):
        parser.error("tp_nat and tp_national_* belong to other benchmarks: choose another name")
    if args.duration < 1 or args.connections < 2:
        parser.error("--duration must be at least 1 and --connections at least 2")
    return args


ARGS = parse()
# gunicorn and this process share the settings' var folder (secret key, static files).
VAR_DIR = tempfile.mkdtemp(prefix="tp-pages-")
os.environ["TRUST_PORTAL_VAR_DIR"] = VAR_DIR
os.environ["CELERY_BROKER_URL"] = "memory://localhost/"  # nothing here needs a worker
os.environ["CACHE_URL"] = ARGS.cache_url  # this process writes where gunicorn reads
os.environ["DATABASE_URL"] = database_url("postgres")  # switched to each scale's database
os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from psycopg import sql  # noqa: E402

from performance.models import MonthlyReturn  # noqa: E402
from trust_portal.accounts.models import Arrangement, Organisation, Role, User  # noqa: E402
from trust_portal.accounts.services import user_change_access, user_invite  # noqa: E402
from trust_portal.approvals.models import State  # noqa: E402
from trust_portal.dashboards.models import Snapshot  # noqa: E402
from trust_portal.dashboards.registry import listed  # noqa: E402
from trust_portal.dashboards.services import snapshot_recompute  # noqa: E402
from trust_portal.urls import router  # noqa: E402


class BenchError(Exception):
    """Something the benchmark could not do (the line printed says what)."""


# --- Databases and commands ------------------------------------------------------------------


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


def manage(database: str | None, *command: str, log: Path) -> float:
    """Run ``manage.py command`` (on ``database``) in a process of its own; its wall time."""
    env = dict(os.environ)
    if database:
        env["DATABASE_URL"] = database_url(database)
    began = time.perf_counter()
    with log.open("a") as out:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    if done.returncode:
        raise BenchError(f"manage.py {' '.join(command)} failed, see {log}:\n{tail(log)}")
    return time.perf_counter() - began


def create_database(name: str, made: list[str]) -> None:
    if server("SELECT 1 FROM pg_database WHERE datname = %s", name):
        raise BenchError(
            f"Database {name} already exists (a kept run?): drop it, or pass it to "
            "--reuse-demo-database / --reuse-national-database."
        )
    server(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    made.append(name)


def drop(names: list[str]) -> None:
    connection.close()
    for name in names:
        identifier = sql.Identifier(name)
        server(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))


def progress(line: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {line}", flush=True)


# --- Each scale's data -----------------------------------------------------------------------


def prepare(scale: str, made: list[str], logs: Path) -> tuple[str, bool]:
    """The scale's database, made and filled unless reused; whether it was reused."""
    reused = ARGS.reuse_demo_database if scale == "demo" else ARGS.reuse_national_database
    if reused:
        return reused, True
    name = f"{ARGS.database_prefix}_{scale}"
    create_database(name, made)
    log = logs / f"{name}.log"
    progress(f"{scale}: database {name}, migrating")
    manage(name, "migrate", "--noinput", log=log)
    if scale == "demo":
        manage(name, "load_demo", "--password", os.urandom(12).hex(), log=log)
        progress(f"{scale}: demo loaded")
    else:
        size = f"{ARGS.national_scale:g}"
        progress(f"{scale}: generate_national --scale {size} --seed {SEED} (scale 1: minutes)")
        command = ["generate_national", "--scale", size, "--seed", str(SEED)]
        progress(f"{scale}: generated in {manage(name, *command, log=log):.0f} s")
    return name, False


def recompute(scale: str, everything: bool) -> None:
    """Every arrangement's snapshots, in this process (only those with none, unless
    ``everything``)."""
    arrangements = list(Arrangement.objects.select_related("trust").order_by("trust__code"))
    if not everything:
        done = set(Snapshot.objects.values_list("arrangement_id", flat=True).distinct())
        arrangements = [a for a in arrangements if a.pk not in done]
    began = time.perf_counter()
    for number, arrangement in enumerate(arrangements, 1):
        started = time.perf_counter()
        snapshot_recompute(arrangement=arrangement)
        progress(
            f"{scale}: snapshots of {arrangement.code} ({number}/{len(arrangements)}) "
            f"in {time.perf_counter() - started:.1f} s"
        )
    if arrangements:
        progress(f"{scale}: every snapshot computed in {time.perf_counter() - began:.0f} s")


NATIONAL_OBSERVER = "national-observer"
BENCH_ADMIN = "bench-admin"


def national_observer() -> User:
    """A DfE observer granted every arrangement, as an administrator grants one (the accounts
    services); the administrator and the department made first if the database has none."""
    admin = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).first()
    if admin is None:  # as `manage.py createsuperuser` makes the first one
        admin = User.objects.create_superuser(BENCH_ADMIN, f"{BENCH_ADMIN}@example.org")
    department = Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).first()
    if department is None:
        department = Organisation(
            code="DFE", name="Department for Education", kind=Organisation.Kind.DEPARTMENT
        )
        department._change_reason = "Made by bench/served_pages.py"
        department.full_clean()
        department.save()
    everything = list(Arrangement.objects.all())
    observer = User.objects.filter(username=NATIONAL_OBSERVER).first()
    if observer is None:
        return user_invite(
            by=admin,
            username=NATIONAL_OBSERVER,
            email=f"{NATIONAL_OBSERVER}@dfe.example.org",
            first_name="National",
            last_name="Observer",
            role=Role.DFE_OBSERVER,
            organisation=department,
            observed_arrangements=everything,
            base_url=settings.SITE_URL,
        )
    return user_change_access(
        by=admin,
        user=observer,
        role=Role.DFE_OBSERVER,
        organisation=department,
        observed_arrangements=everything,
        reason="Granted every arrangement (bench/served_pages.py)",
    )


def session_cookie(user: User) -> str:
    """A signed-in session for ``user``, as the tests' ``client_for`` makes one: Django's
    ``force_login`` (which stamps the session as every sign-in does), and the second factor
    given (an authenticator app made if they have none, its id in the session as
    ``django_otp.login`` puts it). The session cookie's value."""
    client = Client()
    client.force_login(user, backend="trust_portal.accounts.backends.AccountBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- The pages -------------------------------------------------------------------------------


@dataclass
class Page:
    group: str  # "bare", "dashboard", "page" or "API list"
    label: str
    url: str
    status: int | None = None
    size: int = 0  # bytes of the answer to the one request through urllib
    rps: float | None = None
    p99: float | None = None  # ms
    ratio: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        if self.group not in TARGETS or self.rps is None:
            return ""
        least, most = TARGETS[self.group]
        return "PASS" if self.ratio >= least and self.p99 < most else "MISS"


def dashboard_pages(code: str, arrangement: Arrangement) -> list[Page]:
    pages = [Page("dashboard", "dashboards index", reverse("dashboards:index", args=[code]))]
    for entry in listed():
        url = reverse("dashboards:detail", args=[code, entry.name])
        pages.append(Page("dashboard", f"{entry.title} dashboard", url))
    trends = Snapshot.objects.version(arrangement, "indicators")
    indicator = "CIN_VISIT_IN_TIME"
    if trends is not None and Snapshot.objects.part(trends.pk, "pages", indicator) is None:
        indicator = next(iter(Snapshot.objects.part(trends.pk, "pages") or {}), indicator)
    url = reverse("dashboards:page", args=[code, "indicators", indicator])
    pages.append(Page("dashboard", f"indicator trend ({indicator})", url))
    return pages


def working_pages(code: str, arrangement: Arrangement) -> list[Page]:
    latest = (
        MonthlyReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)
        .order_by("-period", "-revision")
        .first()
    )
    if latest is None:
        raise BenchError(f"{code} has no approved performance return to review.")
    month = f"{latest.period:%Y-%m}"
    review = reverse("performance:return-detail", args=[code, month, latest.revision])
    return [
        Page("page", f"return review ({month} r{latest.revision})", review),
        Page("page", "contracts and money", reverse("contracts:overview", args=[code])),
        Page("page", "home", reverse("accounts:home")),
    ]


def api_pages() -> list[Page]:
    """Every list on the /api/v1/ router, 50 rows a page."""
    pages = []
    for prefix, viewset, _basename in router.registry:
        if hasattr(viewset, "list"):
            url = f"/api/v1/{prefix}/?page_size=50"
            pages.append(Page("API list", f"/api/v1/{prefix}/", url))
    return pages


def pages_for(code: str) -> list[Page]:
    arrangement = Arrangement.objects.get(trust__code=code)
    bare = Page("bare", "bare view (2 KB blob)", "/bench/bare/")
    pages = dashboard_pages(code, arrangement) + working_pages(code, arrangement)
    return [bare, *pages, *api_pages()]


# --- gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving the benchmark's settings on ``database``, answering before it returns;
    in a process group of its own, so stopping it stops its workers, whatever happened."""

    def __init__(self, database: str, log: Path):
        self.database, self.log, self.process = database, log, None
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Gunicorn":
        env = {
            **os.environ,
            "DATABASE_URL": database_url(self.database),
            "CONN_MAX_AGE": "600",  # persistent connections, as production keeps them
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "PYTHONPATH": str(ROOT),
            "CACHE_URL": ARGS.cache_url,
            "API_THROTTLE_SESSION_RATE": "100000000/hour",
        }
        command = [str(GUNICORN), "trust_portal.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--worker-class", "sync", "--workers", "2", "--log-level", "warning"]
        with self.log.open("a") as out:
            self.process = subprocess.Popen(  # noqa: S603 - the venv's gunicorn, fixed arguments
                command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
            )
        try:
            self._wait_until_answering()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_answering(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while fetch(self.base + "/bench/bare/", cookie="")[0] is None:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped ({self.process.returncode}):\n{tail(self.log)}")
            if time.monotonic() > deadline:
                raise BenchError(f"gunicorn did not answer within {seconds:.0f} s.")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # a worker its arbiter left behind
        self.process = None


# --- Measuring -------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the sign-in page) is an answer to report, not to follow


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, cookie: str) -> tuple[int | None, bytes]:
    """One GET: its status and body (None: no answer at all)."""
    headers = {"Cookie": cookie} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with OPENER.open(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, b""


def wrk(url: str, cookie: str, seconds: float, connections: int) -> str:
    command = [WRK, f"-c{connections}", f"-t{min(2, connections)}", f"-d{seconds:g}s"]
    command += ["--latency", "--timeout", "10s", "-H", f"Cookie: {cookie}", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)  # noqa: S603 - Debian's wrk, our arguments
    if done.returncode:
        raise BenchError(f"wrk failed on {url}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> tuple[float, float, int, str]:
    """Requests a second, the 99th percentile in ms (infinite when no request finished), the
    4xx/5xx answers, socket errors."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    finished = re.search(r"^\s+(\d+) requests in ", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
    if not rps or not p99:
        raise BenchError(f"wrk's output was not understood:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    latency = float(p99.group(1)) * UNITS_MS[p99.group(2)]
    if finished and int(finished.group(1)) == 0:
        latency = math.inf  # wrk's percentiles of no request at all read 0
    return (
        float(rps.group(1)),
        latency,
        int(errors.group(1)) if errors else 0,
        (sockets.group(1).strip() if sockets else ""),
    )


def measure(page: Page, base: str, cookie: str, problems: list[str]) -> bool:
    """Check the page answers 200, then time it; False when it was skipped or failed."""
    page.status, body = fetch(base + page.url, cookie)
    page.size = len(body)
    if page.status != 200:
        if page.group == "API list" and page.status in (403, 404):
            page.notes.append(f"skipped: {page.status} for the observer")
            return False
        problems.append(f"{page.label} ({page.url}) answered {page.status}, not 200")
        return False
    if page.group == "API list":
        rows = len(json.loads(body).get("results", []))
        page.label += f" ({rows} rows)"
    if ARGS.warmup > 0:
        wrk(base + page.url, cookie, ARGS.warmup, 2)
    output = wrk(base + page.url, cookie, ARGS.duration, ARGS.connections)
    page.rps, page.p99, failed, sockets = parse_wrk(output)
    if failed:
        problems.append(f"{page.label} ({page.url}): wrk saw {failed} 4xx/5xx answers")
    # wrk counts a redirect as an answer: still signed in at the end, or it timed the sign-in
    # page's redirect.
    if (after := fetch(base + page.url, cookie)[0]) != 200:
        problems.append(f"{page.label} ({page.url}) answered {after} after wrk (signed out?)")
    if sockets:
        page.notes.append(f"socket errors: {sockets}")
    if math.isinf(page.p99):
        page.notes.append(f"no request finished within {ARGS.duration} s")
    return True


# --- Each scale, and the tables ---------------------------------------------------------------


@dataclass
class Scale:
    name: str
    database: str = ""
    code: str = ""
    arrangements: int = 0
    load: tuple[float, float] | None = None  # the 1-minute load average before and after
    pages: list[Page] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def run_scale(result: Scale, made: list[str], logs: Path) -> None:
    """Measure one scale into ``result`` (kept as far as it got if something fails)."""
    scale = result.name
    cache.clear()  # the benchmark's own Redis database: nothing of another scale's
    result.database, reused = prepare(scale, made, logs)
    use_database(result.database)
    recompute(scale, everything=ARGS.recompute or not reused)
    if scale == "demo":
        result.code, user = "NCT", User.objects.get(username="dfe-observer")
    else:
        result.code, user = "GT001", national_observer()
    result.arrangements = Arrangement.objects.count()
    granted = "every arrangement" if scale == "national" else "NCT"
    progress(f"{scale}: signed in as {user.username} ({granted}; {result.arrangements} in all)")
    cookie = f"{settings.SESSION_COOKIE_NAME}={session_cookie(user)}"
    result.pages = pages_for(result.code)
    before = os.getloadavg()[0]
    with Gunicorn(result.database, logs / f"gunicorn-{scale}.log") as served:
        for page in result.pages:
            if measure(page, served.base, cookie, result.problems):
                bare = result.pages[0].rps
                page.ratio = page.rps / bare if bare else None
                rate = f"{rate_text(page.rps)} req/s, p99 {p99_text(page.p99)} ms"
                progress(f"{scale}: {page.label}: {rate}")
    result.load = (before, os.getloadavg()[0])


def p99_text(p99: float | None) -> str:
    return "-" if p99 is None or math.isinf(p99) else f"{p99:.0f}"


def rate_text(rps: float) -> str:
    return f"{rps:,.0f}" if rps >= 10 else f"{rps:.1f}"


def table(result: Scale) -> None:
    print(
        f"{result.name} scale: {result.database}, {result.arrangements} arrangements, "
        f"pages of {result.code}, wrk -c{ARGS.connections} -d{ARGS.duration}s"
    )
    if result.load:
        cores = os.cpu_count()
        print(
            f"load average (1 min) {result.load[0]:.2f} before, {result.load[1]:.2f} after, "
            f"on {cores} cores: anything else running lowers these figures"
        )
    columns = ["group", "page", "url", "KB", "req/s", "p99 ms", "÷ bare", "target", ""]
    rows = []
    for page in result.pages:
        least, most = TARGETS.get(page.group, (None, None))
        target = f"≥{least:g}, <{most:.0f} ms" if least else ""
        measured = page.rps is not None
        rows.append(
            [page.group, page.label, page.url, f"{page.size / 1024:.0f}"]
            + [rate_text(page.rps) if measured else "-", p99_text(page.p99)]
            + [f"{page.ratio:.3f}" if page.ratio is not None else "-", target]
            + [page.verdict or "; ".join(page.notes)]
        )
    widths = [max(len(r[i]) for r in [columns, *rows]) for i in range(len(columns))]
    aligns = ["<", "<", "<", ">", ">", ">", ">", "<", "<"]
    line = "  ".join(f"{{:{a}{w}}}" for a, w in zip(aligns, widths, strict=True))
    print(line.format(*columns).rstrip())
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for row in rows:
        print(line.format(*row).rstrip())
    notes = [f"{p.label}: {n}" for p in result.pages if p.verdict for n in p.notes]
    for note in notes:
        print(f"note: {note}")
    print()


def final_line(results: list[Scale]) -> str:
    ratios = [
        page.ratio
        for result in results
        for page in result.pages
        if page.group == "dashboard" and page.ratio is not None
    ]
    lowest = f"{min(ratios):.3f}" if ratios else "n/a"
    return f"dashboard/bare ratio: {lowest} (target 0.25)"


def _terminated(number, frame) -> None:
    raise KeyboardInterrupt  # so gunicorn is stopped and the databases dropped


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)
    logs = Path(VAR_DIR) / "logs"
    logs.mkdir()
    made: list[str] = []
    results: list[Scale] = []
    failure = ""
    national = ARGS.reuse_national_database or f"scale {ARGS.national_scale:g}"
    scales = ", ".join(f"national ({national})" if s == "national" else s for s in ARGS.scales)
    print(f"Served pages: {scales}; gunicorn 2 sync workers; logs in {logs}")
    try:
        manage(None, "collectstatic", "--noinput", "--verbosity", "0", log=logs / "static.log")
        for scale in ARGS.scales:
            results.append(Scale(scale))
            run_scale(results[-1], made, logs)
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
    for result in results:
        table(result)
    problems = [f"{r.name}: {p}" for r in results for p in r.problems]
    for problem in [*problems, *([failure] if failure else [])]:
        print(f"PROBLEM: {problem}")
    if not failure and not problems:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
    # A run cut short has no lowest ratio: the pages it did not reach might be lower.
    print(final_line([] if failure else results))
    return 1 if failure or problems else 0


if __name__ == "__main__":
    sys.exit(main())
