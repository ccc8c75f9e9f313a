"""Teams: reference data kept by the trust's managers (monthly return: edit), every change with
its reason in the history. A team is never deleted: closing it keeps its figures and history,
and it is no longer asked for in new returns."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute
from workforce.models import Team


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: it is kept in the history with your name."})
    return reason


def _audited_save(team: Team, *, by, reason: str) -> Team:
    team._history_user, team._change_reason = by, reason
    team.full_clean()
    team.save()
    # The workforce dashboard names teams and their areas.
    snapshot_queue_recompute(arrangement=team.arrangement)
    return team


@transaction.atomic
def team_save(
    *, by, arrangement, reason: str, name: str, service: str, area, team: Team | None = None
) -> Team:
    """Add a team to the arrangement, or change one's name, service or council area. The area
    must be one of the councils commissioning the trust (``Team.clean``)."""
    require(by, Action.EDIT, Kind.RETURN, arrangement)
    reason = _reason(reason)
    if team is not None and team.arrangement_id != arrangement.pk:
        raise ValidationError("That team belongs to another arrangement.")
    team = team or Team(arrangement=arrangement)
    name = (name or "").strip()
    if Team.objects.filter(arrangement=arrangement, name__iexact=name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": f"{arrangement.code} already has a team called “{name}”."})
    team.name, team.service, team.area = name, service, area
    return _audited_save(team, by=by, reason=reason)


@transaction.atomic
def team_close(*, by, team: Team, reason: str) -> Team:
    """Close a team: its figures and history stay; new returns no longer ask for it."""
    require(by, Action.EDIT, Kind.RETURN, team.arrangement)
    reason = _reason(reason)
    if not team.active:
        raise ValidationError(f"{team.name} is already closed.")
    team.active = False
    return _audited_save(team, by=by, reason=reason)


@transaction.atomic
def team_reopen(*, by, team: Team, reason: str) -> Team:
    """Reopen a closed team (closed by mistake, or re-formed)."""
    require(by, Action.EDIT, Kind.RETURN, team.arrangement)
    reason = _reason(reason)
    if team.active:
        raise ValidationError(f"{team.name} is open already.")
    team.active = True
    return _audited_save(team, by=by, reason=reason)
