"""``manage.py create_api_token USERNAME --name NAME [--expires DAYS] [--read-only]``: a new API
token for a person or a service account, printed on the last line (for scripts), shown only
this once (only its hash is kept). It replaces DRF's drf_create_token, which kept keys in
clear text."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from trust_portal.accounts.api_tokens import DEFAULT_DAYS, MAX_DAYS, api_token_create
from trust_portal.accounts.models import User


class Command(BaseCommand):
    help = "Make an API token for USERNAME and print it on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument(
            "--expires",
            default=str(DEFAULT_DAYS),
            metavar="DAYS",
            help=f"Days until it expires, 1 to {MAX_DAYS} (default {DEFAULT_DAYS}).",
        )
        parser.add_argument("--read-only", action="store_true", help="It may only read.")

    def handle(self, *args, username, name, expires, read_only, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username}.")
        if not name.strip():
            raise CommandError("Give the token a name with --name.")
        try:
            token, key = api_token_create(
                by=None, user=user, name=name, days=expires, read_only=read_only
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        access = "read-only" if token.read_only else "read and change"
        self.stdout.write(
            f"API token '{token.name}' for {user.username} ({access}), expires "
            f"{token.expires_at:%Y-%m-%d}. It is shown only this once:"
        )
        self.stdout.write(key)
