"""Load the demo data of every app, idempotently, then queue the dashboards' recompute."""

import secrets
from functools import partial
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from trust_portal.dashboards.services import recompute_request
from trust_portal.demo_time import load_today

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
    as of today (``demo_time.load_today``: the months reach the last complete one); then each
    one's ``finish``, if it has one, for what needs every app's rows (the issued packs)."""
    today = load_today()
    loaded, modules = {}, []
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if find_spec(name) is None:
            continue
        modules.append(import_module(name))
        result = modules[-1].load(password=password, log=log, today=today)
        loaded.update(result or {})
    for module in modules:
        if hasattr(module, "finish"):
            module.finish(log=log, today=today)
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
        # The demo's approvals would email every demo user; nobody needs those.
        quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        with quiet, transaction.atomic():
            loaded = load_every_app(password=password, log=self.stdout.write)
            for arrangement in loaded.get("arrangements", []):
                # Start at once after the commit, not after the usual wait for more changes.
                transaction.on_commit(
                    partial(recompute_request, arrangement_id=arrangement.pk, delay=0)
                )
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins (all one password):"))
        for user in loaded.get("users", []):
            where = user.organisation.code if user.organisation else "platform"
            self.stdout.write(f"  {user.username:<14} {user.role_label:<17} {where}")
        self.stdout.write(f"  password: {password}")
