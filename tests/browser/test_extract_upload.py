"""Uploading a child-level extract into the demo's November 2026 draft in a real browser: the
progress page follows the job by itself and shows the result when it finishes."""

import pytest
from playwright.sync_api import expect

from performance import tasks
from performance.models import ExtractUpload
from performance.services import uploads
from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in

EXTRACT = (
    "child_id,area,category,worker_id,episode_start,last_visit_date,plan_due_date\n"
    "C1,NNC,CIN,W1,2026-01-01,2026-11-20,2026-12-31\n"
    "C2,WNC,CP,W2,2026-02-01,2026-11-25,2027-01-01\n"
)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch, settings, tmp_path):
    # The test plays the worker's part itself, at the moment it chooses.
    monkeypatch.setattr(tasks.extract_import_task, "delay", lambda *args: None)
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_progress_page_shows_the_result_once_the_job_has_run(page, writable_base_url):
    base_url = writable_base_url  # it uploads into a draft: its own copy of the demo
    sign_in(page, base_url, "nct-manager")
    page.goto(f"{base_url}/arrangements/NCT/returns/2026-11/1/")
    page.get_by_role("button", name="Upload a child-level extract").click()
    expect(page.locator("h1")).to_contain_text("Upload a child-level extract")
    page.get_by_label("Child-level extract").set_input_files(
        {"name": "november.csv", "mimeType": "text/csv", "buffer": EXTRACT.encode()}
    )
    page.get_by_role("button", name="Upload and check").click()

    expect(page.locator("progress")).to_be_visible()
    expect(page.locator("#extract-progress")).to_contain_text("Waiting for a worker")
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    screenshot(page, "extract-upload-progress")

    upload = ExtractUpload.objects.get()
    # The test database is SQLite in memory with a shared cache, where a read waiting on the
    # job's write fails at once instead of waiting: the page's polls are let through only when
    # Playwright runs again, after the job (a production database makes the reader wait).
    page.route("**/extract-uploads/*/status/", lambda route: route.continue_())
    uploads.extract_upload_run(upload_id=upload.pk)

    # The page asks for the job's state every second and reloads itself when it is done.
    expect(page.locator(".govuk-panel__title")).to_have_text("Figures filled", timeout=10_000)
    expect(page.locator("progress")).to_have_count(0)
    screenshot(page, "extract-upload-done")
    page.get_by_role("link", name="Check the figures on the return").click()
    expect(page.get_by_text(f"from extract {upload.sha256[:12]}").first).to_be_visible()
