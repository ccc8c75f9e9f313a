"""The demo cast's test database: built once per test run, copied into every test database.

Loading the demo (migrations, every app's demo, the snapshots) is the slowest part of a test
run's start, so it is done once per run, not once per pytest-xdist worker nor again after every
transactional test (which empties the tables):

- the run has a temporary directory of its own, made by the controller (or by the only process
  of a run without xdist) and passed to the workers (``workerinput``); it holds a lock file;
- the first worker to take the lock builds the loaded database; the others wait for the lock and
  copy it. PostgreSQL: a template database (migrated and loaded), from which each worker's test
  database is created (``CREATE DATABASE ... TEMPLATE``). SQLite: the test databases are in
  memory (one a process); the loaded one is saved into a file of the run's directory with
  sqlite3's backup API, and copied back from it the same way;
- a restore (after a transactional test) makes the same copy again: PostgreSQL drops the
  worker's database (ending its sessions: the live servers' threads reconnect) and creates it
  from the template again; SQLite copies the file over the in-memory database;
- the controller removes the template database and the directory when the run ends
  (``pytest_sessionfinish``).
"""

import fcntl
import os
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

RUN_DIR_KEY = "trust_portal_demo_dir"  # in an xdist worker's workerinput
_RUN_DIR = pytest.StashKey[Path]()
BUILT = "built"  # written once the loaded database is complete
SQLITE_COPY = "demo.sqlite3"
PG_TEMPLATE = "postgres-template"  # the template database's name, for the clean-up


def start_run(config):
    """pytest_configure: the controller (or a run without xdist) makes the run's directory."""
    if not hasattr(config, "workerinput"):
        config.stash[_RUN_DIR] = Path(tempfile.mkdtemp(prefix="trust-portal-tests-"))


def configure_node(node):
    """pytest_configure_node (xdist controller): the workers share the run's directory."""
    node.workerinput[RUN_DIR_KEY] = str(node.config.stash[_RUN_DIR])


def run_dir(config) -> Path:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return Path(workerinput[RUN_DIR_KEY])
    return config.stash[_RUN_DIR]


def finish_run(config):
    """pytest_sessionfinish, controller only: drop the template database, remove the directory."""
    if hasattr(config, "workerinput") or _RUN_DIR not in config.stash:
        return
    directory = config.stash[_RUN_DIR]
    try:
        template = directory / PG_TEMPLATE
        if template.exists():
            from django.db import connection
            from pytest_django.plugin import blocking_manager_key

            with config.stash[blocking_manager_key].unblock():
                _drop_database(connection, template.read_text())
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _locked(directory: Path):
    with open(directory / "lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class DemoDatabase:
    """This process's test database ("default"), a copy of the run's loaded one."""

    def __init__(self):
        self.directory = None
        self.template = None  # PostgreSQL: the template database's name

    def set_up(self, config, load):
        """Make this process's test database, loaded by ``load()`` (once per run). Returns the
        old configuration that ``django.test.utils.teardown_databases`` takes."""
        from django.db import connection

        self.directory = run_dir(config)
        if connection.vendor == "postgresql":
            return self._set_up_postgresql(connection, load)
        if connection.vendor == "sqlite":
            return self._set_up_sqlite(connection, load)
        raise NotImplementedError(f"No demo copy for {connection.vendor}")

    def restore(self):
        """Make this process's test database the loaded demo again."""
        from django.db import connection

        if connection.vendor == "postgresql":
            with _locked(self.directory):
                self._create_from_template(connection, connection.settings_dict["NAME"])
        else:
            self._copy_into_sqlite(connection)

    # --- PostgreSQL ---------------------------------------------------------------------------

    def _set_up_postgresql(self, connection, load):
        from django.conf import settings

        alias, original = connection.alias, connection.settings_dict["NAME"]
        ours = connection.creation._get_test_db_name()  # test_<name>, _gwN with xdist
        # One a run, at most 63 characters (PostgreSQL's limit).
        self.template = f"test_{original}"[:40] + f"_demo_{self.directory.name[-8:]}".lower()
        with _locked(self.directory):
            if not (self.directory / BUILT).exists():
                (self.directory / PG_TEMPLATE).write_text(self.template)
                test = connection.settings_dict["TEST"]
                own_test_name = test.get("NAME")
                test["NAME"] = self.template
                try:
                    connection.creation.create_test_db(
                        verbosity=0, autoclobber=True, serialize=False
                    )
                    load()
                finally:
                    connection.close()
                    test["NAME"] = own_test_name
                    settings.DATABASES[alias]["NAME"] = original
                    connection.settings_dict["NAME"] = original
                (self.directory / BUILT).write_text(self.template)
            self._create_from_template(connection, ours)
        settings.DATABASES[alias]["NAME"] = ours
        connection.settings_dict["NAME"] = ours
        return [(connection, original, True)]

    def _create_from_template(self, connection, name):
        # CREATE DATABASE ... TEMPLATE needs nobody connected to the template (nobody is: it
        # is only ever copied), DROP DATABASE nobody connected to the database: WITH (FORCE)
        # ends the sessions of the live servers' threads, which reconnect at their next request
        # (CONN_HEALTH_CHECKS). Every connection this thread has is closed first, not only the
        # default one, so that none of them is left to be ended under it.
        from django.db import connections

        connections.close_all()
        quote = connection.ops.quote_name
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(self.template)}")

    # --- SQLite -------------------------------------------------------------------------------

    def _set_up_sqlite(self, connection, load):
        from django.conf import settings
        from django.test.utils import setup_databases

        copy = self.directory / SQLITE_COPY
        with _locked(self.directory):
            if not (self.directory / BUILT).exists():
                old_config = setup_databases(
                    verbosity=0,
                    interactive=False,
                    aliases={connection.alias},
                    serialized_aliases=(),
                )
                load()
                connection.ensure_connection()
                partial = copy.with_suffix(".partial")
                target = sqlite3.connect(partial)
                try:
                    connection.connection.backup(target)
                finally:
                    target.close()
                os.replace(partial, copy)
                (self.directory / BUILT).write_text(str(copy))
                return old_config
        original = connection.settings_dict["NAME"]
        ours = connection.creation._get_test_db_name()  # in memory, unless TEST NAME says
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = ours
        connection.settings_dict["NAME"] = ours
        self._copy_into_sqlite(connection)
        return [(connection, original, True)]

    def _copy_into_sqlite(self, connection):
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{self.directory / SQLITE_COPY}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def _drop_database(connection, name):
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


demo_database = DemoDatabase()
