"""Load test: a mixed workload of signed-in people and API clients on gunicorn, two Celery
workers, PostgreSQL and Redis, driven by locust for a bounded time on 127.0.0.1 (issue 18,
item 4); prints requests per second, p50/p95/p99 and errors, then checks every dashboard
recompute the load queued.

1. A fresh database ``tp_load`` on 127.0.0.1:5432 (user postgres; refused if it exists:
   drop it or pass ``--reuse-database tp_load``), migrated, ``manage.py load_demo`` run into it,
   and every arrangement's snapshots computed here (the recompute runs the demo queued, run
   by the task's own body, ``snapshot_recompute`` inside); the broker (Redis database 13) and
   the cache (``CACHE_URL``, Redis database 14) flushed first; ``collectstatic`` into a var
   folder of the run's own.
2. Before the load, through the services the pages call: open performance returns for months
   the demo does not hold (the months before the trust's launch it left empty, newest first),
   each filled in from the arrangement's latest approved figures with a commentary on every
   indicator, so that it can be submitted. Most are left as drafts for the trust managers;
   two an arrangement are submitted, so the councils' officers have work from the start.
   Sessions are made in the database as Django's test ``Client.force_login`` makes them, with
   the second factor given (django-otp's device in the session, as ``conftest.signed_in_fully``
   does); API tokens by the service ``manage.py create_api_token`` calls.
3. Two Celery worker processes (``--concurrency 1`` each) and gunicorn as the Procfile runs it
   (gthread, ``--workers 2 --threads 4``), with ``REQUIRE_TWO_FACTOR=1`` (as production) and
   ``DASHBOARD_RECOMPUTE_DELAY=5``; not production mode itself, which insists on HTTPS. Every
   page and list the readers ask for is requested twice first (warm-up, not counted); static
   files are not requested (a browser keeps them).
4. locust, as a library, in a process of its own (it patches the process with gevent), for
   ``--duration`` seconds; each simulated user waits 1 to 3 s between requests:
   - readers (DfE observer, scrutiny members, council officers): the performance overview,
     finance and workforce dashboards, indicator trend pages, the dashboards index, home;
   - trust managers: open a draft's entry page, save one figure changed (the form posted back
     with its CSRF token, as a browser does), open the check page and submit; once their
     drafts are used up they go on saving the demo's own draft of last month;
   - council officers: open a submitted return's approval page and approve their area (an
     arrangement's last council to approve queues its dashboards' recompute);
   - API clients (a token each): measurements, returns, indicators, dashboards lists;
   - scrutiny members and officers: the issued scrutiny packs, and their PDFs.
   A save refused because someone else saved first, or an approval or submission refused
   because the return had moved on, is an expected answer in a busy service: counted and
   printed apart, not as an error. Any other refusal, a 4xx or 5xx, is an error.
5. After the load, every ``RecomputeRun`` queued since it began must finish ``SUCCEEDED`` with
   ``attempts`` 1 (waiting up to ``--drain-timeout`` seconds, sending any job left unsent as
   the beat would): one unfinished or failed is lost, one run more than once ran twice; and
   each arrangement's last approval must be followed by a run that succeeded.

gunicorn, the workers and the locust process are always stopped, and the database dropped
unless ``--keep`` (also after Ctrl-C or an error). ``--reuse-database NAME`` works in an
existing database holding the demo (never dropped, but written to: more months' returns).
It ends with the line
``load: <users> users, <rps> req/s, p95 <ms> ms, <errors> errors, recomputes <n> ok,
<lost> lost, <twice> twice (target p95 < 300 ms, 0 errors)`` and exits 1 on errors, or a
recompute lost or run twice.

    .venv/bin/python bench/load.py [--users 50] [--spawn-rate 10] [--duration 120] [--keep]
    .venv/bin/python bench/load.py --users 10 --duration 30     # a try-out
"""

import argparse
import contextlib
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, deque
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
BROKER_URL = "redis://127.0.0.1:6379/13"
CACHE_URL = "redis://127.0.0.1:6379/14"
RECOMPUTE_DELAY = 5  # seconds from a change to its recompute, for the run
LOCUST_CHILD = "--locust-child"  # the load itself: this file run again, in a process of its own
IS_CHILD = __name__ == "__main__" and sys.argv[1:2] == [LOCUST_CHILD]

# What the pages say (trust_portal/approvals/views.py, approvals/services.py).
SUBMITTED = "Submitted."
APPROVED = "Your council's area is approved."
SOMEONE_ELSE_SAVED = "Someone else saved this return"
MOVED_ON = ("Only a submitted return can be approved", "has already decided on this return")
MOVED_ON += ("Only a draft or a returned return can be submitted",)


# --- Reading pages as a browser does (the locust process) -----------------------------------


class Forms(HTMLParser):
    """The page's forms: ``{"action": …, "fields": [(name, value)]}`` each, as a browser
    would post them (inputs, checked boxes, text areas; buttons without a name left out)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._open = False  # inside a form
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": []})
            self._open = True
        elif not self._open:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind not in ("checkbox", "radio", "submit", "button") or "checked" in a:
                self.forms[-1]["fields"].append([a["name"], a.get("value") or ""])
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            self.forms[-1]["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._open = False


def form_on(html: str, path: str) -> dict | None:
    """The form on the page that posts to ``path`` (or to the page itself), or None."""
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["action"] in ("", path) and any(
            n == "csrfmiddlewaretoken" for n, _ in form["fields"]
        ):
            return form
    return None


BANNER = re.compile(r'govuk-notification-banner__heading">(.*?)</p>', re.S)


def banners(html: str) -> list[str]:
    """The messages a page shows at its top (``messages`` in base.html), unescaped."""
    return [unescape(" ".join(text.split())) for text in BANNER.findall(html)]


def one_figure_changed(fields: list) -> list:
    """The entry form's fields with one count (a box with no denominator, 10 or more) up or
    down by one: a correction small enough to need no new commentary."""
    names = {name for name, _ in fields}
    counts = [
        i
        for i, (name, value) in enumerate(fields)
        if name.startswith("n__")
        and "d__" + name[3:] not in names
        and value.strip().isdigit()
        and int(value) >= 10
    ]
    changed = [list(pair) for pair in fields]
    if counts:
        i = random.choice(counts)
        changed[i][1] = str(int(changed[i][1]) + random.choice((-1, 1)))
    return changed


# --- The simulated users (only in the locust process) -----------------------------------------

if IS_CHILD:
    # locust patches the process with gevent as it is imported: first, and never beside Django.
    import logging

    import gevent
    from locust import HttpUser, between, task
    from locust.env import Environment
    from urllib3.util.retry import Retry

    PLAN = json.loads(Path(sys.argv[2]).read_text())
    OUTCOMES: Counter = Counter()  # what happened, the expected refusals included
    DRAFTS = {code: deque(months) for code, months in PLAN["drafts"].items()}
    AWAITING = {c: deque() for councils in PLAN["councils_of"].values() for c in councils}
    for code, month in PLAN["submitted"]:
        for council in PLAN["councils_of"][code]:
            AWAITING[council].append((code, month))
    # gunicorn closes a connection idle for 2 s (its keep-alive), and a user waits 1 to 3 s:
    # now and then a request goes out on a connection the server is closing that moment. A
    # browser sends it again on a new connection; so does this client, once (any method: the
    # server has read nothing of it), and each time is counted and printed.
    RESEND = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None)

    class Resends(logging.Handler):
        def emit(self, record):
            if record.getMessage().startswith("Retrying"):
                OUTCOMES["requests sent again (connection closed as it was reused)"] += 1

    logging.getLogger("urllib3.connectionpool").addHandler(Resends(logging.WARNING))

    class Person(HttpUser):
        """Someone signed in (their session's cookie sent with every request), or an API
        client with its token; each takes the next identity the plan made for its kind."""

        abstract = True
        wait_time = between(1, 3)
        host = PLAN["base_url"]
        taken = 0

        def on_start(self):
            identities = PLAN["identities"][type(self).__name__]
            self.me = identities[type(self).taken % len(identities)]
            type(self).taken += 1
            for adapter in self.client.adapters.values():
                adapter.max_retries = RESEND
            if "session" in self.me:
                self.client.cookies.set(PLAN["session_cookie"], self.me["session"])
            self.code = self.me["code"]

        def page(self, path: str, name: str) -> None:
            """A page read: anything but 200 is an error (a redirect to sign in, say)."""
            with self.client.get(
                path, name=name, allow_redirects=False, catch_response=True
            ) as answer:
                if answer.status_code not in (0, 200):  # 0: no answer, locust says why
                    where = answer.headers.get("Location", "")
                    answer.failure(f"{answer.status_code} {where}".strip())

    class Reader(Person):
        """Observers, scrutiny members and officers reading the dashboards."""

        weight = 1

        @task(3)
        def overview(self):
            self.page(f"/arrangements/{self.code}/dashboards/overview/", "dashboard overview")

        @task(2)
        def finance(self):
            self.page(f"/arrangements/{self.code}/dashboards/finance/", "dashboard finance")

        @task(2)
        def workforce(self):
            self.page(f"/arrangements/{self.code}/dashboards/workforce/", "dashboard workforce")

        @task(2)
        def trend(self):
            indicator = random.choice(PLAN["indicators"][self.code])
            path = f"/arrangements/{self.code}/dashboards/indicators/{indicator}/"
            self.page(path, "indicator trend")

        @task(1)
        def index(self):
            self.page(f"/arrangements/{self.code}/dashboards/", "dashboards index")

        @task(2)
        def home(self):
            self.page("/", "home")

    class PackReader(Person):
        """Scrutiny members and officers fetching the issued committee packs."""

        fixed_count = PLAN["counts"]["PackReader"]

        @task(1)
        def packs(self):
            self.page(f"/arrangements/{self.code}/scrutiny-packs/", "pack list")

        @task(3)
        def pdf(self):
            pk = random.choice(PLAN["packs"][self.code])
            with self.client.get(
                f"/arrangements/{self.code}/scrutiny-packs/{pk}/pdf/",
                name="pack PDF",
                catch_response=True,
            ) as answer:
                if answer.ok and not answer.content.startswith(b"%PDF"):
                    answer.failure("not a PDF")

    class ApiClient(Person):
        """Another council system reading the API with its token."""

        fixed_count = PLAN["counts"]["ApiClient"]

        def on_start(self):
            super().on_start()
            self.client.headers["Authorization"] = f"Token {self.me['token']}"

        @task(3)
        def measurements(self):
            page = random.choice(["", "?page=2", "?page=3"])
            self.page(f"/api/v1/measurements/{page}", "API measurements")

        @task(1)
        def returns(self):
            self.page("/api/v1/returns/", "API returns")

        @task(1)
        def indicators(self):
            self.page("/api/v1/indicators/", "API indicators")

        @task(1)
        def dashboards(self):
            self.page("/api/v1/dashboards/", "API dashboards")

    def return_path(code: str, month: str, step: str = "") -> str:
        return f"/arrangements/{code}/returns/{month}/1/{step}"

    class Stepper(Person):
        """Someone working through a return one request at a time (their wait between each):
        ``step`` runs the next request of their work."""

        abstract = True

        def on_start(self):
            super().on_start()
            self.next = self.begin
            self.form: dict | None = None
            self.month = ""

        @task
        def step(self):
            self.next()

        def post(self, path: str, fields, name: str, judge) -> None:
            """Post a form without following its redirect, then open the page it goes to, as a
            browser does at once; ``judge(status, messages, html)`` says what the answer meant
            (None, or why it is an error, marked on the page that said so)."""
            with self.client.post(
                path, data=fields, name=name, allow_redirects=False, catch_response=True
            ) as answer:
                if answer.status_code == 0:
                    return  # no answer at all: locust records why
                if answer.status_code != 302:
                    why = judge(answer.status_code, banners(answer.text), answer.text)
                    if why:
                        answer.failure(why)
                    return
                landing = answer.headers["Location"]
            with self.client.get(landing, name="return page", catch_response=True) as page:
                why = judge(302, banners(page.text), page.text)
                if why:
                    page.failure(why)

        def outcome(self, what: str) -> None:
            OUTCOMES[what] += 1

    def moved_on(said: list[str]) -> bool:
        return any(words in text for text in said for words in MOVED_ON)

    class TrustManager(Stepper):
        """Opens a draft, saves a figure, checks and submits; then the next draft."""

        fixed_count = PLAN["counts"]["TrustManager"]

        def begin(self):
            drafts = DRAFTS.get(self.code)
            self.submitting = bool(drafts)
            self.month = drafts.popleft() if drafts else PLAN["fallback"].get(self.code)
            if not self.month:
                self.page(f"/arrangements/{self.code}/returns/", "returns list")
                return
            self.open("edit/", "return entry", self.save)

        def open(self, step: str, name: str, then) -> None:
            """Open the return's page ``step``, and ``then`` post its form (or start again)."""
            path = return_path(self.code, self.month, step)
            with self.client.get(path, name=name, catch_response=True) as answer:
                self.form = form_on(answer.text, path) if answer.ok else None
                if answer.ok and self.form is None:
                    answer.failure(f"no form on the page: {banners(answer.text)}")
            self.next = then if self.form else self.begin

        def save(self):
            path = return_path(self.code, self.month, "edit/")
            self.next = self.begin
            self.post(path, one_figure_changed(self.form["fields"]), "return save", self.saved)

        def saved(self, status: int, said: list[str], html: str) -> str | None:
            if status == 302:
                self.outcome("figures saved")
                if self.submitting:
                    self.next = lambda: self.open("submit/", "return check", self.submit)
                return None
            if any(SOMEONE_ELSE_SAVED in text for text in said):
                self.outcome("expected: a save refused, someone else had saved since")
                path = return_path(self.code, self.month, "edit/")
                self.form = form_on(html, path)  # their figures: change one again
                self.next = self.save if self.form else self.begin
                return None
            return f"save not taken ({status}): {said}"

        def submit(self):
            path = return_path(self.code, self.month, "submit/")
            self.next = self.begin
            self.post(path, self.form["fields"], "return submit", self.submitted)

        def submitted(self, status: int, said: list[str], html: str) -> str | None:
            if any(text.startswith(SUBMITTED) for text in said):
                self.outcome("returns submitted")
                for council in PLAN["councils_of"][self.code]:
                    AWAITING[council].append((self.code, self.month))
                return None
            if moved_on(said):
                self.outcome("expected: a submission refused, the return had moved on")
                return None
            return f"submission not taken ({status}): {said}"

    class CouncilOfficer(Stepper):
        """Approves their council's area of each submitted return."""

        fixed_count = PLAN["counts"]["CouncilOfficer"]

        def begin(self):
            waiting = AWAITING[self.me["council"]]
            if not waiting:
                self.page(f"/arrangements/{self.code}/returns/", "returns list")
                return
            self.code, self.month = waiting.popleft()
            path = return_path(self.code, self.month, "approve/")
            with self.client.get(
                path, name="return approve page", allow_redirects=False, catch_response=True
            ) as answer:
                self.form = form_on(answer.text, path) if answer.status_code == 200 else None
                if answer.status_code == 200 and self.form is None:
                    answer.failure(f"no approval form: {banners(answer.text)}")
            self.next = self.approve if self.form else self.begin
            if answer.status_code == 302:  # decided already, or no longer submitted
                self.landed(answer.headers["Location"])

        def landed(self, path: str) -> None:
            """The return's page an approval page sent them to: why?"""
            with self.client.get(path, name="return page", catch_response=True) as page:
                said = banners(page.text)
                if moved_on(said):
                    self.outcome("expected: an approval refused, the return had moved on")
                else:
                    page.failure(f"approval page refused: {said}")

        def approve(self):
            path = return_path(self.code, self.month, "approve/")
            self.next = self.begin
            self.post(path, self.form["fields"], "return approve", self.approved)

        def approved(self, status: int, said: list[str], html: str) -> str | None:
            if APPROVED in said:
                self.outcome("areas approved")
                return None
            if moved_on(said):
                self.outcome("expected: an approval refused, the return had moved on")
                return None
            return f"approval not taken ({status}): {said}"

    USERS = [Reader, PackReader, ApiClient, TrustManager, CouncilOfficer]


def warm_up(plan: dict) -> list[str]:
    """Each page the readers ask for, twice, as its reader (not counted): what did not answer
    200, in words."""
    import requests

    problems = []
    for path, identity in plan["warm_up"]:
        session = requests.Session()
        if "session" in identity:
            session.cookies.set(plan["session_cookie"], identity["session"])
        if "token" in identity:
            session.headers["Authorization"] = f"Token {identity['token']}"
        for _ in range(2):
            answer = session.get(plan["base_url"] + path, allow_redirects=False, timeout=60)
        if answer.status_code != 200:
            problems.append(f"{path} as {identity['username']}: {answer.status_code}")
    return problems


def entry_figures(entry) -> dict:
    return {
        "name": entry.name,
        "method": entry.method,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.total_rps,
        "p50": entry.get_response_time_percentile(0.5),
        "p95": entry.get_response_time_percentile(0.95),
        "p99": entry.get_response_time_percentile(0.99),
        "max": entry.max_response_time,
    }


def run_locust() -> int:
    """The child: warm up, run the users for the plan's duration, write the stats as JSON."""
    out = Path(sys.argv[3])
    problems = warm_up(PLAN)
    if problems:
        out.write_text(json.dumps({"problems": problems}))
        return 2
    # At the end each user finishes the request it is making (none is cut off and counted).
    environment = Environment(user_classes=USERS, stop_timeout=30)
    runner = environment.create_local_runner()
    runner.start(PLAN["users"], spawn_rate=PLAN["spawn_rate"])
    gevent.spawn_later(PLAN["duration"], runner.quit)
    runner.greenlet.join()
    stats = environment.stats
    result = {
        "total": entry_figures(stats.total),
        "entries": [entry_figures(e) for e in stats.entries.values()],
        "errors": [
            {"name": e.name, "error": str(e.error), "count": e.occurrences}
            for e in stats.errors.values()
        ],
        "outcomes": dict(OUTCOMES),
        "drafts_left": {code: len(left) for code, left in DRAFTS.items()},
    }
    out.write_text(json.dumps(result))
    return 0


if IS_CHILD:
    sys.exit(run_locust())


# --- The orchestra (this process: Django, the database, gunicorn and the workers) --------------


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--keep", action="store_true", help="keep the database made")
    parser.add_argument(
        "--reuse-database",
        metavar="NAME",
        help="an existing database holding the demo: no migrate or load_demo (never dropped)",
    )
    parser.add_argument("--database", default="tp_load", help="the database made (tp_load)")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=120,
        help="seconds to wait after the load for the recompute queue to empty",
    )
    args = parser.parse_args()
    if args.users < 6:
        parser.error("--users must be at least 6 (one of each kind, two officers)")
    if args.duration < 5:
        parser.error("--duration must be at least 5 seconds")
    return args


ARGS = parse()
DATABASE = ARGS.reuse_database or ARGS.database
# This process, gunicorn and the workers share the settings' var folder (secret key, static
# files, media): one of the run's own.
VAR_DIR = tempfile.mkdtemp(prefix="tp-load-")
RUN_ENV = {
    "TRUST_PORTAL_VAR_DIR": VAR_DIR,
    "DATABASE_URL": f"{SERVER}/{DATABASE}",
    "CELERY_BROKER_URL": BROKER_URL,
    "CACHE_URL": CACHE_URL,
    "DASHBOARD_RECOMPUTE_DELAY": str(RECOMPUTE_DELAY),
    "EMAIL_URL": "memorymail://",  # the approvals' emails go nowhere
    "REQUIRE_TWO_FACTOR": "1",  # as in production
    "DJANGO_DEBUG": "0",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(RUN_ENV)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_portal.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from psycopg import sql  # noqa: E402

from performance.models import Indicator, MonthlyReturn  # noqa: E402
from performance.services import returns  # noqa: E402
from trust_portal.accounts.api_tokens import api_token_create  # noqa: E402
from trust_portal.accounts.models import Arrangement, User  # noqa: E402
from trust_portal.approvals.models import State  # noqa: E402
from trust_portal.celery import app  # noqa: E402
from trust_portal.dashboards.models import IssuedPack, RecomputeRun, Snapshot  # noqa: E402
from trust_portal.dashboards.services import snapshot_recompute  # noqa: E402
from trust_portal.dashboards.tasks import recompute_task  # noqa: E402
from trust_portal.outbox.models import Job  # noqa: E402
from trust_portal.outbox.services import jobs_send_due  # noqa: E402
from trust_portal.periods import complete_months  # noqa: E402

CELERY = ROOT / ".venv" / "bin" / "celery"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DONE = (RecomputeRun.State.SUCCEEDED, RecomputeRun.State.FAILED)


class BenchError(Exception):
    """Something the benchmark could not do (the line printed says what)."""


def progress(line: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {line}", flush=True)


def tail(path: Path, lines: int = 15) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- The database ------------------------------------------------------------------------------


def server(statement, *params) -> list:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        cursor = admin.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


def manage(*command: str, log: Path, **env: str) -> float:
    """Run ``manage.py command`` in a process of its own; its wall time."""
    began = time.perf_counter()
    with log.open("a") as out:
        done = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=out,
        )
    if done.returncode:
        raise BenchError(f"manage.py {' '.join(command)} failed, see {log}:\n{tail(log)}")
    return time.perf_counter() - began


def make_database(made: list[str], logs: Path) -> None:
    """The database, migrated, the demo loaded and every arrangement's snapshots computed."""
    if server("SELECT 1 FROM pg_database WHERE datname = %s", DATABASE):
        raise BenchError(
            f"Database {DATABASE} already exists (a kept run?): drop it, or pass "
            f"--reuse-database {DATABASE}."
        )
    server(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    made.append(DATABASE)
    log = logs / "database.log"
    progress(f"database {DATABASE}: migrating")
    manage("migrate", "--noinput", log=log)
    progress("loading the demo")
    # Its recompute jobs go nowhere: the runs they start are run here, below.
    seconds = manage(
        "load_demo", "--password", os.urandom(12).hex(), log=log, CELERY_BROKER_URL="memory://"
    )
    progress(f"demo loaded in {seconds:.0f} s; computing every arrangement's snapshots")
    began = time.perf_counter()
    compute_snapshots()
    progress(f"snapshots computed in {time.perf_counter() - began:.0f} s")


def compute_snapshots() -> None:
    """Each arrangement's snapshots, here: the runs ``load_demo`` queued run by the task's own
    body (so each is recorded as finished), and ``snapshot_recompute`` for any without one."""
    waiting = RecomputeRun.objects.exclude(state__in=DONE)
    for arrangement in Arrangement.objects.order_by("pk"):
        runs = list(waiting.filter(arrangement=arrangement).values_list("pk", flat=True))
        for run_id in runs:
            recompute_task(arrangement.pk, run_id=run_id)
        if not runs:
            snapshot_recompute(arrangement=arrangement)
    if waiting.exists():
        raise BenchError("Some of load_demo's recompute runs did not finish.")


def drop(names: list[str]) -> None:
    connection.close()
    for name in names:
        server(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- What the users work on ----------------------------------------------------------------


@dataclass
class Plan:
    """Who the simulated users are and what they work on; written as JSON for the locust
    process."""

    counts: dict[str, int]
    identities: dict[str, list] = field(default_factory=dict)
    drafts: dict[str, list[str]] = field(default_factory=dict)
    submitted: list[tuple[str, str]] = field(default_factory=list)
    fallback: dict[str, str] = field(default_factory=dict)
    councils_of: dict[str, list[str]] = field(default_factory=dict)
    indicators: dict[str, list[str]] = field(default_factory=dict)
    packs: dict[str, list[int]] = field(default_factory=dict)
    warm_up: list = field(default_factory=list)


def user_counts(users: int) -> dict[str, int]:
    """How many of each kind: about 8% trust managers, 8% officers approving (at least one
    for each of NCT's two councils), 16% API clients, 8% pack readers; the rest read
    dashboards."""
    counts = {
        "TrustManager": max(1, round(users * 0.08)),
        "CouncilOfficer": max(2, round(users * 0.08)),
        "ApiClient": max(1, round(users * 0.16)),
        "PackReader": max(1, round(users * 0.08)),
    }
    counts["Reader"] = users - sum(counts.values())
    return counts


# Who each kind of simulated user is, in turn: (username, arrangement).
CAST = {
    "Reader": [
        ("dfe-observer", "NCT"),
        ("wnc-scrutiny", "NCT"),
        ("nnc-scrutiny", "NCT"),
        ("wnc-officer", "NCT"),
        ("nnc-officer", "NCT"),
    ],
    "PackReader": [("wnc-scrutiny", "NCT"), ("nnc-scrutiny", "NCT"), ("wnc-officer", "NCT")],
    # The demo's other arrangement (OCT) has no performance returns to start from.
    "TrustManager": [("nct-manager", "NCT")],
    "CouncilOfficer": [("wnc-officer", "NCT"), ("nnc-officer", "NCT")],
    "ApiClient": [("nnc-finance-system", "NCT"), ("wnc-officer", "NCT"), ("dfe-observer", "NCT")],
}


def signed_in(user: User) -> str:
    """A session key for ``user`` signed in with their second factor given, made as
    ``conftest.signed_in_fully`` makes one (an authenticator app made if they have none)."""
    client = Client()
    client.force_login(user, backend="trust_portal.accounts.backends.AccountBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return session.session_key


def identities(counts: dict[str, int]) -> dict[str, list]:
    """One identity for each simulated user: a session of their own, or an API token."""
    made: dict[str, list] = {}
    for kind, count in counts.items():
        made[kind] = []
        for number in range(count):
            username, code = CAST[kind][number % len(CAST[kind])]
            user = User.objects.get(username=username)
            me = {"username": username, "code": code}
            if kind == "ApiClient":
                _, me["token"] = api_token_create(
                    by=None, user=user, name=f"Load test {number + 1}", days=1, read_only=True
                )
            else:
                me["session"] = signed_in(user)
            if kind == "CouncilOfficer":
                me["council"] = user.organisation.code
            made[kind].append(me)
    return made


def readers_pages(plan: Plan) -> None:
    """The indicator trend pages and issued packs there are, and the pages to warm up."""
    for arrangement in Arrangement.objects.select_related("trust"):
        code = arrangement.code
        plan.councils_of[code] = list(
            arrangement.councils.order_by("code").values_list("code", flat=True)
        )
        snapshot = Snapshot.objects.version(arrangement, "indicators")
        pages = Snapshot.objects.part(snapshot.pk, "pages") if snapshot else None
        plan.indicators[code] = sorted(pages or {})[:8] or [Indicator.objects.first().code]
        plan.packs[code] = list(
            IssuedPack.objects.filter(arrangement=arrangement).values_list("pk", flat=True)
        )
    if not plan.packs.get("NCT"):
        raise BenchError("The demo's NCT has no issued scrutiny pack to download.")
    readers = {me["code"]: me for me in plan.identities["Reader"]}
    for code, me in readers.items():
        base = f"/arrangements/{code}/dashboards/"
        pages = [base + name + "/" for name in ("overview", "finance", "workforce")]
        pages += [f"{base}indicators/{i}/" for i in plan.indicators[code]]
        plan.warm_up += [[path, me] for path in [*pages, base, "/"]]
    for me in plan.identities["PackReader"][:1]:
        code = me["code"]
        plan.warm_up.append([f"/arrangements/{code}/scrutiny-packs/", me])
        plan.warm_up += [
            [f"/arrangements/{code}/scrutiny-packs/{pk}/pdf/", me] for pk in plan.packs[code]
        ]
    api = plan.identities["ApiClient"][0]
    for name in ("measurements", "returns", "indicators", "dashboards"):
        plan.warm_up.append([f"/api/v1/{name}/", api])


PRE_SUBMITTED = 2  # returns an arrangement submitted before the load, for the officers
COMMENTARY = "Entered late, for the load test (bench/load.py): figures as the latest month's."


def template_of(arrangement: Arrangement) -> tuple[dict, dict]:
    """The arrangement's latest approved figures as the entry form would post them, and a
    commentary on every indicator (so no flagged change can stop a submission)."""
    latest = (
        MonthlyReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)
        .order_by("-period")
        .first()
    )
    measurements = latest.measurements.select_related("indicator") if latest else []
    by_cell = {(m.indicator.code, m.area): m for m in measurements}
    cells = returns.cells_of(arrangement, Indicator.objects.all())
    figures = {}
    for indicator, area in cells:
        found = by_cell.get((indicator.code, area))
        numerator = "" if found is None or found.numerator is None else str(found.numerator)
        denominator = None
        if indicator.has_denominator:
            denominator = (
                "" if found is None or found.denominator is None else str(found.denominator)
            )
        figures[(indicator.code, area)] = (numerator, denominator)
    return figures, {indicator.code: COMMENTARY for indicator, _ in cells}


def open_returns(arrangement: Arrangement, manager: User, wanted: int) -> list[MonthlyReturn]:
    """``wanted`` drafts, for the newest months the arrangement holds no return of, filled in
    and ready to submit (a month whose checks still find something is left out, and said)."""
    held = set(
        MonthlyReturn.objects.filter(arrangement=arrangement).values_list("period", flat=True)
    )
    figures, commentary = template_of(arrangement)
    made, refused = [], []
    for month in complete_months(timezone.localdate(), 12 * 25):
        if len(made) == wanted or len(refused) == 3:  # three refused: the rest would be too
            break
        if month in held:
            continue
        draft = returns.return_start(by=manager, arrangement=arrangement, month=month)
        returns.return_save(
            by=manager,
            monthly_return=draft,
            expected_version=draft.lock_version,
            figures=figures,
            commentary=commentary,
        )
        missing, flagged = returns.return_problems(draft)
        if missing or flagged:
            refused.append(f"{month:%Y-%m}: {(missing + flagged)[:2]}")
        else:
            made.append(draft)
    if refused:
        progress(f"{arrangement.code}: {len(refused)} months left out, e.g. {refused[0]}")
    if len(made) < wanted:
        progress(f"{arrangement.code}: only {len(made)} returns opened of {wanted} wanted")
    return made


def prepare_returns(plan: Plan, duration: int) -> None:
    """Drafts for each arrangement's trust managers (enough for one every 8 s of load), two
    submitted for its officers, and the demo's own draft as what a manager goes on saving
    once their drafts are used up."""
    managers = Counter(
        CAST["TrustManager"][n % len(CAST["TrustManager"])][1]
        for n in range(plan.counts["TrustManager"])
    )
    per_manager = math.ceil(duration / 8) + 1
    for code in managers:
        arrangement = Arrangement.objects.get(trust__code=code)
        manager = User.objects.get(username=f"{code.lower()}-manager")
        demo_draft = (
            MonthlyReturn.objects.filter(arrangement=arrangement, state=State.DRAFT, revision=1)
            .order_by("-period")
            .first()
        )
        made = open_returns(arrangement, manager, managers[code] * per_manager + PRE_SUBMITTED)
        for submitted in made[:PRE_SUBMITTED]:
            returns.return_submit(by=manager, monthly_return=submitted)
            plan.submitted.append((code, f"{submitted.period:%Y-%m}"))
        plan.drafts[code] = [f"{draft.period:%Y-%m}" for draft in made[PRE_SUBMITTED:]]
        if demo_draft:
            plan.fallback[code] = f"{demo_draft.period:%Y-%m}"
        months = sorted(f"{r.period:%Y-%m}" for r in made)
        span = f"{months[0]} to {months[-1]}" if months else "none"
        submitted = min(len(made), PRE_SUBMITTED)
        progress(f"{code}: {len(made)} returns opened ({span}), {submitted} submitted")


# --- Celery workers and gunicorn ------------------------------------------------------------


def _signal(process: subprocess.Popen, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, number)  # its own group: the process and its children


def stop(process: subprocess.Popen, seconds: float = 20) -> None:
    """A warm shutdown (SIGTERM to its group), then SIGKILL if it has not ended in time."""
    if process.poll() is None:
        _signal(process, signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        _signal(process, signal.SIGKILL)
        process.wait()
    _signal(process, signal.SIGKILL)  # a child its parent left behind


def start(command: list[str], log: Path) -> subprocess.Popen:
    with log.open("a") as out:
        return subprocess.Popen(  # noqa: S603 - the venv's own programs, fixed arguments
            command, cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=out, start_new_session=True
        )


class Workers:
    """``count`` Celery worker processes (one pool process each), started on a flushed Redis
    database and answering a ping before it returns; each in a process group of its own, so
    stopping it stops its pool process too (bench/national_scale.py's, on this run's broker)."""

    def __init__(self, count: int, logs: Path):
        self.count, self.logs = count, logs
        self.processes: list[subprocess.Popen] = []
        self.names = [f"load{number}-{os.getpid()}" for number in range(1, count + 1)]

    def __enter__(self) -> "Workers":
        redis.Redis.from_url(BROKER_URL).flushdb()
        queue = app.conf.task_default_queue  # the project routes nothing elsewhere
        try:
            for name in self.names:
                command = [
                    *(str(CELERY), "-A", "trust_portal", "worker", "--concurrency", "1"),
                    *("-Q", queue, "-n", f"{name}@%h", "--loglevel", "WARNING"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ]
                self.processes.append(start(command, self.logs / f"{name}.log"))
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
            stop(process)
        self.processes = []


class Gunicorn:
    """The Procfile's web process (gthread workers), on ``port``, answering before it
    returns."""

    def __init__(self, port: int, logs: Path):
        self.port, self.log = port, logs / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        command = [str(GUNICORN), "trust_portal.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
        # Its control socket in the run's folder, not the shared ~/.gunicorn/gunicorn.ctl.
        command += ["--control-socket", str(Path(VAR_DIR) / "gunicorn.ctl")]
        self.process = start([*command, "--access-logfile", "-"], self.log)
        try:
            self._wait_until_answering()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait_until_answering(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            with contextlib.suppress(OSError):
                url = f"http://127.0.0.1:{self.port}/sign-in/"
                with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - ours
                    if answer.status == 200:
                        return
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped ({self.process.returncode}):\n{tail(self.log)}")
            if time.monotonic() > deadline:
                raise BenchError(f"gunicorn did not answer within {seconds:.0f} s.")
            time.sleep(0.5)

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            stop(self.process, seconds=30)
            self.process = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The load, and the recomputes it queued ------------------------------------------------


def run_load(plan: Plan, port: int, logs: Path) -> dict:
    """The locust process (this file run again), for the plan; its stats."""
    folder = Path(VAR_DIR)
    plan_file, out_file = folder / "plan.json", folder / "stats.json"
    plan_file.write_text(
        json.dumps(
            {
                **plan.__dict__,
                "base_url": f"http://127.0.0.1:{port}",
                "users": ARGS.users,
                "spawn_rate": ARGS.spawn_rate,
                "duration": ARGS.duration,
                "session_cookie": settings.SESSION_COOKIE_NAME,
            }
        )
    )
    command = [sys.executable, str(Path(__file__).resolve()), LOCUST_CHILD]
    process = start([*command, str(plan_file), str(out_file)], logs / "locust.log")
    try:
        process.wait(timeout=ARGS.duration + 300)
    except subprocess.TimeoutExpired as error:
        raise BenchError(f"locust did not end:\n{tail(logs / 'locust.log')}") from error
    finally:
        stop(process, seconds=10)
    if not out_file.exists():
        raise BenchError(f"locust failed ({process.returncode}):\n{tail(logs / 'locust.log')}")
    result = json.loads(out_file.read_text())
    if result.get("problems"):
        raise BenchError("Warm-up: pages not answering 200: " + "; ".join(result["problems"]))
    return result


@dataclass
class Recomputes:
    ok: int = 0
    lost: int = 0
    twice: int = 0
    problems: list[str] = field(default_factory=list)
    submitted: int = 0
    approved: int = 0
    drained_in: float | None = None


RUN_FIELDS = ("pk", "arrangement__trust__code", "state", "attempts", "error", "requests")


def drain(pool: Workers, first_run: int, began) -> Recomputes:
    """Wait (bounded) for every run queued since the load began to finish, then check each:
    succeeded once, or lost, or ran twice; and that each arrangement's last approval during
    the load was followed by a run that succeeded."""
    result = Recomputes()
    runs = RecomputeRun.objects.filter(pk__gt=first_run)
    waited = time.monotonic()
    deadline = waited + ARGS.drain_timeout
    while runs.exclude(state__in=DONE).exists() and time.monotonic() < deadline:
        pool.check_alive()
        if Job.objects.unsent().exists():
            jobs_send_due()  # the outbox's beat job would, within a minute
        time.sleep(1)
    if not runs.exclude(state__in=DONE).exists():
        result.drained_in = time.monotonic() - waited
    for run in runs.values(*RUN_FIELDS):
        where = f"run {run['pk']} ({run['arrangement__trust__code']})"
        if run["attempts"] > 1:
            result.twice += 1
            result.problems.append(f"{where} ran {run['attempts']} times ({run['state']})")
        elif run["state"] == RecomputeRun.State.SUCCEEDED:
            result.ok += 1
        else:
            result.lost += 1
            result.problems.append(f"{where} {run['state']}: {run['error'] or 'not finished'}")
    approved = MonthlyReturn.objects.filter(approved_at__gte=began)
    result.approved = approved.count()
    result.submitted = MonthlyReturn.objects.filter(submitted_at__gte=began).count()
    for last in approved.values("arrangement_id", "arrangement__trust__code").annotate(
        at=Max("approved_at")
    ):
        done = runs.filter(
            arrangement_id=last["arrangement_id"],
            state=RecomputeRun.State.SUCCEEDED,
            started_at__gte=last["at"],
        )
        if not done.exists():
            result.lost += 1
            code = last["arrangement__trust__code"]
            result.problems.append(f"{code}'s last approval ({last['at']:%H:%M:%S}) reached no run")
    return result


# --- The tables, and the run -----------------------------------------------------------------


def print_table(columns: list[str], rows: list[list[str]]) -> None:
    widths = [
        max(len(text) for text in [name, *(row[i] for row in rows)])
        for i, name in enumerate(columns)
    ]
    line = f"{{:<{widths[0]}}}  " + "  ".join(f"{{:>{width}}}" for width in widths[1:])
    print(line.format(*columns))
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for row in rows:
        print(line.format(*row))
    print()


def stats_row(entry: dict) -> list[str]:
    return [
        entry["name"],
        f"{entry['requests']:,}",
        f"{entry['failures']:,}",
        f"{entry['rps']:.1f}",
        *(f"{entry[p]:.0f}" for p in ("p50", "p95", "p99", "max")),
    ]


def report(stats: dict, recomputes: Recomputes | None) -> None:
    """The requests by name and overall, what the work came to, the errors, the recomputes."""
    columns = ["request", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"]
    rows = [stats_row(e) for e in sorted(stats["entries"], key=lambda e: e["name"])]
    print_table(columns, [*rows, stats_row({**stats["total"], "name": "all requests"})])
    print("What the work came to (expected refusals are not errors: someone got there first):")
    for what, count in sorted(stats["outcomes"].items()):
        print(f"  {what}: {count}")
    left = ", ".join(f"{code} {n}" for code, n in stats["drafts_left"].items())
    print(f"  drafts left unused: {left}")
    for error in sorted(stats["errors"], key=lambda e: -e["count"])[:15]:
        print(f"ERROR: {error['count']} x {error['name']}: {error['error'][:300]}")
    if recomputes is None:
        return
    drained = recomputes.drained_in
    print(
        f"\nDuring the load: {recomputes.submitted} returns submitted, {recomputes.approved} "
        f"approved by every council; recompute runs queued: "
        f"{recomputes.ok + recomputes.lost + recomputes.twice}, the queue empty "
        + (f"{drained:.0f} s after the load" if drained is not None else "NOT in time")
    )
    for problem in recomputes.problems:
        print(f"PROBLEM: {problem}")


def final_line(stats: dict | None, recomputes: Recomputes | None) -> str:
    total = (stats or {}).get("total")
    rps = f"{total['rps']:.1f}" if total else "n/a"
    p95 = f"{total['p95']:.0f}" if total else "n/a"
    errors = str(total["failures"]) if total else "n/a"
    ok, lost, twice = (
        (recomputes.ok, recomputes.lost, recomputes.twice) if recomputes else ("n/a",) * 3
    )
    return (
        f"load: {ARGS.users} users, {rps} req/s, p95 {p95} ms, {errors} errors, "
        f"recomputes {ok} ok, {lost} lost, {twice} twice (target p95 < 300 ms, 0 errors)"
    )


def prepare(made: list[str], logs: Path) -> Plan:
    """The database (made, or reused), the static files, and the plan: who, and what on."""
    redis.Redis.from_url(CACHE_URL).flushdb()
    if ARGS.reuse_database:
        left = RecomputeRun.objects.exclude(state__in=DONE)
        if left.update(state=RecomputeRun.State.FAILED, error="Left by an interrupted run."):
            progress(f"runs left unfinished in {DATABASE} marked failed")
    # First: the demo's pack PDFs, like the pages, name the static files by their manifest.
    seconds = manage("collectstatic", "--noinput", log=logs / "collectstatic.log")
    progress(f"static files collected in {seconds:.0f} s")
    if not ARGS.reuse_database:
        make_database(made, logs)
    plan = Plan(user_counts(ARGS.users))
    plan.identities = identities(plan.counts)
    readers_pages(plan)
    prepare_returns(plan, ARGS.duration)
    return plan


def load(plan: Plan, logs: Path) -> tuple[dict, Recomputes]:
    """Workers and gunicorn up, the load run, the queue drained and checked."""
    port = free_port()
    with Workers(2, logs) as pool, Gunicorn(port, logs):
        first_run = RecomputeRun.objects.aggregate(last=Max("pk"))["last"] or 0
        began = timezone.now()
        kinds = ", ".join(f"{n} {kind}" for kind, n in plan.counts.items())
        progress(f"gunicorn on port {port}, 2 workers; warm-up, then {ARGS.duration} s: {kinds}")
        stats = run_load(plan, port, logs)
        progress("load over; waiting for the recompute queue to empty")
        return stats, drain(pool, first_run, began)


def _terminated(number, frame) -> None:
    raise KeyboardInterrupt  # so gunicorn and the workers are stopped and the database dropped


def main() -> int:
    signal.signal(signal.SIGTERM, _terminated)
    logs = Path(VAR_DIR) / "logs"
    logs.mkdir()
    made: list[str] = []
    stats, recomputes, failure = None, None, ""
    print(
        f"Load: {ARGS.users} users (spawn rate {ARGS.spawn_rate:g}/s), {ARGS.duration} s, "
        f"database {DATABASE}, logs in {logs}"
    )
    try:
        plan = prepare(made, logs)
        stats, recomputes = load(plan, logs)
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
    if stats:
        report(stats, recomputes)
    if failure:
        print(f"PROBLEM: {failure}")
    errors = stats["total"]["failures"] if stats else 0
    bad = failure or errors or (recomputes and (recomputes.lost or recomputes.twice))
    if not bad:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
    print(final_line(stats, recomputes))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
