"""The life of a monthly return: entry, checks, submission, approval by area, return with a
query, locking, corrections and concurrent edits (the shared approvals mechanism). Built on
factories: the root ``world`` (a trust, two councils, someone in every role) and indicators of
the test's own (``catalogue``), not the demo."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from performance.models import ALL_AREAS, Measurement, MonthlyReturn
from performance.services import returns
from performance.tests.conftest import full_figures
from performance.tests.conftest import save as save_as
from performance.tests.factories import TargetFactory
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory
from trust_portal.approvals.models import AreaDecision, Event, State
from trust_portal.approvals.services import ConcurrentChange

MONTH = date(2025, 6, 1)  # the world has no targets, so nothing is red by default
OFFICERS = ["officer", "other-officer"]


@pytest.fixture
def areas(world):
    """The two councils' codes, first and second (each officer approves their own)."""
    return [council.code for council in world.councils]


@pytest.fixture
def draft(people, arrangement, catalogue):
    return returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)


def save(people, monthly_return, figures=None, commentary=None, who="manager"):
    return save_as(people[who], monthly_return, figures, commentary)


@pytest.fixture
def submitted(people, draft, django_capture_on_commit_callbacks):
    save(people, draft)
    with django_capture_on_commit_callbacks(execute=True):
        returns.return_submit(by=people["manager"], monthly_return=draft)
    draft.refresh_from_db()
    return draft


def approve_both(people, monthly_return):
    for who in OFFICERS:
        returns.return_approve(by=people[who], monthly_return=monthly_return)
    monthly_return.refresh_from_db()
    return monthly_return


def test_a_return_holds_every_indicator_for_every_council_area(arrangement, areas, catalogue):
    first, second = sorted(areas)
    indicators = [catalogue.visits, catalogue.caseload, catalogue.open_cp, catalogue.workforce_rate]
    cells = {(i.code, a) for i, a in returns.cells_of(arrangement, indicators)}
    visits, caseload, open_cp = (
        catalogue.visits.code,
        catalogue.caseload.code,
        catalogue.open_cp.code,
    )
    assert cells == {
        *[(visits, first), (visits, second)],
        *[(caseload, first), (caseload, second), (caseload, ALL_AREAS)],
        *[(open_cp, first), (open_cp, second)],
    }  # each council's area; all areas too where areas do not add up; no workforce rates
    assert len(returns.cells_of(arrangement, indicators)) == len(cells)


def test_a_month_not_yet_over_cannot_be_started(people, arrangement):
    with pytest.raises(ValidationError, match="once the month is over"):
        returns.return_start(by=people["manager"], arrangement=arrangement, month=date(2099, 1, 1))


def test_a_month_before_2000_cannot_be_started(people, arrangement):
    with pytest.raises(ValidationError) as refused:
        returns.return_start(by=people["manager"], arrangement=arrangement, month=date(1, 1, 1))
    last = date.today().year + 1
    assert refused.value.message_dict == {
        "month": [f"Enter a month from January 2000 to December {last}."]
    }


def test_the_page_of_a_month_out_of_range_does_not_exist(people, arrangement, client_for):
    url = reverse("performance:return-edit", args=[arrangement.code, "0001-01", 1])
    assert client_for(people["manager"]).get(url).status_code == 404


def test_only_the_trust_starts_a_return(people, arrangement):
    with pytest.raises(PermissionDenied):
        returns.return_start(by=people["officer"], arrangement=arrangement, month=MONTH)


def test_a_month_has_one_return(people, arrangement, draft):
    with pytest.raises(ValidationError, match="already has a return"):
        returns.return_start(by=people["manager"], arrangement=arrangement, month=MONTH)


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        ("8.5", "10", "must be a whole number"),
        ("-1", "10", "cannot be negative"),
        ("11", "10", "cannot be more than the denominator"),
        ("eight", "10", "must be a whole number"),
        ("²", "10", "must be a whole number (you entered “²”)"),  # "²".isdigit() is True
        ("١٢", "20", "must be a whole number"),  # Arabic-Indic digits, which int() reads as 12
        ("3000000000", "3000000000", "is too large: at most 2,147,483,647"),
        ("9" * 5000, "10", "is too large: at most 2,147,483,647"),  # more digits than int() takes
    ],
)
def test_bad_figures_are_refused_cell_by_cell(
    people, arrangement, areas, catalogue, draft, numerator, denominator, message
):
    cell = (catalogue.visits.code, areas[1])
    figures = full_figures(arrangement, {cell: (numerator, denominator)})
    with pytest.raises(ValidationError) as refused:
        save(people, draft, figures)
    assert message in " ".join(refused.value.message_dict[f"{cell[0]}.{cell[1]}"])
    assert not Measurement.objects.filter(monthly_return=draft).exists()  # nothing half-saved


def test_thousands_separators_are_accepted(people, arrangement, areas, catalogue, draft):
    save(
        people,
        draft,
        full_figures(arrangement, {(catalogue.open_cp.code, areas[1]): ("1,791", None)}),
    )
    assert draft.measurements.get(indicator=catalogue.open_cp, area=areas[1]).numerator == 1791


def test_a_ratio_may_exceed_one(people, arrangement, areas, catalogue, draft):
    save(
        people,
        draft,
        full_figures(arrangement, {(catalogue.caseload.code, areas[1]): ("1500", "75")}),
    )
    saved = draft.measurements.get(indicator=catalogue.caseload, area=areas[1])
    assert (saved.numerator, saved.denominator) == (1500, 75)


def test_missing_figures_block_submission(people, areas, catalogue, draft):
    save(people, draft, {(catalogue.visits.code, areas[1]): ("8", "10")})
    with pytest.raises(ValidationError, match="enter the figure"):
        returns.return_submit(by=people["manager"], monthly_return=draft)


def test_a_red_figure_needs_a_commentary_before_submission(people, arrangement, catalogue, draft):
    TargetFactory(
        arrangement=arrangement,
        indicator=catalogue.visits,
        financial_year=2025,
        target=Decimal(90),
        tolerance=Decimal(5),
    )
    save(people, draft)  # 80%: red against 90 ± 5
    with pytest.raises(ValidationError, match="red against target"):
        returns.return_submit(by=people["manager"], monthly_return=draft)
    save(people, draft, commentary={catalogue.visits.code: "Two workers were off sick."})
    returns.return_submit(by=people["manager"], monthly_return=draft)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_submission_emails_the_councils_officers(people, submitted, mailoutbox):
    # Not the leaver (whose account is closed), nor the officer of another arrangement.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(people[who].email for who in OFFICERS)
    assert "submitted for approval" in mailoutbox[0].subject


def test_each_council_approves_its_own_area_and_the_return_is_approved_when_all_have(
    people, submitted, django_capture_on_commit_callbacks, mailoutbox
):
    assert returns.return_approve(by=people["officer"], monthly_return=submitted) is False
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        assert returns.return_approve(by=people["other-officer"], monthly_return=submitted) is True
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert any("approved" in m.subject for m in mailoutbox)


def test_an_officer_cannot_approve_their_area_twice(people, submitted):
    returns.return_approve(by=people["officer"], monthly_return=submitted)
    with pytest.raises(ValidationError, match="already decided"):
        returns.return_approve(by=people["officer"], monthly_return=submitted)


@pytest.mark.parametrize("who", ["manager", "observer", "scrutiny", "admin"])
def test_only_council_officers_approve(people, submitted, who):
    with pytest.raises(PermissionDenied):
        returns.return_approve(by=people[who], monthly_return=submitted)


def test_an_officer_of_another_arrangement_cannot_approve(people, submitted):
    with pytest.raises(PermissionDenied):
        returns.return_approve(by=people["outsider"], monthly_return=submitted)


def test_a_draft_cannot_be_approved(people, draft):
    with pytest.raises(ValidationError, match="Only a submitted return"):
        returns.return_approve(by=people["officer"], monthly_return=draft)


def test_returning_with_a_query_emails_the_trust_and_allows_resubmission(
    people, submitted, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        returns.return_send_back(
            by=people["other-officer"],
            monthly_return=submitted,
            query="North CP visits look low: please check.",
        )
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED
    email = [m for m in mailoutbox if "returned" in m.subject][0]
    assert email.to == [people["manager"].email]
    assert "North CP visits look low" in email.body
    returns.return_submit(by=people["manager"], monthly_return=submitted)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_a_query_must_say_something(people, submitted):
    with pytest.raises(ValidationError, match="Say what"):
        returns.return_send_back(by=people["other-officer"], monthly_return=submitted, query=" ")


def test_any_change_after_submission_withdraws_every_approval(people, areas, catalogue, submitted):
    returns.return_approve(by=people["officer"], monthly_return=submitted)
    save(
        people,
        submitted,
        full_figures(submitted.arrangement, {(catalogue.open_cp.code, areas[0]): ("9", None)}),
    )
    assert not submitted.current_decisions().exists()
    assert AreaDecision.objects.filter(withdrawn_at__isnull=False).count() == 1
    assert submitted.events.filter(action=Event.Action.APPROVALS_WITHDRAWN).exists()


def test_an_approved_return_is_locked(people, submitted):
    approve_both(people, submitted)
    with pytest.raises(ValidationError, match="locked"):
        save(people, submitted)


def test_a_correction_is_a_new_revision_and_the_approved_one_stays_until_it_is_approved(
    people, areas, catalogue, submitted
):
    approved = approve_both(people, submitted)
    correction = returns.return_correct(
        by=people["manager"], monthly_return=approved, reason="Visits were under-counted"
    )
    assert correction.revision == 2 and correction.state == State.DRAFT
    assert correction.measurements.count() == approved.measurements.count()
    approved.refresh_from_db()
    assert approved.state == State.APPROVED  # still the one everybody sees
    save(
        people,
        correction,
        full_figures(correction.arrangement, {(catalogue.open_cp.code, areas[1]): ("9", None)}),
    )
    returns.return_submit(by=people["manager"], monthly_return=correction)
    approve_both(people, correction)
    approved.refresh_from_db()
    assert approved.state == State.SUPERSEDED
    assert approved.measurements.get(indicator=catalogue.open_cp, area=areas[1]).numerator == 8
    assert correction.measurements.get(indicator=catalogue.open_cp, area=areas[1]).numerator == 9


def test_a_correction_needs_a_reason(people, submitted):
    approved = approve_both(people, submitted)
    with pytest.raises(ValidationError, match="Say why"):
        returns.return_correct(by=people["manager"], monthly_return=approved, reason="")


def test_a_second_save_from_a_stale_page_is_refused_not_lost(
    people, arrangement, areas, catalogue, draft
):
    opened_version = draft.lock_version
    save(
        people, draft, full_figures(arrangement, {(catalogue.open_cp.code, areas[1]): ("5", None)})
    )
    with pytest.raises(ConcurrentChange, match="Someone else saved"):
        returns.return_save(
            by=people["manager"],
            monthly_return=draft,
            expected_version=opened_version,
            figures=full_figures(arrangement),
            commentary={},
        )
    assert draft.measurements.get(indicator=catalogue.open_cp, area=areas[1]).numerator == 5


def test_drafts_are_seen_by_the_trust_and_once_submitted_by_the_councils(world, people, draft):
    people = {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}

    def visible(who):
        return MonthlyReturn.objects.visible_to(people[who]).filter(pk=draft.pk).exists()

    assert visible("manager")
    assert not any(visible(w) for w in ["officer", "observer", "scrutiny", "admin"])
    save(people, draft)
    returns.return_submit(by=people["manager"], monthly_return=draft)
    assert visible("officer") and visible("other-officer")
    assert not visible("observer") and not visible("scrutiny")
    approve_both(people, draft)
    assert all(visible(w) for w in ["observer", "scrutiny", "other-scrutiny", "admin"])
    assert not visible("outsider")


def test_the_history_says_who_did_what(people, submitted):
    approve_both(people, submitted)
    actions = [(e.action, e.by) for e in submitted.events.all()]
    assert actions[0] == (Event.Action.CREATED, people["manager"])
    assert (Event.Action.SUBMITTED, people["manager"]) in actions
    assert (Event.Action.AREA_APPROVED, people["officer"]) in actions
    assert actions[-1] == (Event.Action.APPROVED, people["other-officer"])


def test_approval_queues_a_dashboard_recompute_after_commit(
    people, submitted, django_capture_on_commit_callbacks
):
    from unittest import mock

    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        approve_both(people, submitted)
    delay.assert_called_once_with(arrangement_id=submitted.arrangement.pk)


# --- pages ----------------------------------------------------------------------------------


def url(monthly_return, name="return-detail"):
    return reverse(
        f"performance:{name}",
        args=[
            monthly_return.arrangement.code,
            f"{monthly_return.period:%Y-%m}",
            monthly_return.revision,
        ],
    )


def test_the_entry_form_saves_figures_and_commentary(people, client_for, areas, catalogue, draft):
    client = client_for(people["manager"])
    code, area = catalogue.visits.code, areas[1]
    data = {
        "version": draft.lock_version,
        f"n__{code}__{area}": "7",
        f"d__{code}__{area}": "9",
        f"c__{code}": "Better than last month",
    }
    response = client.post(url(draft, "return-edit"), data)
    assert response.status_code == 302
    m = draft.measurements.get(indicator=catalogue.visits, area=area)
    assert (m.numerator, m.denominator) == (7, 9)
    assert draft.commentaries.get().text == "Better than last month"


def test_the_entry_form_shows_an_error_beside_its_cell_and_keeps_what_was_typed(
    people, client_for, areas, catalogue, draft
):
    client = client_for(people["manager"])
    code, area = catalogue.visits.code, areas[1]
    response = client.post(
        url(draft, "return-edit"),
        {"version": draft.lock_version, f"n__{code}__{area}": "12", f"d__{code}__{area}": "9"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "cannot be more than the denominator" in body
    assert 'value="12"' in body


def test_a_stale_entry_form_shows_the_latest_figures(
    people, client_for, arrangement, areas, catalogue, draft
):
    stale = draft.lock_version
    code, area = catalogue.open_cp.code, areas[1]
    save(people, draft, full_figures(arrangement, {(code, area): ("5", None)}))
    response = client_for(people["manager"]).post(
        url(draft, "return-edit"), {"version": stale, f"n__{code}__{area}": "6"}
    )
    body = response.content.decode()
    assert "Someone else saved this return" in body
    assert f'name="n__{code}__{area}" type="text" inputmode="numeric" value="5"' in body


def test_the_review_page_shows_values_rag_and_the_approval_buttons(
    people, client_for, areas, submitted
):
    body = client_for(people["officer"]).get(url(submitted)).content.decode()
    assert f"Approve {areas[0]}'s area" in body
    assert "80.0%" in body
    assert "Return with a query" in body


def test_a_draft_is_not_found_for_the_councils(people, client_for, draft):
    assert client_for(people["officer"]).get(url(draft)).status_code == 404


def test_the_buttons_post_through_the_services(people, client_for, submitted, mailoutbox):
    client_for(people["officer"]).post(url(submitted, "return-approve"))
    client_for(people["other-officer"]).post(url(submitted, "return-approve"))
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
