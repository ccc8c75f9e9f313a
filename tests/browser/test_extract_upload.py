"""Uploading a child-level extract into the demo's November 2026 draft in a real browser, as the
trust's manager: from the form to the format and its sample file, the sample uploaded, one
status line while it is checked, and the result saying what it changed; each page axe-clean
and without sideways scrolling at 320 px."""

import pytest
from playwright.sync_api import expect

from performance import tasks
from performance.models import ExtractUpload
from performance.services import uploads
from tests.browser.helpers import (
    axe_violations,
    checked_at_both_widths,
    format_violations,
    screenshot,
    sign_in,
)


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch, settings, tmp_path):
    # The test plays the worker's part itself, at the moment it chooses.
    monkeypatch.setattr(tasks.extract_import_task, "delay", lambda *args: None)
    settings.MEDIA_ROOT = tmp_path / "media"


def status_of(page):
    """The page's one status line, in the headline and in the summary alike."""
    headline = page.locator("#extract-progress [role=status]")
    summary = page.locator("dd[data-status]")
    return headline, summary


def test_the_sample_from_the_format_page_uploads_and_the_result_says_what_changed(
    page, writable_base_url, tmp_path
):
    base_url = writable_base_url  # it uploads into a draft: its own copy of the demo
    sign_in(page, base_url, "nct-manager")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base_url}/arrangements/NCT/returns/2026-11/1/")
    page.get_by_role("button", name="Upload a child-level extract").click()
    expect(page.locator("h1")).to_contain_text("Upload a child-level extract")
    checked_at_both_widths(page, "extract-upload-form")
    form_url = page.url

    page.get_by_role("link", name="the child-level extract's format").click()
    expect(page.locator("h1")).to_contain_text("The child-level extract's format")
    expect(page.get_by_text("(30 November 2026 for November 2026)")).to_be_visible()
    checked_at_both_widths(page, "extract-format")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the sample (CSV)").click()
    assert download.value.suggested_filename == "child-extract-sample-NCT-2026-11.csv"
    sample = tmp_path / download.value.suggested_filename
    download.value.save_as(sample)

    page.goto(form_url)
    page.get_by_label("Child-level extract").set_input_files(sample)
    page.get_by_role("button", name="Upload and check").click()
    headline, summary = status_of(page)
    expect(headline).to_have_text("Queued: checking starts in a moment")
    expect(summary).to_have_text("Queued: checking starts in a moment")
    expect(headline).to_have_attribute("aria-live", "polite")
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    screenshot(page, "extract-upload-queued")

    upload = ExtractUpload.objects.get()
    # The test database is SQLite in memory with a shared cache, where a read waiting on a
    # write fails at once instead of waiting: the page's polls are let through only when
    # Playwright runs again, after each write here (a production database makes the reader wait).
    page.route("**/extract-uploads/*/status/", lambda route: route.continue_())
    ExtractUpload.objects.filter(pk=upload.pk).update(
        state="running", progress=35, stage="Checking the file"
    )
    expect(headline).to_have_text("Checking the file: 35% done", timeout=10_000)
    expect(summary).to_have_text("Checking the file: 35% done")
    expect(page.locator("progress")).to_have_attribute("value", "35")
    screenshot(page, "extract-upload-progress")
    # The job claims a queued check in one conditional update (so a second delivery does
    # nothing): the progress above was only shown, so the check is queued again for it.
    ExtractUpload.objects.filter(pk=upload.pk).update(state="queued")
    uploads.extract_upload_run(upload_id=upload.pk)

    # The page asks for the job's state every second and reloads itself when it is done.
    expect(page.locator(".govuk-panel__title")).to_have_text("Figures filled", timeout=10_000)
    expect(page.locator("progress")).to_have_count(0)
    upload.refresh_from_db()
    changes = uploads.extract_upload_changes(upload)
    assert upload.state == "done" and upload.row_count == 18 and len(changes) > 0
    expect(page.locator("dd", has_text="Done: ")).to_have_text(upload.status)
    table = page.locator("table", has=page.get_by_text("Figures this extract changed"))
    expect(table.locator("tbody tr")).to_have_count(len(changes))
    first = changes[0]
    expect(table.locator("tbody tr").first).to_contain_text(f"{first.old} → {first.new}")
    # One entry for each indicator whose commentary was written before its figures changed.
    stale = uploads.commentary_to_check(changes)
    expect(page.get_by_text("Commentary was written for")).to_have_count(len(stale))
    for entry in stale[:1]:
        expect(page.get_by_text(entry.prompt)).to_be_visible()
    checked_at_both_widths(page, "extract-upload-done")

    page.get_by_role("link", name="Check the figures on the return").click()
    expect(page.get_by_text(upload.source_text).first).to_be_visible()
    expect(page.get_by_text("from extract")).to_have_count(0)
