"""Time the pages, dashboards and API lists for several roles, and each dashboard builder;
print two tables.

Runs in-process with Django's test client on a throwaway SQLite database (or DATABASE_URL),
after migrating and loading the demo data. No assertions: a baseline to compare against.

    .venv/bin/python bench/pages.py [--requests 200]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRUST_PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="tp-bench-"))
os.environ.setdefault("CELERY_BROKER_URL", "memory://localhost/")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from trust_portal.accounts.models import Arrangement, User  # noqa: E402
from trust_portal.dashboards.services import snapshot_recompute  # noqa: E402

CASES = [
    ("home", "/", ["wnc-officer", "dfe-observer", "admin"]),
    ("arrangement", "/arrangements/NCT/", ["nct-manager"]),
    ("user list", "/users/", ["admin"]),
    ("API organisations", "/api/v1/organisations/", ["wnc-officer", "admin"]),
    ("API arrangements", "/api/v1/arrangements/", ["admin"]),
    ("sign-in page", "/sign-in/", [None]),
    ("dashboard overview", "/arrangements/NCT/dashboards/overview/", ["dfe-observer"]),
    ("dashboard finance", "/arrangements/NCT/dashboards/finance/", ["wnc-scrutiny"]),
    ("indicator trend", "/arrangements/NCT/dashboards/indicators/CIN_VISIT_IN_TIME/",
     ["wnc-officer"]),
    ("workforce overview", "/arrangements/NCT/workforce/", ["nct-manager"]),
    ("API dashboard", "/api/v1/dashboards/NCT/workforce/", ["admin"]),
]  # fmt: skip


def time_builders(repeat: int = 3) -> None:
    """Each builder on the demo's NCT: what a recompute costs the worker, best of ``repeat``."""
    from trust_portal.dashboards.registry import builders

    nct = Arrangement.objects.get(trust__code="NCT")
    header = f"{'builder':<16} {'best ms':>8} {'queries':>7} {'JSON KB':>8}"
    print(header)
    print("-" * len(header))
    for name, entry in sorted(builders().items()):
        best = None
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                data = entry.build(nct)
                elapsed = (time.perf_counter() - started) * 1000
            best = elapsed if best is None else min(best, elapsed)
        size = len(json.dumps(data)) / 1024
        print(f"{name:<16} {best:>8.1f} {len(queries):>7} {size:>8.1f}")
    print()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", password=os.urandom(12).hex(), stdout=quiet)
    for arrangement in Arrangement.objects.all():
        snapshot_recompute(arrangement=arrangement)

    time_builders()
    print(f"{connection.vendor}, {args.requests} requests each, after 10 warm-up requests\n")
    header = (
        f"{'page':<20} {'as':<14} {'status':>6} {'queries':>7} "
        f"{'mean ms':>8} {'p95 ms':>7} {'req/s':>7}"
    )
    print(header)
    print("-" * len(header))
    # Static files straight from the source folders, as in tests (no collectstatic here).
    storage = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(
        STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}, **storage}
    ):
        for label, url, users in CASES:
            for username in users:
                client = Client()
                if username:
                    client.force_login(
                        User.objects.get(username=username),
                        backend="trust_portal.accounts.backends.AccountBackend",
                    )
                for _ in range(10):
                    client.get(url)
                with CaptureQueriesContext(connection) as queries:
                    status = client.get(url).status_code
                query_count = len(queries)  # now: later requests reset the connection's log
                timings = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    client.get(url)
                    timings.append((time.perf_counter() - started) * 1000)
                mean = statistics.fmean(timings)
                p95 = statistics.quantiles(timings, n=20)[18]
                print(
                    f"{label:<20} {username or 'signed out':<14} {status:>6} "
                    f"{query_count:>7} {mean:>8.2f} {p95:>7.2f} {1000 / mean:>7.0f}"
                )


if __name__ == "__main__":
    main()
