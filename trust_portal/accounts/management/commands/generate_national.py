"""Generate national-scale synthetic data for benchmarks (issue 18): 50 arrangements and 150
councils at scale 1, ten years of approved returns. See docs/performance.md."""

import time
from datetime import date
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from trust_portal.accounts.national import fresh_refusal, mix_refusal
from trust_portal.dashboards.services import snapshot_recompute
from trust_portal.demo_time import last_complete_month, months
from trust_portal.national import DEFAULT_SEED, Plan, as_of
from trust_portal.periods import FIRST_MONTH, MONTH, previous_month

# What --fresh deletes, said before it asks and in docs/performance.md.
EVERYTHING = (
    "every row of every table: organisations, arrangements, users (administrators included), "
    "API tokens, two-factor devices, webhooks, scheduled jobs, the outbox, snapshots and all "
    "the figures; the tables and migrations stay"
)


def until_month(text: str | None, today: date) -> date:
    """The last month to generate: ``text`` ("YYYY-MM"), or the last complete month; never
    a later one (its returns could not have been approved yet)."""
    last = last_complete_month(today)
    if text is None:
        return last
    if not MONTH.match(text):
        raise CommandError(f"--until takes a month as YYYY-MM (2026-03), not {text!r}.")
    month = date(int(text[:4]), int(text[5:7]), 1)
    if month > last:
        raise CommandError(f"--until must be {last:%Y-%m} (the last complete month) or earlier.")
    return month


def plan_months(years: int, last: date) -> list:
    """``years`` years of months ending at ``last``; refused when the first would come before
    ``trust_portal.periods.FIRST_MONTH`` (January 2000), the first month the portal takes."""
    first = last
    for _ in range(12 * years - 1):
        first = previous_month(first)
        if first < FIRST_MONTH:
            raise CommandError(
                f"{years} years ending {last:%B %Y} would start before {FIRST_MONTH:%B %Y}, "
                "the first month the portal takes: ask for fewer --years."
            )
    return months(first, last)


def parts() -> list:
    """Each app's ``national.py`` with a ``generate``, in INSTALLED_APPS order (organisations
    before what refers to them), as ``load_demo`` gathers ``demo.py``."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.national"
        if find_spec(name) is not None:
            module = import_module(name)
            if hasattr(module, "generate"):
                found.append(module)
    return found


class Command(BaseCommand):
    help = (
        "Generate synthetic national-scale data for benchmarks: at scale 1, 50 arrangements "
        "with 150 councils and ten years of approved returns."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 makes 50 arrangements; 2 and 4 double and quadruple them; 0.04 makes 2.",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Default {DEFAULT_SEED}."
        )
        parser.add_argument(
            "--years",
            type=int,
            default=10,
            help="Years of monthly returns, ending at --until (default 10).",
        )
        parser.add_argument(
            "--until",
            help="The last month generated, YYYY-MM (default: the last complete month).",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Empty the database first, in the same transaction: only a database holding "
            "the demo or a previous generation. Everything in it is deleted.",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask before --fresh empties the database.",
        )
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="Build every dashboard's snapshot afterwards, here rather than by a worker.",
        )

    def handle(self, *args, scale, seed, years, until, fresh, interactive, recompute, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Synthetic data is not generated in a production deployment.")
        if scale <= 0 or years < 1:
            raise CommandError("The scale must be above 0 and the years at least 1.")
        now = timezone.now()
        last = until_month(until, timezone.localdate(now))
        plan = Plan(seed=seed, scale=scale, months=plan_months(years, last), now=now)
        if why := (fresh_refusal() if fresh else mix_refusal()):
            raise CommandError(why)
        if fresh and interactive:
            self._confirm()
        started = time.perf_counter()
        try:
            with transaction.atomic():
                if fresh:
                    _flush()
                with as_of(plan.founded):
                    for module in parts():
                        module.generate(plan=plan, log=self.stdout.write)
        finally:
            # Content types are made anew by the flush, or back as they were if it failed.
            ContentType.objects.clear_cache()
        made = time.perf_counter() - started
        if recompute:
            for party in plan.parties:
                snapshot_recompute(arrangement=party.arrangement)
        self._summary(plan, made, time.perf_counter() - started - made if recompute else None)

    def _confirm(self) -> None:
        name = connection.settings_dict["NAME"]
        answer = input(
            f"--fresh deletes {EVERYTHING}, in the database {name!r}, before generating.\n"
            "Type 'yes' to go on: "
        )
        if answer.strip() != "yes":
            raise CommandError("Nothing was changed.")

    def _summary(self, plan: Plan, made: float, recomputed: float | None) -> None:
        first, last = plan.months[0], plan.months[-1]
        self.stdout.write(
            f"Scale {plan.scale:g}, seed {plan.seed}: {len(plan.parties)} arrangements, "
            f"{sum(len(p.councils) for p in plan.parties)} councils, "
            f"{first:%B %Y} to {last:%B %Y} ({len(plan.months)} months)."
        )
        width = max(len(kind) for kind in plan.counts)
        self.stdout.write(f"{'Kind':<{width}}  {'Rows':>12}")
        for kind, rows in plan.counts.items():
            self.stdout.write(f"{kind:<{width}}  {rows:>12,}")
        self.stdout.write(f"{'All':<{width}}  {sum(plan.counts.values()):>12,}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {made:.1f} s."))
        if recomputed is not None:
            self.stdout.write(f"Dashboards recomputed in {recomputed:.1f} s.")


def _flush() -> None:
    """Empty every table inside the transaction the generation runs in. PostgreSQL refuses to
    TRUNCATE a table with deferred foreign-key checks still pending in the transaction (rows
    written earlier in it: an enclosing transaction, as in the tests); they are run first, and
    the checks deferred again afterwards, as Django makes them."""
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    ContentType.objects.clear_cache()
