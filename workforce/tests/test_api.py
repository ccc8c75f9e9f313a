"""/api/v1/teams/ and /api/v1/workforce-returns/: read by every role that may see them (figures
and rates as strings), filtered to the caller's arrangements, lists in a bounded number of
queries, and written as the pages allow, through the same services."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from conftest import CAST
from workforce.models import Team, WorkforceReturn
from workforce.services import FIELDS
from workforce.tests.conftest import row

BASE = "/api/v1/workforce-returns/"
TEAMS = "/api/v1/teams/"
MONTH = "2025-01-01"


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


def demo(month: str) -> WorkforceReturn:
    return WorkforceReturn.objects.get(
        arrangement__trust__code="NCT", period=date.fromisoformat(month + "-01")
    )


def every_team_rows(**overrides):
    teams = Team.objects.filter(arrangement__trust__code="NCT", active=True)
    return [{"team": team.pk, **row(**overrides)} for team in teams]


def start(api_for):
    response = api_for("nct-manager").post(BASE, {"trust": "NCT", "month": MONTH}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


# --- Reading ----------------------------------------------------------------------------------


def test_the_teams_of_the_callers_arrangement(api_for):
    body = api_for("wnc-scrutiny").get(TEAMS).json()
    assert body["count"] == 19
    first = body["results"][0]
    assert set(first) == {"id", "trust", "name", "service", "area", "active"}
    assert {r["trust"] for r in body["results"]} == {"NCT"}
    assert api_for("occ-officer").get(TEAMS).json()["count"] == 0


def test_teams_filter_by_area_and_service(api_for):
    body = api_for("wnc-officer").get(TEAMS, {"area": "NNC", "service": "safeguarding"}).json()
    assert [r["name"] for r in body["results"]] == [
        "Safeguarding North 1",
        "Safeguarding North 2",
        "Safeguarding North 3",
    ]


def test_another_arrangements_team_does_not_exist(api_for):
    team = Team.objects.filter(arrangement__trust__code="NCT").first()
    assert api_for("oct-manager").get(f"{TEAMS}{team.pk}/").status_code == 404


def test_the_detail_has_every_teams_figures_and_rates_as_strings(api_for):
    body = api_for("dfe-observer").get(f"{BASE}{demo('2018-12').pk}/").json()
    assert body["month"] == "2018-12-01" and body["state"] == "approved"
    assert len(body["teams"]) == 19 and [a["key"] for a in body["areas"]] == ["NNC", "WNC"]
    whole = body["arrangement"]
    assert whole["figures"]["establishment_fte"] == "328.00"
    assert whole["figures"]["vacant_fte"] == "59.00" and whole["figures"]["open_cases"] == 3763
    vacancy = whole["rates"]["vacancy_rate"]
    assert (vacancy["value"], vacancy["unit"], vacancy["rag"]) == ("24.0", "percentage", "grey")
    assert vacancy["rag_words"] == "No target"
    assert whole["turnover"]["months"] == 1 and not whole["turnover"]["complete"]
    assert whole["rates"]["turnover"]["note"] == "Not enough months: 1 of the 12 have figures"
    north = body["caseloads"][0]
    assert north["key"] == "NNC"
    assert north["workforce_average"]["value"] == north["performance_average"]["value"] == "21.2"


def test_july_2024_reproduces_the_published_rates(api_for):
    whole = api_for("wnc-officer").get(f"{BASE}{demo('2024-07').pk}/").json()["arrangement"]
    assert whole["rates"]["vacancy_rate"]["value"] == "12.9"
    assert whole["rates"]["turnover"]["value"] == "9.9"
    assert whole["rates"]["turnover"]["rag"] == "green" and whole["turnover"]["complete"]


def test_the_list_has_the_arrangements_totals_and_rates(api_for):
    body = api_for("wnc-officer").get(BASE, {"month": "2018-12-01"}).json()
    assert body["count"] == 1
    totals = body["results"][0]["totals"]
    assert totals["establishment_fte"] == "328.00" and totals["vacancy_rate"] == "24.0"
    assert totals["experienced_share"] == "33.8"


def test_the_list_filters_by_trust_month_and_state(api_for, cast):
    client = api_for("admin")
    assert client.get(BASE, {"trust": "NCT"}).json()["count"] == 13
    assert client.get(BASE, {"trust": "OCT"}).json()["count"] == 0
    assert client.get(BASE, {"state": "draft"}).json()["count"] == 0
    start(api_for)
    assert api_for("nct-manager").get(BASE, {"state": "draft"}).json()["count"] == 1
    assert client.get(BASE, {"state": "draft"}).json()["count"] == 0  # admins see approved only


@pytest.mark.parametrize("who", ["occ-officer", "oct-manager", "outsider"])
def test_other_arrangements_see_none_of_ncts_returns(api_for, who):
    assert api_for(who).get(BASE).json()["count"] == 0
    assert api_for(who).get(f"{BASE}{demo('2024-07').pk}/").status_code == 404


def test_lists_read_in_a_bounded_number_of_queries(api_for, django_assert_max_num_queries):
    client = api_for("wnc-officer")
    with django_assert_max_num_queries(6):
        assert client.get(BASE).json()["count"] == 13
    with django_assert_max_num_queries(5):
        assert client.get(TEAMS).json()["count"] == 19


@pytest.mark.parametrize(
    "who, status",
    # Nobody signed in: 401. A closed account forced in by the test client is signed in but
    # may do nothing: 403.
    [("anonymous", 401), ("leaver", 403)],
)
def test_signed_out_callers_are_refused(api_for, who, status):
    assert api_for(who).get(BASE).status_code == status


# --- Writing ----------------------------------------------------------------------------------


def test_the_trust_runs_a_month_through_the_api_and_the_councils_approve_it(api_for):
    manager = api_for("nct-manager")
    started = start(api_for)
    assert started["state"] == "draft" and started["teams"][0]["figures"] is None
    body = {"lock_version": started["lock_version"], "teams": every_team_rows()}
    saved = manager.post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["arrangement"]["figures"]["establishment_fte"] == "190.00"
    assert saved.json()["arrangement"]["rates"]["vacancy_rate"]["value"] == "22.2"  # 2 / (2 + 7)
    assert manager.post(f"{BASE}{started['id']}/submit/").json()["state"] == "submitted"
    assert api_for("wnc-officer").post(f"{BASE}{started['id']}/approve/").status_code == 200
    final = api_for("nnc-officer").post(f"{BASE}{started['id']}/approve/")
    assert final.json()["state"] == "approved"
    corrected = manager.post(
        f"{BASE}{started['id']}/correct/", {"reason": "Recount"}, format="json"
    )
    assert corrected.status_code == 201 and corrected.json()["revision"] == 2


def test_numbers_are_accepted_as_json_numbers_too(api_for):
    started = start(api_for)
    team = Team.objects.get(arrangement__trust__code="NCT", name="MASH North")
    typed = dict.fromkeys(FIELDS, 0) | {"establishment_fte": 2.5, "vacant_fte": 2.5}
    body = {"lock_version": started["lock_version"], "teams": [{"team": team.pk, **typed}]}
    saved = api_for("nct-manager").post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert saved.status_code == 200, saved.json()


def test_a_bad_figure_is_a_400_keyed_by_team_and_field_with_what_was_typed(api_for):
    started = start(api_for)
    rows = every_team_rows()
    rows[0]["vacant_fte"] = "1.234"
    body = {"lock_version": started["lock_version"], "teams": rows}
    response = api_for("nct-manager").post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert response.status_code == 400
    key = f"{rows[0]['team']}.vacant_fte"
    assert "“1.234”" in response.json()[key][0]


def test_a_team_given_twice_is_a_400(api_for):
    started = start(api_for)
    rows = every_team_rows()
    body = {"lock_version": started["lock_version"], "teams": rows + rows[:1]}
    response = api_for("nct-manager").post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert response.status_code == 400 and str(rows[0]["team"]) in response.json()


def test_a_stale_lock_version_is_a_400_saying_so(api_for):
    started = start(api_for)
    body = {"lock_version": 99, "teams": every_team_rows()}
    response = api_for("nct-manager").post(f"{BASE}{started['id']}/figures/", body, format="json")
    assert response.status_code == 400
    assert "Someone else saved" in response.json()["non_field_errors"][0]


def test_submitting_with_teams_missing_is_a_400_keyed_by_team(api_for):
    started = start(api_for)
    response = api_for("nct-manager").post(f"{BASE}{started['id']}/submit/")
    assert response.status_code == 400 and len(response.json()) == 19


@pytest.mark.parametrize(
    "who", [w for w in CAST if w not in ("nct-manager", "anonymous", "leaver")]
)
def test_only_the_trust_starts_months_through_the_api(api_for, who):
    # Another trust's manager may start months, but not in an arrangement they are no part
    # of (404); every other role may start none at all (403).
    expected = 404 if who == "oct-manager" else 403
    response = api_for(who).post(BASE, {"trust": "NCT", "month": MONTH}, format="json")
    assert response.status_code == expected
    assert not WorkforceReturn.objects.filter(period=date(2025, 1, 1)).exists()


@pytest.mark.parametrize("who", ["nct-manager", "dfe-observer", "wnc-scrutiny", "admin"])
def test_only_council_officers_approve_or_return_through_the_api(api_for, who):
    started = start(api_for)
    manager = api_for("nct-manager")
    body = {"lock_version": started["lock_version"], "teams": every_team_rows()}
    manager.post(f"{BASE}{started['id']}/figures/", body, format="json")
    manager.post(f"{BASE}{started['id']}/submit/")
    client = api_for(who)
    # Each of them is part of the arrangement (or sees every one); their role may not approve.
    assert client.post(f"{BASE}{started['id']}/approve/").status_code == 403
    returned = client.post(f"{BASE}{started['id']}/return/", {"query": "?"}, format="json")
    assert returned.status_code == 403
    assert WorkforceReturn.objects.get(pk=started["id"]).state == "submitted"


def test_an_officer_returns_a_month_with_a_query(api_for):
    started = start(api_for)
    manager = api_for("nct-manager")
    body = {"lock_version": started["lock_version"], "teams": every_team_rows()}
    manager.post(f"{BASE}{started['id']}/figures/", body, format="json")
    manager.post(f"{BASE}{started['id']}/submit/")
    officer = api_for("wnc-officer")
    assert (
        officer.post(f"{BASE}{started['id']}/return/", {"query": ""}, format="json").status_code
        == 400
    )
    returned = officer.post(f"{BASE}{started['id']}/return/", {"query": "Check"}, format="json")
    assert returned.json()["state"] == "returned"


def test_an_approved_month_is_locked_against_api_writes(api_for):
    july = demo("2024-07")
    body = {"lock_version": july.lock_version, "teams": every_team_rows()}
    response = api_for("nct-manager").post(f"{BASE}{july.pk}/figures/", body, format="json")
    assert response.status_code == 400 and "locked" in response.json()["non_field_errors"][0]


# --- Teams: written by the trust's managers, each change with a reason ------------------------

NOT_THE_TRUST = ["wnc-officer", "nnc-officer", "dfe-observer", "wnc-scrutiny", "nnc-scrutiny",
                 "admin", "occ-officer", "outsider"]  # fmt: skip
NEW_TEAM = {"trust": "NCT", "name": "Court Team West", "service": "court", "area": "WNC",
            "reason": "New team for care proceedings"}  # fmt: skip


def mash_north() -> Team:
    return Team.objects.get(arrangement__trust__code="NCT", name="MASH North")


def last_reason(team: Team) -> str:
    return team.history.order_by("-history_date", "-history_id").first().history_change_reason


def test_the_trust_adds_a_team_with_its_reason_in_the_history(api_for, cast):
    response = api_for("nct-manager").post(TEAMS, NEW_TEAM, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["trust"], body["name"], body["service"], body["area"], body["active"]) == (
        "NCT", "Court Team West", "court", "WNC", True)  # fmt: skip
    record = Team.objects.get(pk=body["id"]).history.get()
    assert record.history_change_reason == "New team for care proceedings"
    assert record.history_user == cast["nct-manager"]


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_nobody_else_adds_a_team(api_for, who):
    assert api_for(who).post(TEAMS, NEW_TEAM, format="json").status_code == 403
    assert not Team.objects.filter(name="Court Team West").exists()


def test_signed_out_callers_cannot_add_a_team(api_for):
    assert api_for("anonymous").post(TEAMS, NEW_TEAM, format="json").status_code == 401
    assert api_for("leaver").post(TEAMS, NEW_TEAM, format="json").status_code == 403


def test_another_trusts_manager_cannot_add_a_team_to_nct(api_for):
    assert api_for("oct-manager").post(TEAMS, NEW_TEAM, format="json").status_code == 404
    assert not Team.objects.filter(name="Court Team West").exists()


def test_a_new_team_is_refused_with_each_field_named(api_for):
    body = {**NEW_TEAM, "name": "mash north", "service": "magic", "area": "OCC", "reason": ""}
    response = api_for("nct-manager").post(TEAMS, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"service"}  # the input is read before the service runs
    response = api_for("nct-manager").post(TEAMS, {**body, "service": "court"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"area": ["Choose one of the trust's council areas: NNC, WNC."]}
    response = api_for("nct-manager").post(
        TEAMS, {**body, "service": "court", "area": "wnc"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why: it is kept in the history with your name."]}
    response = api_for("nct-manager").post(
        TEAMS, {**body, "service": "court", "area": "wnc", "reason": "New"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"name": ["NCT already has a team called “mash north”."]}


def test_a_new_team_needs_every_field(api_for):
    response = api_for("nct-manager").post(TEAMS, {"trust": "NCT"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "service", "area", "reason"}


def test_the_trust_changes_a_team_with_a_reason_leaving_out_what_stays(api_for):
    team = mash_north()
    body = {"name": "Front Door North", "reason": "Renamed at the service review"}
    response = api_for("nct-manager").patch(f"{TEAMS}{team.pk}/", body, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["service"], response.json()["area"]) == (
        "Front Door North", team.service, team.area.code)  # fmt: skip
    team.refresh_from_db()
    assert team.name == "Front Door North"
    assert last_reason(team) == "Renamed at the service review"
    moved = api_for("nct-manager").patch(
        f"{TEAMS}{team.pk}/",
        {"area": "WNC", "service": "assessment", "reason": "Moved"},
        format="json",
    )
    assert (moved.json()["area"], moved.json()["service"]) == ("WNC", "assessment")


def test_a_change_without_a_reason_is_refused_and_nothing_changes(api_for):
    team = mash_north()
    client = api_for("nct-manager")
    missing = client.patch(f"{TEAMS}{team.pk}/", {"name": "Renamed"}, format="json")
    assert missing.status_code == 400 and list(missing.json()) == ["reason"]
    blank = client.patch(f"{TEAMS}{team.pk}/", {"name": "Renamed", "reason": " "}, format="json")
    assert blank.json() == {"reason": ["Say why: it is kept in the history with your name."]}
    outside = client.patch(f"{TEAMS}{team.pk}/", {"area": "OCC", "reason": "x"}, format="json")
    assert outside.status_code == 400 and list(outside.json()) == ["area"]
    team.refresh_from_db()
    assert (team.name, team.area.code) == ("MASH North", "NNC")


@pytest.mark.parametrize("who", NOT_THE_TRUST)
def test_nobody_else_changes_closes_or_reopens_a_team(api_for, who):
    team = mash_north()
    client = api_for(who)
    body = {"name": "Renamed", "reason": "x"}
    assert client.patch(f"{TEAMS}{team.pk}/", body, format="json").status_code == 403
    assert client.post(f"{TEAMS}{team.pk}/close/", {"reason": "x"}).status_code == 403
    assert client.post(f"{TEAMS}{team.pk}/reopen/", {"reason": "x"}).status_code == 403
    team.refresh_from_db()
    assert (team.name, team.active) == ("MASH North", True)


def test_another_trusts_manager_does_not_find_ncts_team(api_for):
    team = mash_north()
    client = api_for("oct-manager")
    body = {"name": "Renamed", "reason": "x"}
    assert client.patch(f"{TEAMS}{team.pk}/", body, format="json").status_code == 404
    assert client.post(f"{TEAMS}{team.pk}/close/", {"reason": "x"}).status_code == 404
    assert client.post(f"{TEAMS}{team.pk}/reopen/", {"reason": "x"}).status_code == 404
    team.refresh_from_db()
    assert (team.name, team.active) == ("MASH North", True)


def test_the_trust_closes_and_reopens_a_team_each_with_its_reason(api_for):
    team = mash_north()
    client = api_for("nct-manager")
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


def test_closing_needs_a_reason(api_for):
    team = mash_north()
    response = api_for("nct-manager").post(f"{TEAMS}{team.pk}/close/", {"reason": ""})
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    assert api_for("nct-manager").post(f"{TEAMS}{team.pk}/close/").status_code == 400
    team.refresh_from_db()
    assert team.active


def test_a_team_change_queues_the_dashboards_recompute(
    api_for, nct, django_capture_on_commit_callbacks
):
    from unittest import mock

    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        api_for("nct-manager").post(f"{TEAMS}{mash_north().pk}/close/", {"reason": "Merged"})
    queued.assert_called_once_with(arrangement_id=nct.pk)
