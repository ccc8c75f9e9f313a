"""The life of a monthly return: entry, checks, submission, approval by area, return with a
query, locking, corrections and concurrent edits (the shared approvals mechanism)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from performance.models import Indicator, Measurement, MonthlyReturn, Target
from performance.services import returns
from trust_portal.accounts.models import Arrangement
from trust_portal.approvals.models import AreaDecision, Event, State
from trust_portal.approvals.services import ConcurrentChange

MONTH = date(2025, 6, 1)  # a year with no demo targets, so nothing is red by default


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


def full_figures(arrangement, overrides=None):
    figures = {}
    for indicator, area in returns.cells_of(arrangement, Indicator.objects.all()):
        figures[(indicator.code, area)] = ("8", "10") if indicator.has_denominator else ("8", None)
    figures.update(overrides or {})
    return figures


@pytest.fixture
def draft(cast, nct):
    return returns.return_start(by=cast["nct-manager"], arrangement=nct, month=MONTH)


def save(cast, monthly_return, figures=None, commentary=None, who="nct-manager"):
    monthly_return.refresh_from_db()
    return returns.return_save(
        by=cast[who],
        monthly_return=monthly_return,
        expected_version=monthly_return.lock_version,
        figures=figures if figures is not None else full_figures(monthly_return.arrangement),
        commentary=commentary or {},
    )


@pytest.fixture
def submitted(cast, draft, django_capture_on_commit_callbacks):
    save(cast, draft)
    with django_capture_on_commit_callbacks(execute=True):
        returns.return_submit(by=cast["nct-manager"], monthly_return=draft)
    draft.refresh_from_db()
    return draft


def approve_both(cast, monthly_return):
    returns.return_approve(by=cast["wnc-officer"], monthly_return=monthly_return)
    returns.return_approve(by=cast["nnc-officer"], monthly_return=monthly_return)
    monthly_return.refresh_from_db()
    return monthly_return


def test_a_return_holds_every_indicator_for_every_council_area(nct):
    cells = returns.cells_of(nct, Indicator.objects.all())
    assert ("CIN_VISIT_IN_TIME", "NNC") in {(i.code, a) for i, a in cells}
    assert ("AVERAGE_CASELOAD", "ALL") in {(i.code, a) for i, a in cells}
    assert ("CIN_VISIT_IN_TIME", "ALL") not in {(i.code, a) for i, a in cells}
    assert len(cells) == 26 * 2 + 2


def test_a_month_not_yet_over_cannot_be_started(cast, nct):
    with pytest.raises(ValidationError, match="once the month is over"):
        returns.return_start(by=cast["nct-manager"], arrangement=nct, month=date(2099, 1, 1))


def test_only_the_trust_starts_a_return(cast, nct):
    with pytest.raises(PermissionDenied):
        returns.return_start(by=cast["wnc-officer"], arrangement=nct, month=MONTH)


def test_a_month_has_one_return(cast, nct, draft):
    with pytest.raises(ValidationError, match="already has a return"):
        returns.return_start(by=cast["nct-manager"], arrangement=nct, month=MONTH)


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        ("8.5", "10", "must be a whole number"),
        ("-1", "10", "cannot be negative"),
        ("11", "10", "cannot be more than the denominator"),
        ("eight", "10", "must be a whole number"),
    ],
)
def test_bad_figures_are_refused_cell_by_cell(cast, nct, draft, numerator, denominator, message):
    figures = full_figures(nct, {("CIN_VISIT_IN_TIME", "NNC"): (numerator, denominator)})
    with pytest.raises(ValidationError) as refused:
        save(cast, draft, figures)
    assert message in " ".join(refused.value.message_dict["CIN_VISIT_IN_TIME.NNC"])
    assert not Measurement.objects.filter(monthly_return=draft).exists()  # nothing half-saved


def test_thousands_separators_are_accepted(cast, nct, draft):
    save(cast, draft, full_figures(nct, {("OPEN_CASES", "NNC"): ("1,791", None)}))
    assert draft.measurements.get(indicator__code="OPEN_CASES", area="NNC").numerator == 1791


def test_a_ratio_may_exceed_one(cast, nct, draft):
    save(cast, draft, full_figures(nct, {("AVERAGE_CASELOAD", "NNC"): ("1500", "75")}))


def test_missing_figures_block_submission(cast, nct, draft):
    save(cast, draft, {("CIN_VISIT_IN_TIME", "NNC"): ("8", "10")})
    with pytest.raises(ValidationError, match="enter the figure"):
        returns.return_submit(by=cast["nct-manager"], monthly_return=draft)


def test_a_red_figure_needs_a_commentary_before_submission(cast, nct, draft):
    visits = Indicator.objects.get(code="CIN_VISIT_IN_TIME")
    Target.objects.create(arrangement=nct, indicator=visits, financial_year=2025,
                          valid_from=date(2025, 4, 1), target=Decimal(90), tolerance=Decimal(5),
                          reason="test")  # fmt: skip
    save(cast, draft)  # 80%: red against 90 ± 5
    with pytest.raises(ValidationError, match="red against target"):
        returns.return_submit(by=cast["nct-manager"], monthly_return=draft)
    save(cast, draft, commentary={"CIN_VISIT_IN_TIME": "Two workers were off sick."})
    returns.return_submit(by=cast["nct-manager"], monthly_return=draft)


def test_submission_emails_the_councils_officers(cast, submitted, mailoutbox):
    assert sorted(m.to[0] for m in mailoutbox) == [
        "nnc-officer@nnc.example.org",
        "wnc-officer@wnc.example.org",
    ]
    assert "submitted for approval" in mailoutbox[0].subject


def test_each_council_approves_its_own_area_and_the_return_is_approved_when_all_have(
    cast, submitted, django_capture_on_commit_callbacks, mailoutbox
):
    assert returns.return_approve(by=cast["wnc-officer"], monthly_return=submitted) is False
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        assert returns.return_approve(by=cast["nnc-officer"], monthly_return=submitted) is True
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert any("approved" in m.subject for m in mailoutbox)


def test_an_officer_cannot_approve_their_area_twice(cast, submitted):
    returns.return_approve(by=cast["wnc-officer"], monthly_return=submitted)
    with pytest.raises(ValidationError, match="already decided"):
        returns.return_approve(by=cast["wnc-officer"], monthly_return=submitted)


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "wnc-scrutiny", "admin"])
def test_only_council_officers_approve(cast, submitted, who):
    with pytest.raises(PermissionDenied):
        returns.return_approve(by=cast[who], monthly_return=submitted)


def test_an_officer_of_another_arrangement_cannot_approve(cast, submitted):
    with pytest.raises(PermissionDenied):
        returns.return_approve(by=cast["occ-officer"], monthly_return=submitted)


def test_a_draft_cannot_be_approved(cast, draft):
    with pytest.raises(ValidationError, match="Only a submitted return"):
        returns.return_approve(by=cast["wnc-officer"], monthly_return=draft)


def test_returning_with_a_query_emails_the_trust_and_allows_resubmission(
    cast, submitted, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        returns.return_send_back(by=cast["nnc-officer"], monthly_return=submitted,
                                 query="North CP visits look low: please check.")  # fmt: skip
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED
    email = [m for m in mailoutbox if "returned" in m.subject][0]
    assert email.to == ["nct-manager@nct.example.org"]
    assert "North CP visits look low" in email.body
    returns.return_submit(by=cast["nct-manager"], monthly_return=submitted)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_a_query_must_say_something(cast, submitted):
    with pytest.raises(ValidationError, match="Say what"):
        returns.return_send_back(by=cast["nnc-officer"], monthly_return=submitted, query=" ")


def test_any_change_after_submission_withdraws_every_approval(cast, submitted):
    returns.return_approve(by=cast["wnc-officer"], monthly_return=submitted)
    save(cast, submitted, full_figures(submitted.arrangement, {("OPEN_CP", "WNC"): ("9", None)}))
    assert not submitted.current_decisions().exists()
    assert AreaDecision.objects.filter(withdrawn_at__isnull=False).count() == 1
    assert submitted.events.filter(action=Event.Action.APPROVALS_WITHDRAWN).exists()


def test_an_approved_return_is_locked(cast, submitted):
    approve_both(cast, submitted)
    with pytest.raises(ValidationError, match="locked"):
        save(cast, submitted)


def test_a_correction_is_a_new_revision_and_the_approved_one_stays_until_it_is_approved(
    cast, submitted
):
    approved = approve_both(cast, submitted)
    correction = returns.return_correct(by=cast["nct-manager"], monthly_return=approved,
                                        reason="NNC visits were under-counted")  # fmt: skip
    assert correction.revision == 2 and correction.state == State.DRAFT
    assert correction.measurements.count() == approved.measurements.count()
    approved.refresh_from_db()
    assert approved.state == State.APPROVED  # still the one everybody sees
    save(cast, correction, full_figures(correction.arrangement, {("OPEN_CP", "NNC"): ("9", None)}))
    returns.return_submit(by=cast["nct-manager"], monthly_return=correction)
    approve_both(cast, correction)
    approved.refresh_from_db()
    assert approved.state == State.SUPERSEDED
    assert approved.measurements.get(indicator__code="OPEN_CP", area="NNC").numerator == 8


def test_a_correction_needs_a_reason(cast, submitted):
    approved = approve_both(cast, submitted)
    with pytest.raises(ValidationError, match="Say why"):
        returns.return_correct(by=cast["nct-manager"], monthly_return=approved, reason="")


def test_a_second_save_from_a_stale_page_is_refused_not_lost(cast, nct, draft):
    opened_version = draft.lock_version
    save(cast, draft, full_figures(nct, {("OPEN_CP", "NNC"): ("5", None)}))
    with pytest.raises(ConcurrentChange, match="Someone else saved"):
        returns.return_save(by=cast["nct-manager"], monthly_return=draft,
                            expected_version=opened_version, figures=full_figures(nct),
                            commentary={})  # fmt: skip
    assert draft.measurements.get(indicator__code="OPEN_CP", area="NNC").numerator == 5


def test_drafts_are_seen_by_the_trust_and_once_submitted_by_the_councils(cast, draft):
    def visible(who):
        return MonthlyReturn.objects.visible_to(cast[who]).filter(pk=draft.pk).exists()

    assert visible("nct-manager")
    assert not any(visible(w) for w in ["wnc-officer", "dfe-observer", "wnc-scrutiny", "admin"])
    save(cast, draft)
    returns.return_submit(by=cast["nct-manager"], monthly_return=draft)
    assert visible("wnc-officer") and visible("nnc-officer")
    assert not visible("dfe-observer") and not visible("wnc-scrutiny")
    approve_both(cast, draft)
    assert all(visible(w) for w in ["dfe-observer", "wnc-scrutiny", "nnc-scrutiny", "admin"])
    assert not visible("occ-officer")


def test_the_history_says_who_did_what(cast, submitted):
    approve_both(cast, submitted)
    actions = [(e.action, e.by.username if e.by else None) for e in submitted.events.all()]
    assert actions[0] == (Event.Action.CREATED, "nct-manager")
    assert (Event.Action.SUBMITTED, "nct-manager") in actions
    assert (Event.Action.AREA_APPROVED, "wnc-officer") in actions
    assert actions[-1] == (Event.Action.APPROVED, "nnc-officer")


def test_approval_queues_a_dashboard_recompute_after_commit(
    cast, submitted, django_capture_on_commit_callbacks
):
    from unittest import mock

    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        approve_both(cast, submitted)
    delay.assert_called_once_with(arrangement_id=submitted.arrangement.pk)


# --- pages ----------------------------------------------------------------------------------


def url(monthly_return, name="return-detail"):
    return reverse(f"performance:{name}", args=[monthly_return.arrangement.code,
                                                f"{monthly_return.period:%Y-%m}",
                                                monthly_return.revision])  # fmt: skip


def test_the_entry_form_saves_figures_and_commentary(cast, client_for, nct, draft):
    client = client_for(cast["nct-manager"])
    data = {
        "version": draft.lock_version,
        "n__CIN_VISIT_IN_TIME__NNC": "7",
        "d__CIN_VISIT_IN_TIME__NNC": "9",
        "c__CIN_VISIT_IN_TIME": "Better than last month",
    }
    response = client.post(url(draft, "return-edit"), data)
    assert response.status_code == 302
    m = draft.measurements.get(indicator__code="CIN_VISIT_IN_TIME", area="NNC")
    assert (m.numerator, m.denominator) == (7, 9)
    assert draft.commentaries.get().text == "Better than last month"


def test_the_entry_form_shows_an_error_beside_its_cell_and_keeps_what_was_typed(
    cast, client_for, draft
):
    client = client_for(cast["nct-manager"])
    response = client.post(url(draft, "return-edit"), {
        "version": draft.lock_version, "n__CIN_VISIT_IN_TIME__NNC": "12",
        "d__CIN_VISIT_IN_TIME__NNC": "9"})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "cannot be more than the denominator" in body
    assert 'value="12"' in body


def test_a_stale_entry_form_shows_the_latest_figures(cast, client_for, nct, draft):
    stale = draft.lock_version
    save(cast, draft, full_figures(nct, {("OPEN_CP", "NNC"): ("5", None)}))
    response = client_for(cast["nct-manager"]).post(
        url(draft, "return-edit"), {"version": stale, "n__OPEN_CP__NNC": "6"}
    )
    body = response.content.decode()
    assert "Someone else saved this return" in body
    assert 'name="n__OPEN_CP__NNC" type="text" inputmode="numeric" value="5"' in body


def test_the_review_page_shows_values_rag_and_the_approval_buttons(cast, client_for, submitted):
    body = client_for(cast["wnc-officer"]).get(url(submitted)).content.decode()
    assert "Approve WNC's area" in body
    assert "80.0%" in body
    assert "Return with a query" in body


def test_a_draft_is_not_found_for_the_councils(cast, client_for, draft):
    assert client_for(cast["wnc-officer"]).get(url(draft)).status_code == 404


def test_the_buttons_post_through_the_services(cast, client_for, submitted, mailoutbox):
    client = client_for(cast["wnc-officer"])
    client.post(url(submitted, "return-approve"))
    client_for(cast["nnc-officer"]).post(url(submitted, "return-approve"))
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
