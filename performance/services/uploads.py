"""Child-level extracts uploaded into a draft return: accept the file, run it as a job, fill the
draft's extract-derived cells, and forget the file.

The privacy rules are CHILD_EXTRACT.md's: the file waits in the project's file storage under a
random name, the job receives the upload's id (never rows), the file is deleted once read
whatever the outcome, and no child-level value reaches the database, a log or a Celery message.
What is kept is the file's SHA-256, size, row count and uploader, and for a rejected file its
error report (which never holds a child id) for 30 days.
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from performance.extract import (
    ExtractError,
    ExtractRejected,
    ExtractSettings,
    compute,
    errors_csv,
    read_extract,
)
from performance.extract_format import as_at_of_month
from performance.models import (
    ALL_AREAS,
    ExtractUpload,
    Indicator,
    Measurement,
    MonthlyReturn,
    PerformanceSettings,
)
from performance.rag import value_of
from performance.services.returns import cells_of
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.approvals import services as approvals
from trust_portal.approvals.models import State
from trust_portal.approvals.services import ConcurrentChange
from trust_portal.numbers import rounded
from trust_portal.outbox.services import job_add

logger = logging.getLogger(__name__)

MAX_BYTES = settings.EXTRACT_UPLOAD_MAX_BYTES
MAX_STORED_ERRORS = 10_000  # a file wrong on every row keeps the first ten thousand


def extract_settings(arrangement, month) -> ExtractSettings:
    """The visit frequencies and caseload limit in force for the month (the arrangement's
    rules dated from that month or before), or the spec's defaults."""
    own = PerformanceSettings.of(arrangement, month)  # unsaved defaults match the spec's
    return ExtractSettings(
        visit_days={
            "CIN": own.cin_visit_days,
            "CP": own.cp_visit_days,
            "LAC": own.lac_visit_days,
            "CL": own.cl_contact_days,
        },
        caseload_limit=own.caseload_limit,
    )


def as_at_of(monthly_return: MonthlyReturn):
    """The extract for a month's return is taken as at the month's last day."""
    return as_at_of_month(monthly_return.period)


def extract_upload_start(*, by, monthly_return: MonthlyReturn, file) -> ExtractUpload:
    """Keep the uploaded file under a random name and queue its job.

    ``file`` is an uploaded file (anything with ``name``, ``size``, ``chunks()``). Refuses a
    return that is locked, a file that is neither CSV nor XLSX, an empty file or one over
    ``MAX_BYTES``, each with a message for the page.
    """
    require(by, Action.EDIT, Kind.RETURN, monthly_return.arrangement)
    _refuse_unless_draft(monthly_return)
    suffix = Path(file.name or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValidationError({"file": "The file must be a CSV (.csv) or Excel (.xlsx) file."})
    if not file.size:
        raise ValidationError({"file": "The selected file is empty."})
    if file.size > MAX_BYTES:
        raise ValidationError(
            {"file": f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB."}
        )
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    # A random name: nothing about the file, the child or the trust is in it.
    stored = default_storage.save(f"extracts/{uuid.uuid4().hex}{suffix}", file)
    try:
        with transaction.atomic():
            upload = ExtractUpload(
                monthly_return=monthly_return,
                as_at=as_at_of(monthly_return),
                filename=Path(file.name).name[:255],
                storage_name=stored,
                sha256=digest.hexdigest(),
                size=file.size,
                based_on_version=monthly_return.lock_version,
                uploaded_by=by,
            )
            upload.full_clean()
            upload.save()
            _queue(upload)
    except Exception:
        default_storage.delete(stored)
        raise
    return upload


def _refuse_unless_draft(monthly_return: MonthlyReturn) -> None:
    # An extract fills a draft (or a return sent back with a query), never one the councils
    # are looking at: a job queued before submission must not change what they approve.
    if monthly_return.state not in (State.DRAFT, State.RETURNED):
        raise ValidationError(
            f"This return is {monthly_return.get_state_display().lower()}: an extract can only "
            "fill a draft. Start a correction, or ask the councils to return it, to change it."
        )


def _queue(upload: ExtractUpload) -> None:
    # In the upload's own transaction: the check is sent after the commit, and again by the
    # beat job until it is, so a broker that is down leaves the file waiting, never lost.
    job_add(
        task="performance.tasks.extract_import_task",
        args=[upload.pk],
        description=_check_described(upload.monthly_return),
    )


def _check_described(monthly_return: MonthlyReturn) -> str:
    """The job's words on the jobs page: whose return and which month, not the upload's id."""
    revision = f" (correction {monthly_return.revision - 1})" if monthly_return.revision > 1 else ""
    return (
        f"Check the extract uploaded into {monthly_return.arrangement.code}'s "
        f"{MonthlyReturn.title_words} for {monthly_return.period:%B %Y}{revision}"
    )


def extract_uploads_reclaim(*, cutoff) -> int:
    """Give back checks still running since before ``cutoff`` (the lease: their worker died,
    the file is still there): waiting again, each with a new job (the beat job calls this)."""
    reclaimed = 0
    stuck = ExtractUpload.objects.filter(state=ExtractUpload.State.RUNNING, started_at__lt=cutoff)
    for upload in stuck.only("pk"):
        with transaction.atomic():
            if stuck.filter(pk=upload.pk).update(
                state=ExtractUpload.State.QUEUED, progress=0, stage=""
            ):
                _queue(upload)
                reclaimed += 1
    return reclaimed


def _progress(upload: ExtractUpload, percent: int, stage: str) -> None:
    # Saved at once, outside any transaction, so the page polling it sees each stage.
    upload.progress, upload.stage = percent, stage
    ExtractUpload.objects.filter(pk=upload.pk).update(progress=percent, stage=stage)


def _read_check_fill(upload: ExtractUpload) -> int:
    """Reads the stored file, checks and computes it, fills the draft: the figures filled."""
    arrangement = upload.monthly_return.arrangement
    areas = [council.code for council in arrangement.councils.order_by("code")]
    _progress(upload, 10, "Reading the file")
    with default_storage.open(upload.storage_name, "rb") as stored:
        frame = read_extract(io.BytesIO(stored.read()), filename=upload.storage_name)
    upload.row_count = len(frame)
    _progress(upload, 35, "Checking the file")
    result = compute(
        frame,
        as_at=upload.as_at,
        areas=areas,
        settings=extract_settings(arrangement, upload.monthly_return.period),
        on_stage=lambda _stage: _progress(upload, 70, "Computing the indicators"),
    )
    del frame
    _progress(upload, 90, "Filling the draft")
    return _fill(upload, result)


def extract_upload_run(*, upload_id: int) -> ExtractUpload | None:
    """The job: read, check and compute the file, fill the draft, delete the file.

    Safe to run twice: a finished upload is left as it is.
    """
    upload = (
        ExtractUpload.objects.select_related("monthly_return__arrangement", "uploaded_by")
        .filter(pk=upload_id)
        .first()
    )
    if upload is None or upload.is_finished:
        return upload
    # Claimed in one conditional UPDATE: a second delivery of the message finds it running
    # and leaves it (until the beat job gives back a check whose worker died).
    now = timezone.now()
    claimed = ExtractUpload.objects.filter(pk=upload.pk, state=ExtractUpload.State.QUEUED)
    if not claimed.update(state=ExtractUpload.State.RUNNING, started_at=now):
        return upload
    upload.state, upload.started_at = ExtractUpload.State.RUNNING, now
    try:
        upload.figures_filled = _read_check_fill(upload)
        upload.state = ExtractUpload.State.DONE
    except ExtractRejected as rejected:
        upload.state = ExtractUpload.State.REJECTED
        upload.error_count = len(rejected.errors)
        upload.errors = [asdict(e) for e in rejected.errors[:MAX_STORED_ERRORS]]
    except ConcurrentChange:
        upload.state = ExtractUpload.State.FAILED
        upload.message = (
            "The draft was changed by someone while this file waited to be checked, so its "
            "figures were not filled in. Nothing was overwritten: upload the file again."
        )
    except (ValidationError, PermissionDenied) as error:
        upload.state = ExtractUpload.State.FAILED
        upload.message = " ".join(getattr(error, "messages", [str(error)])) or (
            "You may no longer change this return."
        )
    except Exception as error:
        # Never the exception's text: a reader's message can quote the file's cells.
        logger.error("Extract upload %s failed: %s", upload.pk, type(error).__name__)
        upload.state = ExtractUpload.State.FAILED
        upload.message = (
            "The file could not be processed because of a fault in Trust Portal. Nothing "
            "was filled in. Try again, and tell the service desk if it happens again."
        )
    finally:
        _forget_file(upload)
    upload.progress, upload.stage, upload.finished_at = 100, "", timezone.now()
    upload.save()
    return upload


def _forget_file(upload: ExtractUpload) -> None:
    if upload.storage_name:
        default_storage.delete(upload.storage_name)
        upload.storage_name = ""


@transaction.atomic
def _fill(upload: ExtractUpload, result: dict) -> int:
    """Write the extract's figures into the draft's extract-derived cells, as one change by
    the uploader, refused if the draft changed since the upload; remember which figures it
    changed, and whether a commentary had been written for the old figure."""
    monthly_return = MonthlyReturn.objects.get(pk=upload.monthly_return_id)
    _refuse_unless_draft(monthly_return)
    approvals.submission_record_change(
        submission=monthly_return,
        by=upload.uploaded_by,
        expected_version=upload.based_on_version,
        note=upload.source_text,
    )
    before = {(m.indicator_id, m.area): m for m in monthly_return.measurements.all()}
    commented = set(monthly_return.commentaries.values_list("indicator_id", flat=True))
    filled, changes = 0, []
    for indicator, area in cells_of(
        monthly_return.arrangement, Indicator.objects.filter(from_extract=True)
    ):
        figure = result["areas"][area][indicator.code]
        new = [figure["numerator"], figure["denominator"] if indicator.has_denominator else None]
        old = before.get((indicator.pk, area))
        old = None if old is None else [old.numerator, old.denominator]
        if old != new:
            changes.append(
                {
                    "indicator": indicator.code,
                    "area": area,
                    "from": old,
                    "to": new,
                    "commentary": indicator.pk in commented,
                }
            )
        Measurement.objects.update_or_create(
            monthly_return=monthly_return,
            indicator=indicator,
            area=area,
            defaults={
                "numerator": new[0],
                "denominator": new[1],
                "source": Measurement.Source.EXTRACT,
                "extract_upload": upload,
            },
        )
        filled += 1
    upload.changes = changes
    return filled


@dataclass(frozen=True)
class ExtractChange:
    """One figure an upload changed, as its result page lists it."""

    indicator: Indicator
    area: str
    old: str  # "no figure" when the cell was empty
    new: str
    commentary: bool  # a commentary had been written for the old figure

    @property
    def area_text(self) -> str:
        return "all areas" if self.area == ALL_AREAS else self.area


@dataclass(frozen=True)
class CommentaryToCheck:
    """An indicator's commentary, written before the upload changed its figures."""

    indicator: Indicator
    changes: tuple[ExtractChange, ...]

    @property
    def prompt(self) -> str:
        """ "Commentary was written for 1,783; check it still fits 1,790", naming each area
        when the upload changed more than one of the indicator's figures."""
        if len(self.changes) == 1:
            old, new = self.changes[0].old, self.changes[0].new
        else:
            old = " and ".join(f"{c.area_text} {c.old}" for c in self.changes)
            new = " and ".join(f"{c.area_text} {c.new}" for c in self.changes)
        return f"Commentary was written for {old}; check it still fits {new}"


def commentary_to_check(changes: list[ExtractChange]) -> list[CommentaryToCheck]:
    """One entry per indicator whose commentary predates the figures the upload changed."""
    by_indicator: dict[int, list[ExtractChange]] = {}
    for change in changes:
        if change.commentary:
            by_indicator.setdefault(change.indicator.pk, []).append(change)
    return [CommentaryToCheck(cs[0].indicator, tuple(cs)) for cs in by_indicator.values()]


def figure_text(pair: list | None, unit: str) -> str:
    """A figure with its unit and thousands separators: "1,783", "80.0% (8 / 10)",
    "15.0 (120 / 8)"; "no figure" for an empty cell."""
    numerator, denominator = pair if pair else (None, None)
    if numerator is None:
        return "no figure"
    if unit not in (Indicator.Unit.PERCENTAGE, Indicator.Unit.RATIO):
        return f"{numerator:,}" + (" days" if unit == Indicator.Unit.DAYS else "")
    parts = f"{numerator:,} / {'–' if denominator is None else f'{denominator:,}'}"
    value = value_of(numerator, denominator, unit=unit)
    if value is None:
        return f"no data ({parts})"
    shown = f"{rounded(value, 1):,}" + ("%" if unit == Indicator.Unit.PERCENTAGE else "")
    return f"{shown} ({parts})"


def extract_upload_changes(upload: ExtractUpload) -> list[ExtractChange]:
    """The figures the upload changed, in the return's order, each with its unit."""
    indicators = Indicator.objects.in_bulk(
        [c["indicator"] for c in upload.changes], field_name="code"
    )
    return [
        ExtractChange(
            indicator=indicators[change["indicator"]],
            area=change["area"],
            old=figure_text(change["from"], indicators[change["indicator"]].unit),
            new=figure_text(change["to"], indicators[change["indicator"]].unit),
            commentary=change["commentary"],
        )
        for change in upload.changes
        if change["indicator"] in indicators
    ]


def extract_upload_error_report(*, by, upload: ExtractUpload) -> str:
    """The rejected file's error report as CSV, for its uploader only, while it is kept."""
    if by.pk != upload.uploaded_by_id:
        raise PermissionDenied("Only the person who uploaded the file can download its errors.")
    if upload.errors_deleted_at is not None:
        raise ValidationError(
            f"The error report was deleted after {ExtractUpload.KEEP_ERRORS_DAYS} days."
        )
    return errors_csv([ExtractError(**e) for e in upload.errors])


def extract_upload_purge(*, now=None) -> int:
    """Delete error reports older than 30 days, and any file whose job never ran (a worker
    lost for a day): returns how many uploads were touched."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=ExtractUpload.KEEP_ERRORS_DAYS)
    purged = ExtractUpload.objects.filter(
        uploaded_at__lt=cutoff, error_count__gt=0, errors_deleted_at__isnull=True
    )
    count = purged.update(errors=[], errors_deleted_at=now)
    # Never one being checked now: a check started late (after an outage) is within its lease.
    lease = now - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    stale = ExtractUpload.objects.filter(
        Q(state=ExtractUpload.State.QUEUED)
        | Q(state=ExtractUpload.State.RUNNING, started_at__lt=lease)
        | Q(state=ExtractUpload.State.RUNNING, started_at__isnull=True),
        uploaded_at__lt=now - timedelta(days=1),
    )
    for upload in stale:
        _forget_file(upload)
        upload.state = ExtractUpload.State.FAILED
        upload.message = "No worker checked this file within a day, so it was deleted unread."
        upload.progress, upload.stage, upload.finished_at = 100, "", now
        upload.save()
        count += 1
    return count
