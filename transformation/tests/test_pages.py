"""The transformation programme's pages as each role sees and uses them (statuses for every URL
and role are in tests/test_url_matrix.py; these are the behaviours behind them).

Built on factories: the root ``world``'s programme (``programme_cases.make_programme``): seven
cases approved at three board meetings (17 April, 19 June and 18 September 2024), BC12 awaiting
the board, BC13 a draft; 2024/25's Block 3 provision of £100,000.00 with £75,000.00 committed,
£11,512.55 spent and £25,000.00 remaining; 2025/26 a draft year. The world's first council's
officer, Helen Marsh, recorded the meetings and the board's decisions."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from transformation.models import BoardMeeting, BusinessCase, CaseSpend, Project
from transformation.services import cases as services
from transformation.services import meetings as meeting_services
from transformation.tests.programme_cases import make_programme
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

State = BusinessCase.State


@dataclass
class Addresses:
    """The world's programme's addresses."""

    arrangement: str
    programme: str
    cases: str
    board: str
    ledger: str


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def cast(world, people):
    """{name: user}: the world's people (its first council's officer named Helen Marsh) and a
    scrutiny member of its second council."""
    people["officer"].first_name, people["officer"].last_name = "Helen", "Marsh"
    people["officer"].save()
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture(autouse=True)
def programme(world, cast):
    """{reference: case} of the world's programme (see the module's docstring)."""
    return make_programme(world)


@pytest.fixture
def url(arrangement) -> Addresses:
    home = f"/arrangements/{arrangement.trust.code}/"
    programme = home + "transformation/"
    return Addresses(home, programme, programme + "cases/", programme + "board/",
                     programme + "block3/")  # fmt: skip


@pytest.fixture
def case(arrangement):
    """case(reference): the world's case, read afresh."""

    def get(reference) -> BusinessCase:
        return BusinessCase.objects.get(project__arrangement=arrangement, reference=reference)

    return get


@pytest.fixture
def meeting_today(cast, arrangement):
    return meeting_services.meeting_save(
        by=cast["officer"],
        arrangement=arrangement,
        held_on=timezone.localdate(),
        chair="Chief Executive, first council",
        attendees="Chief Executive, first council",
    )


def submit_new_case(cast, arrangement, reference="BC50", amount="100,000.00"):
    project = Project.objects.get(arrangement=arrangement, name="Placement Efficiency")
    new = services.case_save(by=cast["manager"], project=project, reason="Drafted",
                             reference=reference, title="Foster carers", summary="S",
                             funding="block3", expected_benefits="B",
                             costs={2024: amount})  # fmt: skip
    return services.case_submit(by=cast["manager"], case=new)


# --- The overview -----------------------------------------------------------------------------


def test_the_overview_shows_each_theme_its_cases_and_the_money_approved(cast, client_for, url):
    page = text(client_for(cast["officer"]).get(url.programme))
    # Money approved: practice £12,000 (BC03) + £50,000 (BC04, Block 2) = £62,000.00;
    # efficiency £30,000 (BC01) + £16,000 (BC02) = £46,000.00; every theme £125,000.00. The
    # ledger: provision £100,000.00, committed £75,000.00, remaining £25,000.00, spent
    # £11,512.55.
    for words in ["Policy and practice", "£62,000.00", "Operational efficiency",
                  "£46,000.00", "£125,000.00", "Circle to Success Delivery",
                  "Improving Outcomes for Children", "£100,000.00", "£75,000.00",
                  "£25,000.00", "£11,512.55"]:  # fmt: skip
        assert words in page
    assert "/transformation/block3/" in page and "/transformation/board/" in page


@pytest.mark.parametrize(
    ("who", "sees", "hidden"),
    [
        ("manager", ["BC01", "BC12", "BC13"], []),
        ("other-officer", ["BC01", "BC12"], ["BC13"]),
        ("observer", ["BC01"], ["BC12", "BC13", "Submitted to the board"]),
        ("admin", ["BC01"], ["BC12", "BC13"]),
    ],
)
def test_each_role_sees_the_cases_its_role_may_see(who, sees, hidden, cast, client_for, url):
    page = text(client_for(cast[who]).get(url.programme))
    for reference in sees:
        assert f"{reference}:" in page
    for words in hidden:
        assert words not in page


def test_only_the_trust_is_offered_to_add_projects_and_officers_to_record_meetings(
    cast, client_for, url
):
    manager = text(client_for(cast["manager"]).get(url.programme))
    officer = text(client_for(cast["officer"]).get(url.programme))
    observer = text(client_for(cast["observer"]).get(url.programme))
    assert "Add a project" in manager and "Record a board meeting" not in manager
    assert "Record a board meeting" in officer and "Add a project" not in officer
    assert "Add a project" not in observer and "Record a board meeting" not in observer


def test_the_overview_reads_a_handful_of_queries(
    cast, client_for, url, django_assert_max_num_queries
):
    client = client_for(cast["manager"])
    with django_assert_max_num_queries(20):
        client.get(url.programme)


def test_the_overview_downloads_as_csv_and_excel(cast, client_for, url):
    client = client_for(cast["observer"])
    csv = text(client.get(url.programme + "?table=themes&format=csv"))
    assert "Theme,Projects,Approved,Money approved (£)" in csv  # an observer's states only
    assert "Policy and practice,2,2,62000.00" in csv  # BC03 and BC04, £12,000 + £50,000
    book = load_workbook(BytesIO(client.get(url.programme + "?table=cases&format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Reference" and len(rows) == 8  # 7 approved cases and the header
    bc01 = next(r for r in rows if r[0] == "BC01")
    assert bc01[9] == 30000 and bc01[12] == "yes"
    assert client.get(url.programme + "?table=nope&format=csv").status_code == 404


def test_the_arrangement_page_links_to_the_programme_for_those_who_may_read_it(
    cast, client_for, url
):
    assert url.programme in text(client_for(cast["observer"]).get(url.arrangement))
    assert url.programme not in text(client_for(cast["scrutiny"]).get(url.arrangement))


# --- Projects and cases -----------------------------------------------------------------------


def test_the_trust_adds_a_project_and_drafts_a_case_for_it(cast, client_for, url, case):
    client = client_for(cast["manager"])
    response = client.post(url.programme + "projects/new/", {"theme": "technology",
                           "name": "Case recording", "owner": "Head of IT, the trust",
                           "status": "proposed"})  # fmt: skip
    assert response.status_code == 302
    project = Project.objects.get(name="Case recording")
    response = client.post(f"{url.programme}projects/{project.pk}/cases/new/", {
        "reference": "bc20", "title": "Mobile working", "summary": "Laptops.",
        "funding": "block3", "expected_benefits": "Time saved.", "cost_2024": "£12,345.67",
        "cost_2025": "1,000"})  # fmt: skip
    new = case("BC20")
    assert response.url == new.get_absolute_url()
    assert new.state == State.DRAFT and new.total_cost == D("13345.67")


def test_a_case_with_a_bad_cost_keeps_what_was_typed(cast, client_for, url, arrangement):
    project = Project.objects.get(arrangement=arrangement, name="Placement Efficiency")
    response = client_for(cast["manager"]).post(
        f"{url.programme}projects/{project.pk}/cases/new/",
        {"reference": "BC20", "title": "T", "summary": "S", "funding": "block3",
         "expected_benefits": "B", "cost_2024": "12.345"},
    )  # fmt: skip
    page = text(response)
    assert response.status_code == 200
    assert "Enter the amount to the penny" in page and 'value="12.345"' in page
    assert not BusinessCase.objects.filter(reference="BC20").exists()


def test_a_case_without_any_cost_is_refused(cast, client_for, url, arrangement):
    project = Project.objects.get(arrangement=arrangement, name="Placement Efficiency")
    response = client_for(cast["manager"]).post(
        f"{url.programme}projects/{project.pk}/cases/new/",
        {"reference": "BC20", "title": "T", "summary": "S", "funding": "block3",
         "expected_benefits": "B"},
    )  # fmt: skip
    assert "Enter what the case costs in at least one year" in text(response)


def test_the_trust_changes_and_submits_its_draft(cast, client_for, url, case):
    client = client_for(cast["manager"])
    page = text(client.get(url.cases + "BC13/"))
    assert "Submit to the board" in page and "Change the case" in page
    response = client.post(url.cases + "BC13/edit/", {
        "reference": "BC13", "title": "Supported accommodation", "summary": "S",
        "funding": "block3", "expected_benefits": "B", "cost_2024": "16,000.00",
        "reason": "Re-costed"})  # fmt: skip
    assert response.status_code == 302
    assert case("BC13").history.first().history_change_reason == "Re-costed"
    response = client.post(url.cases + "BC13/submit/", follow=True)
    assert "BC13 submitted to the board" in text(response)
    assert case("BC13").state == State.SUBMITTED


def test_an_approved_case_is_not_offered_for_change(cast, client_for, url):
    client = client_for(cast["manager"])
    page = text(client.get(url.cases + "BC01/"))
    assert "Change the case" not in page and "Submit to the board" not in page
    assert "Record a month's spend" in page
    response = client.get(url.cases + "BC01/edit/", follow=True)
    assert "BC01 is approved: only a draft or a deferred case can be changed" in text(response)


def test_the_case_page_shows_its_decision_trail_and_draws(cast, client_for, url):
    page = text(client_for(cast["observer"]).get(url.cases + "BC01/"))
    # £30,000.00: its cost, all drawn from 2024/25's provision; £7,500.00 spent so far
    # (£4,850.00 in June and £2,650.00 in July).
    for words in ["Circle to Success Delivery", "£30,000.00", "Valuing Care",
                  "Submitted to the board", "Board decision: Approved", "meeting of 17 April 2024",
                  "Helen Marsh", "2024/25's provision", "£7,500.00"]:  # fmt: skip
        assert words in page
    assert "Record the board's decision" not in page and "Record a month" not in page


def test_the_case_page_tables_download(cast, client_for, url):
    client = client_for(cast["officer"])
    history = text(client.get(url.cases + "BC01/?table=history&format=csv"))
    assert "Board decision: Approved" in history and "2024-04-17" in history
    book = load_workbook(BytesIO(client.get(url.cases + "BC01/?table=spend&format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][1] == 4850 and book.active["B2"].number_format == "#,##0.00"


# --- The board's decision ---------------------------------------------------------------------


def test_an_officer_records_the_boards_approval(cast, client_for, url, case, meeting_today):
    client = client_for(cast["other-officer"])
    assert "Record the board's decision" in text(client.get(url.cases + "BC12/"))
    page = text(client.get(url.cases + "BC12/decide/"))
    # 2024/25's Block 3 fund has £25,000.00 left.
    assert "£25,000.00" in page and f"{meeting_today.held_on:%-d %B %Y}" in page
    # The world's meetings were held before BC12 was submitted: they are not offered.
    assert "18 September 2024" not in page
    day = f"{meeting_today.held_on:%Y-%m-%d}"
    response = client.post(url.cases + "BC12/decide/", {"decision": "approve", "meeting": day},
                           follow=True)  # fmt: skip
    assert "BC12 approved" in text(response)
    assert case("BC12").block3_draws.get().amount == D("24000.00")


def test_an_overdraw_is_refused_on_the_page_saying_by_how_much(
    cast, client_for, url, case, arrangement, meeting_today
):
    # £49,000.00 asked of the £25,000.00 left.
    submit_new_case(cast, arrangement, "BC50", "49,000.00")
    response = client_for(cast["officer"]).post(url.cases + "BC50/decide/", {
        "decision": "approve", "meeting": f"{meeting_today.held_on:%Y-%m-%d}"})  # fmt: skip
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "it would overdraw the provision by £24,000.00" in page
    assert case("BC50").state == State.SUBMITTED


def test_deferring_needs_a_note(cast, client_for, url, case, meeting_today):
    client = client_for(cast["officer"])
    day = f"{meeting_today.held_on:%Y-%m-%d}"
    page = text(client.post(url.cases + "BC12/decide/", {"decision": "defer", "meeting": day}))
    assert "Say why the board did not approve it" in page
    client.post(url.cases + "BC12/decide/", {"decision": "defer", "meeting": day,
                                             "note": "Re-cost"})  # fmt: skip
    assert case("BC12").state == State.DEFERRED
    # Back with the trust: it may change and resubmit it.
    assert "Change the case" in text(client_for(cast["manager"]).get(url.cases + "BC12/"))


def test_a_decided_case_cannot_be_decided_again(cast, client_for, url):
    response = client_for(cast["officer"]).get(url.cases + "BC01/decide/", follow=True)
    assert "BC01 is approved: the board decides submitted cases" in text(response)


# --- Spend --------------------------------------------------------------------------------------


def test_the_trust_records_a_months_spend(cast, client_for, url, case):
    client = client_for(cast["manager"])
    response = client.post(url.cases + "BC01/spend/", {"month": "2024-10", "amount": "£5,000.50"})
    assert response.status_code == 302
    spend = CaseSpend.objects.get(business_case=case("BC01"), month=date(2024, 10, 1))
    assert spend.amount == D("5000.50") and spend.recorded_by == cast["manager"]


def test_spend_on_an_unapproved_case_is_refused_with_the_reason(cast, client_for, url):
    response = client_for(cast["manager"]).get(url.cases + "BC13/spend/", follow=True)
    assert "BC13 is not approved: nothing is spent on it yet" in text(response)


# --- Board meetings -----------------------------------------------------------------------------


def test_an_officer_records_a_meeting_with_its_minutes_which_only_readers_download(
    cast, client_for, url
):
    minutes = SimpleUploadedFile("board-minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    response = client_for(cast["officer"]).post(url.board + "new/", {
        "held_on": "2024-11-20", "chair": "Chief Executive, second council",
        "attendees": "Chief Executive, second council\nChief Executive, first council",
        "minutes": minutes})  # fmt: skip
    assert response.url == url.board + "2024-11-20/"
    page = text(client_for(cast["observer"]).get(response.url))
    assert "Chief Executive, second council" in page and "Download the minutes" in page
    download = client_for(cast["observer"]).get(url.board + "2024-11-20/minutes/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"
    assert 'filename="board-minutes.pdf"' in download["Content-Disposition"]
    minutes_url = url.board + "2024-11-20/minutes/"
    assert client_for(cast["other-scrutiny"]).get(minutes_url).status_code == 403
    assert client_for(cast["outsider"]).get(minutes_url).status_code == 404


def test_a_meeting_without_minutes_has_none_to_download(cast, client_for, url):
    assert client_for(cast["manager"]).get(url.board + "2024-06-19/minutes/").status_code == 404


@pytest.mark.parametrize("held_on", ["2024-06-20", "june", "2024-13-01"])
def test_a_meeting_that_does_not_exist_is_not_found(held_on, cast, client_for, url):
    assert client_for(cast["manager"]).get(url.board + held_on + "/").status_code == 404


def test_a_future_meeting_is_refused_on_the_page(cast, client_for, url):
    tomorrow = timezone.localdate().replace(year=timezone.localdate().year + 1)
    response = client_for(cast["other-officer"]).post(url.board + "new/", {
        "held_on": f"{tomorrow:%Y-%m-%d}", "chair": "CE", "attendees": "CE"})  # fmt: skip
    assert "once it has been held" in text(response)


def test_a_meeting_lists_each_decision_it_made_even_when_a_later_one_replaced_it(
    cast, client_for, arrangement, meeting_today
):
    bc50 = submit_new_case(cast, arrangement, "BC50", "10,000.00")
    services.case_decide(by=cast["officer"], case=bc50, decision="defer",
                         meeting=meeting_today, note="Re-cost it")  # fmt: skip
    services.case_submit(by=cast["manager"], case=bc50)
    services.case_decide(by=cast["officer"], case=bc50, decision="approve",
                         meeting=meeting_today)  # fmt: skip
    page = text(client_for(cast["manager"]).get(meeting_today.get_absolute_url()))
    assert page.count("BC50: Foster carers") == 2
    assert "Deferred" in page and "Re-cost it" in page


def test_the_board_list_shows_the_three_meetings_and_their_decisions(cast, client_for, url):
    client = client_for(cast["observer"])
    page = text(client.get(url.board))
    assert "17 April 2024" in page and "19 June 2024" in page and "18 September 2024" in page
    assert "BC09 approved, BC10 approved, BC11 approved" in page
    csv = text(client.get(url.board + "?format=csv"))
    assert csv.count("\n") == 4 and "2024-09-18" in csv


def test_a_meetings_decisions_download(cast, client_for, url):
    csv = text(client_for(cast["admin"]).get(url.board + "2024-04-17/?format=csv"))
    assert "BC01,Circle to Success Delivery,Approved" in csv


# --- The Block 3 ledger -----------------------------------------------------------------------


def test_the_ledger_shows_provision_committed_spent_and_remaining_and_the_draws(
    cast, client_for, url
):
    page = text(client_for(cast["observer"]).get(url.ledger + "?year=2024"))
    # BC11 drew its £7,000.00 at the meeting of 18 September 2024.
    for words in ["£100,000.00", "£75,000.00", "£11,512.55", "£25,000.00",
                  "BC11: Workforce Managed Teams", "£7,000.00", "18 Sep 2024"]:  # fmt: skip
        assert words in page
    assert "BC04" not in page  # a Block 2 case draws nothing from Block 3


@pytest.mark.parametrize("year", ["2025", "2019", "next"])
def test_only_agreed_years_have_a_ledger(year, cast, client_for, url):
    # 2025/26 is a draft: nothing to draw on, and not the trust's to see.
    assert client_for(cast["officer"]).get(url.ledger + f"?year={year}").status_code == 404


def test_the_ledger_reads_a_handful_of_queries(
    cast, client_for, url, django_assert_max_num_queries
):
    client = client_for(cast["officer"])
    with django_assert_max_num_queries(15):
        client.get(url.ledger + "?year=2024")


def test_the_ledger_downloads_as_csv_and_excel(cast, client_for, url):
    client = client_for(cast["manager"])
    csv = text(client.get(url.ledger + "?table=years&format=csv"))
    assert "2024/25,100000.00,75000.00,11512.55,25000.00" in csv
    response = client.get(url.ledger + "?year=2024&table=draws&format=xlsx")
    book = load_workbook(BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("Drawn on", "Business case", "Title", "Amount (£)")
    assert sum(r[3] for r in rows[1:]) == 75000
    spend = text(client.get(url.ledger + "?year=2024&table=spend&format=csv"))
    assert "2024-09-01,BC03,4012.55" in spend


def test_a_meeting_recorded_today_appears_once_on_the_list(
    cast, client_for, url, arrangement, meeting_today
):
    page = text(client_for(cast["manager"]).get(url.board))
    assert page.count(f"{meeting_today.held_on:%-d %B %Y}") == 1
    meetings = BoardMeeting.objects.filter(arrangement=arrangement, held_on=meeting_today.held_on)
    assert meetings.count() == 1
