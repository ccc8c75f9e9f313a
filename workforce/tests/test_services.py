"""Teams: reference data kept by the trust's managers, each change with a reason in the
history; a team serves one of the trust's council areas; closing keeps its figures.

Built on factories in a world of the test's own (the root ``world`` fixture), not the demo."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from workforce import services
from workforce.tests.factories import TeamFactory, TeamFiguresFactory, WorkforceReturnFactory

NOT_THE_MANAGER = [
    "officer",
    "other-officer",
    "scrutiny",
    "observer",
    "admin",
    "outsider",
    "other-manager",
    "unattached",
    "leaver",
    "anonymous",
]


def add(world, who=None, **overrides):
    fields = {
        "name": "Court Team West",
        "service": "court",
        "area": world.councils[0],
        "reason": "New team",
    }
    by = world.manager if who is None else world.people.get(who)
    return services.team_save(by=by, arrangement=world.arrangement, **{**fields, **overrides})


@pytest.fixture
def team(world):
    """A team with figures in two months' returns."""
    made = TeamFactory(arrangement=world.arrangement, name="MASH North", area=world.councils[0])
    for month in (5, 6):
        monthly = WorkforceReturnFactory(arrangement=world.arrangement, period=date(2025, month, 1))
        TeamFiguresFactory(workforce_return=monthly, team=made)
    return made


def test_the_trust_adds_a_team_with_its_reason_in_the_history(world):
    team = add(world)
    assert (team.arrangement, team.area, team.active) == (
        world.arrangement,
        world.councils[0],
        True,
    )
    record = team.history.get()
    assert (record.history_user, record.history_change_reason) == (world.manager, "New team")


@pytest.mark.parametrize("who", NOT_THE_MANAGER)
def test_only_the_trusts_managers_keep_the_teams(world, team, who):
    with pytest.raises(PermissionDenied):
        add(world, who=who)
    with pytest.raises(PermissionDenied):
        services.team_close(by=world.people.get(who), team=team, reason="x")


def test_a_team_serves_one_of_the_trusts_council_areas(world):
    with pytest.raises(ValidationError) as refused:
        add(world, area=world.outsider.organisation)
    assert refused.value.message_dict["area"] == ["Choose one of the trust's council areas."]


@pytest.mark.parametrize(("field", "value"), [("reason", " "), ("name", ""), ("service", "x")])
def test_a_team_needs_a_reason_a_name_and_a_known_service(world, field, value):
    with pytest.raises(ValidationError) as refused:
        add(world, **{field: value})
    assert field in refused.value.message_dict


def test_a_name_is_used_once_in_an_arrangement_whatever_its_case(world, team):
    with pytest.raises(ValidationError, match="already has a team called"):
        add(world, name="mash NORTH")


def test_renaming_a_team_keeps_its_figures_and_records_why(world, team):
    figures = team.figures.count()
    services.team_save(
        by=world.manager,
        arrangement=world.arrangement,
        team=team,
        reason="Renamed",
        name="Front Door North",
        service=team.service,
        area=team.area,
    )
    team.refresh_from_db()
    assert team.name == "Front Door North" and team.figures.count() == figures == 2
    assert team.history.latest().history_change_reason == "Renamed"


def test_a_team_of_another_arrangement_cannot_be_changed_through_this_one(world):
    other = TeamFactory(
        arrangement=world.other_manager.organisation.arrangement_as_trust,
        name="Oak",
        service="court",
    )
    with pytest.raises(ValidationError, match="another arrangement"):
        services.team_save(
            by=world.manager,
            arrangement=world.arrangement,
            team=other,
            reason="x",
            name="Mine",
            service="court",
            area=world.councils[0],
        )


def test_closing_and_reopening_need_a_reason_and_are_recorded(world, team):
    with pytest.raises(ValidationError, match="Say why"):
        services.team_close(by=world.manager, team=team, reason="")
    services.team_close(by=world.manager, team=team, reason="Merged into MASH South")
    assert not team.active
    with pytest.raises(ValidationError, match="already closed"):
        services.team_close(by=world.manager, team=team, reason="Again")
    services.team_reopen(by=world.manager, team=team, reason="Split again")
    reasons = [h.history_change_reason for h in team.history.order_by("history_date")]
    assert reasons[-2:] == ["Merged into MASH South", "Split again"]
    assert team.figures.count() == 2


def test_a_change_to_a_team_queues_the_dashboards_recompute_after_commit(
    world, django_capture_on_commit_callbacks
):
    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        team = add(world)
    queued.assert_called_once_with(arrangement_id=world.arrangement.pk)
    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.team_close(by=world.manager, team=team, reason="Merged")
    queued.assert_called_once_with(arrangement_id=world.arrangement.pk)
