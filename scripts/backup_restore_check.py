"""Prove a backup restores: back up a PostgreSQL database and a media folder the way
docs/operations.md says, restore both into fresh ones, and compare them with the originals.

    .venv/bin/python scripts/backup_restore_check.py \\
        --database-url postgres://portal@db.internal:5432/trust_portal --media /srv/portal/media

The database is dumped with ``pg_dump --format=custom --no-owner`` and restored with
``pg_restore --no-owner --no-acl --exit-on-error --single-transaction`` into a new database on
the same server (its name is the original's plus ``_restorecheck_`` and a random suffix; the
role needs CREATEDB). The
media folder (but the sub-folders given with ``--exclude``) is archived with tar beside a
SHA-256 manifest (``sha256sum`` format) and unpacked into a new temporary folder. Then:

- every table (in every schema but PostgreSQL's own): its row count, and a checksum of its
  rows (md5 of each row's text, in primary-key order, md5'd together) computed by the server
  in both databases; every sequence's position (a restore whose sequences lag would collide on
  the next insert);
- every file: its SHA-256 in the restored folder against the manifest made from the original.

It prints one line per table and sequence, then ``backup-restore: N tables, S sequences and F
files identical``, and exits 1 on any difference (listed). What it created (the database, the
folder with the dump, the archive and the unpacked files) is removed unless ``--keep``.
The checksums hold a table's row digests in memory on the server: fine for this service's
tables (thousands of rows), not meant for tables of hundreds of millions.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

MANIFEST = "media.sha256"
ARCHIVE = "media.tar.gz"
DUMP = "database.dump"


@dataclass(frozen=True)
class Compared:
    """One table, sequence or file, as found in the original and in the restored copy."""

    kind: str  # "table", "sequence" or "file"
    name: str
    original: str | None  # None: missing on that side
    restored: str | None
    rows: int | None = None  # tables only: the original's row count

    @property
    def match(self) -> bool:
        return self.original is not None and self.original == self.restored


# --- The database ------------------------------------------------------------------------------


def dump_database(database_url: str, directory: Path) -> Path:
    """pg_dump in custom format, without ownership (a restore may be made by another role)."""
    dump = directory / DUMP
    subprocess.run(  # noqa: S603
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={database_url}"],  # noqa: S607
        check=True,
    )
    return dump


def _connect(conninfo: str, **override) -> psycopg.Connection:
    # The same text output whichever server defaults apply, so both sides print rows alike.
    connection = psycopg.connect(make_conninfo(conninfo, **override), autocommit=True)
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("SET DateStyle = 'ISO, YMD'")
    connection.execute("SET extra_float_digits = 1")
    return connection


def restore_into_new_database(database_url: str, dump: Path) -> str:
    """A new database beside the original (same encoding and collation, so rows sort alike),
    with the dump restored into it. Returns its connection string."""
    original = conninfo_to_dict(database_url)["dbname"]
    name = f"{original}"[:40] + f"_restorecheck_{uuid.uuid4().hex[:8]}"
    with _connect(database_url) as connection:
        encoding, collate, ctype = connection.execute(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database"
            " WHERE datname = current_database()"
        ).fetchone()
        connection.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 ENCODING {} LC_COLLATE {} LC_CTYPE {}"
            ).format(sql.Identifier(name), encoding, collate, ctype)
        )
    restored = make_conninfo(database_url, dbname=name)
    # One transaction, stopping at the first error: a restore is whole or not there at all.
    options = ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
    subprocess.run(  # noqa: S603
        ["pg_restore", *options, f"--dbname={restored}", str(dump)],  # noqa: S607
        check=True,
    )
    return restored


def drop_database(conninfo: str) -> None:
    name = conninfo_to_dict(conninfo)["dbname"]
    with _connect(conninfo, dbname="postgres") as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


TABLES = """
    SELECT n.nspname, c.relname,
           array_remove(array_agg(a.attname::text ORDER BY k.ord), NULL)
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
    LEFT JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%%' AND n.nspname NOT LIKE 'pg_temp%%'
    GROUP BY n.nspname, c.relname
    ORDER BY n.nspname, c.relname
"""
SEQUENCES = """
    SELECT schemaname, sequencename FROM pg_sequences
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY schemaname, sequencename
"""


def _table_digest(connection, schema: str, table: str, key: list[str]) -> tuple[int, str]:
    # A table without a primary key is put in order by its rows' text, byte-wise ("C"), which
    # is the same on both sides whatever the collation.
    order = (
        sql.SQL(", ").join(sql.Identifier(column) for column in key)
        if key
        else sql.SQL('t::text COLLATE "C"')
    )
    query = sql.SQL(
        "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY {}), ''))"
        " FROM {}.{} AS t"
    ).format(order, sql.Identifier(schema), sql.Identifier(table))
    rows, digest = connection.execute(query).fetchone()
    return rows, digest


def database_contents(conninfo: str) -> dict[tuple[str, str], tuple[int | None, str]]:
    """{(kind, schema.name): (rows, digest)} for every table and sequence."""
    contents = {}
    with _connect(conninfo) as connection:
        for schema, table, key in connection.execute(TABLES).fetchall():
            rows, digest = _table_digest(connection, schema, table, key)
            contents["table", f"{schema}.{table}"] = (rows, f"{rows} rows, md5 {digest}")
        for schema, sequence in connection.execute(SEQUENCES).fetchall():
            last, called = connection.execute(
                sql.SQL("SELECT last_value, is_called FROM {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(sequence)
                )
            ).fetchone()
            contents["sequence", f"{schema}.{sequence}"] = (None, f"at {last}, called {called}")
    return contents


def compare_databases(original: str, restored: str) -> list[Compared]:
    before, after = database_contents(original), database_contents(restored)
    return [
        Compared(
            kind=kind,
            name=name,
            original=before.get((kind, name), (None, None))[1],
            restored=after.get((kind, name), (None, None))[1],
            rows=before.get((kind, name), (None, None))[0],
        )
        for kind, name in sorted(before.keys() | after.keys(), key=_tables_first)
    ]


def _tables_first(key: tuple[str, str]) -> tuple[bool, str]:
    kind, name = key
    return kind != "table", name


# --- The media files ---------------------------------------------------------------------------


def _excluded(name: str, exclude: tuple[str, ...]) -> bool:
    return any(name == folder or name.startswith(f"{folder}/") for folder in exclude)


def media_manifest(folder: Path, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """{path relative to the folder: SHA-256} of every file under it but those under the
    ``exclude`` sub-folders (symbolic links as the files they point to)."""
    manifest = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _excluded(path.relative_to(folder).as_posix(), exclude):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            manifest[path.relative_to(folder).as_posix()] = digest.hexdigest()
    return manifest


def archive_media(
    folder: Path, directory: Path, exclude: tuple[str, ...] = ()
) -> tuple[Path, Path]:
    """The folder as a tar archive of its files (but the ``exclude`` sub-folders), and their
    manifest in ``sha256sum`` format (``sha256sum --check`` verifies an unpacked copy)."""
    manifest = media_manifest(folder, exclude)
    manifest_path = directory / MANIFEST
    manifest_path.write_text("".join(f"{digest}  {name}\n" for name, digest in manifest.items()))
    archive = directory / ARCHIVE
    with tarfile.open(archive, "w:gz") as tar:
        for name in manifest:
            tar.add(folder / name, arcname=name, recursive=False)
    return archive, manifest_path


def read_manifest(path: Path) -> dict[str, str]:
    return {
        name: digest
        for digest, name in (line.split("  ", 1) for line in path.read_text().splitlines())
    }


def restore_media(archive: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(folder, filter="data")  # refuses absolute paths and ".." escapes
    return folder


def compare_media(original: dict[str, str], restored: dict[str, str]) -> list[Compared]:
    return [
        Compared(kind="file", name=name, original=original.get(name), restored=restored.get(name))
        for name in sorted(original.keys() | restored.keys())
    ]


# --- The check ---------------------------------------------------------------------------------


def report(compared: list[Compared], out=sys.stdout) -> int:
    """Prints a line per table and sequence (files only when they differ: there may be many),
    the differences, and the verdict. Returns the exit status: 0 when everything matches."""
    width = max((len(item.name) for item in compared if item.kind != "file"), default=10)
    print(f"{'kind':<8}  {'name':<{width}}  {'rows':>8}  match", file=out)
    for item in compared:
        if item.kind != "file" or not item.match:
            rows = "" if item.rows is None else str(item.rows)
            verdict = "yes" if item.match else "NO"
            print(f"{item.kind:<8}  {item.name:<{width}}  {rows:>8}  {verdict}", file=out)
    differences = [item for item in compared if not item.match]
    for item in differences:
        print(
            f"differs: {item.kind} {item.name}: original {item.original or 'missing'},"
            f" restored {item.restored or 'missing'}",
            file=out,
        )
    count = {kind: sum(item.kind == kind for item in compared) for kind in ("table", "sequence")}
    files = sum(item.kind == "file" for item in compared)
    if differences:
        print(f"backup-restore: {len(differences)} differences", file=out)
        return 1
    print(
        f"backup-restore: {_counted(count['table'], 'table')},"
        f" {_counted(count['sequence'], 'sequence')} and {_counted(files, 'file')} identical",
        file=out,
    )
    return 0


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def check(
    *, database_url: str, media: Path, exclude: tuple[str, ...], workdir: Path, keep: bool
) -> int:
    """Back up, restore into fresh ones, compare; drops what it made unless ``keep``."""
    restored_database = None
    try:
        dump = dump_database(database_url, workdir)
        archive, manifest = archive_media(media, workdir, exclude)
        restored_database = restore_into_new_database(database_url, dump)
        restored_media = restore_media(archive, workdir / "media-restored")
        compared = compare_databases(database_url, restored_database) + compare_media(
            read_manifest(manifest), media_manifest(restored_media)
        )
        return report(compared)
    finally:
        if keep:
            # The database's name only: its connection string may hold a password.
            name = restored_database and conninfo_to_dict(restored_database)["dbname"]
            print(f"kept: {workdir} and the database {name}", file=sys.stderr)
        else:
            if restored_database is not None:
                drop_database(restored_database)
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        required=True,
        help="the database to back up: postgres://user@host:5432/name (or libpq key=value)",
    )
    parser.add_argument("--media", required=True, type=Path, help="the MEDIA_ROOT folder")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="SUBFOLDER",
        help="a sub-folder of the media left out of the backup (docs/operations.md leaves out"
        " extracts: child-level files waiting for their job); may be given more than once",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the restored database and the folder with the dump, archive and files",
    )
    arguments = parser.parse_args(argv)
    if not arguments.media.is_dir():
        parser.error(f"{arguments.media} is not a folder")
    workdir = Path(tempfile.mkdtemp(prefix="backup-restore-"))
    try:
        return check(
            database_url=arguments.database_url,
            media=arguments.media,
            exclude=tuple(folder.strip("/") for folder in arguments.exclude),
            workdir=workdir,
            keep=arguments.keep,
        )
    except subprocess.CalledProcessError as error:
        # Its own message is above; not the command line, which holds the connection string.
        print(f"backup-restore: {error.cmd[0]} failed (exit {error.returncode})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
