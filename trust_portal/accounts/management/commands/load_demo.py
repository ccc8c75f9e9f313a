"""Load the demo data of every app, idempotently, then queue the dashboards' recompute."""

import secrets
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from trust_portal.dashboards.services import recompute_request
from trust_portal.demo_time import load_today, loading
from trust_portal.outbox.models import Job
from trust_portal.outbox.services import EMAIL_TASK

PASSWORD_FILE = "demo-password"  # noqa: S105  (a file name, not a password)


def demo_password(explicit: str | None) -> str:
    """The demo users' password: given, or generated once into var/ and reused.

    It is never written in the code, so production mode has no known password.
    """
    if explicit:
        return explicit
    path = settings.VAR_DIR / PASSWORD_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def load_every_app(*, password: str, log) -> dict:
    """Each app's demo.py, in INSTALLED_APPS order (organisations before what refers to them),
    as of today (``demo_time.load_today``: the months reach the last complete one).

    First an earlier pass as of each day an app asks for (``earlier_passes(today)``: the issue
    days of the scrutiny packs not issued yet), loading only what had happened by then and
    nothing in flight, each followed by the apps' ``finish`` (which issues that day's pack from
    the figures as they stood); then the final pass as of today, which leaves the last months'
    work in flight, and its ``finish``."""
    today = load_today()
    modules = [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if find_spec(f"{config.name}.demo") is not None
    ]
    loaded = {}
    with loading(timezone.now()):
        days = {d for m in modules if hasattr(m, "earlier_passes") for d in m.earlier_passes(today)}
        for day in [*sorted(days), today]:
            final = day == today
            for module in modules:
                quiet = log if final else (lambda message: None)
                result = module.load(password=password, log=quiet, today=day, final=final)
                loaded.update(result or {})
            for module in modules:
                if hasattr(module, "finish"):
                    module.finish(log=log, today=day, final=final)
    return loaded


class Command(BaseCommand):
    help = "Create or refresh the demo organisations, users and figures (safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo user (default: generated once into var/demo-password).",
        )

    def handle(self, *args, password=None, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is not loaded into a production deployment.")
        password = demo_password(password or None)
        with transaction.atomic():
            before = Job.objects.aggregate(last=Max("pk"))["last"] or 0
            loaded = load_every_app(password=password, log=self.stdout.write)
            # The demo's approvals would email every demo user; nobody needs those.
            Job.objects.filter(pk__gt=before, task=EMAIL_TASK).delete()
            for arrangement in loaded.get("arrangements", []):
                # Through the outbox, so a broker that is down fails nothing (the beat job
                # sends it later); started at once, not after the usual wait for more changes.
                recompute_request(arrangement_id=arrangement.pk, delay=0)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins (all one password):"))
        for user in loaded.get("users", []):
            where = user.organisation.code if user.organisation else "platform"
            self.stdout.write(f"  {user.username:<14} {user.role_label:<17} {where}")
        self.stdout.write(f"  password: {password}")
