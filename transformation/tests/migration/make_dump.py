"""Write the dump that test_move_migration.py restores: every row of every table of a database
loaded with the demo on the schema before the programme became its own app (commit d905983).

It was made once, with the code of that commit (today's ``load_demo`` cannot run on the old
models), and is kept as ``before_move.json.gz``. To make it again::

    git worktree add /tmp/before d905983 && cd /tmp/before
    export DATABASE_URL=sqlite:////tmp/before.sqlite3 CELERY_BROKER_URL=memory://localhost/
    python manage.py migrate && python manage.py load_demo --password x
    export DJANGO_SETTINGS_MODULE=trust_portal.settings
    python <this checkout>/transformation/tests/migration/make_dump.py before_move.json.gz

Before dumping it attaches minutes to one board meeting and writes one admin log entry about a
business case, so that a file reference and a row pointing at a content type are in the dump.
"""

import gzip
import json
import sys
from datetime import datetime, time
from pathlib import Path

import django


def main(out: Path) -> None:
    sys.path.insert(0, str(Path.cwd()))
    django.setup()
    from django.core.serializers.json import DjangoJSONEncoder

    class Exact(DjangoJSONEncoder):
        """Times to the microsecond (Django's encoder keeps milliseconds)."""

        def default(self, o):
            if isinstance(o, datetime | time):
                return o.isoformat()
            return super().default(o)

    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.db import connection

    meeting_model = apps.get_model("contracts", "BoardMeeting")
    case_model = apps.get_model("contracts", "BusinessCase")
    meeting = meeting_model.objects.order_by("held_on").first()
    if not meeting.minutes:
        minutes = b"Minutes of the Transformation & Efficiency Board (dump fixture).\n"
        meeting.minutes.save("board-minutes.txt", ContentFile(minutes), save=False)
        meeting.minutes_name = "board-minutes.txt"
        meeting.save()
    case = case_model.objects.order_by("pk").first()
    admin = apps.get_model("accounts", "User").objects.get(username="admin")
    if not LogEntry.objects.exists():
        LogEntry.objects.create(
            user=admin,
            content_type=ContentType.objects.get_for_model(case_model),
            object_id=str(case.pk),
            object_repr=str(case)[:200],
            action_flag=CHANGE,
            change_message="Dump fixture: a log entry about a business case.",
        )

    tables = {}
    for model in apps.get_models(include_auto_created=True):
        rows = list(model._base_manager.order_by("pk").values())
        tables[model._meta.label_lower] = {"table": model._meta.db_table, "rows": rows}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [list(row) for row in cursor.fetchall()]
    dump = {"migrations": migrations, "models": tables}
    text = json.dumps(dump, cls=Exact, sort_keys=True, separators=(",", ":"))
    with gzip.GzipFile(out, "wb", mtime=0) as stream:
        stream.write(text.encode())


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
