"""Child-level extracts uploaded into a draft: the job, what it fills, what it keeps and what it
forgets (CHILD_EXTRACT.md, "Privacy"), and the pages around it. Built on factories: the root
``world`` (a trust, two councils, someone in every role) and the published catalogue's extract
indicators, not the demo."""

import hashlib
import logging
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from performance import tasks
from performance.models import ExtractUpload, Indicator, Measurement
from performance.services import returns, uploads
from performance.tests.conftest import full_figures, save
from trust_portal.approvals.models import Event, State

MONTH = date(2025, 6, 1)  # as at 30 June 2025
HEADER = "child_id,area,category,worker_id,episode_start,last_visit_date,plan_due_date\n"
# {first} and {second} are the world's councils' areas, {elsewhere} another arrangement's.
GOOD = HEADER + (
    "SECRET-1,{second},CIN,W1,2025-01-01,2025-06-20,2025-07-30\n"
    "SECRET-2,{second},CIN,W1,2025-01-01,2025-01-05,\n"
    "SECRET-3,{first},CP,,2025-01-01,2025-06-29,\n"
    "SECRET-4,{first},LAC,W1,2025-02-01,2025-06-01,2025-08-01\n"
)
BAD = HEADER + (
    "SECRET-1,{second},CIN,W1,2025-01-01,,\n"
    "SECRET-2,{elsewhere},CIN,W1,2025-01-01,,\n"
    "SECRET-3,{first},CP,,31/02/2019,,\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queued(monkeypatch):
    """What was sent to the broker (by the outbox, after the commit): each call's arguments."""
    sent = []

    def apply_async(args=(), kwargs=None, **options):
        sent.append(tuple(args))

    monkeypatch.setattr(tasks.extract_import_task, "apply_async", apply_async)
    return sent


@pytest.fixture
def area(world):
    """{"first": the first council's area, "second": the second's, "elsewhere": an area of
    another arrangement}."""
    first, second = (council.code for council in world.councils)
    return {"first": first, "second": second, "elsewhere": world.outsider.organisation.code}


@pytest.fixture
def good(area):
    return GOOD.format(**area)


@pytest.fixture
def bad(area):
    return BAD.format(**area)


@pytest.fixture
def draft(people, arrangement):
    monthly_return = returns.return_start(
        by=people["manager"], arrangement=arrangement, month=MONTH
    )
    save(people["manager"], monthly_return)  # every cell 8/10 (or 8) typed by hand
    monthly_return.refresh_from_db()
    return monthly_return


def a_file(text, name="june-extract.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload_into(people, monthly_return, text, **kw):
    monthly_return.refresh_from_db()
    return uploads.extract_upload_start(
        by=people["manager"], monthly_return=monthly_return, file=a_file(text, **kw)
    )


def figure(monthly_return, code, area):
    m = Measurement.objects.get(monthly_return=monthly_return, indicator__code=code, area=area)
    return m.numerator, m.denominator


def test_an_upload_keeps_the_file_under_a_random_name_and_queues_only_its_id(
    people, draft, good, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload = upload_into(people, draft, good)
    assert queued == [(upload.pk,)]
    assert upload.state == ExtractUpload.State.QUEUED
    assert upload.as_at == date(2025, 6, 30)
    assert upload.sha256 == hashlib.sha256(good.encode()).hexdigest()
    assert upload.size == len(good.encode())
    assert upload.filename == "june-extract.csv"
    assert "june" not in upload.storage_name and upload.storage_name.endswith(".csv")
    assert default_storage.exists(upload.storage_name)


def test_the_job_fills_every_extract_cell_and_deletes_the_file(people, draft, area, good, queued):
    upload = upload_into(people, draft, good)
    stored = upload.storage_name
    done = uploads.extract_upload_run(upload_id=upload.pk)
    assert done.state == ExtractUpload.State.DONE
    assert done.progress == 100 and done.finished_at is not None
    assert done.row_count == 4
    assert not default_storage.exists(stored) and done.storage_name == ""
    assert figure(draft, "CIN_VISIT_IN_TIME", area["second"]) == (1, 2)
    assert figure(draft, "CP_VISIT_IN_TIME", area["first"]) == (1, 1)
    assert figure(draft, "OPEN_CASES", area["first"]) == (2, None)
    # Caseloads do not add across areas: "ALL" is stored as computed (W1 holds 3 children).
    assert figure(draft, "AVERAGE_CASELOAD", "ALL") == (3, 1)
    from_extract = Indicator.objects.filter(from_extract=True)
    cells = returns.cells_of(draft.arrangement, from_extract)
    assert done.figures_filled == len(cells)
    filled = Measurement.objects.filter(monthly_return=draft, source="extract")
    assert filled.count() == len(cells)
    assert set(filled.values_list("extract_upload", flat=True)) == {upload.pk}


def test_figures_typed_by_hand_for_other_indicators_stay(people, draft, area, good, queued):
    by_hand = Indicator.objects.filter(from_extract=False).first()
    before = figure(draft, by_hand.code, area["second"])
    uploads.extract_upload_run(upload_id=upload_into(people, draft, good).pk)
    assert figure(draft, by_hand.code, area["second"]) == before
    m = Measurement.objects.get(monthly_return=draft, indicator=by_hand, area=area["second"])
    assert m.source == Measurement.Source.FORM and m.extract_upload is None


def test_the_fill_is_recorded_as_the_uploaders_change(people, draft, good, queued):
    upload = upload_into(people, draft, good)
    uploads.extract_upload_run(upload_id=upload.pk)
    event = draft.events.filter(action=Event.Action.SAVED).order_by("-pk").first()
    assert event.by == people["manager"]
    upload.refresh_from_db()
    assert event.note == upload.source_text and event.note.endswith(" (4 rows)")


def test_a_rejected_file_fills_nothing_and_keeps_an_error_report_without_child_ids(
    people, draft, bad, queued
):
    upload = upload_into(people, draft, bad)
    stored = upload.storage_name
    done = uploads.extract_upload_run(upload_id=upload.pk)
    assert done.state == ExtractUpload.State.REJECTED
    assert done.error_count == 2
    assert {(e["row"], e["column"]) for e in done.errors} == {(3, "area"), (4, "episode_start")}
    assert "SECRET" not in str(done.errors)
    assert not default_storage.exists(stored)
    assert not Measurement.objects.filter(monthly_return=draft, source="extract").exists()
    report = uploads.extract_upload_error_report(by=people["manager"], upload=done)
    assert report.splitlines()[0] == "row,column,value,reason"
    assert "31/02/2019" in report and "SECRET" not in report


def test_only_the_uploader_may_download_the_error_report(people, draft, bad, queued):
    done = uploads.extract_upload_run(upload_id=upload_into(people, draft, bad).pk)
    with pytest.raises(PermissionDenied):
        uploads.extract_upload_error_report(by=people["admin"], upload=done)


def test_error_reports_are_deleted_after_30_days(people, draft, bad, queued):
    done = uploads.extract_upload_run(upload_id=upload_into(people, draft, bad).pk)
    assert uploads.extract_upload_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert uploads.extract_upload_purge(now=timezone.now() + timedelta(days=31)) == 1
    done.refresh_from_db()
    assert done.errors == [] and done.errors_deleted_at is not None
    assert done.error_count == 2  # the count stays, the rows go
    with pytest.raises(ValidationError, match="deleted after 30 days"):
        uploads.extract_upload_error_report(by=people["manager"], upload=done)


def test_a_file_no_worker_read_within_a_day_is_deleted_unread(people, draft, good, queued):
    upload = upload_into(people, draft, good)
    stored = upload.storage_name
    assert uploads.extract_upload_purge(now=timezone.now() + timedelta(days=2)) == 1
    upload.refresh_from_db()
    assert upload.state == ExtractUpload.State.FAILED and "deleted unread" in upload.message
    assert not default_storage.exists(stored)


def test_a_draft_changed_while_the_file_waited_is_not_overwritten(
    people, draft, area, good, queued
):
    upload = upload_into(people, draft, good)
    code = "CIN_VISIT_IN_TIME"
    save(
        people["manager"],
        draft,
        full_figures(draft.arrangement, {(code, area["second"]): ("5", "9")}),
    )
    done = uploads.extract_upload_run(upload_id=upload.pk)
    assert done.state == ExtractUpload.State.FAILED
    assert "Nothing was overwritten" in done.message
    assert figure(draft, code, area["second"]) == (5, 9)
    assert done.storage_name == ""


def test_a_return_submitted_before_the_job_ran_is_not_changed(
    people, draft, good, queued, django_capture_on_commit_callbacks
):
    upload = upload_into(people, draft, good)
    with django_capture_on_commit_callbacks(execute=True):
        returns.return_submit(by=people["manager"], monthly_return=draft)
    done = uploads.extract_upload_run(upload_id=upload.pk)
    assert done.state == ExtractUpload.State.FAILED
    assert "can only fill a draft" in done.message
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert not Measurement.objects.filter(monthly_return=draft, source="extract").exists()


def test_a_fault_fails_the_upload_without_quoting_the_file(
    people, draft, good, queued, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ValueError("row 2 holds SECRET-1")

    monkeypatch.setattr(uploads, "compute", broken)
    upload = upload_into(people, draft, good)
    with caplog.at_level(logging.DEBUG):
        done = uploads.extract_upload_run(upload_id=upload.pk)
    assert done.state == ExtractUpload.State.FAILED
    assert "fault in Trust Portal" in done.message
    assert "SECRET" not in done.message and "SECRET" not in caplog.text
    assert done.storage_name == ""


def test_running_a_finished_upload_again_changes_nothing(people, draft, good, queued):
    upload = upload_into(people, draft, good)
    first = uploads.extract_upload_run(upload_id=upload.pk)
    version = type(draft).objects.get(pk=draft.pk).lock_version
    again = uploads.extract_upload_run(upload_id=upload.pk)
    assert again.state == first.state == ExtractUpload.State.DONE
    assert type(draft).objects.get(pk=draft.pk).lock_version == version


def test_the_task_runs_the_job_by_id(people, draft, good, queued):
    upload = upload_into(people, draft, good)
    assert tasks.extract_import_task(upload.pk) == "done"
    assert tasks.extract_import_task(999_999) is None  # gone since it was queued


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("extract.txt", GOOD, "must be a CSV"),
        ("extract.csv", "", "is empty"),
    ],
)
def test_an_unusable_file_is_refused_at_once(people, draft, queued, name, text, message):
    with pytest.raises(ValidationError, match=message):
        upload_into(people, draft, text=text, name=name)
    assert not ExtractUpload.objects.exists()


def test_a_submitted_return_takes_no_upload(
    people, draft, good, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        returns.return_submit(by=people["manager"], monthly_return=draft)
    with pytest.raises(ValidationError, match="can only fill a draft"):
        upload_into(people, draft, good)


def test_a_council_officer_cannot_upload(people, draft, good, queued):
    with pytest.raises(PermissionDenied):
        uploads.extract_upload_start(by=people["officer"], monthly_return=draft, file=a_file(good))


def test_saving_the_form_unchanged_keeps_where_each_figure_came_from(
    people, draft, area, good, queued
):
    uploads.extract_upload_run(upload_id=upload_into(people, draft, good).pk)
    current = {
        (m.indicator.code, m.area): (str(m.numerator), m.denominator and str(m.denominator))
        for m in draft.measurements.select_related("indicator")
    }
    save(people["manager"], draft, current)
    assert Measurement.objects.filter(monthly_return=draft, source="extract").exists()
    current[("OPEN_CASES", area["second"])] = ("3", None)
    save(people["manager"], draft, current)
    changed = Measurement.objects.get(
        monthly_return=draft, indicator__code="OPEN_CASES", area=area["second"]
    )
    assert changed.source == Measurement.Source.FORM and changed.extract_upload is None


def test_a_correction_keeps_where_each_figure_came_from(people, draft, good, queued):
    upload = uploads.extract_upload_run(upload_id=upload_into(people, draft, good).pk)
    draft.refresh_from_db()
    draft.state = State.APPROVED  # approved by both councils (the life is tested elsewhere)
    draft.save()
    new = returns.return_correct(by=people["manager"], monthly_return=draft, reason="Typo")
    copied = Measurement.objects.filter(monthly_return=new, extract_upload=upload)
    assert copied.count() == upload.figures_filled > 0


# --- Pages ---------------------------------------------------------------------------------


def url(name, monthly_return, **extra):
    return reverse(
        name, args=[monthly_return.arrangement.code, f"{monthly_return.period:%Y-%m}",
                    monthly_return.revision, *extra.values()],
    )  # fmt: skip


def test_uploading_on_the_page_leads_to_the_progress_page(
    people, draft, good, queued, client_for, django_capture_on_commit_callbacks
):
    client = client_for(people["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("performance:return-extract", draft), {"file": a_file(good)})
    upload = ExtractUpload.objects.get()
    assert response.status_code == 302 and response.url == upload.get_absolute_url()
    page = client.get(upload.get_absolute_url())
    assert b"<progress" in page.content and b"This page updates itself" in page.content
    status = client.get(
        reverse("performance:extract-upload-status", args=[draft.arrangement.code, upload.pk])
    )
    assert status.json() == {
        "state": "queued",
        "status": "Queued: checking starts in a moment",
        "progress": 0,
        "finished": False,
    }


def test_a_finished_upload_shows_its_result_and_the_return_shows_the_source(
    people, draft, good, queued, client_for
):
    upload = uploads.extract_upload_run(upload_id=upload_into(people, draft, good).pk)
    client = client_for(people["manager"])
    page = client.get(upload.get_absolute_url()).content.decode()
    assert "Figures filled" in page and upload.sha256 in page and "<progress" not in page
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert f"{upload.source_text}</span>" in detail
    assert "Child-level extracts" in detail


def test_the_page_refuses_a_file_of_the_wrong_kind_with_a_message(
    people, draft, good, queued, client_for
):
    client = client_for(people["manager"])
    response = client.post(url("performance:return-extract", draft),
                           {"file": a_file(good, name="extract.pdf")})  # fmt: skip
    assert response.status_code == 200
    assert "The file must be a CSV (.csv) or Excel (.xlsx) file." in response.content.decode()
    empty = client.post(url("performance:return-extract", draft), {})
    assert "Select the child-level extract file" in empty.content.decode()


def test_the_rejected_upload_page_lists_errors_and_offers_the_report_to_its_uploader(
    people, draft, bad, queued, client_for
):
    upload = uploads.extract_upload_run(upload_id=upload_into(people, draft, bad).pk)
    page = client_for(people["manager"]).get(upload.get_absolute_url()).content.decode()
    assert "2 errors" in page and "31/02/2019" in page and "Download every error" in page
    admin_page = client_for(people["admin"]).get(upload.get_absolute_url()).content.decode()
    assert "Download every error" not in admin_page
    csv = client_for(people["manager"]).get(
        reverse("performance:extract-upload-errors", args=[draft.arrangement.code, upload.pk])
    )
    assert csv["Content-Type"].startswith("text/csv") and b"31/02/2019" in csv.content


def test_officers_see_an_upload_only_once_its_return_is_submitted(
    people, draft, good, queued, client_for, django_capture_on_commit_callbacks
):
    upload = uploads.extract_upload_run(upload_id=upload_into(people, draft, good).pk)
    officer = client_for(people["officer"])
    assert officer.get(upload.get_absolute_url()).status_code == 404
    draft.refresh_from_db()
    codes = Indicator.objects.values_list("code", flat=True)
    returns.return_save(
        by=people["manager"],
        monthly_return=draft,
        expected_version=draft.lock_version,
        figures={},
        commentary=dict.fromkeys(codes, "Explained."),
    )
    with django_capture_on_commit_callbacks(execute=True):
        returns.return_submit(by=people["manager"], monthly_return=draft)
    assert officer.get(upload.get_absolute_url()).status_code == 200
    assert client_for(people["outsider"]).get(upload.get_absolute_url()).status_code == 404


def test_a_file_being_checked_now_is_not_deleted_however_long_it_waited(
    people, draft, good, queued, settings
):
    upload = upload_into(people, draft, good)
    later = timezone.now() + timedelta(days=2)  # after an outage, a worker starts it at last
    ExtractUpload.objects.filter(pk=upload.pk).update(state="running", started_at=later)
    assert uploads.extract_upload_purge(now=later + timedelta(minutes=1)) == 0
    assert default_storage.exists(upload.storage_name)
    lease = timedelta(seconds=settings.TASK_LEASE_SECONDS)
    assert uploads.extract_upload_purge(now=later + lease + timedelta(seconds=1)) == 1
