"""The risk register of the transformation programme: risks to one project, or to the
programme as a whole (no project), each scored likelihood × impact on the usual 5×5 grid.

Who does what (docs/permissions.md, kind "business case"): the trust's managers add, change,
review, close and reopen risks; everyone in the arrangement who may read business cases reads the
register (council officers, DfE observers, administrators); scrutiny members do not.

Every write names who and why in django-simple-history, as ``contracts/services/contracts.py``
does; a review's history reason starts "Reviewed:", a closure's "Closed:" and a reopening's
"Reopened:", so the history reads as the register's log.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from contracts.services.contracts import _reason
from transformation.models import Project, Risk
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.history import audited_save
from trust_portal.numbers import digits_value

SCALE = range(1, 6)
LIKELIHOOD = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT = {1: "Minimal", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
LIKELIHOOD_MESSAGE = "Enter the likelihood as a whole number from 1 (rare) to 5 (almost certain)"
IMPACT_MESSAGE = "Enter the impact as a whole number from 1 (minimal) to 5 (severe)"
REVIEWED, CLOSED, REOPENED = "Reviewed: ", "Closed: ", "Reopened: "
ALREADY_OPEN = "{} is open: only a closed risk can be reopened."
# A reference names the risk in addresses: no spaces or slashes, and a number in it, so it is
# never a word the register's own pages use ("new").
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")


# --- Checks ---------------------------------------------------------------------------------


def _scale(value, *, message: str) -> int:
    """A whole number 1 to 5 from what was typed or sent ("3", 3); anything else refused."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = "" if value is None or isinstance(value, bool) else str(value).strip()
        number = digits_value(text)
        if number is None:
            raise ValidationError(f"{message}{f', not “{text}”' if text else ''}.")
    if number not in SCALE:
        raise ValidationError(f"{message}, not {number}.")
    return number


def _scores(likelihood, impact) -> tuple[dict, int | None, int | None]:
    errors, values = {}, {}
    for field, value, message in (
        ("likelihood", likelihood, LIKELIHOOD_MESSAGE),
        ("impact", impact, IMPACT_MESSAGE),
    ):
        try:
            values[field] = _scale(value, message=message)
        except ValidationError as error:
            errors[field] = error.messages
    return errors, values.get("likelihood"), values.get("impact")


def _text(value) -> str:
    return (value or "").strip()


def _require_open(risk: Risk) -> None:
    if risk.status != Risk.Status.OPEN:
        raise ValidationError(f"{risk.reference} is closed: a closed risk is kept as it was.")


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def risk_save(
    *,
    by,
    arrangement,
    reason: str,
    risk: Risk | None = None,
    reference: str,
    title: str,
    description: str,
    project: Project | None = None,
    likelihood,
    impact,
    owner: str,
    mitigation: str,
    review_date: date | None,
) -> Risk:
    """Add a risk to the register (``risk`` None) or change one, with the reason why. A
    recorded risk's review may already be due: the register flags it."""
    require(by, Action.EDIT, Kind.BUSINESS_CASE, arrangement)
    reason = _reason(reason)
    if risk is not None:
        if risk.arrangement_id != arrangement.pk:
            raise ValidationError("That risk is in another programme's register.")
        _require_open(risk)
    errors, likelihood, impact = _scores(likelihood, impact)
    reference = _text(reference).upper()
    errors.update(_reference_errors(reference, arrangement, risk))
    if project is not None and project.arrangement_id != arrangement.pk:
        errors["project"] = ["Choose one of this programme's projects, or none."]
    errors.update(_required_errors(title, description, owner, mitigation, review_date))
    if errors:
        raise ValidationError(errors)
    row = risk or Risk(arrangement=arrangement)
    new = {
        "reference": reference,
        "title": _text(title),
        "description": _text(description),
        "project": project,
        "likelihood": likelihood,
        "impact": impact,
        "owner": _text(owner),
        "mitigation": _text(mitigation),
        "review_date": review_date,
    }
    if risk is not None and all(getattr(risk, k) == v for k, v in new.items()):
        raise ValidationError("Nothing changed: that is the risk as it is recorded.")
    for field, value in new.items():
        setattr(row, field, value)
    return audited_save(row, by=by, reason=reason)


def _reference_errors(reference: str, arrangement, risk: Risk | None) -> dict:
    """The mistakes in a risk's reference: its form, its length, or one already taken."""
    if not REFERENCE.match(reference) or not any(ch.isdigit() for ch in reference):
        return {
            "reference": [
                "Enter a reference such as R07 or TR-12: letters, digits, dots and hyphens, "
                "with a number."
            ]
        }
    if len(reference) > 20:
        return {"reference": ["Enter a reference of 20 characters or fewer."]}
    taken = Risk.objects.filter(arrangement=arrangement, reference__iexact=reference)
    if risk is not None:
        taken = taken.exclude(pk=risk.pk)
    if taken.exists():
        return {"reference": [f"The register already has a risk {reference}."]}
    return {}


def _required_errors(title, description, owner, mitigation, review_date) -> dict:
    """The mistakes of a risk's required boxes left blank, in the form's order."""
    errors = {}
    required = {
        "title": (title, "Enter a short title for the risk."),
        "description": (description, "Describe the risk: what might happen, and its effect."),
        "owner": (owner, "Enter who owns the risk, for example 'Director of Children's Services'."),
        "mitigation": (mitigation, "Enter what is being done to reduce the risk."),
    }
    for field, (value, message) in required.items():
        if not _text(value):
            errors[field] = [message]
    if review_date is None:
        errors["review_date"] = ["Enter the date the risk is next reviewed."]
    return errors


@transaction.atomic
def risk_review(
    *, by, risk: Risk, likelihood, impact, mitigation: str, review_date: date | None, note: str
) -> Risk:
    """Record a review: the scores and mitigation as they now stand (the same ones, if nothing
    moved), the date of the next review, and what the review found."""
    require(by, Action.EDIT, Kind.BUSINESS_CASE, risk.arrangement)
    _require_open(risk)
    errors, likelihood, impact = _scores(likelihood, impact)
    if not _text(mitigation):
        errors["mitigation"] = ["Enter what is being done to reduce the risk."]
    today = timezone.localdate()
    if review_date is None:
        errors["review_date"] = ["Enter the date of the next review."]
    elif review_date <= today:
        errors["review_date"] = [f"The next review must be after today ({today:%-d %B %Y})."]
    if not _text(note):
        errors["note"] = ["Say what the review found: it is kept in the history with your name."]
    if errors:
        raise ValidationError(errors)
    risk.likelihood, risk.impact = likelihood, impact
    risk.mitigation, risk.review_date = _text(mitigation), review_date
    return audited_save(risk, by=by, reason=REVIEWED + _text(note))


@transaction.atomic
def risk_close(*, by, risk: Risk, reason: str) -> Risk:
    """Close a risk that has passed or been dealt with; it stays in the register, closed."""
    require(by, Action.EDIT, Kind.BUSINESS_CASE, risk.arrangement)
    reason = _reason(reason)
    _require_open(risk)
    risk.status = Risk.Status.CLOSED
    return audited_save(risk, by=by, reason=CLOSED + reason)


@transaction.atomic
def risk_reopen(*, by, risk: Risk, reason: str, review_date: date | None) -> Risk:
    """Reopen a closed risk that has come back: open again (on the register, its heat map and
    the overdue flags) with the date of its next review, today or later. Its closure, with
    its reason and date, stays in the history; the scores stay as they were until a review."""
    require(by, Action.EDIT, Kind.BUSINESS_CASE, risk.arrangement)
    if risk.status != Risk.Status.CLOSED:
        raise ValidationError(ALREADY_OPEN.format(risk.reference))
    errors = {}
    if not _text(reason):
        errors["reason"] = ["Say why the risk is reopened: it is kept in the history."]
    today = timezone.localdate()
    if review_date is None:
        errors["review_date"] = ["Enter the date of the next review: a reopened risk needs one."]
    elif review_date < today:
        errors["review_date"] = [
            f"The next review must be today ({today:%-d %B %Y}) or later, not in the past."
        ]
    if errors:
        raise ValidationError(errors)
    risk.status, risk.review_date = Risk.Status.OPEN, review_date
    return audited_save(risk, by=by, reason=REOPENED + _text(reason))


# --- Reads ----------------------------------------------------------------------------------


def register(arrangement) -> QuerySet[Risk]:
    """The arrangement's risks, highest score first, then the earliest review."""
    return (
        Risk.objects.filter(arrangement=arrangement)
        .select_related("project", "arrangement__trust")
        .annotate(points=F("likelihood") * F("impact"))
        .order_by("-points", "review_date", "reference")
    )


def overdue(risks, today: date):
    """The open risks whose review date has passed (a review due today is not overdue yet).
    A queryset stays a queryset; any other collection of risks gives a list."""
    if isinstance(risks, QuerySet):
        return risks.filter(status=Risk.Status.OPEN, review_date__lt=today)
    return [r for r in risks if r.review_overdue(today)]


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        return Risk(likelihood=self.likelihood, impact=self.impact).rating  # the model's bands


def heat_map(risks) -> list[list[HeatCell]]:
    """How many of the risks sit in each square of the 5×5 grid: rows are likelihood from 5
    (top) down to 1, columns impact from 1 (left) to 5, so the highest scores are top right.
    Counts what it is given: the register's page gives it the open risks."""
    if isinstance(risks, QuerySet):
        pairs = risks.values_list("likelihood", "impact")
    else:
        pairs = ((r.likelihood, r.impact) for r in risks)
    counts = Counter(pairs)
    return [
        [HeatCell(likelihood, impact, counts[(likelihood, impact)]) for impact in SCALE]
        for likelihood in reversed(SCALE)
    ]


@dataclass(frozen=True)
class HistoryEntry:
    record: object  # the historical row: history_date, history_user, history_change_reason
    what: str  # "added", "changed", "reviewed", "closed" or "reopened"
    reason: str
    changes: list[tuple[str, object, object]]  # (field label, old, new)
    score: tuple[int, int] | None  # (old, new) when the score moved


SHOWN = [
    "reference",
    "title",
    "description",
    "project",
    "likelihood",
    "impact",
    "owner",
    "mitigation",
    "review_date",
    "status",
]


def risk_history(risk: Risk) -> list[HistoryEntry]:
    """The risk's history, newest first: who, when, why, and each field's old → new value."""
    records = list(risk.history.select_related("history_user").order_by("-history_date", "-pk"))
    names = dict(Project.objects.filter(arrangement=risk.arrangement).values_list("pk", "name"))

    def shown(field, value):
        if field == "project":
            return names.get(value, "Programme-level") if value else "Programme-level"
        if isinstance(value, date):
            return f"{value:%-d %B %Y}"
        if field == "status":
            return Risk.Status(value).label if value in Risk.Status.values else value
        return value

    entries = []
    for n, newer in enumerate(records):
        older = records[n + 1] if n + 1 < len(records) else None
        reason = newer.history_change_reason or ""
        changes, score = [], None
        if older is not None:
            diff = {c.field: c for c in newer.diff_against(older, included_fields=SHOWN).changes}
            changes = [
                (
                    Risk._meta.get_field(f).verbose_name.capitalize(),
                    shown(f, diff[f].old),
                    shown(f, diff[f].new),
                )
                for f in SHOWN
                if f in diff
            ]
            before = older.likelihood * older.impact
            after = newer.likelihood * newer.impact
            score = (before, after) if before != after else None
        if newer.history_type == "+":
            what = "added"
        elif reason.startswith(REVIEWED):
            what, reason = "reviewed", reason.removeprefix(REVIEWED)
        elif reason.startswith(CLOSED):
            what, reason = "closed", reason.removeprefix(CLOSED)
        elif reason.startswith(REOPENED):
            what, reason = "reopened", reason.removeprefix(REOPENED)
        else:
            what = "changed"
        entries.append(HistoryEntry(newer, what, reason, changes, score))
    return entries


def last_closed(history: list[HistoryEntry]) -> HistoryEntry | None:
    """The risk's latest closure (its history, newest first), if it was ever closed."""
    return next((entry for entry in history if entry.what == "closed"), None)


def last_reviewed(history: list[HistoryEntry]) -> date | None:
    """When the risk was last reviewed (its history, newest first), if ever."""
    for entry in history:
        if entry.what == "reviewed":
            return timezone.localdate(entry.record.history_date)
    return None
