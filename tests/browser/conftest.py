"""Browser tests: Debian's Chromium driven through Playwright's sync API against live_server.

Every test here is marked ``browser``. Without /usr/bin/chromium they are skipped (one line in
the summary says how to install it), except on CI (``CI=true``), where they must run and so fail.
No browser is ever downloaded: ``playwright install`` is not used.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = "Chromium is not installed: apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}
HERE = Path(__file__).resolve().parent


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _is_browser_test(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Checked here, before any fixture is set up (no test database is built for nothing), and
    # raised from this one line so that `-ra` folds every skip into a single summary line.
    if _is_browser_test(item) and not CHROMIUM.exists():
        if _on_ci():
            pytest.fail(
                f"CI=true but {CHROMIUM} is missing; browser tests must run on CI. {NO_CHROMIUM}",
                pytrace=False,
            )
        pytest.skip(NO_CHROMIUM)


def pytest_terminal_summary(terminalreporter):
    # With `-ra` (pytest.ini's addopts) the short summary already shows the one folded line.
    if terminalreporter.hasopt("s"):
        return
    skipped = terminalreporter.stats.get("skipped", [])
    if any(NO_CHROMIUM in str(getattr(report, "longrepr", "")) for report in skipped):
        terminalreporter.write_line(f"Browser tests skipped: {NO_CHROMIUM}", yellow=True)


# --- Playwright -------------------------------------------------------------------------------


class _Chromium:
    """One headless Chromium shared by consecutive browser tests, stopped after the last one.

    Playwright's sync API runs an asyncio event loop on the main thread (in a greenlet) from
    start() to stop(), so for that whole time asyncio reports a running loop on the thread that
    runs the tests. Django then refuses every ORM call made from the test thread -- loading the
    demo cast, pytest-django flushing the database after a transactional test -- with
    SynchronousOnlyOperation (checked: without the variable below the first test errors in
    `committed_cast`). Those are ordinary synchronous calls made between Playwright calls, not
    ORM code inside a coroutine, so DJANGO_ALLOW_ASYNC_UNSAFE turns off a false alarm. It is set
    only while Playwright runs, and Playwright is stopped as soon as the next test is not a
    browser test, so the rest of the suite keeps Django's guard and has no event loop in the
    way (asgiref's async_to_sync refuses to run on a thread with a running loop).
    """

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.previous_env = None

    def get(self):
        if self.browser is None:
            from playwright.sync_api import sync_playwright

            self.previous_env = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        return self.browser

    def stop(self):
        if self.playwright is None:
            return
        try:
            self.browser.close()
            self.playwright.stop()
        finally:
            self.playwright = self.browser = None
            if self.previous_env is None:
                os.environ.pop(ASYNC_UNSAFE, None)
            else:
                os.environ[ASYNC_UNSAFE] = self.previous_env


ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_chromium = _Chromium()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        # After this test's fixtures (its page, its database flush) are torn down.
        if nextitem is None or not _is_browser_test(nextitem):
            _chromium.stop()


def pytest_sessionfinish(session):
    _chromium.stop()


@pytest.fixture
def browser():
    """The shared headless Chromium (launched once for the browser tests, about a second)."""
    return _chromium.get()


# --- The site under test -----------------------------------------------------------------------
# Most browser tests only look: they sign in, open pages and run axe. They share one live server
# over the demo cast the test database was set up with (``django_db_setup`` commits it once), so
# the demo is not built again for each test (it was: about ten seconds a test). Such a test uses
# no database fixture (a `db` test's transaction would hold SQLite's in-memory tables locked
# against the server's writes), so pytest-django runs it after the transactional tests, whose
# teardown empties the tables: ``demo_site`` copies the loaded cast back then, once. The root
# ``django_db_setup`` sets the test database up even when only such tests run.
# A test that changes something asks for ``writable_base_url`` instead: a transactional test
# with the cast copied afresh and the tables emptied after it.
# The tests run on a pinned clock (conftest.PINNED_NOW) but Chromium drops a cookie whose expiry
# is past by the real clock: the live servers set cookies without one (``_cookies_without_expiry``).


@pytest.fixture(scope="session")
def _demo_server(django_db_setup, django_db_blocker):
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    _chromium.stop()
    server.stop()
    _close_the_servers_connections(django_db_blocker)


def _close_the_servers_connections(django_db_blocker):
    """A request thread of the server keeps its database connection (CONN_MAX_AGE) until the
    browser's keep-alive socket closes, which may be after the test database is to be dropped
    ("being accessed by other users"): end those sessions (PostgreSQL; SQLite in memory shares
    the test's own connection)."""
    from django.db import connection

    if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].startswith(
        "test_"
    ):
        return  # only ever a test database's
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _cookies_without_expiry(settings):
    # The session cookie already ends with the browser (settings.py); the CSRF cookie would last
    # a year from the pinned day, gone at once when that day is over a year ago.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None


@pytest.fixture
def demo_site(_demo_server, django_db_blocker):
    """The address of a live server over the committed demo cast, for tests that only look."""
    from axes.models import AccessAttempt

    from conftest import cast_is_loaded, drop_ended_connections, restore_cast

    with django_db_blocker.unblock():
        drop_ended_connections()
        if not cast_is_loaded():
            restore_cast()
        # What one test's sign-ins leave behind must not decide another's: failed attempts
        # count towards a lockout (the wrong-password tests make some).
        AccessAttempt.objects.all().delete()
        _demo_server._live_server_modified_settings.enable()
        try:
            yield _demo_server.url
        finally:
            _demo_server._live_server_modified_settings.disable()


@pytest.fixture
def base_url(demo_site):
    """Where a test that only looks browses: the shared demo site."""
    return demo_site


@pytest.fixture
def writable_base_url(live_server, committed_cast):
    """Where a test that changes something browses: its own copy of the demo cast, emptied
    after it."""
    return live_server.url


@pytest.fixture
def context_options():
    """Options for the test's browser context; a test module may override this fixture."""
    return {}


@pytest.fixture
def page(request, browser, context_options):
    """A fresh context (no cookies) and page per test.

    Console errors and uncaught exceptions on the page -- a Content Security Policy violation
    is reported as a console error -- fail the test (see pytest_runtest_call below).
    """
    context = browser.new_context(viewport=VIEWPORT, **context_options)
    page = context.new_page()
    problems = []

    def on_console(message):
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if "favicon" in url or ("favicon" in message.text and "404" in message.text):
            return
        if "status of 429" in message.text and url.endswith("/sign-in/"):
            return  # the too-many-attempts page is answered 429 on purpose; its load is fine
        problems.append(f"console error: {message.text} ({url or 'no location'})")

    def on_page_error(error):
        problems.append(f"uncaught exception: {error}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    request.node.stash[_PAGE] = (page, problems)
    yield page
    context.close()


_PAGE = pytest.StashKey()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    __tracebackhide__ = True
    if _PAGE not in item.stash:
        return (yield)
    page, problems = item.stash[_PAGE]
    try:
        outcome = yield
    except BaseException:
        # The test failed on its own account; show what the browser said alongside.
        if problems:
            item.add_report_section("call", "browser errors", "\n".join(problems))
        raise
    if not page.is_closed():
        # A round trip to the browser delivers any console event still on its way.
        page.evaluate("0")
    if problems:
        raise AssertionError(
            "The browser reported errors (a Content Security Policy violation or a "
            "JavaScript error):\n" + "\n".join(f"  - {problem}" for problem in problems)
        )
    return outcome
