"""Monthly budget monitoring: entry to the penny, errors per category and field, the commentary
rule, submission, approval by each council's area, return with a query, locking, corrections,
concurrent edits, and the variance and each council's share (to the penny). Built on factories
in a world of the test's own (the root ``world`` fixture), not the demo: the demo's own budget
monitoring is checked in test_budget_demo.py."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.models import BudgetLine, BudgetReturn, ContractYear, CostShare
from contracts.services import budget
from contracts.tests.factories import agreed_year_split
from trust_portal.approvals.models import Event, State
from trust_portal.approvals.services import ConcurrentChange

D = Decimal
MONTH = date(2025, 1, 1)  # in 2024/25
CATEGORIES = ["placements", "staffing", "childrens_homes", "adoption", "other"]


def on_budget(**overrides):
    """Every category on budget (£1,000.00 each, half spent), with overrides by category."""
    lines = {
        c: {"budget": "1,000.00", "actual_to_date": "500.00", "forecast_outturn": "1,000.00"}
        for c in CATEGORIES
    }
    for category, fields in overrides.items():
        lines[category] = {**lines[category], **fields}
    return lines


def save(people, budget_return, lines=None, who="manager"):
    budget_return.refresh_from_db()
    return budget.budget_return_save(
        by=people[who],
        budget_return=budget_return,
        expected_version=budget_return.lock_version,
        lines=lines if lines is not None else on_budget(),
    )


@pytest.fixture
def draft(people, arrangement):
    return budget.budget_return_start(by=people["manager"], arrangement=arrangement, month=MONTH)


@pytest.fixture
def submitted(people, draft):
    save(people, draft)
    budget.budget_return_submit(by=people["manager"], budget_return=draft)
    draft.refresh_from_db()
    return draft


def approve_both(people, budget_return):
    budget.budget_return_approve(by=people["officer"], budget_return=budget_return)
    budget.budget_return_approve(by=people["other-officer"], budget_return=budget_return)
    budget_return.refresh_from_db()
    return budget_return


@pytest.fixture
def split(world):
    """The arrangement's 2024/25 contract year, agreed, split 56% to the first council and 44%
    to the second."""
    agreed_year_split(world)
    return {"first": world.councils[0].code, "second": world.councils[1].code}


# --- Starting a month -------------------------------------------------------------------------


def test_a_month_not_yet_over_cannot_be_started(people, arrangement):
    with pytest.raises(ValidationError, match="once the month is over"):
        budget.budget_return_start(
            by=people["manager"], arrangement=arrangement, month=date(2099, 1, 1)
        )


@pytest.mark.parametrize("who", ["officer", "observer", "scrutiny", "admin"])
def test_only_the_trust_starts_a_month(people, arrangement, who):
    with pytest.raises(PermissionDenied):
        budget.budget_return_start(by=people[who], arrangement=arrangement, month=MONTH)


def test_the_other_arrangements_manager_cannot_start_one_here(people, arrangement):
    with pytest.raises(PermissionDenied):
        budget.budget_return_start(by=people["other-manager"], arrangement=arrangement, month=MONTH)


def test_a_month_has_one_budget_monitoring(people, arrangement, draft):
    with pytest.raises(ValidationError, match="already has a return"):
        budget.budget_return_start(by=people["manager"], arrangement=arrangement, month=MONTH)


def test_any_day_of_the_month_starts_that_month(people, arrangement):
    started = budget.budget_return_start(
        by=people["manager"], arrangement=arrangement, month=date(2025, 2, 17)
    )
    assert started.period == date(2025, 2, 1)


# --- Entering figures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "pounds"),
    [
        ("1,234.50", D("1234.50")),
        ("£90,004,500", D("90004500.00")),
        ("  £ 2,700,135.00 ", D("2700135.00")),
        ("24301215", D("24301215.00")),
        ("0.1", D("0.10")),
        ("0", D("0.00")),
        (D("9000450.00"), D("9000450.00")),
    ],
)
def test_amounts_are_read_to_the_penny(people, draft, typed, pounds):
    save(people, draft, on_budget(placements={"budget": typed}))
    assert draft.lines.get(category="placements").budget == pounds


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "to the penny"),
        ("-5", "cannot be negative"),
        ("−5.00", "cannot be negative"),
        ("abc", "must be an amount in pounds"),
        ("1,23,4", "must be an amount in pounds"),
        ("1.2.3", "must be an amount in pounds"),
        ("1e6", "must be an amount in pounds"),
        ("1,000,000,000,000", "too large"),
    ],
)
def test_a_bad_amount_is_refused_by_its_category_and_field_quoting_what_was_typed(
    people, draft, typed, message
):
    with pytest.raises(ValidationError) as refused:
        save(people, draft, on_budget(staffing={"forecast_outturn": typed}))
    errors = refused.value.message_dict
    assert list(errors) == ["staffing.forecast_outturn"]
    text = errors["staffing.forecast_outturn"][0]
    assert text.startswith("Staffing: the forecast outturn")
    assert message in text
    assert f"“{typed.strip()}”" in text
    assert not draft.lines.exists()  # nothing half-saved


def test_every_error_is_reported_at_once(people, draft):
    lines = on_budget(placements={"budget": "x"}, adoption={"actual_to_date": "1.001"})
    with pytest.raises(ValidationError) as refused:
        save(people, draft, lines)
    assert set(refused.value.message_dict) == {"placements.budget", "adoption.actual_to_date"}


def test_a_category_half_filled_in_names_the_missing_amounts(people, draft):
    with pytest.raises(ValidationError) as refused:
        save(
            people,
            draft,
            {"other": {"budget": "100", "actual_to_date": "", "forecast_outturn": ""}},
        )
    errors = refused.value.message_dict
    assert set(errors) == {"other.actual_to_date", "other.forecast_outturn"}
    assert "Other: enter the actual to date too" in errors["other.actual_to_date"][0]


def test_a_commentary_without_figures_is_refused(people, draft):
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {"adoption": {"commentary": "Two placements expected."}})
    assert "adoption.commentary" in refused.value.message_dict


def test_an_unknown_category_is_refused(people, draft):
    with pytest.raises(ValidationError) as refused:
        save(
            people,
            draft,
            {"catering": {"budget": "1", "actual_to_date": "1", "forecast_outturn": "1"}},
        )
    assert "not a spend category" in refused.value.message_dict["catering"][0]


def test_a_draft_may_be_saved_with_categories_still_empty(people, draft):
    lines = on_budget()
    lines["other"] = {"budget": "", "actual_to_date": "", "forecast_outturn": "", "commentary": ""}
    save(people, draft, lines)
    assert sorted(draft.lines.values_list("category", flat=True)) == sorted(CATEGORIES[:4])


def test_emptying_a_category_removes_its_figures(people, draft):
    save(people, draft)
    save(people, draft, {"other": {"budget": "", "actual_to_date": "", "forecast_outturn": ""}})
    assert not draft.lines.filter(category="other").exists()
    assert draft.lines.count() == 4


def test_a_category_left_out_is_unchanged(people, draft):
    save(people, draft)
    save(people, draft, {"staffing": {"budget": "2,000", "actual_to_date": "900",
                                    "forecast_outturn": "1,950"}})  # fmt: skip
    assert draft.lines.get(category="placements").budget == D("1000.00")
    assert draft.lines.get(category="staffing").forecast_outturn == D("1950.00")


def test_each_saved_line_keeps_who_changed_it_in_its_history(people, draft):
    save(people, draft)
    save(people, draft, on_budget(placements={"forecast_outturn": "1,020.00"}))
    line = draft.lines.get(category="placements")
    records = list(line.history.order_by("history_date"))
    assert [r.forecast_outturn for r in records] == [D("1000.00"), D("1020.00")]
    assert all(r.history_user == people["manager"] for r in records)
    saved = draft.events.filter(action=Event.Action.SAVED).last()
    assert saved.note == "Placements"


def test_a_save_that_changes_nothing_records_nothing(people, draft):
    save(people, draft)
    draft.refresh_from_db()
    version, events = draft.lock_version, draft.events.count()
    save(people, draft)
    draft.refresh_from_db()
    assert (draft.lock_version, draft.events.count()) == (version, events)


def test_a_second_save_from_a_stale_page_is_refused_not_lost(people, draft):
    opened = draft.lock_version
    save(people, draft, on_budget(placements={"forecast_outturn": "1,050.00"}))
    with pytest.raises(ConcurrentChange, match="Someone else saved"):
        budget.budget_return_save(by=people["manager"], budget_return=draft,
                                  expected_version=opened, lines=on_budget())  # fmt: skip
    assert draft.lines.get(category="placements").forecast_outturn == D("1050.00")


@pytest.mark.parametrize("who", ["officer", "observer", "scrutiny", "admin"])
def test_only_the_trust_enters_figures(people, draft, who):
    with pytest.raises(PermissionDenied):
        save(people, draft, who=who)
    assert not draft.lines.exists()


def test_the_other_arrangements_manager_cannot_enter_figures(people, draft):
    with pytest.raises(PermissionDenied):
        save(people, draft, who="other-manager")


# --- Submitting: complete, and explained beyond 5% ---------------------------------------------


def test_every_category_must_be_complete_before_submission(people, draft):
    save(people, draft, {c: on_budget()[c] for c in CATEGORIES[:3]})
    with pytest.raises(ValidationError) as refused:
        budget.budget_return_submit(by=people["manager"], budget_return=draft)
    assert set(refused.value.message_dict) == {"adoption", "other"}
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_the_commentary_threshold_is_five_percent():
    assert D("5") == budget.COMMENTARY_THRESHOLD


@pytest.mark.parametrize(
    ("forecast", "needs"),
    [
        ("1,050.00", False),  # exactly 5% over: no commentary needed
        ("1,050.01", True),
        ("950.00", False),  # exactly 5% under
        ("949.99", True),
    ],
)
def test_a_forecast_more_than_five_percent_from_budget_needs_a_commentary(
    people, draft, forecast, needs
):
    save(people, draft, on_budget(childrens_homes={"forecast_outturn": forecast}))
    problems = budget.budget_return_problems(draft)
    assert ("childrens_homes.commentary" in problems) is needs


def test_submission_names_the_category_its_size_and_direction_when_commentary_is_missing(
    people, draft
):
    save(people, draft, on_budget(adoption={"forecast_outturn": "936.00"}))
    with pytest.raises(ValidationError) as refused:
        budget.budget_return_submit(by=people["manager"], budget_return=draft)
    message = refused.value.message_dict["adoption.commentary"][0]
    assert message == (
        "Adoption: the forecast outturn is 6.4% under budget (more than 5%). Add a commentary "
        "to explain it."
    )
    save(people, draft, on_budget(adoption={"forecast_outturn": "936.00",
                                          "commentary": "Fewer inter-agency fees."}))  # fmt: skip
    budget.budget_return_submit(by=people["manager"], budget_return=draft)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_a_forecast_against_a_budget_of_nothing_needs_a_commentary(people, draft):
    save(people, draft, on_budget(other={"budget": "0", "forecast_outturn": "10.00"}))
    assert "other.commentary" in budget.budget_return_problems(draft)


def test_submission_emails_the_councils_officers(
    world, people, draft, mailoutbox, django_capture_on_commit_callbacks
):
    save(people, draft)
    with django_capture_on_commit_callbacks(execute=True):
        budget.budget_return_submit(by=people["manager"], budget_return=draft)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in world.officers)
    assert "budget monitoring for January 2025 submitted" in mailoutbox[0].subject


@pytest.mark.parametrize("who", ["officer", "observer", "scrutiny", "admin"])
def test_only_the_trust_submits(people, draft, who):
    save(people, draft)
    with pytest.raises(PermissionDenied):
        budget.budget_return_submit(by=people[who], budget_return=draft)


# --- Approval, queries, locking, corrections --------------------------------------------------


def test_each_council_approves_its_own_area_and_the_month_is_approved_when_all_have(
    people, submitted
):
    assert budget.budget_return_approve(by=people["officer"], budget_return=submitted) is False
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert budget.budget_return_approve(by=people["other-officer"], budget_return=submitted) is True
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED


@pytest.mark.parametrize("who", ["manager", "observer", "scrutiny", "admin"])
def test_only_council_officers_approve(people, submitted, who):
    with pytest.raises(PermissionDenied):
        budget.budget_return_approve(by=people[who], budget_return=submitted)


def test_an_officer_of_another_arrangement_cannot_approve(people, submitted):
    with pytest.raises(PermissionDenied):
        budget.budget_return_approve(by=people["outsider"], budget_return=submitted)


def test_an_officer_cannot_approve_their_area_twice(people, submitted):
    budget.budget_return_approve(by=people["officer"], budget_return=submitted)
    with pytest.raises(ValidationError, match="already decided"):
        budget.budget_return_approve(by=people["officer"], budget_return=submitted)


def test_a_draft_cannot_be_approved(people, draft):
    with pytest.raises(ValidationError, match="Only a submitted return"):
        budget.budget_return_approve(by=people["officer"], budget_return=draft)


def test_approval_queues_a_dashboard_recompute_after_commit(
    people, submitted, django_capture_on_commit_callbacks
):
    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        budget.budget_return_approve(by=people["officer"], budget_return=submitted)
        delay.assert_not_called()  # one area is not the approval
        budget.budget_return_approve(by=people["other-officer"], budget_return=submitted)
    delay.assert_called_once_with(arrangement_id=submitted.arrangement.pk)


def test_returning_with_a_query_tells_the_trust_and_allows_resubmission(
    world, people, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        budget.budget_return_send_back(by=people["other-officer"], budget_return=submitted,
                                       query="Placements forecast: which placements?")  # fmt: skip
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED
    email = [m for m in mailoutbox if "returned" in m.subject][0]
    assert email.to == [world.manager.email]
    assert "which placements?" in email.body
    budget.budget_return_submit(by=people["manager"], budget_return=submitted)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


@pytest.mark.parametrize("who", ["manager", "observer", "scrutiny", "admin"])
def test_only_council_officers_return_a_month(people, submitted, who):
    with pytest.raises(PermissionDenied):
        budget.budget_return_send_back(by=people[who], budget_return=submitted, query="Why?")


def test_a_query_must_say_something(people, submitted):
    with pytest.raises(ValidationError, match="Say what"):
        budget.budget_return_send_back(by=people["officer"], budget_return=submitted, query=" ")


def test_a_change_after_submission_withdraws_every_approval(people, submitted):
    budget.budget_return_approve(by=people["officer"], budget_return=submitted)
    save(people, submitted, on_budget(staffing={"actual_to_date": "510.00"}))
    assert not submitted.current_decisions().exists()
    assert submitted.events.filter(action=Event.Action.APPROVALS_WITHDRAWN).exists()


def test_an_approved_month_is_locked(people, submitted):
    approve_both(people, submitted)
    with pytest.raises(ValidationError, match="locked"):
        save(people, submitted, on_budget(staffing={"actual_to_date": "510.00"}))


def test_a_correction_is_a_new_revision_and_the_approved_one_stays_until_it_is_approved(
    people, submitted
):
    approved = approve_both(people, submitted)
    correction = budget.budget_return_correct(by=people["manager"], budget_return=approved,
                                              reason="Staffing accrual missed")  # fmt: skip
    assert (correction.revision, correction.state) == (2, State.DRAFT)
    assert correction.revision_reason == "Staffing accrual missed"
    copied = {(x.category, x.budget, x.actual_to_date, x.forecast_outturn)
              for x in correction.lines.all()}  # fmt: skip
    assert copied == {(x.category, x.budget, x.actual_to_date, x.forecast_outturn)
                      for x in approved.lines.all()}  # fmt: skip
    save(people, correction, on_budget(staffing={"actual_to_date": "520.00"}))
    approved.refresh_from_db()
    assert approved.state == State.APPROVED  # still the one everybody sees
    budget.budget_return_submit(by=people["manager"], budget_return=correction)
    approve_both(people, correction)
    approved.refresh_from_db()
    assert approved.state == State.SUPERSEDED
    assert approved.lines.get(category="staffing").actual_to_date == D("500.00")
    assert correction.lines.get(category="staffing").actual_to_date == D("520.00")


def test_a_correction_needs_a_reason_and_the_trust(people, submitted):
    approved = approve_both(people, submitted)
    with pytest.raises(ValidationError, match="Say why"):
        budget.budget_return_correct(by=people["manager"], budget_return=approved, reason="")
    with pytest.raises(PermissionDenied):
        budget.budget_return_correct(by=people["officer"], budget_return=approved, reason="x")


def test_only_an_approved_month_can_be_corrected(people, submitted):
    with pytest.raises(ValidationError, match="Only the approved"):
        budget.budget_return_correct(by=people["manager"], budget_return=submitted, reason="x")


def test_drafts_are_seen_by_the_trust_and_once_submitted_by_the_councils(people, draft):
    def visible(who):
        return BudgetReturn.objects.visible_to(people[who]).filter(pk=draft.pk).exists()

    assert visible("manager")
    assert not any(visible(w) for w in ["officer", "observer", "scrutiny", "admin"])
    save(people, draft)
    budget.budget_return_submit(by=people["manager"], budget_return=draft)
    assert visible("officer") and visible("other-officer")
    assert not any(visible(w) for w in ["observer", "scrutiny", "admin", "outsider"])
    approve_both(people, draft)
    assert all(visible(w) for w in ["observer", "scrutiny", "scrutiny", "admin"])
    assert not visible("outsider") and not visible("unattached")


# --- Variance and each council's share ---------------------------------------------------------


def test_variance_is_forecast_less_budget_in_pounds_and_percent(people, draft):
    save(people, draft, on_budget(placements={"forecast_outturn": "1,032.00"},
                                staffing={"forecast_outturn": "979.00"}))  # fmt: skip
    rows = {row.category: row for row in budget.variance_rows(draft).rows}
    assert (rows["placements"].variance, rows["placements"].variance_percent) == (
        D("32.00"),
        D("3.2"),
    )
    assert rows["placements"].direction == "overspend"
    assert rows["placements"].in_words == "Overspend of £32.00 (3.2% of budget)"
    assert rows["staffing"].variance == D("-21.00")
    assert rows["staffing"].in_words == "Underspend of £21.00 (2.1% of budget)"
    assert rows["other"].in_words == "On budget"


def test_the_variance_percentage_is_rounded_half_away_from_zero():
    assert budget.variance_percent(D("0.25"), D("10.00")) == D("2.5")
    assert budget.variance_percent(D("-1.25"), D("1000.00")) == D("-0.1")
    assert budget.variance_percent(D("5.00"), D("0.00")) is None


def test_categories_not_entered_are_shown_as_such_and_left_out_of_the_total(people, draft):
    save(people, draft, {c: on_budget()[c] for c in CATEGORIES[:2]})
    table = budget.variance_rows(draft)
    assert [row.complete for row in table.rows] == [True, True, False, False, False]
    assert not table.complete
    assert table.total.budget == D("2000.00")


def test_council_shares_add_up_exactly_when_the_pennies_do_not_divide(people, draft, split):
    save(people, draft, on_budget(placements={"forecast_outturn": "2,000.03"}))
    shares = budget.council_shares(draft)
    assert shares.variance == D("1000.03")
    assert {s.code: s.amount for s in shares.shares} == {
        split["second"]: D("440.01"),
        split["first"]: D("560.02"),
    }
    assert sum(s.amount for s in shares.shares) == D("1000.03")


def test_an_underspend_is_split_as_an_underspend(people, draft, split):
    save(people, draft, on_budget(staffing={"forecast_outturn": "900.00"}))
    shares = budget.council_shares(draft)
    assert shares.direction == "underspend"
    assert {s.code: s.in_words for s in shares.shares} == {
        split["second"]: "Underspend of £44.00",
        split["first"]: "Underspend of £56.00",
    }


def test_nothing_is_split_until_every_category_is_entered(people, draft, split):
    save(people, draft, {c: on_budget()[c] for c in CATEGORIES[:2]})
    shares = budget.council_shares(draft)
    assert shares.shares == [] and shares.variance is None
    assert "until every category" in shares.problem


def test_a_year_without_a_contract_year_is_not_split(people, arrangement):
    month = budget.budget_return_start(by=people["manager"], arrangement=arrangement,
                                       month=date(2022, 6, 1))  # fmt: skip
    save(people, month)
    shares = budget.council_shares(month)
    assert shares.shares == []
    assert shares.problem == (
        "Not split between the councils: 2022/23 no contract year is recorded for it."
    )


def test_a_split_not_yet_agreed_is_not_used(world, arrangement):
    year = ContractYear.objects.create(arrangement=arrangement, financial_year=2030)
    for council, percentage in zip(world.councils, ["60", "40"], strict=True):
        CostShare.objects.create(contract_year=year, council=council, percentage=D(percentage))
    month = BudgetReturn.objects.create(arrangement=arrangement, period=date(2030, 5, 1))
    for c in CATEGORIES:
        BudgetLine.objects.create(budget_return=month, category=c, budget=D("10"),
                                  actual_to_date=D("1"), forecast_outturn=D("11"))  # fmt: skip
    shares = budget.council_shares(month)
    assert shares.shares == [] and shares.variance == D("5.00")
    assert "2030/31 its cost split has not been agreed" in shares.problem
    year.split_agreed_on = date(2030, 3, 1)
    year.save()
    assert {s.code: s.amount for s in budget.council_shares(month).shares} == {
        world.councils[1].code: D("2.00"),
        world.councils[0].code: D("3.00"),
    }


def test_an_incomplete_split_is_not_used(world, arrangement):
    year = ContractYear.objects.create(arrangement=arrangement, financial_year=2031,
                                       state=ContractYear.State.AGREED)  # fmt: skip
    CostShare.objects.create(contract_year=year, council=world.councils[0], percentage=D("56"))
    month = BudgetReturn.objects.create(arrangement=arrangement, period=date(2031, 4, 1))
    assert "not recorded for every council" in budget.council_shares(month).problem
