"""Tokens of DRF's rest_framework.authtoken (kept in clear text) become ApiTokens: hashed, named
"Migrated token", expiring a year from this migration. The old table is read only where it
exists (a fresh database never had it; the app is no longer installed), by raw SQL."""

import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"
NAME = "Migrated token"


def clear_text_tokens(connection) -> list[tuple[str, int, object]]:
    """(key, user id, created) of every row of the old table; none when there is no table."""
    if OLD_TABLE not in connection.introspection.table_names():
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")  # noqa: S608
        return list(cursor.fetchall())


def tokens_migrate(apps, schema_editor, *, now=None):
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = now or timezone.now()
    rows = clear_text_tokens(schema_editor.connection)
    made = [
        ApiToken(
            user_id=user_id,
            name=NAME,
            prefix=key[:8],
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            read_only=False,
            created_at=now,
            expires_at=now + timedelta(days=365),
        )
        for key, user_id, _created in rows
    ]
    ApiToken.objects.bulk_create(made)
    if made:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {OLD_TABLE}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_api_tokens")]

    operations = [migrations.RunPython(tokens_migrate, migrations.RunPython.noop)]
