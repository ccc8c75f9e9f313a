"""Fixtures shared by every test: the demo cast (loaded once per test run, every test database
a copy: tests/demo_database.py) and outsiders, and a small factory-built world (``world``,
``arrangement``, ``people``) for tests that need no demo figures. The whole run is pinned to one
day, ``PINNED_NOW``."""

from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pytest_django.plugin import validate_django_db

from tests.demo_database import configure_node, demo_database, finish_run, start_run

# Every test runs as of this moment (the clock ticks on from it): the demo is generated as of
# that day, and "today", "this month", "overdue" mean the same whenever the tests run.
PINNED_NOW = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Europe/London"))
PINNED_TODAY = date(2026, 12, 7)
_PINNED_CLOCK = pytest.StashKey[time_machine.travel]()


def pytest_configure(config):
    # Before any fixture (django_db_setup loads the demo under it), in every process. Only this
    # process's Python clock: a subprocess (a Celery worker, `make run`), the database server
    # and the browser keep the real one.
    clock = time_machine.travel(PINNED_NOW, tick=True)
    clock.start()
    config.stash[_PINNED_CLOCK] = clock
    start_run(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    configure_node(node)


def pytest_sessionfinish(session):
    finish_run(session.config)


def pytest_unconfigure(config):
    if _PINNED_CLOCK in config.stash:
        config.stash[_PINNED_CLOCK].stop()


DEMO_PASSWORD = "demo-password-for-tests"  # noqa: S105  (test-only demo login)

# The demo cast, as named in the foundation issue, plus the people every permission test
# also tries: someone signed out, someone whose organisation is in no arrangement, a leaver.
DEMO_USERNAMES = [
    "wnc-officer",
    "nnc-officer",
    "nct-manager",
    "dfe-observer",
    "wnc-scrutiny",
    "nnc-scrutiny",
    "occ-officer",
    "oct-manager",
    "admin",
]
EXTRA_CAST = ["anonymous", "outsider", "leaver"]
CAST = DEMO_USERNAMES + EXTRA_CAST

# Argon2 is deliberately slow; tests hash hundreds of passwords. Argon2 stays listed so that a
# hash it made still verifies.
FAST_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]


def load_cast():
    from django.conf import settings
    from django.test import override_settings

    from trust_portal.accounts.management.commands.load_demo import load_every_app
    from trust_portal.accounts.models import Arrangement, Organisation, Role, User
    from trust_portal.dashboards.models import RecomputeRun
    from trust_portal.dashboards.services import snapshot_recompute
    from trust_portal.outbox.models import Job

    # The demo issues packs, whose PDFs link the stylesheets: found where they are, as in
    # every test (no collectstatic manifest; see _static_files_without_collectstatic).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        load_every_app(password=DEMO_PASSWORD, log=lambda message: None)
    # Loading committed, so the recompute runs it asked for are queued: tests start from none,
    # and with every dashboard's snapshot made, as the worker would have made them.
    RecomputeRun.objects.all().delete()
    Job.objects.all().delete()  # the outbox jobs that queued them, likewise
    for arrangement in Arrangement.objects.all():
        snapshot_recompute(arrangement=arrangement)
    lonely, _ = Organisation.objects.get_or_create(
        code="XCC", defaults={"name": "Elsewhere County Council", "kind": "council"}
    )
    if not User.objects.filter(username="outsider").exists():
        User.objects.create_user(
            "outsider",
            email="outsider@xcc.example.org",
            password=DEMO_PASSWORD,
            organisation=lonely,
            role=Role.COUNCIL_OFFICER,
        )
    if not User.objects.filter(username="leaver").exists():
        User.objects.create_user(
            "leaver",
            email="leaver@wnc.example.org",
            password=DEMO_PASSWORD,
            organisation=Organisation.objects.get(code="WNC"),
            role=Role.COUNCIL_OFFICER,
            is_active=False,
        )


def restore_cast():
    """The test database as it was set up, with the demo cast: a copy of the run's loaded one
    (after a transactional test emptied the tables)."""
    demo_database.restore()


def drop_ended_connections():
    """Close this thread's database connections whose session the server has ended (a restore's
    ``DROP DATABASE ... WITH (FORCE)`` ends every session on the database, and one a test or a
    fixture kept open meanwhile would otherwise fail at its next query, "terminating connection
    due to administrator command", and every test after it, "the connection is closed"): Django
    opens a new one at the next query. A connection inside a transaction (a module's
    ``built_once``, a test's own) is left alone: it is checked when it was opened."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.in_atomic_block:
            continue
        if conn.errors_occurred or not conn.is_usable():
            conn.close()


def cast_is_loaded() -> bool:
    from trust_portal.accounts.models import User

    return User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_modify_db_settings,
):
    # Replaces pytest-django's: the default test database is a copy of one loaded once per run
    # (tests/demo_database.py; --reuse-db is not supported). It is set up whenever any test
    # needs it, even when only the browser tests that only look run (they ask for no database
    # fixture: tests/browser/conftest.py): the cast is never loaded into the real database.
    # Each test runs in a transaction rolled back at its end; after a transactional test
    # (which empties the tables) the copy is made again (`pytest_runtest_teardown`,
    # `committed_cast`).
    from django.test import override_settings
    from django.test.utils import teardown_databases

    def load():
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            load_cast()

    with django_db_blocker.unblock():
        old_config = demo_database.set_up(request.config, load)
    yield
    with django_db_blocker.unblock():
        teardown_databases(old_config, verbosity=0)


@contextmanager
def built_once(django_db_blocker):
    """For a module-scoped fixture that builds one world for all of a module's tests:

        @pytest.fixture(scope="module")
        def _built(django_db_setup, django_db_blocker):
            with built_once(django_db_blocker):
                yield build()

    What is built is inside a transaction rolled back when the module's tests are done; each
    test (a ``db`` test) runs in a savepoint within it, rolled back at its end, as Django's
    ``TestCase.setUpTestData`` does. Tests must read the shared rows afresh (their Python objects
    outlive a test's changes): ``World.refetched()``. Not for transactional tests."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def _empties_the_tables(item) -> bool:
    """A transactional test: pytest-django empties every table after it, the demo cast too."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction, reset_sequences, *_ = validate_django_db(marker)
    return bool(transaction or reset_sequences)


def _expects_the_cast(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "db" in names or "demo_site" in names or item.get_closest_marker("django_db")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before the test's fixtures open a transaction on the connection, or query through it.
    if _empties_the_tables(item) or _expects_the_cast(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            drop_ended_connections()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # pytest-django runs transactional tests after the others, but a test chosen by name,
        # or given to a pytest-xdist worker in another order (--dist loadfile), may follow one
        # and expect the demo cast the database was set up with: it is copied again as soon
        # as the tables are emptied, when the next test uses the database.
        following = (
            nextitem is not None
            and not _empties_the_tables(nextitem)
            and _expects_the_cast(nextitem)
        )
        if _empties_the_tables(item) and following:
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                restore_cast()


@pytest.fixture(autouse=True)
def _outbox_sends_from_requests():
    """Each test starts with the outbox sending a request's jobs at once: a broker refusal in
    an earlier test (which pauses a process's early sends for a while) is forgotten."""
    from trust_portal.outbox import services

    services._early_sends_paused_until = 0.0


@pytest.fixture(autouse=True)
def emails_sent_at_once():
    """Emails go through the outbox to a worker; the tests' in-memory broker has none, so here
    the email task runs in this process as soon as the outbox sends it (after the commit, in a
    test that runs its on_commit callbacks): ``mailoutbox`` fills as it did when the request
    sent them. A test may patch ``apply_async`` again (a broker that is down) over this."""
    from unittest import mock

    from trust_portal.outbox.tasks import email_send_task as task

    def run_here(args=None, kwargs=None, **options):
        return task.apply(args=args, kwargs=kwargs)

    with mock.patch.object(task, "apply_async", side_effect=run_here):
        yield


@pytest.fixture
def cast(db):
    """{name: user or None (anonymous)} for every member of the cast."""
    from trust_portal.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=CAST)}
    users["anonymous"] = None
    return users


@pytest.fixture
def committed_cast(transactional_db):
    drop_ended_connections()
    if not cast_is_loaded():  # emptied by the transactional test before
        restore_cast()
    from trust_portal.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=CAST)}
    users["anonymous"] = None
    return users


@pytest.fixture
def world(db):
    """A small arrangement of the test's own, built by factories (not the demo): a trust, two
    councils, someone in every role and an outsider (``trust_portal.accounts.tests.factories``)."""
    from trust_portal.accounts.tests.factories import make_world

    return make_world()


@pytest.fixture
def arrangement(world):
    """The factory-built world's arrangement."""
    return world.arrangement


@pytest.fixture
def people(world):
    """{name: user} of the factory-built world (manager, officer, other-officer, scrutiny,
    observer, admin, outsider, other-manager, unattached, leaver), and "anonymous": None."""
    return {**world.people, "anonymous": None}


def signed_in_fully(client, user):
    """``client`` signed in as ``user`` as the sign-in pages leave a person: password and second
    factor given (an authenticator app made for them if they have none, and django-otp's device
    id in the session, as ``django_otp.login`` puts it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user, backend="trust_portal.accounts.backends.AccountBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(client):
    """client_for(user) signs the test client in as that user, second factor given (None:
    signed out)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            signed_in_fully(client, user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _two_factor_required(settings):
    # As in production: administrators, council officers and trust managers must give a
    # second factor (the local demo only offers it).
    settings.REQUIRE_TWO_FACTOR = True


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _an_empty_cache_of_its_own(settings):
    # Sign-in and email limits count in the cache: one test's attempts must not decide
    # another's, nor a test run's the local site's (whose file cache is under var/).
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    cache.clear()


@pytest.fixture(autouse=True)
def _static_files_without_collectstatic(settings):
    # Production serves hashed files from a manifest built by collectstatic; tests run
    # straight from the source folders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    # Uploaded files (extracts, contract documents) never land in the checkout's var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
