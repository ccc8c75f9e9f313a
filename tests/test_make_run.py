"""`make run` boots the whole local service (web, worker, beat) and answers; then it stops."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_make_run_serves_the_site_and_the_api_schema(tmp_path):
    port = free_port()
    log = tmp_path / "make-run.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"TRUST_PORTAL_VAR_DIR": str(tmp_path / "var"), "PORT": str(port)})
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                status, headers, _ = get(base + "/")
                break
            except (ConnectionError, urllib.error.URLError, TimeoutError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("make run did not start serving:\n" + log.read_text()[-3000:])
                time.sleep(0.5)
        assert status == 302
        assert headers["Location"].startswith("/sign-in/")
        status, _, body = get(base + "/sign-in/")
        assert status == 200 and b"Sign in to Trust Portal" in body
        status, _, body = get(base + "/api/schema/")
        assert status == 200 and b"/api/v1/organisations/" in body
        status, _, _ = get(base + "/static/govuk-frontend/govuk-frontend.min.css")
        assert status == 200
        printed = log.read_text()
        assert f"http://127.0.0.1:{port}/" in printed
        for login in ["wnc-officer", "nct-manager", "dfe-observer", "admin", "password:"]:
            assert login in printed
    finally:
        # What Ctrl+C does in a terminal: SIGINT to the whole group; honcho stops them all.
        # (A `make run` that failed has no group left: the failure above says why.)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # whatever did not stop in time
