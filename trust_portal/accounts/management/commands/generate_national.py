"""Generate national-scale synthetic data for benchmarks (issue 18): 50 arrangements and 150
councils at scale 1, ten years of approved returns. See docs/performance.md."""

import time
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards.services import snapshot_recompute
from trust_portal.demo_time import last_complete_month, months
from trust_portal.national import DEFAULT_SEED, TRUST_PREFIX, Plan
from trust_portal.periods import previous_month


def plan_months(years: int, today) -> list:
    """``years`` years of months ending at the last complete one."""
    last = last_complete_month(today)
    first = last
    for _ in range(12 * years - 1):
        first = previous_month(first)
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


def refusal() -> str | None:
    """Why this database cannot take a generation as it stands, or None."""
    arrangements = list(Arrangement.objects.values_list("trust__code", flat=True))
    if not arrangements:
        return None
    generated = [code for code in arrangements if code.startswith(TRUST_PREFIX)]
    if generated and len(generated) == len(arrangements):
        return (
            f"This database already holds a previous generation ({len(generated)} "
            "arrangements). Run again with --fresh to empty the database and generate anew."
        )
    others = ", ".join(sorted(c for c in arrangements if not c.startswith(TRUST_PREFIX)))
    return (
        f"This database already holds other arrangements ({others}: the demo?), and "
        "generated data must not be mixed with them. Use an empty database, or run again with "
        "--fresh to empty this one first (everything in it is deleted)."
    )


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
            help="Years of monthly returns, ending at the last complete month (default 10).",
        )
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Empty the database first (the demo or a previous generation included).",
        )
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="Build every dashboard's snapshot afterwards, here rather than by a worker.",
        )

    def handle(self, *args, scale, seed, years, fresh, recompute, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Synthetic data is not generated in a production deployment.")
        if scale <= 0 or years < 1:
            raise CommandError("The scale must be above 0 and the years at least 1.")
        started = time.perf_counter()
        if fresh:
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()
        elif why := refusal():
            raise CommandError(why)
        plan = Plan(seed=seed, scale=scale, months=plan_months(years, timezone.localdate()))
        with transaction.atomic():
            for module in parts():
                module.generate(plan=plan, log=self.stdout.write)
        made = time.perf_counter() - started
        if recompute:
            for party in plan.parties:
                snapshot_recompute(arrangement=party.arrangement)
        self._summary(plan, made, time.perf_counter() - started - made if recompute else None)

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
