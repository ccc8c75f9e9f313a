"""Migration 0005: DRF's clear-text tokens become hashed ApiTokens expiring a year on; a database
that never had DRF's token table (a fresh one) migrates as well."""

import hashlib
from datetime import UTC, datetime, timedelta
from importlib import import_module
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from trust_portal.accounts.models import ApiToken

migration = import_module("trust_portal.accounts.migrations.0005_migrate_clear_text_tokens")
drop = import_module("trust_portal.accounts.migrations.0006_drop_clear_text_token_table")
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"


def _execute(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)


# What the migrations use of a schema editor (SQLite's cannot open inside a test's transaction).
EDITOR = SimpleNamespace(connection=connection, execute=_execute)


def old_table_with(user) -> None:
    """DRF's table as rest_framework.authtoken made it, holding one clear-text key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp "
            "NOT NULL, user_id integer NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [OLD_KEY, "2025-01-01 00:00:00", user.pk],
        )


def test_clear_text_tokens_become_hashed_tokens_expiring_a_year_on(people):
    old_table_with(people["officer"])

    migration.tokens_migrate(apps, EDITOR, now=NOW)
    left = migration.clear_text_tokens(connection)
    drop.table_drop(apps, EDITOR)

    token = ApiToken.objects.get()
    assert (token.user, token.name) == (people["officer"], "Migrated token")
    assert token.prefix == "9944b091"
    assert token.key_hash == hashlib.sha256(OLD_KEY.encode()).hexdigest()
    assert token.expires_at == NOW + timedelta(days=365)
    assert left == []
    assert "authtoken_token" not in connection.introspection.table_names()


def test_the_migrated_key_still_works_until_it_expires(people, client):
    old_table_with(people["officer"])
    migration.tokens_migrate(apps, EDITOR)
    drop.table_drop(apps, EDITOR)

    response = client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {OLD_KEY}")

    assert response.status_code == 200


def test_a_database_without_the_old_table_migrates_with_nothing_to_move(db):
    migration.tokens_migrate(apps, EDITOR)
    drop.table_drop(apps, EDITOR)

    assert not ApiToken.objects.exists()
