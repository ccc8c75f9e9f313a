"""Correcting a recorded Transformation & Efficiency Board meeting, and attaching its minutes
later or replacing them: council officers only, always traceable (recording a meeting and its
decisions: test_pages.py; statuses per role: tests/test_url_matrix.py)."""

import hashlib
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from transformation.models import BoardMeeting
from transformation.services import cases as services
from trust_portal.accounts.models import Arrangement

BOARD = "/arrangements/NCT/transformation/board/"
JUNE = BOARD + "2024-06-19/"  # decided BC05 to BC08, no minutes attached
SEPTEMBER = BOARD + "2024-09-18/"  # decided BC09, BC10 and BC11
ATTENDEES = "Chief Executive, NNC\nChief Executive, WNC"


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def text(response) -> str:
    return response.content.decode()


def meeting_on(day: str) -> BoardMeeting:
    return BoardMeeting.objects.get(arrangement__trust__code="NCT", held_on=day)


def pdf(content=b"%PDF-1.4 minutes", name="board-minutes.pdf"):
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def undecided(cast):
    """A meeting in November 2024 at which nothing was decided."""
    return services.meeting_save(
        by=cast["wnc-officer"],
        arrangement=Arrangement.objects.get(trust__code="NCT"),
        held_on=date(2024, 11, 20),
        chair="Chief Executive, NNC",
        attendees=ATTENDEES,
    )


def correction(meeting, **changes):
    fields = ("held_on", "chair", "attendees", "notes")
    return {**{name: getattr(meeting, name) for name in fields}, **changes}


# --- Correcting the record --------------------------------------------------------------------


def test_a_correction_with_a_reason_is_kept_in_the_history(cast):
    june = meeting_on("2024-06-19")
    services.meeting_correct(by=cast["nnc-officer"], meeting=june, reason="Chair misrecorded",
                             **correction(june, chair="Chief Executive, WNC",
                                          notes="Quorate."))  # fmt: skip
    june.refresh_from_db()
    assert (june.chair, june.notes) == ("Chief Executive, WNC", "Quorate.")
    latest, before = june.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_change_reason == "Chair misrecorded"
    assert latest.history_user == cast["nnc-officer"]
    assert before.chair == "Chief Executive, North Northamptonshire Council"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused(reason, cast):
    june = meeting_on("2024-06-19")
    with pytest.raises(ValidationError) as refused:
        services.meeting_correct(by=cast["wnc-officer"], meeting=june, reason=reason,
                                 **correction(june, chair="Someone else"))  # fmt: skip
    assert "reason" in refused.value.message_dict
    assert meeting_on("2024-06-19").chair == "Chief Executive, North Northamptonshire Council"


def test_the_date_of_a_meeting_that_decided_cases_cannot_change_and_says_which(cast):
    september = meeting_on("2024-09-18")
    with pytest.raises(ValidationError) as refused:
        services.meeting_correct(by=cast["wnc-officer"], meeting=september, reason="Typo",
                                 **correction(september, held_on=date(2024, 9, 17)))  # fmt: skip
    assert refused.value.message_dict["held_on"] == [
        "The board decided BC09, BC10, BC11 at this meeting: its date stays 18 September 2024."
    ]
    assert BoardMeeting.objects.filter(pk=september.pk, held_on=date(2024, 9, 18)).exists()


def test_a_meeting_that_decided_cases_may_still_have_its_chair_corrected(cast, client_for):
    response = client_for(cast["wnc-officer"]).post(SEPTEMBER + "correct/", {
        **correction(meeting_on("2024-09-18"), chair="Chief Executive, NNC"),
        "reason": "Chaired by NNC that day"})  # fmt: skip
    assert response.status_code == 302 and response.url == SEPTEMBER
    assert meeting_on("2024-09-18").chair == "Chief Executive, NNC"


def test_the_date_refusal_is_shown_on_the_page(cast, client_for):
    client = client_for(cast["nnc-officer"])
    form = text(client.get(SEPTEMBER + "correct/"))
    assert "Its date stays 18 September 2024: the board decided BC09, BC10, BC11" in form
    assert 'value="2024-09-18"' in form
    data = {**correction(meeting_on("2024-09-18"), held_on="2024-09-17"), "reason": "Typo"}
    page = text(client.post(SEPTEMBER + "correct/", data))
    assert "The board decided BC09, BC10, BC11 at this meeting" in page


def test_a_meeting_that_decided_nothing_may_be_redated_and_moves_address(
    cast, client_for, undecided
):
    response = client_for(cast["wnc-officer"]).post(BOARD + "2024-11-20/correct/", {
        **correction(undecided, held_on="2024-11-21"), "reason": "Met a day later"})  # fmt: skip
    assert response.url == BOARD + "2024-11-21/"
    undecided.refresh_from_db()
    assert undecided.held_on == date(2024, 11, 21)
    page = text(client_for(cast["dfe-observer"]).get(response.url))
    assert "Met a day later" in page and "(dated 20 November 2024)" in page


@pytest.mark.parametrize(
    ("held_on", "says"),
    [("2024-06-19", "A meeting on 19 June 2024 is already recorded."), ("2999-01-01", "once it")],
)
def test_a_new_date_is_checked_as_when_recording(held_on, says, cast, client_for, undecided):
    page = text(client_for(cast["wnc-officer"]).post(BOARD + "2024-11-20/correct/", {
        **correction(undecided, held_on=held_on), "reason": "Wrong date"}))  # fmt: skip
    assert says in page
    assert meeting_on("2024-11-20").history.count() == 1


def test_no_reason_is_refused_on_the_page(cast, client_for):
    page = text(client_for(cast["wnc-officer"]).post(JUNE + "correct/", {
        **correction(meeting_on("2024-06-19"), chair="X"), "reason": ""}))  # fmt: skip
    assert "govuk-error-summary" in page
    assert meeting_on("2024-06-19").history.count() == 1


# --- Minutes later ----------------------------------------------------------------------------


def test_minutes_attached_later_are_checked_stored_and_fingerprinted(cast, client_for):
    client = client_for(cast["wnc-officer"])
    assert "Attach the minutes" in text(client.get(JUNE))
    response = client.post(JUNE + "minutes/attach/", {"minutes": pdf()})
    assert response.url == JUNE
    june = meeting_on("2024-06-19")
    assert june.minutes_name == "board-minutes.pdf"
    assert june.minutes_sha256 == hashlib.sha256(b"%PDF-1.4 minutes").hexdigest()
    assert june.history.latest().history_change_reason == "Minutes attached"
    download = client_for(cast["dfe-observer"]).get(JUNE + "minutes/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"


@pytest.mark.parametrize(
    ("upload", "says"),
    [
        (pdf(name="minutes.exe"), "Attach the minutes as a PDF, Word, OpenDocument or text file."),
        (pdf(content=b"", name="minutes.txt"), "The minutes must be a file smaller than 25 MB"),
    ],
)
def test_minutes_attached_later_are_checked_as_when_recording(upload, says, cast):
    with pytest.raises(ValidationError) as refused:
        services.meeting_minutes_attach(
            by=cast["wnc-officer"], meeting=meeting_on("2024-06-19"), minutes=upload
        )
    assert says in refused.value.message_dict["minutes"][0]
    assert not meeting_on("2024-06-19").minutes


def test_replacing_the_minutes_needs_a_reason(cast, client_for):
    june = meeting_on("2024-06-19")
    services.meeting_minutes_attach(by=cast["wnc-officer"], meeting=june, minutes=pdf())
    client = client_for(cast["nnc-officer"])
    assert "Replace the minutes" in text(client.get(JUNE))
    assert "Why they are replaced" in text(client.get(JUNE + "minutes/attach/"))
    page = text(client.post(JUNE + "minutes/attach/", {"minutes": pdf(b"%PDF v2", "v2.pdf")}))
    assert "Say why" in page or "This field is required" in page
    assert meeting_on("2024-06-19").minutes_name == "board-minutes.pdf"


def test_replaced_minutes_keep_the_old_files_name_and_sha256_in_the_history(cast, client_for):
    june = meeting_on("2024-06-19")
    services.meeting_minutes_attach(by=cast["wnc-officer"], meeting=june, minutes=pdf())
    old_sha = hashlib.sha256(b"%PDF-1.4 minutes").hexdigest()
    old_file = june.minutes.name
    response = client_for(cast["nnc-officer"]).post(JUNE + "minutes/attach/", {
        "minutes": pdf(b"%PDF-1.4 agreed minutes", "agreed-minutes.pdf"),
        "reason": "The board agreed a corrected version"})  # fmt: skip
    assert response.url == JUNE
    june.refresh_from_db()
    assert june.minutes_name == "agreed-minutes.pdf"
    assert june.minutes_sha256 == hashlib.sha256(b"%PDF-1.4 agreed minutes").hexdigest()
    latest, before = june.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_change_reason == "The board agreed a corrected version"
    assert latest.history_user == cast["nnc-officer"]
    assert (before.minutes_name, before.minutes_sha256) == ("board-minutes.pdf", old_sha)
    assert default_storage.exists(old_file)  # nothing silently lost
    page = text(client_for(cast["dfe-observer"]).get(JUNE))
    assert old_sha in page and "The board agreed a corrected version" in page


# --- Who may ----------------------------------------------------------------------------------

OFFICERS = ["wnc-officer", "nnc-officer"]
REFUSED = ["nct-manager", "dfe-observer", "wnc-scrutiny", "nnc-scrutiny", "admin"]
OUTSIDERS = ["occ-officer", "outsider"]
EXPECTED = {**dict.fromkeys(OFFICERS, 200), **dict.fromkeys(REFUSED, 403),
            **dict.fromkeys(OUTSIDERS, 404)}  # fmt: skip


@pytest.mark.parametrize("action", ["correct/", "minutes/attach/"])
@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_only_council_officers_may_correct_or_attach(action, who, cast, client_for):
    client = client_for(cast[who])
    assert client.get(JUNE + action).status_code == EXPECTED[who]
    data = {**correction(meeting_on("2024-06-19"), chair="X"), "reason": "R", "minutes": pdf()}
    response = client.post(JUNE + action, data)
    assert response.status_code == (302 if who in OFFICERS else EXPECTED[who])
    june = meeting_on("2024-06-19")
    assert (june.chair == "X" or bool(june.minutes)) == (who in OFFICERS)


@pytest.mark.parametrize("who", [*REFUSED, "occ-officer"])
def test_the_services_refuse_everyone_but_council_officers(who, cast):
    june = meeting_on("2024-06-19")
    with pytest.raises(PermissionDenied):
        services.meeting_correct(by=cast[who], meeting=june, reason="R", **correction(june))
    with pytest.raises(PermissionDenied):
        services.meeting_minutes_attach(by=cast[who], meeting=june, minutes=pdf())


@pytest.mark.parametrize(("who", "offered"), [
    ("wnc-officer", True), ("nnc-officer", True), ("nct-manager", False),
    ("dfe-observer", False), ("admin", False)])  # fmt: skip
def test_the_meeting_page_offers_the_actions_only_to_council_officers(
    who, offered, cast, client_for
):
    page = text(client_for(cast[who]).get(JUNE))
    assert ("Correct the record" in page) is offered
    assert ("/minutes/attach/" in page) is offered
