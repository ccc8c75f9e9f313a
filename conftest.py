"""Fixtures shared by every test: the demo cast (loaded once per test database) and outsiders,
and a small factory-built world (``world``, ``arrangement``, ``people``) for tests that need no
demo figures."""

from contextlib import contextmanager

import pytest
from pytest_django.plugin import validate_django_db

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

    # The demo issues packs, whose PDFs link the stylesheets: found where they are, as in
    # every test (no collectstatic manifest; see _static_files_without_collectstatic).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
        load_every_app(password=DEMO_PASSWORD, log=lambda message: None)
    # Loading committed, so the recompute runs it asked for are queued: tests start from none,
    # and with every dashboard's snapshot made, as the worker would have made them.
    RecomputeRun.objects.all().delete()
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


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    # Loaded once; each test runs in a transaction rolled back at its end. Transactional tests
    # (which empty the tables afterwards) use `committed_cast` to load it again.
    from django.db import DEFAULT_DB_ALIAS
    from django.test import override_settings
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup  # private: pinned pytest-django

    # pytest-django sets up the databases its collected tests ask for by their fixtures; the
    # browser tests that only look ask for none (tests/browser/conftest.py), so when only they
    # run, the default test database is set up here: never load the cast into the real one.
    aliases, _ = _get_databases_for_setup(request.session.items)
    ours = None
    with django_db_blocker.unblock():
        if DEFAULT_DB_ALIAS not in aliases:
            ours = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            load_cast()
    yield
    if ours is not None:
        with django_db_blocker.unblock():
            teardown_databases(ours, verbosity=0)


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # pytest-django runs transactional tests after the others, but a test chosen by name,
        # or given to a pytest-xdist worker in another order (--dist loadfile), may follow one
        # and expect the demo cast the database was set up with: it is loaded again as soon
        # as the tables are emptied, when the next test uses the database.
        following = (
            nextitem is not None
            and not _empties_the_tables(nextitem)
            and _expects_the_cast(nextitem)
        )
        if _empties_the_tables(item) and following:
            from django.test import override_settings
            from pytest_django.plugin import blocking_manager_key

            blocker = item.config.stash[blocking_manager_key]
            with blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                load_cast()


@pytest.fixture
def cast(db):
    """{name: user or None (anonymous)} for every member of the cast."""
    from trust_portal.accounts.models import User

    users = {u.username: u for u in User.objects.filter(username__in=CAST)}
    users["anonymous"] = None
    return users


@pytest.fixture
def committed_cast(transactional_db):
    load_cast()
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


@pytest.fixture
def client_for(client):
    """client_for(user) signs the test client in as that user (None: signed out)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


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
