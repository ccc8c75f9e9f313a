"""Monthly workforce returns: FTE to two decimal places and whole counts, errors per team and
field keeping what was typed, a team's posts adding up, every open team at submission, and the
shared approvals life holding here as for performance returns and budget monitoring: who may
start, enter, submit, approve, return and correct, across the whole cast; locking; corrections;
emails; the dashboards' recompute on approval. Built on factories in a world of the test's own
(the root ``world`` fixture, with three teams), not the demo."""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from importlib import import_module
from unittest import mock

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from trust_portal.approvals.models import Event, State
from trust_portal.approvals.services import ConcurrentChange
from trust_portal.dashboards.tasks import recompute_task
from workforce import services
from workforce.models import Team, WorkforceReturn
from workforce.rates import Totals, all_staff_turnover
from workforce.tests.conftest import every_team, row
from workforce.tests.factories import TeamFactory, TeamFiguresFactory

D = Decimal
MONTH = date(2025, 1, 1)
OFFICERS = ["officer", "other-officer"]
EVERYONE = [
    *["manager", *OFFICERS, "scrutiny", "observer", "admin"],
    *["outsider", "other-manager", "unattached", "leaver", "anonymous"],
]
NOT_THE_TRUST = [who for who in EVERYONE if who != "manager"]
NOT_AN_OFFICER = [who for who in EVERYONE if who not in OFFICERS]


@pytest.fixture(autouse=True)
def teams(world):
    """Two teams serving the first council and one the second."""
    first, second = world.councils
    return [
        TeamFactory(arrangement=world.arrangement, name=name, service=service, area=area)
        for name, service, area in [
            ("Safeguarding North 1", "safeguarding", first),
            ("MASH North", "front_door", first),
            ("Children in Care South", "children_in_care", second),
        ]
    ]


@pytest.fixture
def draft(people, arrangement):
    return services.workforce_return_start(
        by=people["manager"], arrangement=arrangement, month=MONTH
    )


def save(people, workforce_return, teams, who="manager"):
    workforce_return.refresh_from_db()
    return services.workforce_return_save(
        by=people[who],
        workforce_return=workforce_return,
        expected_version=workforce_return.lock_version,
        teams=teams,
    )


@pytest.fixture
def submitted(people, arrangement, draft):
    save(people, draft, every_team(arrangement))
    services.workforce_return_submit(by=people["manager"], workforce_return=draft)
    draft.refresh_from_db()
    return draft


def approve_both(people, workforce_return):
    for who in OFFICERS:
        services.workforce_return_approve(by=people[who], workforce_return=workforce_return)
    workforce_return.refresh_from_db()
    return workforce_return


@pytest.fixture
def team(teams):
    return teams[0]


# --- Starting a month -------------------------------------------------------------------------


def test_a_month_not_yet_over_cannot_be_started(people, arrangement):
    with pytest.raises(ValidationError, match="once the month is over"):
        services.workforce_return_start(
            by=people["manager"], arrangement=arrangement, month=date(2099, 1, 1)
        )


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_only_the_trusts_managers_start_a_month(people, arrangement, who):
    with pytest.raises(PermissionDenied):
        services.workforce_return_start(by=people[who], arrangement=arrangement, month=MONTH)


def test_a_month_has_one_workforce_return_and_any_day_starts_it(people, arrangement):
    started = services.workforce_return_start(
        by=people["manager"], arrangement=arrangement, month=date(2025, 1, 17)
    )
    assert (started.period, started.revision, started.state) == (MONTH, 1, State.DRAFT)
    with pytest.raises(ValidationError, match="already has a return"):
        services.workforce_return_start(by=people["manager"], arrangement=arrangement, month=MONTH)


# --- Entering figures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fte"),
    [
        ("12", D("12.00")),
        ("12.5", D("12.50")),
        (" 0.25 ", D("0.25")),
        (".5", D("0.50")),
        ("7.", D("7.00")),
        (D("3.10"), D("3.10")),
        (4, D("4.00")),
    ],
)
def test_fte_is_read_to_two_decimal_places(people, draft, team, typed, fte):
    # 6 experienced + 1 ASYE + 0 international + 1 agency, and the vacancies typed
    save(people, draft, {team.pk: row(vacant_fte=typed, establishment_fte=str(8 + fte))})
    assert draft.figures.get(team=team).vacant_fte == fte


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "at most 2 decimal places"),
        ("-1", "cannot be negative"),
        ("−1", "cannot be negative"),
        ("ten", "must be a number of full-time equivalents"),
        ("1,5", "must be a number of full-time equivalents"),
        ("1e3", "must be a number"),
        ("100000", "too large"),
    ],
)
def test_a_bad_fte_is_refused_by_team_and_field_quoting_what_was_typed(
    people, draft, team, typed, message
):
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {team.pk: row(agency_fte=typed)})
    errors = refused.value.message_dict
    assert list(errors) == [f"{team.pk}.agency_fte"]
    assert message in errors[f"{team.pk}.agency_fte"][0]
    assert f"“{typed.strip()}”" in errors[f"{team.pk}.agency_fte"][0]
    assert team.name in errors[f"{team.pk}.agency_fte"][0]
    assert not draft.figures.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2.5", "whole number"),
        ("-3", "cannot be negative"),
        ("lots", "whole number"),
        ("1,00", "whole number"),
        ("1000000", "too large"),
    ],
)
def test_a_bad_count_is_refused_by_team_and_field(people, draft, team, typed, message):
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {team.pk: row(open_cases=typed)})
    assert message in refused.value.message_dict[f"{team.pk}.open_cases"][0]


def test_counts_may_have_thousands_separators(people, draft, team):
    save(people, draft, {team.pk: row(open_cases="1,234", workers_holding_cases="40")})
    assert draft.figures.get(team=team).open_cases == 1234


def test_a_teams_posts_must_add_up_to_its_establishment(people, draft, team):
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {team.pk: row(establishment_fte="11")})
    message = refused.value.message_dict[f"{team.pk}.establishment_fte"][0]
    assert message.startswith(f"{team.name}: The posts do not add up")
    assert "= 10.00 FTE, but the establishment is 11.00 FTE" in message


def test_every_error_of_every_team_is_given_at_once(people, arrangement, draft):
    first, second = Team.objects.filter(arrangement=arrangement)[:2]
    with pytest.raises(ValidationError) as refused:
        save(
            people,
            draft,
            {first.pk: row(asye_fte="x"), second.pk: row(leavers_fte="2", leavers="1")},
        )
    assert set(refused.value.message_dict) == {f"{first.pk}.asye_fte", f"{second.pk}.leavers_fte"}


def test_leavers_fte_cannot_be_more_than_the_leavers(people, draft, team):
    with pytest.raises(ValidationError, match="Leavers' FTE cannot be more"):
        save(people, draft, {team.pk: row(leavers="1", leavers_fte="1.5")})


def test_workers_above_the_limit_are_among_the_workers_holding_cases(people, draft, team):
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {team.pk: row(workers_over_limit="5", workers_holding_cases="4")})
    assert f"{team.pk}.workers_over_limit" in refused.value.message_dict


def test_agency_workers_over_the_establishment_fill_no_post(people, draft, team):
    # 10 posts = 6 + 1 employed + 1 agency covering + 2 unfilled; a second agency worker is
    # over the establishment, so the agency FTE is 2 and the posts still add up.
    save(people, draft, {team.pk: row(agency_fte="2", agency_over_establishment_fte="1")})
    figures = draft.figures.get(team=team)
    assert (figures.agency_covering_fte, figures.census_vacancies_fte) == (1, 3)
    # Counted as covering a post, the second would make 11 posts of 10.
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {team.pk: row(agency_fte="2")})
    message = refused.value.message_dict[f"{team.pk}.establishment_fte"][0]
    assert "agency covering a vacant post 2.00 + vacant with no cover 2.00 = 11.00 FTE" in message


def test_agency_over_the_establishment_is_among_the_agency_workers(people, draft, team):
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {team.pk: row(agency_over_establishment_fte="1.5")})
    assert refused.value.message_dict[f"{team.pk}.agency_over_establishment_fte"] == [
        f"{team.name}: Agency workers over the establishment (1.50 FTE) cannot be more than "
        "all the agency workers (1.00 FTE)."
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            {"case_holding_fte": "4.5"},
            "The case-holding FTE (4.50) cannot be more than the 4 workers holding cases: "
            "nobody is more than 1 FTE.",
        ),
        (
            {"case_holding_fte": "0"},
            "4 workers hold cases: enter their FTE.",
        ),
        (
            {"experienced_fte": "1", "asye_fte": "0", "vacant_fte": "8", "case_holding_fte": "3"},
            "The case-holding FTE (3.00) cannot be more than the social workers in post: "
            "employed + agency = 2.00 FTE.",
        ),
    ],
)
def test_the_case_holding_fte_is_checked_against_the_workers(people, draft, team, typed, message):
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {team.pk: row(**typed)})
    assert refused.value.message_dict[f"{team.pk}.case_holding_fte"] == [f"{team.name}: {message}"]


def test_the_case_holding_fte_gives_the_census_caseload(people, draft, team):
    save(people, draft, {team.pk: row()})
    totals = Totals.of([draft.figures.get(team=team)])
    assert totals.census_caseload == Fraction(80, 7)  # 40 / 3.5: 11.4 a full-time equivalent
    assert totals.average_caseload == 10  # 40 cases of 4 workers


def test_a_team_half_entered_is_told_what_is_missing(people, draft, team):
    typed = {**row(), "open_cases": "", "unallocated_cases": " "}
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {team.pk: typed})
    errors = refused.value.message_dict
    assert set(errors) == {f"{team.pk}.open_cases", f"{team.pk}.unallocated_cases"}
    assert "enter the open cases held too (0 if none)" in errors[f"{team.pk}.open_cases"][0]


def test_a_team_left_empty_has_no_figures_yet_and_clearing_removes_them(people, draft, team):
    save(people, draft, {team.pk: dict.fromkeys(services.FIELDS, "")})
    assert not draft.figures.exists()
    save(people, draft, {team.pk: row()})
    save(people, draft, {team.pk: dict.fromkeys(services.FIELDS, "")})
    assert not draft.figures.exists()


def test_a_team_with_no_establishment_is_accepted_and_has_no_rates(people, draft, team):
    save(people, draft, {team.pk: dict.fromkeys(services.FIELDS, "0")})
    figures = draft.figures.get(team=team)
    assert figures.establishment_fte == 0
    totals = Totals.of([figures])
    assert totals.vacancy_rate is None and totals.experienced_share is None
    assert totals.average_caseload is None


def test_a_team_of_another_arrangement_is_refused(people, draft):
    elsewhere = Team.objects.create(
        arrangement=people["other-manager"].organisation.arrangement_as_trust,
        name="Oak team",
        service="court",
        area=people["outsider"].organisation,
    )
    with pytest.raises(ValidationError) as refused:
        save(people, draft, {elsewhere.pk: row(), "nonsense": row()})
    assert set(refused.value.message_dict) == {str(elsewhere.pk), "nonsense"}


def test_a_closed_team_is_refused_unless_it_already_has_figures(people, draft, team):
    save(people, draft, {team.pk: row()})
    Team.objects.filter(pk=team.pk).update(active=False)
    save(people, draft, {team.pk: row(open_cases="41")})  # it had figures: still changeable
    other = Team.objects.filter(arrangement=team.arrangement).exclude(pk=team.pk).first()
    Team.objects.filter(pk=other.pk).update(active=False)
    with pytest.raises(ValidationError, match="not one of this arrangement's open teams"):
        save(people, draft, {other.pk: row()})


def test_a_save_is_recorded_with_the_teams_changed(people, draft, team):
    save(people, draft, {team.pk: row()})
    event = draft.events.get(action=Event.Action.SAVED)
    assert event.by == people["manager"] and event.note == team.name
    figures = draft.figures.get(team=team)
    assert figures.history.get().history_user == people["manager"]


def test_a_save_that_changes_nothing_records_nothing(people, draft, team):
    save(people, draft, {team.pk: row()})
    draft.refresh_from_db()
    version = draft.lock_version
    save(people, draft, {team.pk: row(establishment_fte="10.00")})
    draft.refresh_from_db()
    assert draft.lock_version == version
    assert draft.events.filter(action=Event.Action.SAVED).count() == 1


def test_a_save_from_a_stale_page_is_refused(people, draft, team):
    stale = draft.lock_version
    save(people, draft, {team.pk: row()})
    with pytest.raises(ConcurrentChange):
        services.workforce_return_save(
            by=people["manager"],
            workforce_return=draft,
            expected_version=stale,
            teams={team.pk: row(open_cases="1")},
        )
    assert draft.figures.get(team=team).open_cases == 40


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_only_the_trusts_managers_enter_figures(people, draft, team, who):
    with pytest.raises(PermissionDenied):
        save(people, draft, {team.pk: row()}, who=who)


# --- Submitting -------------------------------------------------------------------------------


def test_every_open_team_needs_figures_before_submission(people, arrangement, draft, team):
    save(people, draft, {team.pk: row()})
    with pytest.raises(ValidationError) as refused:
        services.workforce_return_submit(by=people["manager"], workforce_return=draft)
    missing = refused.value.message_dict
    open_teams = Team.objects.filter(arrangement=arrangement, active=True).exclude(pk=team.pk)
    assert set(missing) == {str(t.pk) for t in open_teams}
    assert all("enter the team's figures" in m[0] for m in missing.values())


def test_a_closed_team_is_not_asked_for(people, arrangement, draft):
    closed = Team.objects.filter(arrangement=arrangement).first()
    Team.objects.filter(pk=closed.pk).update(active=False)
    figures = every_team(arrangement)
    del figures[closed.pk]
    save(people, draft, figures)
    services.workforce_return_submit(by=people["manager"], workforce_return=draft)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


def test_submitting_tells_the_councils_officers(
    people, arrangement, draft, mailoutbox, django_capture_on_commit_callbacks
):
    save(people, draft, every_team(arrangement))
    with django_capture_on_commit_callbacks(execute=True):
        services.workforce_return_submit(by=people["manager"], workforce_return=draft)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        people[who].email for who in ["other-officer", "officer"]
    )
    assert f"{arrangement.code} workforce return for January 2025 submitted" in (
        mailoutbox[0].subject
    )
    assert draft.get_absolute_url() in mailoutbox[0].body


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_only_the_trusts_managers_submit(people, arrangement, draft, who):
    save(people, draft, every_team(arrangement))
    with pytest.raises(PermissionDenied):
        services.workforce_return_submit(by=people[who], workforce_return=draft)


def test_a_submitted_return_cannot_be_submitted_again(people, submitted):
    with pytest.raises(ValidationError, match="Only a draft or returned"):
        services.workforce_return_submit(by=people["manager"], workforce_return=submitted)


# --- Approving, returning ---------------------------------------------------------------------


def test_each_council_approves_its_area_and_the_last_approval_completes_it(people, submitted):
    # The recompute is recorded with the approval (an outbox job); its message is sent to the
    # broker only once the approval commits.
    with mock.patch.object(recompute_task, "apply_async") as delay:
        assert not services.workforce_return_approve(
            by=people["officer"], workforce_return=submitted
        )
        submitted.refresh_from_db()
        assert submitted.state == State.SUBMITTED
        assert services.workforce_return_approve(
            by=people["other-officer"], workforce_return=submitted
        )
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED and submitted.approved_at
    assert delay.call_count == 0  # queued for after the commit, not before


def test_the_final_approval_queues_the_dashboards_recompute_after_commit(
    people, submitted, django_capture_on_commit_callbacks
):
    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.workforce_return_approve(by=people["officer"], workforce_return=submitted)
        services.workforce_return_approve(by=people["other-officer"], workforce_return=submitted)
    delay.assert_called_once_with(arrangement_id=submitted.arrangement.pk)


def test_approval_emails_the_councils_and_the_trust(
    people, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve_both(people, submitted)
    recipients = {m.to[0] for m in mailoutbox}
    assert {people[w].email for w in ["other-officer", "officer", "manager"]} <= recipients
    assert any(m.subject.endswith("January 2025 approved") for m in mailoutbox)


@pytest.mark.parametrize("who", NOT_AN_OFFICER)
def test_only_the_commissioning_councils_officers_approve(people, submitted, who):
    with pytest.raises(PermissionDenied):
        services.workforce_return_approve(by=people[who], workforce_return=submitted)


def test_a_council_approves_its_area_once(people, submitted):
    services.workforce_return_approve(by=people["officer"], workforce_return=submitted)
    with pytest.raises(ValidationError, match="already decided"):
        services.workforce_return_approve(by=people["officer"], workforce_return=submitted)


def test_a_draft_cannot_be_approved(people, draft):
    with pytest.raises(ValidationError, match="Only a submitted return"):
        services.workforce_return_approve(by=people["officer"], workforce_return=draft)


def test_an_officer_returns_it_with_a_query_and_the_trust_is_told(
    people, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.workforce_return_send_back(
            by=people["other-officer"],
            workforce_return=submitted,
            query="MASH North's vacancies look high.",
        )
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED
    assert [m.to[0] for m in mailoutbox] == [people["manager"].email]
    assert "MASH North's vacancies look high." in mailoutbox[0].body


def test_a_query_must_say_something(people, submitted):
    with pytest.raises(ValidationError, match="Say what the trust needs"):
        services.workforce_return_send_back(
            by=people["other-officer"], workforce_return=submitted, query="  "
        )


@pytest.mark.parametrize("who", NOT_AN_OFFICER)
def test_only_the_commissioning_councils_officers_return_it(people, submitted, who):
    with pytest.raises(PermissionDenied):
        services.workforce_return_send_back(by=people[who], workforce_return=submitted, query="?")


def test_a_returned_return_is_changed_and_submitted_again(people, arrangement, submitted, team):
    services.workforce_return_send_back(
        by=people["other-officer"], workforce_return=submitted, query="Check the caseloads"
    )
    save(people, submitted, {team.pk: row(open_cases="38")})
    services.workforce_return_submit(by=people["manager"], workforce_return=submitted)
    approve_both(people, submitted)
    assert submitted.state == State.APPROVED


def test_a_change_after_submission_withdraws_the_approvals_given(people, submitted, team):
    services.workforce_return_approve(by=people["officer"], workforce_return=submitted)
    save(people, submitted, {team.pk: row(open_cases="39")})
    assert not submitted.current_decisions().exists()
    assert submitted.events.filter(action=Event.Action.APPROVALS_WITHDRAWN).exists()
    # Both councils must approve again.
    services.workforce_return_approve(by=people["other-officer"], workforce_return=submitted)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


# --- Locking and corrections ------------------------------------------------------------------


def test_an_approved_return_is_locked(people, submitted, team):
    approve_both(people, submitted)
    with pytest.raises(ValidationError, match="approved and locked"):
        save(people, submitted, {team.pk: row(open_cases="1")})


def test_a_correction_is_a_new_draft_holding_a_copy_of_the_approved_figures(
    people, submitted, team
):
    approved = approve_both(people, submitted)
    correction = services.workforce_return_correct(
        by=people["manager"], workforce_return=approved, reason="Agency FTE double counted"
    )
    assert (correction.revision, correction.state) == (2, State.DRAFT)
    assert correction.revision_reason == "Agency FTE double counted"
    fields = list(services.FIELDS)
    before = list(approved.figures.order_by("team_id").values_list("team_id", *fields))
    after = list(correction.figures.order_by("team_id").values_list("team_id", *fields))
    assert after == before
    copy = correction.figures.get(team=team)
    assert copy.history.get().history_change_reason == "Correction of revision 1"


def test_the_approved_revision_stays_in_use_until_the_correction_is_approved(
    people, submitted, team
):
    approved = approve_both(people, submitted)
    correction = services.workforce_return_correct(
        by=people["manager"], workforce_return=approved, reason="Typo"
    )
    save(people, correction, {team.pk: row(open_cases="44")})
    services.workforce_return_submit(by=people["manager"], workforce_return=correction)
    approved.refresh_from_db()
    assert approved.state == State.APPROVED
    approve_both(people, correction)
    approved.refresh_from_db()
    assert (approved.state, correction.state) == (State.SUPERSEDED, State.APPROVED)
    in_use = WorkforceReturn.objects.get(
        arrangement=approved.arrangement, period=MONTH, state=State.APPROVED
    )
    assert in_use.figures.get(team=team).open_cases == 44


def test_a_correction_needs_a_reason_and_an_approved_return(people, submitted):
    with pytest.raises(ValidationError, match="Only the approved return"):
        services.workforce_return_correct(
            by=people["manager"], workforce_return=submitted, reason="x"
        )
    approved = approve_both(people, submitted)
    with pytest.raises(ValidationError, match="Say why"):
        services.workforce_return_correct(
            by=people["manager"], workforce_return=approved, reason=" "
        )


def test_one_correction_at_a_time(people, submitted):
    approved = approve_both(people, submitted)
    services.workforce_return_correct(
        by=people["manager"], workforce_return=approved, reason="First"
    )
    with pytest.raises(ValidationError, match="already under way"):
        services.workforce_return_correct(
            by=people["manager"], workforce_return=approved, reason="Second"
        )


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_only_the_trusts_managers_correct(people, submitted, who):
    approved = approve_both(people, submitted)
    with pytest.raises(PermissionDenied):
        services.workforce_return_correct(by=people[who], workforce_return=approved, reason="x")


# --- All the trust's staff (optional, for the all-staff turnover) ----------------------------


def save_staff(people, workforce_return, all_staff):
    workforce_return.refresh_from_db()
    return services.workforce_return_save(
        by=people["manager"],
        workforce_return=workforce_return,
        expected_version=workforce_return.lock_version,
        teams={},
        all_staff=all_staff,
    )


def test_the_all_staff_figures_give_the_all_staff_turnover(people, draft):
    save_staff(people, draft, {"fte": "1010", "leavers_fte": "100"})
    draft.refresh_from_db()
    assert (draft.all_staff_fte, draft.all_staff_leavers_fte) == (1010, 100)
    assert all_staff_turnover(draft.all_staff_leavers_fte, draft.all_staff_fte) == Fraction(
        10000, 1010
    )
    assert Event.objects.filter(object_id=draft.pk, note__endswith="all staff").exists()
    # left out, they stay; both blank clears them
    save(people, draft, {})
    draft.refresh_from_db()
    assert draft.all_staff_fte == 1010
    save_staff(people, draft, {"fte": "", "leavers_fte": " "})
    draft.refresh_from_db()
    assert draft.all_staff_fte is None and draft.all_staff_leavers_fte is None


def test_the_all_staff_figures_are_both_or_neither(people, draft):
    with pytest.raises(ValidationError) as refused:
        save_staff(people, draft, {"fte": "1010", "leavers_fte": ""})
    assert refused.value.message_dict == {
        "all_staff.leavers_fte": [
            "Enter the all staff's leavers in the 12 months (FTE) too, or leave both all-staff "
            "figures empty: the all-staff turnover needs both."
        ]
    }


def test_a_bad_all_staff_figure_is_refused_quoting_what_was_typed(people, draft):
    with pytest.raises(ValidationError) as refused:
        save_staff(people, draft, {"fte": "lots", "leavers_fte": "10"})
    assert refused.value.message_dict["all_staff.fte"] == [
        "The all staff in post (FTE) must be a number of full-time equivalents, for example "
        "12.5 (you entered “lots”)."
    ]


def test_a_correction_keeps_the_all_staff_figures(people, arrangement, draft):
    save(people, draft, every_team(arrangement))
    save_staff(people, draft, {"fte": "500", "leavers_fte": "40"})
    services.workforce_return_submit(by=people["manager"], workforce_return=draft)
    for who in OFFICERS:
        services.workforce_return_approve(by=people[who], workforce_return=draft)
    correction = services.workforce_return_correct(
        by=people["manager"], workforce_return=draft, reason="Recount"
    )
    assert (correction.all_staff_fte, correction.all_staff_leavers_fte) == (500, 40)


def test_the_migration_derives_the_case_holding_fte_of_earlier_rows(draft, team):
    migration = import_module("workforce.migrations.0002_census_fields")
    figures = TeamFiguresFactory(workforce_return=draft, team=team, case_holding_fte=D("0"))
    few = TeamFiguresFactory(
        workforce_return=draft,
        experienced_fte=D("1.5"),
        asye_fte=D("0"),
        agency_fte=D("0"),
        vacant_fte=D("8.5"),
        workers_holding_cases=3,
        case_holding_fte=D("0"),
    )
    migration.derive_case_holding_fte(apps, None)
    figures.refresh_from_db()
    few.refresh_from_db()
    assert figures.case_holding_fte == 4  # a worker holding cases as one FTE
    assert few.case_holding_fte == D("1.5")  # no more than those in post
    assert figures.agency_over_establishment_fte == 0  # every agency worker covered a post
