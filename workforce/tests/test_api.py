"""/api/v1/teams/ and /api/v1/workforce-returns/: read by every role that may see them (figures
and rates as strings), filtered to the caller's arrangements, lists in a bounded number of
queries, and written as the pages allow, through the same services. Built on factories: the
root ``world`` (a trust, two councils, someone in every role) and teams of the test's own; the
demo's figures are asserted in ``test_api_demo.py``."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from trust_portal.accounts.tests.factories import ScrutinyMemberFactory
from trust_portal.approvals.models import State
from workforce.models import Team, WorkforceReturn
from workforce.services import FIELDS
from workforce.tests.conftest import row
from workforce.tests.factories import TeamFactory, TeamFiguresFactory, WorkforceReturnFactory

BASE = "/api/v1/workforce-returns/"
TEAMS = "/api/v1/teams/"
MONTH = "2025-01-01"


# (name, service, area: "first" or "second" council) of the world's teams.
TEAM_LIST = [
    ("MASH West", "front_door", "first"),
    ("Safeguarding West", "safeguarding", "first"),
    ("Children in Care West", "children_in_care", "first"),
    ("MASH North", "front_door", "second"),
    ("Safeguarding North 1", "safeguarding", "second"),
    ("Safeguarding North 2", "safeguarding", "second"),
    ("Safeguarding North 3", "safeguarding", "second"),
    ("Assessment North", "assessment", "second"),
]
APPROVED = [date(2024, 6, 1), date(2024, 7, 1)]
NOT_THE_TRUST = ["officer", "other-officer", "observer", "scrutiny", "other-scrutiny", "admin",
                 "outsider", "unattached"]  # fmt: skip


@pytest.fixture
def area(world):
    """{"first": the first council's area, "second": the second's, "elsewhere": an area of
    another arrangement}."""
    first, second = (council.code for council in world.councils)
    return {"first": first, "second": second, "elsewhere": world.outsider.organisation.code}


@pytest.fixture
def people(world, people):
    """The world's people, and a scrutiny member of the second council."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture
def teams(world):
    """The world's eight teams, and its approved returns of June and July 2024 (every team's
    figures in each)."""
    councils = dict(zip(("first", "second"), world.councils, strict=True))
    made = [
        TeamFactory(arrangement=world.arrangement, name=name, service=service, area=councils[at])
        for name, service, at in TEAM_LIST
    ]
    for month in APPROVED:
        approved = WorkforceReturnFactory(
            arrangement=world.arrangement, period=month, state=State.APPROVED
        )
        for team in made:
            TeamFiguresFactory(workforce_return=approved, team=team)
    return made


@pytest.fixture
def api_for(people, teams):
    def make(who):
        client = APIClient()
        if people[who] is not None:
            client.force_authenticate(people[who])
        return client

    return make


@pytest.fixture
def trust(world):
    return world.trust.code


def approved(world, month: str) -> WorkforceReturn:
    return WorkforceReturn.objects.get(
        arrangement=world.arrangement, period=date.fromisoformat(month + "-01")
    )


@pytest.fixture
def every_team_rows(world, teams):
    """every_team_rows() is every active team of the world's, with its figures as typed."""

    def rows(**overrides):
        active = Team.objects.filter(arrangement=world.arrangement, active=True)
        return [{"team": team.pk, **row(**overrides)} for team in active]

    return rows


@pytest.fixture
def start(api_for, trust):
    """start() starts the world's month through the API as its trust manager."""

    def post():
        response = api_for("manager").post(BASE, {"trust": trust, "month": MONTH}, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    return post


# --- Reading ----------------------------------------------------------------------------------


def test_the_teams_of_the_callers_arrangement(api_for, trust):
    body = api_for("scrutiny").get(TEAMS).json()
    assert body["count"] == len(TEAM_LIST)
    first = body["results"][0]
    assert set(first) == {"id", "trust", "name", "service", "area", "active"}
    assert {r["trust"] for r in body["results"]} == {trust}
    assert api_for("outsider").get(TEAMS).json()["count"] == 0


def test_teams_filter_by_area_and_service(api_for, area):
    body = api_for("officer").get(TEAMS, {"area": area["second"], "service": "safeguarding"}).json()
    assert [r["name"] for r in body["results"]] == [
        "Safeguarding North 1",
        "Safeguarding North 2",
        "Safeguarding North 3",
    ]


def test_another_arrangements_team_does_not_exist(api_for, teams):
    team = teams[0]
    assert api_for("other-manager").get(f"{TEAMS}{team.pk}/").status_code == 404


def test_the_list_filters_by_trust_month_and_state(api_for, start, trust, world):
    client = api_for("admin")
    assert client.get(BASE, {"trust": trust}).json()["count"] == len(APPROVED)
    assert client.get(BASE, {"trust": world.other_manager.organisation.code}).json()["count"] == 0
    assert client.get(BASE, {"state": "draft"}).json()["count"] == 0
    start()
    assert api_for("manager").get(BASE, {"state": "draft"}).json()["count"] == 1
    assert client.get(BASE, {"state": "draft"}).json()["count"] == 0  # admins see approved only


@pytest.mark.parametrize("who", ["outsider", "other-manager", "unattached"])
def test_other_arrangements_see_none_of_ncts_returns(api_for, world, who):
    assert api_for(who).get(BASE).json()["count"] == 0
    assert api_for(who).get(f"{BASE}{approved(world, '2024-07').pk}/").status_code == 404


def test_lists_read_in_a_bounded_number_of_queries(api_for, django_assert_max_num_queries):
    client = api_for("officer")
    with django_assert_max_num_queries(6):
        assert client.get(BASE).json()["count"] == len(APPROVED)
    with django_assert_max_num_queries(5):
        assert client.get(TEAMS).json()["count"] == len(TEAM_LIST)


@pytest.mark.parametrize(
    "who, status",
    # Nobody signed in: 401. A closed account forced in by the test client is signed in but
    # may do nothing: 403.
    [("anonymous", 401), ("leaver", 403)],
)
def test_signed_out_callers_are_refused(api_for, who, status):
    assert api_for(who).get(BASE).status_code == status


# --- Writing ----------------------------------------------------------------------------------


def test_the_trust_runs_a_month_through_the_api_and_the_councils_approve_it(
    api_for, every_team_rows, start
):
    manager = api_for("manager")
    started = start()
    assert started["state"] == "draft" and started["teams"][0]["figures"] is None
    body = {"lock_version": started["lock_version"], "teams": every_team_rows()}
    saved = manager.post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert saved.status_code == 200, saved.json()
    assert (
        saved.json()["arrangement"]["figures"]["establishment_fte"] == f"{10 * len(TEAM_LIST)}.00"
    )
    whole = saved.json()["arrangement"]
    # each team: (2 unfilled + 1 agency-covered) / (3 + 7 FTE social workers)
    assert whole["rates"]["vacancy_rate"]["value"] == "30.0"
    assert whole["rates"]["unfilled_share"]["value"] == "20.0"
    assert whole["figures"]["census_vacancies_fte"] == f"{3 * len(TEAM_LIST)}.00"
    assert whole["rates"]["census_caseload"]["value"] == "11.4"  # 40 cases ÷ 3.5 FTE
    assert manager.post(f"{BASE}{started['id']}/submit/").json()["state"] == "submitted"
    assert api_for("officer").post(f"{BASE}{started['id']}/approve/").status_code == 200
    final = api_for("other-officer").post(f"{BASE}{started['id']}/approve/")
    assert final.json()["state"] == "approved"
    corrected = manager.post(
        f"{BASE}{started['id']}/correct/", {"reason": "Recount"}, format="json"
    )
    assert corrected.status_code == 201 and corrected.json()["revision"] == 2


def test_numbers_are_accepted_as_json_numbers_too(api_for, mash_north, start):
    started = start()
    team = mash_north
    typed = dict.fromkeys(FIELDS, 0) | {"establishment_fte": 2.5, "vacant_fte": 2.5}
    body = {"lock_version": started["lock_version"], "teams": [{"team": team.pk, **typed}]}
    saved = api_for("manager").post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert saved.status_code == 200, saved.json()


def test_a_bad_figure_is_a_400_keyed_by_team_and_field_with_what_was_typed(
    api_for, every_team_rows, start
):
    started = start()
    rows = every_team_rows()
    rows[0]["vacant_fte"] = "1.234"
    body = {"lock_version": started["lock_version"], "teams": rows}
    response = api_for("manager").post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert response.status_code == 400
    key = f"{rows[0]['team']}.vacant_fte"
    assert "“1.234”" in response.json()[key][0]


def test_a_team_given_twice_is_a_400(api_for, every_team_rows, start):
    started = start()
    rows = every_team_rows()
    body = {"lock_version": started["lock_version"], "teams": rows + rows[:1]}
    response = api_for("manager").post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert response.status_code == 400 and str(rows[0]["team"]) in response.json()


def test_a_stale_lock_version_is_a_409_saying_so(api_for, every_team_rows, start):
    started = start()
    body = {"lock_version": 99, "teams": every_team_rows()}
    response = api_for("manager").post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Someone else saved")


def test_submitting_with_teams_missing_is_a_400_keyed_by_team(api_for, start):
    started = start()
    response = api_for("manager").post(f"{BASE}{started['id']}/submit/")
    assert response.status_code == 400 and len(response.json()) == len(TEAM_LIST)


@pytest.mark.parametrize("who", [*NOT_THE_TRUST, "other-manager"])
def test_only_the_trust_starts_months_through_the_api(api_for, start, trust, world, who):
    # Another trust's manager may start months, but not in an arrangement they are no part
    # of (404); every other role may start none at all (403).
    expected = 404 if who == "other-manager" else 403
    before = WorkforceReturn.objects.count()  # the demo's months are there too
    response = api_for(who).post(BASE, {"trust": trust, "month": MONTH}, format="json")
    assert response.status_code == expected
    assert WorkforceReturn.objects.count() == before
    assert not WorkforceReturn.objects.filter(
        arrangement=world.arrangement, period=date(2025, 1, 1)
    ).exists()


@pytest.mark.parametrize("who", ["manager", "observer", "scrutiny", "admin"])
def test_only_council_officers_approve_or_return_through_the_api(
    api_for, every_team_rows, start, who
):
    started = start()
    manager = api_for("manager")
    body = {"lock_version": started["lock_version"], "teams": every_team_rows()}
    manager.post(f"{BASE}{started['id']}/figures/", body, format="json")
    manager.post(f"{BASE}{started['id']}/submit/")
    client = api_for(who)
    # Each of them is part of the arrangement (or sees every one); their role may not approve.
    assert client.post(f"{BASE}{started['id']}/approve/").status_code == 403
    returned = client.post(f"{BASE}{started['id']}/return/", {"query": "?"}, format="json")
    assert returned.status_code == 403
    assert WorkforceReturn.objects.get(pk=started["id"]).state == "submitted"


def test_an_officer_returns_a_month_with_a_query(api_for, every_team_rows, start):
    started = start()
    manager = api_for("manager")
    body = {"lock_version": started["lock_version"], "teams": every_team_rows()}
    manager.post(f"{BASE}{started['id']}/figures/", body, format="json")
    manager.post(f"{BASE}{started['id']}/submit/")
    officer = api_for("officer")
    assert (
        officer.post(f"{BASE}{started['id']}/return/", {"query": ""}, format="json").status_code
        == 400
    )
    returned = officer.post(f"{BASE}{started['id']}/return/", {"query": "Check"}, format="json")
    assert returned.json()["state"] == "returned"


def test_an_approved_month_is_locked_against_api_writes(api_for, world, every_team_rows):
    july = approved(world, "2024-07")
    body = {"lock_version": july.lock_version, "teams": every_team_rows()}
    response = api_for("manager").post(f"{BASE}{july.pk}/figures/", body, format="json")
    assert response.status_code == 400 and "locked" in response.json()["non_field_errors"][0]


# --- Teams: written by the trust's managers, each change with a reason ------------------------


@pytest.fixture
def new_team(trust, area):
    return {"trust": trust, "name": "Court Team West", "service": "court", "area": area["first"],
            "reason": "New team for care proceedings"}  # fmt: skip


@pytest.fixture
def mash_north(world, teams) -> Team:
    return Team.objects.get(arrangement=world.arrangement, name="MASH North")


def last_reason(team: Team) -> str:
    return team.history.order_by("-history_date", "-history_id").first().history_change_reason


def test_the_trust_adds_a_team_with_its_reason_in_the_history(
    api_for, people, new_team, trust, area
):
    response = api_for("manager").post(TEAMS, new_team, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["trust"], body["name"], body["service"], body["area"], body["active"]) == (
        trust, "Court Team West", "court", area["first"], True)  # fmt: skip
    record = Team.objects.get(pk=body["id"]).history.get()
    assert record.history_change_reason == "New team for care proceedings"
    assert record.history_user == people["manager"]


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_nobody_else_adds_a_team(api_for, new_team, who):
    assert api_for(who).post(TEAMS, new_team, format="json").status_code == 403
    assert not Team.objects.filter(name="Court Team West").exists()


def test_signed_out_callers_cannot_add_a_team(api_for, new_team):
    assert api_for("anonymous").post(TEAMS, new_team, format="json").status_code == 401
    assert api_for("leaver").post(TEAMS, new_team, format="json").status_code == 403


def test_another_trusts_manager_cannot_add_a_team_to_nct(api_for, new_team):
    assert api_for("other-manager").post(TEAMS, new_team, format="json").status_code == 404
    assert not Team.objects.filter(name="Court Team West").exists()


def test_a_new_team_is_refused_with_each_field_named(api_for, new_team, trust, area):
    body = {
        **new_team,
        "name": "mash north",
        "service": "magic",
        "area": area["elsewhere"],
        "reason": "",
    }
    response = api_for("manager").post(TEAMS, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"service"}  # the input is read before the service runs
    response = api_for("manager").post(TEAMS, {**body, "service": "court"}, format="json")
    assert response.status_code == 400
    councils = [area["first"], area["second"]]
    assert response.json() == {
        "area": [f"Choose one of the trust's council areas: {', '.join(sorted(councils))}."]
    }
    response = api_for("manager").post(
        TEAMS, {**body, "service": "court", "area": area["first"].lower()}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why: it is kept in the history with your name."]}
    response = api_for("manager").post(
        TEAMS,
        {**body, "service": "court", "area": area["first"].lower(), "reason": "New"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"name": [f"{trust} already has a team called “mash north”."]}


def test_a_new_team_needs_every_field(api_for, trust):
    response = api_for("manager").post(TEAMS, {"trust": trust}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "service", "area", "reason"}


def test_the_trust_changes_a_team_with_a_reason_leaving_out_what_stays(api_for, mash_north, area):
    team = mash_north
    body = {"name": "Front Door North", "reason": "Renamed at the service review"}
    response = api_for("manager").patch(f"{TEAMS}{team.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["service"], response.json()["area"]) == (
        "Front Door North", team.service, team.area.code)  # fmt: skip
    team.refresh_from_db()
    assert team.name == "Front Door North"
    assert last_reason(team) == "Renamed at the service review"
    moved = api_for("manager").patch(
        f"{TEAMS}{team.pk}/",
        {"area": area["first"], "service": "assessment", "reason": "Moved"},
        format="json",
    )
    assert (moved.json()["area"], moved.json()["service"]) == (area["first"], "assessment")


def test_a_change_without_a_reason_is_refused_and_nothing_changes(api_for, mash_north, area):
    team = mash_north
    client = api_for("manager")
    missing = client.patch(f"{TEAMS}{team.pk}/", {"name": "Renamed"}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["reason"]
    blank = client.patch(f"{TEAMS}{team.pk}/", {"name": "Renamed", "reason": " "}, format="json")
    assert blank.json() == {"reason": ["Say why: it is kept in the history with your name."]}
    outside = client.patch(
        f"{TEAMS}{team.pk}/", {"area": area["elsewhere"], "reason": "x"}, format="json"
    )
    assert outside.status_code == 400 and list(outside.json()) == ["area"]
    team.refresh_from_db()
    assert (team.name, team.area.code) == ("MASH North", area["second"])


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_nobody_else_changes_closes_or_reopens_a_team(api_for, mash_north, who):
    team = mash_north
    client = api_for(who)
    body = {"name": "Renamed", "reason": "x"}
    assert client.patch(f"{TEAMS}{team.pk}/", body, format="json").status_code == 403
    assert client.post(f"{TEAMS}{team.pk}/close/", {"reason": "x"}).status_code == 403
    assert client.post(f"{TEAMS}{team.pk}/reopen/", {"reason": "x"}).status_code == 403
    team.refresh_from_db()
    assert (team.name, team.active) == ("MASH North", True)


def test_another_trusts_manager_does_not_find_ncts_team(api_for, mash_north):
    team = mash_north
    client = api_for("other-manager")
    body = {"name": "Renamed", "reason": "x"}
    assert client.patch(f"{TEAMS}{team.pk}/", body, format="json").status_code == 404
    assert client.post(f"{TEAMS}{team.pk}/close/", {"reason": "x"}).status_code == 404
    assert client.post(f"{TEAMS}{team.pk}/reopen/", {"reason": "x"}).status_code == 404
    team.refresh_from_db()
    assert (team.name, team.active) == ("MASH North", True)


def test_the_trust_closes_and_reopens_a_team_each_with_its_reason(api_for, mash_north):
    team = mash_north
    client = api_for("manager")
    closed = client.post(f"{TEAMS}{team.pk}/close/", {"reason": "Merged into MASH"})
    assert closed.status_code == 200 and closed.json()["active"] is False
    assert last_reason(team) == "Merged into MASH"
    again = client.post(f"{TEAMS}{team.pk}/close/", {"reason": "Twice"})
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["MASH North is already closed."]}
    reopened = client.post(f"{TEAMS}{team.pk}/reopen/", {"reason": "Closed by mistake"})
    assert reopened.status_code == 200 and reopened.json()["active"] is True
    assert last_reason(team) == "Closed by mistake"
    assert client.post(f"{TEAMS}{team.pk}/reopen/", {"reason": "x"}).status_code == 400


def test_closing_needs_a_reason(api_for, mash_north):
    team = mash_north
    response = api_for("manager").post(f"{TEAMS}{team.pk}/close/", {"reason": ""})
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    assert api_for("manager").post(f"{TEAMS}{team.pk}/close/").status_code == 400
    team.refresh_from_db()
    assert team.active


def test_a_team_change_queues_the_dashboards_recompute(
    api_for, arrangement, mash_north, django_capture_on_commit_callbacks
):
    from unittest import mock

    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        api_for("manager").post(f"{TEAMS}{mash_north.pk}/close/", {"reason": "Merged"})
    queued.assert_called_once_with(arrangement_id=arrangement.pk)
