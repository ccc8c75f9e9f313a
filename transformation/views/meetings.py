"""Pages of the Transformation & Efficiency Board's meetings: the list with each meeting's
decisions, recording one, its page, correcting it and its minutes. Reading needs "view
approved" on business cases; recording and correcting need "approve" (council officers). Every
write is a service in transformation/services/meetings.py.
"""

from collections import defaultdict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from transformation.access import cases_visible, programme_or_404
from transformation.forms.meetings import MeetingCorrectForm, MeetingForm, MinutesForm
from transformation.models import BoardMeeting, BusinessCase
from transformation.services import meetings as services
from transformation.views.cases import State, _export, _form_page
from trust_portal.accounts.attribution import made_by
from trust_portal.accounts.permissions import Action, Kind, can, require
from trust_portal.formpages import form_page


def meeting_decisions(arrangement, user, meeting=None) -> dict[int, list[dict]]:
    """The decisions each meeting made, by meeting id, on cases the user may see. Read from
    the cases' history, so a case deferred at one meeting and approved at a later one is
    listed at both."""
    History = BusinessCase.history.model
    records = History.objects.filter(
        project__arrangement=arrangement, history_change_reason__startswith="Board decision:"
    ).exclude(state__in=[State.DRAFT, State.SUBMITTED])
    if meeting is not None:
        records = records.filter(meeting_id=meeting.pk)
    records = list(records.order_by("reference", "history_date"))
    cases = cases_visible(user, arrangement).in_bulk({r.id for r in records})
    found = defaultdict(list)
    for r in records:
        if r.id in cases and r.meeting_id:
            found[r.meeting_id].append(
                {"case": cases[r.id], "decision": State(r.state).label, "note": r.decision_note}
            )
    return found


def _meeting_or_404(request, code, held_on) -> BoardMeeting:
    arrangement = programme_or_404(request, code)
    try:
        day = date.fromisoformat(held_on)
    except ValueError:
        raise Http404("Name the meeting by its date, as 2024-06-19.") from None
    return get_object_or_404(
        BoardMeeting.objects.select_related("arrangement__trust", "recorded_by"),
        arrangement=arrangement,
        held_on=day,
    )


@login_required
def meeting_list(request, code):
    arrangement = programme_or_404(request, code)
    meetings = list(arrangement.board_meetings.order_by("-held_on"))
    decided = meeting_decisions(arrangement, request.user)
    for meeting in meetings:
        meeting.decided = decided[meeting.pk]
    download = _export(
        request,
        {
            "meetings": lambda: (
                "Board meetings",
                ["Held on", "Chair", "Attendees", "Decisions", "Minutes", "Notes"],
                (
                    [
                        m.held_on,
                        m.chair,
                        "; ".join(m.attendees.splitlines()),
                        "; ".join(
                            f"{d['case'].reference} {d['decision'].lower()}" for d in m.decided
                        ),
                        "yes" if m.minutes else "no",
                        m.notes,
                    ]
                    for m in meetings
                ),
            )
        },
        f"{arrangement.code}-board",
    )
    if download:
        return download
    may_record = can(request.user, Action.APPROVE, Kind.BUSINESS_CASE, arrangement)
    context = {"arrangement": arrangement, "meetings": meetings, "can_record": may_record}
    return render(request, "transformation/meeting_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_add(request, code):
    arrangement = programme_or_404(request, code)
    require(request.user, Action.APPROVE, Kind.BUSINESS_CASE)
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = MeetingForm(*data)

    def record(**cleaned):
        meeting = services.meeting_save(by=request.user, arrangement=arrangement, **cleaned)
        messages.success(request, f"{meeting} recorded.")
        return redirect(meeting.get_absolute_url())

    def page():
        back = reverse("transformation:meeting-list", args=[arrangement.code])
        heading = "Record a board meeting"
        return _form_page(request, arrangement, form, heading, multipart=True, back=back)

    return form_page(form, record, page)


@login_required
def meeting_detail(request, code, held_on):
    meeting = _meeting_or_404(request, code, held_on)
    decisions = meeting_decisions(meeting.arrangement, request.user, meeting)[meeting.pk]
    download = _export(
        request,
        {
            "decisions": lambda: (
                "Decisions",
                ["Reference", "Title", "Decision", "Note"],
                (
                    [d["case"].reference, d["case"].title, d["decision"], d["note"]]
                    for d in decisions
                ),
            )
        },
        f"{meeting.arrangement.code}-board-{held_on}",
    )
    if download:
        return download
    context = {
        "arrangement": meeting.arrangement,
        "meeting": meeting,
        "decisions": decisions,
        "attendees": [a for a in meeting.attendees.splitlines() if a.strip()],
        "changes": meeting_changes(meeting),
        "can_correct": can(request.user, Action.APPROVE, Kind.BUSINESS_CASE, meeting.arrangement),
    }
    return render(request, "transformation/meeting_detail.html", context)


def meeting_changes(meeting: BoardMeeting) -> list[dict]:
    """Every recorded change to the meeting, oldest first, with the minutes each left (so a
    replaced file's name and SHA-256 stay readable)."""
    records = meeting.history.select_related("history_user").order_by("history_date", "history_id")
    return [
        {
            "when": r.history_date,
            "who": made_by(r),
            "held_on": r.held_on,
            "what": r.history_change_reason or {"+": "Recorded"}.get(r.history_type, "Changed"),
            "minutes_name": r.minutes_name,
            "minutes_sha256": r.minutes_sha256,
        }
        for r in records
    ]


def _meeting_form_page(request, meeting, form, heading, **extra):
    template = "transformation/meeting_form.html"
    return _form_page(
        request, meeting.arrangement, form, heading, template, meeting=meeting, **extra
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_correct(request, code, held_on):
    meeting = _meeting_or_404(request, code, held_on)
    require(request.user, Action.APPROVE, Kind.BUSINESS_CASE)
    initial = {name: getattr(meeting, name) for name in ("held_on", "chair", "attendees", "notes")}
    form = MeetingCorrectForm(request.POST or None, initial=initial)

    def correct(**cleaned):
        try:
            services.meeting_correct(by=request.user, meeting=meeting, **cleaned)
        except ValidationError:
            meeting.refresh_from_db()
            raise
        messages.success(request, f"{meeting} corrected.")
        return redirect(meeting.get_absolute_url())

    def page():
        decided = services.meeting_decided_cases(meeting)
        heading = "Correct the meeting's record"
        return _meeting_form_page(request, meeting, form, heading, decided=decided)

    return form_page(form, correct, page)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes_attach(request, code, held_on):
    meeting = _meeting_or_404(request, code, held_on)
    require(request.user, Action.APPROVE, Kind.BUSINESS_CASE)
    replacing = bool(meeting.minutes)
    data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = MinutesForm(*data, replacing=replacing)

    def attach(**cleaned):
        services.meeting_minutes_attach(by=request.user, meeting=meeting, **cleaned)
        done = "replaced" if replacing else "attached"
        messages.success(request, f"The minutes of the {meeting} {done}.")
        return redirect(meeting.get_absolute_url())

    heading = "Replace the minutes" if replacing else "Attach the minutes"
    return form_page(
        form,
        attach,
        lambda: _meeting_form_page(
            request, meeting, form, heading, multipart=True, replacing=replacing
        ),
    )


@login_required
def meeting_minutes(request, code, held_on):
    """Minutes are served only through this page's permission check, never as public media."""
    meeting = _meeting_or_404(request, code, held_on)
    if not meeting.minutes:
        raise Http404("No minutes are attached to this meeting.")
    try:
        handle = meeting.minutes.open("rb")
    except FileNotFoundError:
        raise Http404("The minutes' file is missing from the file storage.") from None
    name = (meeting.minutes_name or meeting.minutes.name).rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)
