"""Every write of the workforce app: its teams, and its monthly returns.

Teams are reference data kept by the trust's managers (monthly return: edit), every change with
its reason in the history. A team is never deleted: closing it keeps its figures and history,
and it is no longer asked for in new returns.

Monthly workforce returns: start, save each team's figures, check, submit, approve, return,
correct. The life itself (states, area approvals, locking, revisions, emails) is the shared
mechanism in ``trust_portal.approvals``, as for performance returns and budget monitoring; this
module adds what is particular to the workforce: FTE typed as text to two decimal places, counts
as whole numbers, a team's posts adding up (``TeamFigures.clean``), and every open team reported
before submission.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.approvals import services as approvals
from trust_portal.approvals.checks import Problem, keyed
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.history import audited, audited_save, required_reason
from trust_portal.numbers import digits_value, whole_number
from workforce.models import COUNT_FIELDS, FTE_FIELDS, Team, TeamFigures, WorkforceReturn

# Every figure of a team, in the order the entry form shows them, with its words.
FIELDS = {
    "establishment_fte": "establishment (FTE)",
    "experienced_fte": "experienced permanent (FTE)",
    "asye_fte": "newly qualified in their assessed year, ASYE (FTE)",
    "international_fte": "international in their first year (FTE)",
    "agency_fte": "agency (FTE)",
    "agency_over_establishment_fte": "agency over the establishment, not covering a vacancy (FTE)",
    "vacant_fte": "vacancies with no cover (FTE)",
    "starters": "starters (heads)",
    "starters_fte": "starters (FTE)",
    "leavers": "leavers (heads)",
    "leavers_fte": "leavers (FTE)",
    "open_cases": "open cases held",
    "workers_holding_cases": "workers holding cases",
    "case_holding_fte": "case-holding FTE (permanent and agency)",
    "workers_over_limit": "workers above the caseload limit",
    "unallocated_cases": "unallocated cases",
}
assert set(FIELDS) == {*FTE_FIELDS, *COUNT_FIELDS}

HUNDREDTH = Decimal("0.01")
LARGEST_FTE = Decimal("100000")  # the model's 7 digits, 2 of them hundredths
LARGEST_COUNT = 1_000_000
_FTE = re.compile(r"\d+(\.\d*)?|\.\d+", re.ASCII)  # 0-9 only, never "١٢"
_COUNT = re.compile(r"\d{1,3}(,\d{3})+|\d+", re.ASCII)


# --- Reading what was typed ------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _typed_number(typed, pattern, example: str) -> tuple[str | None, str | None]:
    """(text, None) when what was typed, stripped, is a number of ``pattern``'s form, or
    (None, what is wrong with it, by ``example``). Blank is (None, None)."""
    if _blank(typed):
        return None, None
    text = str(typed).strip()
    if text.startswith(("-", "−")):
        return None, "cannot be negative"
    if not pattern.fullmatch(text):
        return None, f"must be {example}"
    return text, None


def parse_fte(typed) -> tuple[Decimal | None, str | None]:
    """(FTE, None) from what a person typed ("12.5", "3", "0.60"), or (None, what is wrong
    with it). Blank is (None, None)."""
    text, problem = _typed_number(
        typed, _FTE, "a number of full-time equivalents, for example 12.5"
    )
    if text is None:
        return None, problem
    value = Decimal(text)
    if value >= LARGEST_FTE:  # first: quantize() of thousands of digits raises InvalidOperation
        return None, "is too large: under 100,000"
    if value != value.quantize(HUNDREDTH):
        return None, "must have at most 2 decimal places"
    return value.quantize(HUNDREDTH), None


def parse_count(typed) -> tuple[int | None, str | None]:
    """(count, None) from what was typed ("12", "1,234"), or (None, what is wrong)."""
    text, problem = _typed_number(typed, _COUNT, "a whole number, for example 12")
    if text is None:
        return None, problem
    value, too_large = whole_number(text, largest=LARGEST_COUNT - 1)
    if too_large:  # thousands of digits included, which int() alone refuses with a 500
        return None, "is too large: under 1,000,000"
    return value, None


def _parse(field: str, typed):
    return parse_fte(typed) if field in FTE_FIELDS else parse_count(typed)


# All the trust's staff (optional, on the return itself): {key: (model field, words)}.
ALL_STAFF = {
    "fte": ("all_staff_fte", "all staff in post (FTE)"),
    "leavers_fte": ("all_staff_leavers_fte", "all staff's leavers in the 12 months (FTE)"),
}


def _check_all_staff(typed: Mapping) -> dict[str, Decimal | None]:
    """{model field: FTE or None} from {"fte": …, "leavers_fte": …}: both or neither."""
    errors, clean = {}, {}
    for key, (field, words) in ALL_STAFF.items():
        value, problem = parse_fte(typed.get(key))
        if problem:
            entered = str(typed.get(key)).strip()
            errors[f"all_staff.{key}"] = f"The {words} {problem} (you entered “{entered}”)."
        clean[field] = value
    given = [f for f, v in clean.items() if v is not None]
    if not errors and len(given) == 1:
        key, (_, words) = next((k, w) for k, w in ALL_STAFF.items() if w[0] not in given)
        errors[f"all_staff.{key}"] = (
            f"Enter the {words} too, or leave both all-staff figures empty: the all-staff "
            "turnover needs both."
        )
    if errors:
        raise ValidationError(errors)
    return clean


# --- Writes ----------------------------------------------------------------------------------


def workforce_return_start(*, by, arrangement, month: date) -> WorkforceReturn:
    return approvals.submission_start_month(
        model=WorkforceReturn, by=by, arrangement=arrangement, month=month, what="workforce return"
    )


def reportable_teams(workforce_return: WorkforceReturn) -> list[Team]:
    """The teams a return holds figures for: the arrangement's open teams, and any closed team
    that already has figures in it (so a correction can still change or clear them)."""
    reported = workforce_return.figures.values("team_id")
    return list(
        Team.objects.filter(arrangement=workforce_return.arrangement)
        .filter(Q(active=True) | Q(pk__in=reported))
        .select_related("area")
        .order_by("area__code", "service", "name")
    )


def _check_teams(
    workforce_return: WorkforceReturn, teams: Mapping, existing: dict[int, TeamFigures]
) -> dict[int, dict | None]:
    """Parse every team's typed figures; raise every error at once, keyed "TEAMID.field"
    ("12.vacant_fte"), each message naming the team and quoting what was typed. A team whose
    figures are all empty is None (no figures yet)."""
    known = {team.pk: team for team in reportable_teams(workforce_return)}
    errors: dict[str, str] = {}
    clean: dict[int, dict | None] = {}
    for key, typed in teams.items():
        team = known.get(digits_value(key))
        if team is None:
            errors[str(key)] = f"“{key}” is not one of this arrangement's open teams."
            continue
        given = [f for f in FIELDS if not _blank(typed.get(f))]
        if not given:
            clean[team.pk] = None
            continue
        row, failed = {}, False
        for field, words in FIELDS.items():
            if field not in given:
                errors[f"{team.pk}.{field}"] = (
                    f"{team.name}: enter the {words} too (0 if none), or leave all of the "
                    "team's figures empty to finish later."
                )
                failed = True
                continue
            value, problem = _parse(field, typed.get(field))
            if problem:
                entered = str(typed.get(field)).strip()
                errors[f"{team.pk}.{field}"] = (
                    f"{team.name}: the {words} {problem} (you entered “{entered}”)."
                )
                failed = True
            row[field] = value
        if failed:
            continue
        figures = TeamFigures(workforce_return=workforce_return, team=team, **row)
        old = existing.get(team.pk)
        if old is not None:
            figures.pk = old.pk
        try:
            # The return and team are known rows, and the unique (return, team) pair is ours to
            # keep (one row per team above); the workers' check constraint is clean()'s, with
            # words for people. So no query per row here.
            figures.full_clean(
                exclude=["workforce_return", "team"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"{team.pk}.{field}"] = " ".join(f"{team.name}: {m}" for m in messages)
            continue
        clean[team.pk] = row
    if errors:
        raise ValidationError(errors)
    return clean


def _checked(workforce_return, teams: Mapping, existing: dict, all_staff) -> tuple[dict, dict]:
    """(every team's clean figures, the whole staff's clean figures), or every error at once."""
    try:
        clean = _check_teams(workforce_return, teams, existing)
        errors = {}
    except ValidationError as error:
        clean, errors = None, error.message_dict
    staff = {}
    if all_staff is not None:
        try:
            staff = _check_all_staff(all_staff)
        except ValidationError as error:
            errors = {**errors, **error.message_dict}
    if errors:
        raise ValidationError(errors)
    return clean, staff


def _team_changes(clean: dict, existing: dict) -> list[tuple]:
    """[(team id, its figures now or None, its new figures or None)] for each team changed."""
    changes = []
    for team_id, row in clean.items():
        old = existing.get(team_id)
        if row is None:
            if old is not None:
                changes.append((team_id, old, None))
        elif old is None or any(getattr(old, f) != v for f, v in row.items()):
            changes.append((team_id, old, row))
    return changes


def _apply(workforce_return, by, changes: list[tuple], staff: dict) -> None:
    if staff:
        for field, value in staff.items():
            setattr(workforce_return, field, value)
        workforce_return.save(update_fields=list(staff))
    reason = f"Workforce return for {workforce_return.period:%B %Y} saved"
    new = []
    for team_id, old, row in changes:
        if row is None:
            audited(old, by=by, reason=reason).delete()
        elif old is None:
            new.append(TeamFigures(workforce_return=workforce_return, team_id=team_id, **row))
        else:
            for field, value in row.items():
                setattr(old, field, value)
            audited(old, by=by, reason=reason).save()
    if new:
        bulk_create_with_history(new, TeamFigures, default_user=by, default_change_reason=reason)


@transaction.atomic
def workforce_return_save(
    *,
    by,
    workforce_return: WorkforceReturn,
    expected_version: int,
    teams: Mapping,
    all_staff: Mapping | None = None,
    note: str = "",
) -> WorkforceReturn:
    """Save typed figures: {team id: {field: typed text}}, fields as in ``FIELDS``. A team
    left out is unchanged; one with every figure empty has none yet (a draft may be finished
    later). Any error refuses the whole save. ``all_staff`` ({"fte": …, "leavers_fte": …},
    both or neither; None leaves them as they are) is the trust's whole staff, for the
    all-staff turnover.

    Nothing changed, nothing recorded: a save that changes no figure neither moves the version
    nor withdraws the councils' approvals. ``note`` goes into the history with the names of
    the teams changed (the demo says there which months are synthetic).
    """
    approvals.submission_require_editable(
        submission=workforce_return, by=by, name="This workforce return"
    )
    existing = {f.team_id: f for f in workforce_return.figures.select_related("team")}
    clean, staff = _checked(workforce_return, teams, existing, all_staff)
    staff = {f: v for f, v in staff.items() if getattr(workforce_return, f) != v}
    changes = _team_changes(clean, existing)
    if not changes and not staff:
        return workforce_return
    names = {t.pk: t.name for t in Team.objects.filter(pk__in=[c[0] for c in changes])}
    changed = sorted(names.values()) + (["all staff"] if staff else [])
    approvals.submission_record_change(
        submission=workforce_return,
        by=by,
        expected_version=expected_version,
        note=": ".join(filter(None, [note.strip(), ", ".join(changed)])),
    )
    _apply(workforce_return, by, changes, staff)
    return workforce_return


def workforce_return_checks(workforce_return: WorkforceReturn) -> list[Problem]:
    """Every team that stops submission (its figures not entered), by area; or, with no
    teams at all, that."""
    reported = set(workforce_return.figures.values_list("team_id", flat=True))
    teams = Team.objects.filter(arrangement=workforce_return.arrangement, active=True)
    teams = teams.select_related("area").order_by("area__code", "service", "name")
    found = [
        Problem(
            team.name,
            team.area.code if team.area_id else "",
            "enter the team's figures.",
            field=f"{team.pk}__{next(iter(FIELDS))}",
            key=str(team.pk),
        )
        for team in teams
        if team.pk not in reported
    ]
    if not reported and not found:
        found.append(
            Problem(
                "There are no teams to report on",
                "",
                "add the arrangement's teams first.",
                key="teams",
            )
        )
    return found


def workforce_return_problems(workforce_return: WorkforceReturn) -> dict[str, str]:
    """What stops submission, keyed by team id like the save's errors."""
    return keyed(workforce_return_checks(workforce_return))


workforce_return_submit = approvals.kind_submit(
    "workforce_return", problems=workforce_return_problems
)
workforce_return_approve, workforce_return_send_back = approvals.kind_decisions(
    "workforce_return",
    on_approved=lambda arrangement: snapshot_queue_recompute(arrangement=arrangement),
)


def _copy_figures(approved: WorkforceReturn, new: WorkforceReturn, by) -> None:
    staff = [field for field, _ in ALL_STAFF.values()]
    for field in staff:
        setattr(new, field, getattr(approved, field))
    new.save(update_fields=staff)
    copies = [
        TeamFigures(
            workforce_return=new,
            team_id=figures.team_id,
            **{field: getattr(figures, field) for field in FIELDS},
        )
        for figures in approved.figures.all()
    ]
    if copies:
        bulk_create_with_history(
            copies,
            TeamFigures,
            default_user=by,
            default_change_reason=f"Correction of revision {approved.revision}",
        )


workforce_return_correct = approvals.kind_correct("workforce_return", copy_figures=_copy_figures)


# --- Teams -----------------------------------------------------------------------------------


def _audited_save(team: Team, *, by, reason: str) -> Team:
    audited_save(team, by=by, reason=reason)
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
    reason = required_reason(reason)
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
    reason = required_reason(reason)
    if not team.active:
        raise ValidationError(f"{team.name} is already closed.")
    team.active = False
    return _audited_save(team, by=by, reason=reason)


@transaction.atomic
def team_reopen(*, by, team: Team, reason: str) -> Team:
    """Reopen a closed team (closed by mistake, or re-formed)."""
    require(by, Action.EDIT, Kind.RETURN, team.arrangement)
    reason = required_reason(reason)
    if team.active:
        raise ValidationError(f"{team.name} is open already.")
    team.active = True
    return _audited_save(team, by=by, reason=reason)
