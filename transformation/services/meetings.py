"""Writes of the Transformation & Efficiency Board's meetings: recording one (who chaired, who
attended), correcting it with a reason, and attaching its minutes. Recording needs "approve" on
business cases (the councils' officers: docs/permissions.md).
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contracts.services.contracts import _reason
from transformation.models import BoardMeeting, BusinessCase
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.history import audited_save

MAX_MINUTES_BYTES = settings.DOCUMENT_UPLOAD_MAX_BYTES
MINUTES_TYPES = (".pdf", ".docx", ".doc", ".odt", ".txt")


def _meeting_errors(*, arrangement, meeting: BoardMeeting, held_on, chair, attendees) -> dict:
    """What is wrong with a meeting's date, chair and attendees (recording or correcting)."""
    errors = {}
    if held_on is None:
        errors["held_on"] = "Enter the date the board met."
    elif held_on > timezone.localdate():
        errors["held_on"] = "A meeting is recorded once it has been held: today or earlier."
    elif (
        BoardMeeting.objects.filter(arrangement=arrangement, held_on=held_on)
        .exclude(pk=meeting.pk)
        .exists()
    ):
        errors["held_on"] = f"A meeting on {held_on:%-d %B %Y} is already recorded."
    if not (chair or "").strip():
        errors["chair"] = "Enter who chaired the meeting."
    if not (attendees or "").strip():
        errors["attendees"] = "Enter who attended, one per line."
    return errors


def _minutes_error(minutes) -> str | None:
    """Why a minutes file cannot be taken (its type or size), else None."""
    if not minutes.name.lower().endswith(MINUTES_TYPES):
        return "Attach the minutes as a PDF, Word, OpenDocument or text file."
    if not minutes.size or minutes.size > MAX_MINUTES_BYTES:
        return "The minutes must be a file smaller than 25 MB, and not empty."
    return None


def _store_minutes(meeting: BoardMeeting, minutes) -> None:
    """Store the file under a new name (the one it replaces stays in storage, and its name and
    SHA-256 in the meeting's history) and note its name and SHA-256; saved by the caller."""
    digest = hashlib.sha256()
    for chunk in minutes.chunks():
        digest.update(chunk)
    minutes.seek(0)
    meeting.minutes.save(minutes.name.rsplit("/", 1)[-1], minutes, save=False)
    meeting.minutes_name, meeting.minutes_sha256 = minutes.name[:255], digest.hexdigest()


@transaction.atomic
def meeting_save(
    *,
    by,
    arrangement,
    held_on: date,
    chair: str,
    attendees: str,
    notes: str = "",
    minutes=None,
    meeting: BoardMeeting | None = None,
    reason: str = "Meeting recorded",
) -> BoardMeeting:
    """Record a board meeting (the councils' officers, who record its decisions)."""
    require(by, Action.APPROVE, Kind.BUSINESS_CASE, arrangement)
    meeting = meeting or BoardMeeting(arrangement=arrangement, recorded_by=by)
    errors = _meeting_errors(
        arrangement=arrangement, meeting=meeting, held_on=held_on, chair=chair, attendees=attendees
    )
    if minutes is not None and _minutes_error(minutes):
        errors["minutes"] = _minutes_error(minutes)
    if errors:
        raise ValidationError(errors)
    meeting.held_on, meeting.chair = held_on, chair.strip()
    meeting.attendees, meeting.notes = attendees.strip(), notes
    if minutes is not None:
        _store_minutes(meeting, minutes)
    return audited_save(meeting, by=by, reason=reason)


def meeting_decided_cases(meeting: BoardMeeting) -> list[str]:
    """The references of the cases a decision was recorded on at this meeting, read from the
    cases' history (so a decision a later one replaced still counts)."""
    History = BusinessCase.history.model
    return sorted(
        set(History.objects.filter(meeting_id=meeting.pk).values_list("reference", flat=True))
    )


@transaction.atomic
def meeting_correct(
    *,
    by,
    meeting: BoardMeeting,
    held_on: date,
    chair: str,
    attendees: str,
    notes: str = "",
    reason: str,
) -> BoardMeeting:
    """Correct a recorded meeting's chair, attendees, notes or date, saying why. The date of a
    meeting that decided cases stays: the decisions, their Block 3 draws and the dashboards
    are dated by it (so nothing a dashboard shows changes here)."""
    arrangement = meeting.arrangement
    require(by, Action.APPROVE, Kind.BUSINESS_CASE, arrangement)
    reason = _reason(reason)
    errors = _meeting_errors(
        arrangement=arrangement, meeting=meeting, held_on=held_on, chair=chair, attendees=attendees
    )
    if "held_on" not in errors and held_on != meeting.held_on:
        decided = meeting_decided_cases(meeting)
        if decided:
            errors["held_on"] = (
                f"The board decided {', '.join(decided)} at this meeting: its date stays "
                f"{meeting.held_on:%-d %B %Y}."
            )
    if errors:
        raise ValidationError(errors)
    meeting.held_on, meeting.chair = held_on, chair.strip()
    meeting.attendees, meeting.notes = attendees.strip(), notes
    return audited_save(meeting, by=by, reason=reason)


@transaction.atomic
def meeting_minutes_attach(*, by, meeting: BoardMeeting, minutes, reason: str = "") -> BoardMeeting:
    """Attach a meeting's minutes after it was recorded, or replace them saying why; checked
    as when the meeting is recorded. The history keeps the replaced file's name and SHA-256."""
    require(by, Action.APPROVE, Kind.BUSINESS_CASE, meeting.arrangement)
    reason, errors = (reason or "").strip(), {}
    if meeting.minutes and not reason:
        errors["reason"] = "Say why the minutes are replaced: it is kept in the history."
    if minutes is None:
        errors["minutes"] = "Choose the file of the minutes."
    elif _minutes_error(minutes):
        errors["minutes"] = _minutes_error(minutes)
    if errors:
        raise ValidationError(errors)
    _store_minutes(meeting, minutes)
    return audited_save(meeting, by=by, reason=reason or "Minutes attached")
