"""scripts/backup_restore_check.py against the demo: backed up, restored into a new database and
a new folder, found identical; and a restored copy that differs is caught.

pg_dump reads committed rows only: the test database is a committed copy of the demo
(tests/demo_database.py), and a ``db`` test's own writes, uncommitted, are not needed here.
Files go into the test's own MEDIA_ROOT through Django's storage, as uploads do. PostgreSQL
only (skipped, saying why, on SQLite; CI always runs it).
"""

import importlib.util
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from trust_portal.accounts.models import User

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "backup_restore_check.py"

ON_POSTGRESQL = connection.vendor == "postgresql"  # the backend's, known without connecting
NO_POSTGRESQL = "a backup check needs DATABASE_URL to point at PostgreSQL"

pytestmark = [
    pytest.mark.integration,
    # Skipped before the demo is loaded for nothing; CI, which must run it, fails instead.
    pytest.mark.skipif(not ON_POSTGRESQL and os.environ.get("CI") != "true", reason=NO_POSTGRESQL),
]


def _script():
    spec = importlib.util.spec_from_file_location("backup_restore_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up while being defined
    spec.loader.exec_module(module)
    return module


def _needs_postgresql():
    reason = None
    if connection.vendor != "postgresql":
        reason = NO_POSTGRESQL
    elif shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        reason = "pg_dump and pg_restore are not installed (apt-get install postgresql-client)"
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the backup check, but {reason}")
    pytest.skip(reason)


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{quote(s['USER'])}{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def _media(settings) -> Path:
    for name, content in [
        ("contracts/documents/Contract 2024-25 signed.pdf", b"%PDF-1.7 contract"),
        ("transformation/minutes/board-2026-11.pdf", b"%PDF-1.7 minutes"),
        ("extracts/empty.csv", b""),
        ("binary.bin", bytes(range(256)) * 64),
    ]:
        default_storage.save(name, ContentFile(content))
    return Path(settings.MEDIA_ROOT)


def _restored_copies() -> set[str]:
    # Only this test database's: other pytest-xdist workers drop and create their own meanwhile.
    prefix = connection.settings_dict["NAME"][:40] + "_restorecheck_"
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix])
        return {name for (name,) in cursor.fetchall()}


def test_the_demo_and_its_files_restore_identical_and_what_was_made_is_dropped(db, settings):
    _needs_postgresql()
    media = _media(settings)

    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--database-url", _database_url(), "--media", str(media)]
        + ["--exclude", "extracts"],  # child-level files are left out, as docs/operations.md says
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "table     public.accounts_user" in "\n".join(lines)
    user_line = next(line for line in lines if line.startswith("table     public.accounts_user "))
    assert user_line.split()[-2:] == [str(User.objects.count()), "yes"]
    verdict = lines[-1]
    tables = len(connection.introspection.table_names())
    assert verdict.startswith(f"backup-restore: {tables} tables, ")
    assert verdict.endswith(" and 3 files identical")
    assert _restored_copies() == set()  # dropped


def test_a_changed_row_and_a_changed_file_in_the_restored_copy_are_reported(db, settings, tmp_path):
    _needs_postgresql()
    check = _script()
    media = _media(settings)
    original = _database_url()
    dump = check.dump_database(original, tmp_path)
    archive, manifest = check.archive_media(media, tmp_path)
    restored = check.restore_into_new_database(original, dump)
    try:
        with check._connect(restored) as tampered:
            tampered.execute(
                "UPDATE accounts_organisation SET name = name || '.'"
                " WHERE id = (SELECT min(id) FROM accounts_organisation)"
            )
        restored_media = check.restore_media(archive, tmp_path / "restored")
        (restored_media / "binary.bin").write_bytes(b"changed")
        (restored_media / "extracts" / "empty.csv").unlink()

        compared = check.compare_databases(original, restored) + check.compare_media(
            check.read_manifest(manifest), check.media_manifest(restored_media)
        )
    finally:
        check.drop_database(restored)

    differing = [(item.kind, item.name) for item in compared if not item.match]
    assert differing == [
        ("table", "public.accounts_organisation"),
        ("file", "binary.bin"),
        ("file", "extracts/empty.csv"),
    ]
    missing = next(item for item in compared if item.name == "extracts/empty.csv")
    assert missing.restored is None
    printed = io.StringIO()
    assert check.report(compared, out=printed) == 1
    assert printed.getvalue().splitlines()[-1] == "backup-restore: 3 differences"
