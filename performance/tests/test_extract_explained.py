"""A child-level extract upload that explains itself (issue 15, item 6): the format page and its
sample file, one status line while the file is checked, the figures the upload changed with
commentary to check, and each figure's source in words. Built on the factory ``world``."""

import csv
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook
from rest_framework.test import APIClient

from performance.models import Commentary, ExtractUpload, Indicator
from performance.services import returns, uploads
from performance.tests.conftest import save
from performance.tests.factories import ExtractUploadFactory
from performance.tests.test_extract_uploads import GOOD, a_file

MONTH = date(2025, 6, 1)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path, monkeypatch):
    from performance import tasks

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(tasks.extract_import_task, "delay", lambda *args: None)


@pytest.fixture
def helen(people):
    manager = people["manager"]
    manager.first_name, manager.last_name = "Helen", "Marsh"
    manager.save()
    return manager


@pytest.fixture
def draft(helen, arrangement):
    monthly_return = returns.return_start(by=helen, arrangement=arrangement, month=MONTH)
    save(helen, monthly_return)  # every cell 8/10 (or 8) typed by hand
    monthly_return.refresh_from_db()
    return monthly_return


@pytest.fixture
def good(world):
    first, second = (council.code for council in world.councils)
    return GOOD.format(first=first, second=second, elsewhere="ZZZ")


def run(helen, draft, text, name="june.csv"):
    draft.refresh_from_db()
    upload = uploads.extract_upload_start(by=helen, monthly_return=draft, file=a_file(text, name))
    return uploads.extract_upload_run(upload_id=upload.pk)


def status_lines(html: str) -> list[str]:
    """The texts of every element the page marks as its status line."""
    return re.findall(r"\sdata-status(?=[\s>])[^>]*>([^<]*)<", html)


# --- The format and its sample ---------------------------------------------------------------


def test_the_upload_form_links_to_the_format_and_the_sample_for_the_returns_month(
    helen, draft, client_for
):
    page = client_for(helen).get(
        reverse("performance:return-extract", args=[draft.arrangement.code, "2025-06", 1])
    )
    html = page.content.decode()
    code = draft.arrangement.code
    assert f'href="/arrangements/{code}/extract-format/?month=2025-06"' in html
    assert f'href="/arrangements/{code}/extract-format/sample.csv?month=2025-06" download' in html
    assert f'href="/arrangements/{code}/extract-format/sample.xlsx?month=2025-06" download' in html


def test_the_format_page_lists_every_column_the_reader_knows_and_the_areas(
    helen, arrangement, client_for
):
    from performance.extract import COLUMNS, INDICATORS, REQUIRED
    from performance.extract_format import FORMAT_COLUMNS, INDICATOR_RULES

    assert [c.name for c in FORMAT_COLUMNS] == list(COLUMNS)
    assert [c.name for c in FORMAT_COLUMNS if c.required] == list(REQUIRED)
    assert [rule[0] for rule in INDICATOR_RULES] == list(INDICATORS)
    page = client_for(helen).get(f"/arrangements/{arrangement.code}/extract-format/?month=2025-06")
    html = page.content.decode()
    assert page.status_code == 200
    for name in COLUMNS:
        shown = name.replace("_", "_<wbr>")
        assert f'<dt class="govuk-summary-list__key">{shown}</dt>' in html
    visits = Indicator.objects.get(code="CIN_VISIT_IN_TIME").name
    assert (
        f'{escape(visits)}<br><span class="tp-break govuk-!-font-weight-regular '
        'govuk-!-font-size-16">CIN_VISIT_IN_TIME</span></dt>\n      '
        '<dd class="govuk-summary-list__value">Open CIN children visited in time, '
        "out of open CIN children.</dd>"
    ) in html
    first, second = sorted(council.code for council in arrangement.councils.all())
    assert f"invented rows for each of your council areas ({first}, {second})" in html
    assert "(30 June 2025 for June 2025)" in html
    assert "children in need 28, child protection 14, looked after 42" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_sample_is_synthetic_and_accepted_by_the_reader(helen, draft, client_for, fmt):
    response = client_for(helen).get(
        f"/arrangements/{draft.arrangement.code}/extract-format/sample.{fmt}?month=2025-06"
    )
    name = f"child-extract-sample-{draft.arrangement.code}-2025-06.{fmt}"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "child_id" and len(rows) == 1 + 18  # 9 episodes in each of 2 areas
    assert all(row[0].startswith("SAMPLE-") for row in rows[1:])
    assert all(row[3] in ("", None) or row[3].startswith("SAMPLE-WORKER-") for row in rows[1:])
    upload = uploads.extract_upload_start(
        by=helen,
        monthly_return=draft,
        file=SimpleUploadedFile(name, response.content),
    )
    done = uploads.extract_upload_run(upload_id=upload.pk)
    assert (done.state, done.error_count, done.row_count) == ("done", 0, 18)


def test_a_sample_of_another_kind_is_not_found(helen, arrangement, client_for):
    response = client_for(helen).get(f"/arrangements/{arrangement.code}/extract-format/sample.pdf")
    assert response.status_code == 404


def test_someone_outside_the_arrangement_sees_neither_the_format_nor_the_sample(
    people, arrangement, client_for
):
    client = client_for(people["outsider"])
    assert client.get(f"/arrangements/{arrangement.code}/extract-format/").status_code == 404
    sample = f"/arrangements/{arrangement.code}/extract-format/sample.csv"
    assert client.get(sample).status_code == 404


# --- One status line -------------------------------------------------------------------------

STATES = [
    ({"state": "queued"}, "Queued: checking starts in a moment"),
    (
        {"state": "running", "progress": 35, "stage": "Checking the file"},
        "Checking the file: 35% done",
    ),
    (
        {
            "state": "done",
            "progress": 100,
            "figures_filled": 36,
            "row_count": 4,
            "changes": [
                {
                    "indicator": "OPEN_CASES",
                    "area": "ALL",
                    "from": [1783, None],
                    "to": [1790, None],
                    "commentary": False,
                }
            ]
            * 2,
        },
        "Done: 36 figures filled, 2 changed",
    ),
    (
        {"state": "rejected", "progress": 100, "error_count": 3},
        "Rejected: 3 errors, nothing filled",
    ),
    (
        {"state": "failed", "progress": 100, "message": "You may no longer change this return."},
        "Could not be used: nothing filled",
    ),
]


@pytest.mark.parametrize(("fields", "status"), STATES, ids=[s[0]["state"] for s in STATES])
def test_the_headline_the_summary_and_the_polled_status_say_the_same(
    helen, draft, client_for, fields, status
):
    upload = ExtractUploadFactory(monthly_return=draft, uploaded_by=helen, **fields)
    client = client_for(helen)
    html = client.get(upload.get_absolute_url()).content.decode()
    polled = client.get(
        reverse("performance:extract-upload-status", args=[draft.arrangement.code, upload.pk])
    ).json()
    assert polled["status"] == status
    assert f"<title>{status}: child-level extract" in html
    if upload.is_finished:
        assert status_lines(html) == []
        assert f'<dd class="govuk-summary-list__value">{status}</dd>' in html
    else:
        assert status_lines(html) == [status, status]  # the headline, the summary
        assert 'role="status" aria-live="polite" data-status>' in html
        assert '<meta http-equiv="refresh" content="3">' in html
    for jargon in ("Waiting for a worker", "Waiting to start", "Being checked"):
        assert jargon not in html


def test_each_stage_of_the_job_reads_as_one_status_line(helen, draft, good, monkeypatch):
    seen = []
    progress = uploads._progress

    def record(upload, percent, stage):
        progress(upload, percent, stage)
        seen.append(ExtractUpload.objects.get(pk=upload.pk).status)

    monkeypatch.setattr(uploads, "_progress", record)
    run(helen, draft, good)
    assert seen == [
        "Reading the file: 10% done",
        "Checking the file: 35% done",
        "Computing the indicators: 70% done",
        "Filling the draft: 90% done",
    ]


# --- What changed ----------------------------------------------------------------------------


def test_the_result_lists_each_figure_changed_from_and_to_with_units(
    helen, draft, good, client_for, world
):
    done = run(helen, draft, good)
    first, second = (council.code for council in world.councils)
    cells = returns.cells_of(draft.arrangement, Indicator.objects.filter(from_extract=True))
    assert len(done.changes) == len(cells) == done.figures_filled
    html = client_for(helen).get(done.get_absolute_url()).content.decode()
    visits = Indicator.objects.get(code="CIN_VISIT_IN_TIME").name
    open_cases = Indicator.objects.get(code="OPEN_CASES").name
    caseload = Indicator.objects.get(code="AVERAGE_CASELOAD").name
    assert f"{len(cells)} figures from 4 rows: {len(cells)} changed" in html
    assert changed_row(visits, second, "80.0% (8 / 10) → 50.0% (1 / 2)") in html
    assert changed_row(open_cases, first, "8 → 2") in html
    assert changed_row(caseload, "All areas", "0.8 (8 / 10) → 3.0 (3 / 1)") in html


def changed_row(name: str, area: str, change: str) -> str:
    cell = '<td class="govuk-table__cell">'
    return f"{cell}{escape(name)}</td>\n      {cell}{area}</td>\n      {cell}{change}</td>"


def test_uploading_the_same_file_again_changes_nothing_and_says_so(helen, draft, good, client_for):
    run(helen, draft, good)
    again = run(helen, draft, good, name="again.csv")
    assert again.changes == []
    html = client_for(helen).get(again.get_absolute_url()).content.decode()
    assert "No figure changed: the extract gave every figure the draft already held." in html
    assert f"Done: {again.figures_filled} figures filled, 0 changed" in html


def test_commentary_written_for_the_old_figure_is_flagged_with_a_link_to_the_entry_page(
    helen, draft, good, client_for, world
):
    visits = Indicator.objects.get(code="CIN_VISIT_IN_TIME")
    Commentary.objects.create(monthly_return=draft, indicator=visits, text="Two workers left.")
    done = run(helen, draft, good)
    flagged = {(c["indicator"], c["area"]) for c in done.changes if c["commentary"]}
    assert {code for code, _ in flagged} == {"CIN_VISIT_IN_TIME"}
    html = client_for(helen).get(done.get_absolute_url()).content.decode()
    # One commentary for the indicator, both areas' figures changed: each area named, in the
    # return's order (the area with no children in need has no data now).
    new = {c.code: "no data (0 / 0)" for c in world.councils}
    new[world.councils[1].code] = "50.0% (1 / 2)"
    areas = sorted(new)
    assert "1 commentary was written for figures this extract changed" in html
    assert (
        f"<strong>{escape(visits.name)}</strong>. Commentary was written for "
        f"{areas[0]} 80.0% (8 / 10) and {areas[1]} 80.0% (8 / 10); check it still fits "
        f"{areas[0]} {new[areas[0]]} and {areas[1]} {new[areas[1]]}."
    ) in html
    edit = reverse("performance:return-edit", args=[draft.arrangement.code, "2025-06", 1])
    assert f'href="{edit}#id_c__CIN_VISIT_IN_TIME">Check the commentary on the entry page' in html


def test_a_count_changed_reads_with_separators_and_its_commentary_prompt_too(
    helen, draft, client_for
):
    change = {
        "indicator": "OPEN_CASES",
        "area": "ALL",
        "from": [1783, None],
        "to": [1790, None],
        "commentary": True,
    }
    upload = ExtractUploadFactory(
        monthly_return=draft,
        uploaded_by=helen,
        state="done",
        figures_filled=36,
        row_count=603_987,
        changes=[change],
    )
    html = client_for(helen).get(upload.get_absolute_url()).content.decode()
    assert '<td class="govuk-table__cell">All areas</td>' in html
    assert '<td class="govuk-table__cell">1,783 → 1,790</td>' in html
    name = escape(Indicator.objects.get(code="OPEN_CASES").name)
    assert (
        f"<strong>{name}</strong>. Commentary was written for 1,783; check it still fits 1,790."
    ) in html
    assert "1 commentary was written for figures this extract changed" in html
    assert "36 figures from 603,987 rows: 1 changed" in html


# --- A figure's source, in words -------------------------------------------------------------


def test_the_source_reads_when_and_by_whom_in_uk_time_with_the_row_count(helen, draft):
    with time_machine.travel(datetime(2026, 12, 6, 18, 4, tzinfo=LONDON), tick=False):
        winter = ExtractUploadFactory(monthly_return=draft, uploaded_by=helen, row_count=603_987)
    with time_machine.travel(datetime(2025, 7, 1, 0, 30, tzinfo=LONDON), tick=False):
        summer = ExtractUploadFactory(monthly_return=draft, uploaded_by=helen, row_count=4)
    assert winter.source_text == (
        "extract uploaded 6 December 2026, 18:04, by Helen Marsh (603,987 rows)"
    )
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    assert summer.source_text == "extract uploaded 1 July 2025, 00:30, by Helen Marsh (4 rows)"


def test_the_return_the_change_log_and_the_api_give_the_source_in_words(
    helen, draft, good, client_for
):
    # Later than the draft's first save (the run's clock), so the change log lists it first.
    with time_machine.travel(datetime(2026, 12, 7, 18, 4, tzinfo=LONDON), tick=False):
        done = run(helen, draft, good)
    source = "extract uploaded 7 December 2026, 18:04, by Helen Marsh (4 rows)"
    client = client_for(helen)
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert f'<span class="govuk-body-s">{source}</span>' in detail
    assert "from extract" not in detail and done.sha256[:12] not in detail
    assert f"Figures saved by Helen Marsh ({source})" in detail
    compare = client.get(f"/arrangements/{draft.arrangement.code}/returns/2025-06/compare/")
    assert f'<td class="govuk-table__cell">Computed from the {source}</td>' in (
        compare.content.decode()
    )
    api = APIClient()
    api.force_authenticate(helen)
    rows = api.get(
        "/api/v1/measurements/", {"indicator": "OPEN_CASES", "month_from": "2025-06-01"}
    ).json()["results"]
    assert {(r["source"], r["source_detail"]) for r in rows} == {("extract", source)}
