"""Teams: reference data kept by the trust's managers, each change with a reason in the
history; a team serves one of the trust's council areas; closing keeps its figures."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import CAST
from trust_portal.accounts.models import Organisation
from workforce import services
from workforce.models import Team


def add(cast, nct, who="nct-manager", **overrides):
    fields = {
        "name": "Court Team West",
        "service": "court",
        "area": Organisation.objects.get(code="WNC"),
        "reason": "New team",
    }
    return services.team_save(by=cast[who], arrangement=nct, **{**fields, **overrides})


def test_the_trust_adds_a_team_with_its_reason_in_the_history(cast, nct):
    team = add(cast, nct)
    assert (team.arrangement, team.area.code, team.active) == (nct, "WNC", True)
    record = team.history.get()
    assert (record.history_user, record.history_change_reason) == (cast["nct-manager"], "New team")


@pytest.mark.parametrize("who", [w for w in CAST if w != "nct-manager"])
def test_only_the_trusts_managers_keep_the_teams(cast, nct, who):
    with pytest.raises(PermissionDenied):
        add(cast, nct, who=who)
    team = Team.objects.filter(arrangement=nct).first()
    with pytest.raises(PermissionDenied):
        services.team_close(by=cast[who], team=team, reason="x")


def test_a_team_serves_one_of_the_trusts_council_areas(cast, nct):
    with pytest.raises(ValidationError) as refused:
        add(cast, nct, area=Organisation.objects.get(code="OCC"))
    assert refused.value.message_dict["area"] == ["Choose one of the trust's council areas."]


@pytest.mark.parametrize(("field", "value"), [("reason", " "), ("name", ""), ("service", "x")])
def test_a_team_needs_a_reason_a_name_and_a_known_service(cast, nct, field, value):
    with pytest.raises(ValidationError) as refused:
        add(cast, nct, **{field: value})
    assert field in refused.value.message_dict


def test_a_name_is_used_once_in_an_arrangement_whatever_its_case(cast, nct):
    with pytest.raises(ValidationError, match="already has a team called"):
        add(cast, nct, name="mash NORTH")


def test_renaming_a_team_keeps_its_figures_and_records_why(cast, nct):
    team = Team.objects.get(arrangement=nct, name="MASH North")
    figures = team.figures.count()
    services.team_save(
        by=cast["nct-manager"],
        arrangement=nct,
        team=team,
        reason="Renamed",
        name="Front Door North",
        service=team.service,
        area=team.area,
    )
    team.refresh_from_db()
    assert team.name == "Front Door North" and team.figures.count() == figures == 13
    assert team.history.latest().history_change_reason == "Renamed"


def test_a_team_of_another_arrangement_cannot_be_changed_through_this_one(cast, nct):
    other = Team.objects.create(
        arrangement=cast["oct-manager"].organisation.arrangement_as_trust,
        name="Oak",
        service="court",
        area=Organisation.objects.get(code="OCC"),
    )
    with pytest.raises(ValidationError, match="another arrangement"):
        services.team_save(
            by=cast["nct-manager"],
            arrangement=nct,
            team=other,
            reason="x",
            name="Mine",
            service="court",
            area=Organisation.objects.get(code="WNC"),
        )


def test_closing_and_reopening_need_a_reason_and_are_recorded(cast, nct):
    team = Team.objects.get(arrangement=nct, name="MASH West")
    with pytest.raises(ValidationError, match="Say why"):
        services.team_close(by=cast["nct-manager"], team=team, reason="")
    services.team_close(by=cast["nct-manager"], team=team, reason="Merged into MASH North")
    assert not team.active
    with pytest.raises(ValidationError, match="already closed"):
        services.team_close(by=cast["nct-manager"], team=team, reason="Again")
    services.team_reopen(by=cast["nct-manager"], team=team, reason="Split again")
    reasons = [h.history_change_reason for h in team.history.order_by("history_date")]
    assert reasons[-2:] == ["Merged into MASH North", "Split again"]
    assert team.figures.count() == 13


def test_a_change_to_a_team_queues_the_dashboards_recompute_after_commit(
    cast, nct, django_capture_on_commit_callbacks
):
    from unittest import mock

    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        team = add(cast, nct)
    queued.assert_called_once_with(arrangement_id=nct.pk)
    with (
        mock.patch("trust_portal.dashboards.services.recompute_request") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.team_close(by=cast["nct-manager"], team=team, reason="Merged")
    queued.assert_called_once_with(arrangement_id=nct.pk)
