"""The programme's move from the contracts app to its own app lost nothing.

migration/before_move.json.gz is every row of a database loaded with the demo on the schema
before the move (made by migration/make_dump.py with the code of that commit, plus minutes
attached to a board meeting and an admin log entry about a business case). The test takes the
test database back to the migration state before the move, restores into it the programme's
tables, their history tables and everything they point at (content types, permissions and the
admin's log included), migrates forward and finds every row, history row, content type (same
id, now the transformation app's) and file reference.
"""

import gzip
import json
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from transformation import models

DUMP = Path(__file__).parent / "migration" / "before_move.json.gz"
# The schema the dump was taken from (accounts as it stood then, before its session generation).
BEFORE = [
    ("contracts", "0004_transformation_programme"),
    ("transformation", None),
    ("accounts", "0002_change_reasons_in_full"),
]
MOVED = [
    models.Project,
    models.BoardMeeting,
    models.BusinessCase,
    models.CaseCost,
    models.CaseSpend,
    models.Block3Draw,
    models.Benefit,
    models.BenefitQuarter,
    models.Risk,
]
MOVED_WITH_HISTORY = MOVED + [model.history.model for model in MOVED]
# Restored with what they point at; the tables of every other app stay empty.
RESTORED = [f"contracts.{model._meta.model_name}" for model in MOVED_WITH_HISTORY] + [
    "contenttypes.contenttype",
    "auth.permission",
    "admin.logentry",
]


@pytest.fixture(scope="module")
def dump():
    return json.loads(gzip.decompress(DUMP.read_bytes()))


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    if targets is None:
        targets = executor.loader.graph.leaf_nodes()
    state = executor.migrate(targets)
    ContentType.objects.clear_cache()
    return state


def with_what_they_point_at(apps, labels) -> list[str]:
    """The labels and, transitively, every model their foreign key constraints point at."""
    seen, todo = [], list(labels)
    while todo:
        label = todo.pop()
        if label in seen:
            continue
        seen.append(label)
        for field in apps.get_model(label)._meta.concrete_fields:
            if field.is_relation and field.db_constraint:
                todo.append(field.related_model._meta.label_lower)
    return seen


def restore(apps, dump, labels) -> None:
    """Insert the dumped rows of these models, as the old schema's fields store them."""
    restored = []
    with transaction.atomic(), connection.cursor() as cursor:
        for label in labels:
            model = apps.get_model(label)
            fields = model._meta.concrete_fields
            rows = dump["models"][label]["rows"]
            assert dump["models"][label]["table"] == model._meta.db_table
            if not rows:
                continue
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608  (names from the models)
                [
                    [f.get_db_prep_value(f.to_python(row[f.attname]), connection) for f in fields]
                    for row in rows
                ],
            )
            restored.append(model)
        for sql in connection.ops.sequence_reset_sql(no_style(), restored):
            cursor.execute(sql)


# Columns added since the dump was taken, and what their migrations give the rows already there
# (accounts.attribution: a history row made before tokens were named names none).
ADDED_SINCE = {"history_api_token_id": None, "history_api_token_name": ""}


def dumped(dump, model) -> dict:
    """{pk: {attname: value}} of the model's rows in the dump, as the model reads them (a
    column added since, as its migration fills it)."""
    rows = dump["models"][f"contracts.{model._meta.model_name}"]["rows"]
    fields = model._meta.concrete_fields
    pk = model._meta.pk.attname

    def value(row, field):
        if field.attname not in row:
            return ADDED_SINCE[field.attname]
        return field.to_python(row[field.attname])

    return {row[pk]: {f.attname: value(row, f) for f in fields} for row in rows}


def stored(model) -> dict:
    fields = [f.attname for f in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return {row[pk]: row for row in model._base_manager.values(*fields)}


def dumped_type_ids(dump) -> dict[str, int]:
    return {
        row["model"]: row["id"]
        for row in dump["models"]["contenttypes.contenttype"]["rows"]
        if row["app_label"] == "contracts"
    }


def test_the_dump_was_made_before_the_move(dump):
    applied = {tuple(row) for row in dump["migrations"]}
    assert ("contracts", "0004_transformation_programme") in applied
    assert not [row for row in applied if row[0] == "transformation"]
    assert not [row for row in applied if row[0] == "contracts" and row[1][:4] > "0004"]


@pytest.mark.django_db(transaction=True)
def test_moving_the_programme_to_its_own_app_keeps_every_row(dump):
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    before = migrate(BEFORE)
    restore(before.apps, dump, with_what_they_point_at(before.apps, RESTORED))

    migrate(None)

    for model in MOVED_WITH_HISTORY:
        rows = dumped(dump, model)
        assert rows, f"the dump has no {model.__name__} rows to prove anything with"
        assert stored(model) == rows, model.__name__
    type_ids = dumped_type_ids(dump)
    for model in MOVED_WITH_HISTORY:
        content_type = ContentType.objects.get_for_model(model)
        assert (content_type.app_label, content_type.pk) == (
            "transformation",
            type_ids[model._meta.model_name],
        )
    moved_ids = {type_ids[model._meta.model_name] for model in MOVED_WITH_HISTORY}
    dumped_permissions = [
        row["id"]
        for row in dump["models"]["auth.permission"]["rows"]
        if row["content_type_id"] in moved_ids
    ]
    assert dumped_permissions
    assert sorted(
        Permission.objects.filter(content_type__app_label="transformation").values_list(
            "pk", flat=True
        )
    ) == sorted(dumped_permissions)
    assert not ContentType.objects.filter(
        app_label="contracts", model__in=[m._meta.model_name for m in MOVED_WITH_HISTORY]
    ).exists()
    entry = LogEntry.objects.get()
    assert entry.get_edited_object() == models.BusinessCase.objects.get(pk=entry.object_id)
    minutes = {pk: row["minutes"] for pk, row in dumped(dump, models.BoardMeeting).items()}
    assert [name for name in minutes.values() if name] == [
        "transformation/minutes/board-minutes.txt"
    ]
    for meeting in models.BoardMeeting.objects.all():
        assert meeting.minutes.name == minutes[meeting.pk]
    assert models.BoardMeeting._meta.get_field("minutes").upload_to == "transformation/minutes/"


@pytest.mark.django_db
def test_relabelling_the_content_types_reverses_and_runs_twice_safely():
    from django.apps import apps

    relabel = import_module("transformation.migrations.0002_content_types")
    editor = SimpleNamespace(connection=connection)
    ids = {m: ContentType.objects.get_for_model(m).pk for m in MOVED_WITH_HISTORY}
    for _ in range(2):
        relabel.backwards(apps, editor)
        back = ContentType.objects.filter(pk__in=ids.values())
        assert set(back.values_list("app_label", flat=True)) == {"contracts"}
    for _ in range(2):
        relabel.forwards(apps, editor)
        assert {m: ContentType.objects.get_for_model(m).pk for m in MOVED_WITH_HISTORY} == ids
    assert not ContentType.objects.filter(app_label="contracts", pk__in=ids.values()).exists()
