"""Correcting a recorded Transformation & Efficiency Board meeting, and attaching its minutes
later or replacing them: council officers only, always traceable (recording a meeting and its
decisions: test_pages.py; statuses per role: tests/test_url_matrix.py).

Built on factories: the root ``world``'s board, recorded through the services by its first
council's officer. On 19 June 2024 it decided BC05 and no minutes were attached; on 18 September
2024 it decided BC09 (approved), BC10 (rejected) and BC11 (deferred)."""

import hashlib
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from transformation.models import BoardMeeting, BusinessCase
from transformation.services import cases as services
from transformation.services import meetings as meeting_services
from transformation.tests.factories import BusinessCaseFactory, ProjectFactory
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

JUNE = "2024-06-19/"  # decided BC05, no minutes attached
SEPTEMBER = "2024-09-18/"  # decided BC09, BC10 and BC11
JUNE_CHAIR = "Chief Executive, second council"
ATTENDEES = "Chief Executive, first council\nChief Executive, second council"


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text(response) -> str:
    return response.content.decode()


def pdf(content=b"%PDF-1.4 minutes", name="board-minutes.pdf"):
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def cast(world, people):
    """{name: user}: the world's people and a scrutiny member of its second council."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


def record(cast, arrangement, held_on, chair):
    return meeting_services.meeting_save(
        by=cast["officer"],
        arrangement=arrangement,
        held_on=held_on,
        chair=chair,
        attendees=ATTENDEES,
    )


def decide(cast, project, reference, meeting, decision):
    """A case submitted a week before ``meeting``, decided there by the first council's
    officer (approved cases are funded from Block 2, so they draw on no Block 3 ledger)."""
    case = BusinessCaseFactory(
        project=project,
        reference=reference,
        funding=BusinessCase.Funding.BLOCK2,
        state=BusinessCase.State.SUBMITTED,
        submitted_at=timezone.make_aware(
            datetime.combine(meeting.held_on - timedelta(days=7), time(12))
        ),
    )
    note = "" if decision == "approve" else "Not this year."
    services.case_decide(
        by=cast["officer"], case=case, decision=decision, meeting=meeting, note=note
    )


@pytest.fixture(autouse=True)
def board(cast, arrangement):
    """The address of the world's board, once its June and September meetings are recorded."""
    project = ProjectFactory(arrangement=arrangement)
    june = record(cast, arrangement, date(2024, 6, 19), JUNE_CHAIR)
    decide(cast, project, "BC05", june, "approve")
    september = record(cast, arrangement, date(2024, 9, 18), "Chief Executive, first council")
    for reference, decision in [("BC09", "approve"), ("BC10", "reject"), ("BC11", "defer")]:
        decide(cast, project, reference, september, decision)
    return f"/arrangements/{arrangement.trust.code}/transformation/board/"


@pytest.fixture
def meeting_on(arrangement):
    """meeting_on(day): the world's meeting held that day, read afresh."""

    def get(day: str) -> BoardMeeting:
        return BoardMeeting.objects.get(arrangement=arrangement, held_on=day)

    return get


@pytest.fixture
def undecided(cast, arrangement):
    """A meeting in November 2024 at which nothing was decided."""
    return meeting_services.meeting_save(
        by=cast["officer"],
        arrangement=arrangement,
        held_on=date(2024, 11, 20),
        chair="Chief Executive, second council",
        attendees=ATTENDEES,
    )


def correction(meeting, **changes):
    fields = ("held_on", "chair", "attendees", "notes")
    return {**{name: getattr(meeting, name) for name in fields}, **changes}


# --- Correcting the record --------------------------------------------------------------------


def test_a_correction_with_a_reason_is_kept_in_the_history(cast, meeting_on):
    june = meeting_on("2024-06-19")
    meeting_services.meeting_correct(
        by=cast["other-officer"],
        meeting=june,
        reason="Chair misrecorded",
        **correction(june, chair="Chief Executive, first council", notes="Quorate."),
    )
    june.refresh_from_db()
    assert (june.chair, june.notes) == ("Chief Executive, first council", "Quorate.")
    latest, before = june.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_change_reason == "Chair misrecorded"
    assert latest.history_user == cast["other-officer"]
    assert before.chair == JUNE_CHAIR


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused(reason, cast, meeting_on):
    june = meeting_on("2024-06-19")
    with pytest.raises(ValidationError) as refused:
        meeting_services.meeting_correct(by=cast["officer"], meeting=june, reason=reason,
                                 **correction(june, chair="Someone else"))  # fmt: skip
    assert "reason" in refused.value.message_dict
    assert meeting_on("2024-06-19").chair == JUNE_CHAIR


def test_the_date_of_a_meeting_that_decided_cases_cannot_change_and_says_which(cast, meeting_on):
    september = meeting_on("2024-09-18")
    with pytest.raises(ValidationError) as refused:
        meeting_services.meeting_correct(by=cast["officer"], meeting=september, reason="Typo",
                                 **correction(september, held_on=date(2024, 9, 17)))  # fmt: skip
    assert refused.value.message_dict["held_on"] == [
        "The board decided BC09, BC10, BC11 at this meeting: its date stays 18 September 2024."
    ]
    assert BoardMeeting.objects.filter(pk=september.pk, held_on=date(2024, 9, 18)).exists()


def test_a_meeting_that_decided_cases_may_still_have_its_chair_corrected(
    cast, client_for, board, meeting_on
):
    response = client_for(cast["officer"]).post(board + SEPTEMBER + "correct/", {
        **correction(meeting_on("2024-09-18"), chair="Chief Executive, second council"),
        "reason": "Chaired by the second council that day"})  # fmt: skip
    assert response.status_code == 302 and response.url == board + SEPTEMBER
    assert meeting_on("2024-09-18").chair == "Chief Executive, second council"


def test_the_date_refusal_is_shown_on_the_page(cast, client_for, board, meeting_on):
    client = client_for(cast["other-officer"])
    form = text(client.get(board + SEPTEMBER + "correct/"))
    assert "Its date stays 18 September 2024: the board decided BC09, BC10, BC11" in form
    assert 'value="2024-09-18"' in form
    data = {**correction(meeting_on("2024-09-18"), held_on="2024-09-17"), "reason": "Typo"}
    page = text(client.post(board + SEPTEMBER + "correct/", data))
    assert "The board decided BC09, BC10, BC11 at this meeting" in page


def test_a_meeting_that_decided_nothing_may_be_redated_and_moves_address(
    cast, client_for, undecided, board
):
    response = client_for(cast["officer"]).post(board + "2024-11-20/correct/", {
        **correction(undecided, held_on="2024-11-21"), "reason": "Met a day later"})  # fmt: skip
    assert response.url == board + "2024-11-21/"
    undecided.refresh_from_db()
    assert undecided.held_on == date(2024, 11, 21)
    page = text(client_for(cast["observer"]).get(response.url))
    assert "Met a day later" in page and "(dated 20 November 2024)" in page


@pytest.mark.parametrize(
    ("held_on", "says"),
    [("2024-06-19", "A meeting on 19 June 2024 is already recorded."), ("2999-01-01", "once it")],
)
def test_a_new_date_is_checked_as_when_recording(
    held_on, says, cast, client_for, undecided, board, meeting_on
):
    page = text(client_for(cast["officer"]).post(board + "2024-11-20/correct/", {
        **correction(undecided, held_on=held_on), "reason": "Wrong date"}))  # fmt: skip
    assert says in page
    assert meeting_on("2024-11-20").history.count() == 1


def test_no_reason_is_refused_on_the_page(cast, client_for, board, meeting_on):
    page = text(client_for(cast["officer"]).post(board + JUNE + "correct/", {
        **correction(meeting_on("2024-06-19"), chair="X"), "reason": ""}))  # fmt: skip
    assert "govuk-error-summary" in page
    assert meeting_on("2024-06-19").history.count() == 1


# --- Minutes later ----------------------------------------------------------------------------


def test_minutes_attached_later_are_checked_stored_and_fingerprinted(
    cast, client_for, board, meeting_on
):
    client = client_for(cast["officer"])
    assert "Attach the minutes" in text(client.get(board + JUNE))
    response = client.post(board + JUNE + "minutes/attach/", {"minutes": pdf()})
    assert response.url == board + JUNE
    june = meeting_on("2024-06-19")
    assert june.minutes_name == "board-minutes.pdf"
    assert june.minutes_sha256 == hashlib.sha256(b"%PDF-1.4 minutes").hexdigest()
    assert june.history.latest().history_change_reason == "Minutes attached"
    download = client_for(cast["observer"]).get(board + JUNE + "minutes/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"


@pytest.mark.parametrize(
    ("upload", "says"),
    [
        (pdf(name="minutes.exe"), "Attach the minutes as a PDF, Word, OpenDocument or text file."),
        (pdf(content=b"", name="minutes.txt"), "The minutes must be a file smaller than 25 MB"),
    ],
)
def test_minutes_attached_later_are_checked_as_when_recording(upload, says, cast, meeting_on):
    with pytest.raises(ValidationError) as refused:
        meeting_services.meeting_minutes_attach(
            by=cast["officer"], meeting=meeting_on("2024-06-19"), minutes=upload
        )
    assert says in refused.value.message_dict["minutes"][0]
    assert not meeting_on("2024-06-19").minutes


def test_replacing_the_minutes_needs_a_reason(cast, client_for, board, meeting_on):
    june = meeting_on("2024-06-19")
    meeting_services.meeting_minutes_attach(by=cast["officer"], meeting=june, minutes=pdf())
    client = client_for(cast["other-officer"])
    assert "Replace the minutes" in text(client.get(board + JUNE))
    assert "Why they are replaced" in text(client.get(board + JUNE + "minutes/attach/"))
    page = text(
        client.post(board + JUNE + "minutes/attach/", {"minutes": pdf(b"%PDF v2", "v2.pdf")})
    )
    assert "Say why" in page or "This field is required" in page
    assert meeting_on("2024-06-19").minutes_name == "board-minutes.pdf"


def test_replaced_minutes_keep_the_old_files_name_and_sha256_in_the_history(
    cast, client_for, board, meeting_on
):
    june = meeting_on("2024-06-19")
    meeting_services.meeting_minutes_attach(by=cast["officer"], meeting=june, minutes=pdf())
    old_sha = hashlib.sha256(b"%PDF-1.4 minutes").hexdigest()
    old_file = june.minutes.name
    response = client_for(cast["other-officer"]).post(board + JUNE + "minutes/attach/", {
        "minutes": pdf(b"%PDF-1.4 agreed minutes", "agreed-minutes.pdf"),
        "reason": "The board agreed a corrected version"})  # fmt: skip
    assert response.url == board + JUNE
    june.refresh_from_db()
    assert june.minutes_name == "agreed-minutes.pdf"
    assert june.minutes_sha256 == hashlib.sha256(b"%PDF-1.4 agreed minutes").hexdigest()
    latest, before = june.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_change_reason == "The board agreed a corrected version"
    assert latest.history_user == cast["other-officer"]
    assert (before.minutes_name, before.minutes_sha256) == ("board-minutes.pdf", old_sha)
    assert default_storage.exists(old_file)  # nothing silently lost
    page = text(client_for(cast["observer"]).get(board + JUNE))
    assert old_sha in page and "The board agreed a corrected version" in page


# --- Who may ----------------------------------------------------------------------------------

OFFICERS = ["officer", "other-officer"]
REFUSED = ["manager", "observer", "scrutiny", "other-scrutiny", "admin"]
# An officer of another arrangement, and one of a council that commissions no trust.
OUTSIDERS = ["outsider", "unattached"]
EXPECTED = {**dict.fromkeys(OFFICERS, 200), **dict.fromkeys(REFUSED, 403),
            **dict.fromkeys(OUTSIDERS, 404)}  # fmt: skip


@pytest.mark.parametrize("action", ["correct/", "minutes/attach/"])
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_only_council_officers_may_correct_or_attach(
    action, who, cast, client_for, board, meeting_on
):
    client = client_for(cast[who])
    assert client.get(board + JUNE + action).status_code == EXPECTED[who]
    data = {**correction(meeting_on("2024-06-19"), chair="X"), "reason": "R", "minutes": pdf()}
    response = client.post(board + JUNE + action, data)
    assert response.status_code == (302 if who in OFFICERS else EXPECTED[who])
    june = meeting_on("2024-06-19")
    assert (june.chair == "X" or bool(june.minutes)) == (who in OFFICERS)


@pytest.mark.parametrize("who", [*REFUSED, "outsider"])
def test_the_services_refuse_everyone_but_council_officers(who, cast, meeting_on):
    june = meeting_on("2024-06-19")
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_correct(by=cast[who], meeting=june, reason="R", **correction(june))
    with pytest.raises(PermissionDenied):
        meeting_services.meeting_minutes_attach(by=cast[who], meeting=june, minutes=pdf())


@pytest.mark.parametrize(("who", "offered"), [
    ("officer", True), ("other-officer", True), ("manager", False),
    ("observer", False), ("admin", False)])  # fmt: skip
def test_the_meeting_page_offers_the_actions_only_to_council_officers(
    who, offered, cast, client_for, board
):
    page = text(client_for(cast[who]).get(board + JUNE))
    assert ("Correct the record" in page) is offered
    assert ("/minutes/attach/" in page) is offered
