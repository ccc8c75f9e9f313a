"""Benefits realisation: what each business case promised, quarter by quarter, and what it
delivered.

A benefit is a saving in pounds or a number (children stepped down from residential care,
assessments done). Each quarter of a financial year has a target and a lower tolerance (the
least that is acceptable); the trust reports the actual once the quarter has begun. RAG: green
at or above the target, amber at or above the lower tolerance, red below it, grey until the
actual is reported.

Who does what (docs/permissions.md, kind "business case"): the trust's managers set benefits
and targets while drafting a case (a draft or a deferred one) and after its approval (then every
change needs a reason, kept in the history), and report actuals on approved cases; council
officers, DfE observers and administrators read them; scrutiny members do not.

Totals never add unlike things: savings are summed per theme and over the programme; a number
is summed only with benefits of the same name ("assessments" never with "children").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from contracts.money import PENNY
from contracts.services.contracts import _amount, _reason
from transformation.access import cases_visible
from transformation.models import Benefit, BenefitQuarter, BusinessCase, Theme
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.history import audited_save
from trust_portal.numbers import money_text, plain_decimal
from trust_portal.periods import financial_year_label as fy_label
from trust_portal.periods import financial_year_of, quarter_label, quarter_start

ZERO = Decimal("0.00")
State = BusinessCase.State
# Benefits and targets are set while a case is drafted (or back with the trust, deferred) and
# kept up to date once approved; a submitted case is the board's to decide as it stands.
EDITABLE = (State.DRAFT, State.DEFERRED, State.APPROVED)
# RAG in words as well as colour (templates/transformation/_benefit_rag.html).
RAG_WORDS = {
    "green": "Green: on target",
    "amber": "Amber: within tolerance",
    "red": "Red: below tolerance",
    "grey": "Grey: not reported yet",
}


# --- Quarters --------------------------------------------------------------------------------


def quarter_has_begun(financial_year: int, quarter: int, today: date | None = None) -> bool:
    return quarter_start(financial_year, quarter) <= (today or timezone.localdate())


def rag_of(actual: Decimal | None, target: Decimal, lower_tolerance: Decimal) -> str:
    """The same rule as ``BenefitQuarter.rag``, for totals."""
    if actual is None:
        return "grey"
    if actual >= target:
        return "green"
    if actual >= lower_tolerance:
        return "amber"
    return "red"


def figure_text(value: Decimal | None, kind: str) -> str:
    """£1,150,000.00 for a saving, 290 for a number; a dash when there is none."""
    if value is None:
        return "–"
    if kind == Benefit.Kind.SAVING:
        return money_text(value)
    return f"{value:,.0f}"


# --- Who sees which benefits -----------------------------------------------------------------


def benefits_visible(user, arrangement=None) -> QuerySet[Benefit]:
    """Benefits of the business cases the user may see (``access.cases_visible``): drafts for
    the trust, cases past the draft for council officers, approved ones for DfE observers and
    administrators, none for scrutiny members or outsiders."""
    return Benefit.objects.filter(business_case__in=cases_visible(user, arrangement).values("pk"))


# --- Writes ----------------------------------------------------------------------------------


def _require_editable(case: BusinessCase) -> None:
    if case.state not in EDITABLE:
        raise ValidationError(
            f"{case.reference} is {case.get_state_display().lower()}: benefits are set on a "
            "draft, deferred or approved case."
        )


def _shown(case: BusinessCase) -> None:
    """An approved case's benefits are on the transformation dashboard: recompute it once the
    change commits (a draft's or a deferred case's are not shown)."""
    if case.state == State.APPROVED:
        snapshot_queue_recompute(arrangement=case.project.arrangement)


def _reason_for(case: BusinessCase, reason: str, default: str) -> str:
    """Once the board has approved a case, what it approved changes only with a reason."""
    if case.state == State.APPROVED:
        return _reason(reason)
    return (reason or "").strip() or default


@transaction.atomic
def benefit_save(
    *,
    by,
    case: BusinessCase,
    name: str,
    kind: str,
    description: str = "",
    benefit: Benefit | None = None,
    reason: str = "",
) -> Benefit:
    """Add a benefit to a case, or change one (the trust's managers)."""
    require(by, Action.EDIT, Kind.BUSINESS_CASE, case.project.arrangement)
    _require_editable(case)
    if benefit is not None and benefit.business_case_id != case.pk:
        raise ValidationError("That benefit belongs to another business case.")
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter the benefit's name, for example 'Children stepped down'."
    elif (
        Benefit.objects.filter(business_case=case, name__iexact=name)
        .exclude(pk=getattr(benefit, "pk", None))
        .exists()
    ):
        errors["name"] = f"{case.reference} already has a benefit called “{name}”."
    if kind not in Benefit.Kind.values:
        errors["kind"] = "Choose savings in pounds or a number."
    elif benefit is not None and kind != benefit.kind and benefit.quarters.exists():
        errors["kind"] = "The kind cannot change once quarters have targets: add a new benefit."
    unchanged = benefit is not None and (benefit.name, benefit.kind, benefit.description) == (
        name,
        kind,
        description,
    )
    try:
        reason = _reason_for(case, reason, "Benefit set while drafting the case")
    except ValidationError as error:
        if not unchanged:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if unchanged:
        return benefit
    benefit = benefit or Benefit(business_case=case)
    benefit.name, benefit.kind, benefit.description = name, kind, description
    audited_save(benefit, by=by, reason=reason)
    _shown(case)
    return benefit


def _figure(text, *, kind: str, field: str, what: str) -> Decimal:
    """A saving to the penny, or a whole number; never below zero."""
    if kind == Benefit.Kind.SAVING:
        return _amount(text, field=field, minimum=ZERO)
    cleaned = str(text if text is not None else "").strip().replace(",", "")
    if not cleaned:
        raise ValidationError({field: f"Enter the {what} as a whole number, for example 25."})
    value = plain_decimal(cleaned)
    if value is None:
        raise ValidationError(
            {field: f"Enter the {what} as a whole number, for example 25 (not “{text}”)."}
        )
    if value != value.to_integral_value():
        raise ValidationError({field: f"Enter the {what} as a whole number, for example 25."})
    if value < 0:
        raise ValidationError({field: f"The {what} cannot be below zero."})
    if value >= Decimal("1e12"):
        raise ValidationError({field: f"The {what} is too large."})
    return value.quantize(PENNY)


def _period(financial_year, quarter) -> tuple[int, int]:
    errors = {}
    try:
        financial_year = int(financial_year)
        if not 2000 <= financial_year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["financial_year"] = "Choose a financial year between 2000/01 and 2100/01."
    try:
        quarter = int(quarter)
        if not 1 <= quarter <= 4:
            raise ValueError
    except (TypeError, ValueError):
        errors["quarter"] = "Choose a quarter from 1 (April to June) to 4 (January to March)."
    if errors:
        raise ValidationError(errors)
    return financial_year, quarter


def _target_figures(kind: str, target, lower_tolerance) -> dict[str, Decimal]:
    """A target and lower tolerance read and checked: at least zero, to the penny (savings) or
    whole (numbers), the tolerance at most the target."""
    errors, figures = {}, {}
    for name, text, what in (
        ("target", target, "target"),
        ("lower_tolerance", lower_tolerance, "lower tolerance"),
    ):
        try:
            figures[name] = _figure(text, kind=kind, field=name, what=what)
        except ValidationError as error:
            errors.update(error.message_dict)
    if not errors and figures["lower_tolerance"] > figures["target"]:
        errors["lower_tolerance"] = (
            "The lower tolerance is the least that is acceptable: it cannot be above the target "
            f"({figure_text(figures['target'], kind)})."
        )
    if errors:
        raise ValidationError(errors)
    return figures


@transaction.atomic
def quarter_set_target(
    *,
    by,
    benefit: Benefit,
    financial_year: int,
    quarter: int,
    target,
    lower_tolerance,
    reason: str = "",
) -> BenefitQuarter:
    """Set a quarter's target and lower tolerance (the trust's managers, on a draft, deferred or
    approved case; on an approved case only with a reason)."""
    case = benefit.business_case
    require(by, Action.EDIT, Kind.BUSINESS_CASE, case.project.arrangement)
    _require_editable(case)
    financial_year, quarter = _period(financial_year, quarter)
    figures = _target_figures(benefit.kind, target, lower_tolerance)
    row = BenefitQuarter.objects.filter(
        benefit=benefit, financial_year=financial_year, quarter=quarter
    ).first()
    if row and (row.target, row.lower_tolerance) == (figures["target"], figures["lower_tolerance"]):
        return row
    reason = _reason_for(case, reason, "Target set while drafting the case")
    row = row or BenefitQuarter(benefit=benefit, financial_year=financial_year, quarter=quarter)
    row.target, row.lower_tolerance = figures["target"], figures["lower_tolerance"]
    audited_save(row, by=by, reason=reason)
    _shown(case)
    return row


@transaction.atomic
def benefit_plan(
    *,
    by,
    case: BusinessCase,
    name: str,
    kind: str,
    description: str = "",
    financial_year: int,
    targets: dict,
    benefit: Benefit | None = None,
    reason: str = "",
) -> Benefit:
    """A benefit and a year's targets in one go (the add and change pages): ``targets`` is
    {quarter: (target, lower tolerance)}; a quarter left blank is not set (or, once set,
    refused: a target is changed, never removed). Errors are keyed ``q1_target``,
    ``q1_lower_tolerance``… so the page shows each beside its box."""
    errors = {}
    benefit, kind = _plan_details(
        errors,
        by=by,
        case=case,
        name=name,
        kind=kind,
        description=description,
        benefit=benefit,
        reason=reason,
    )
    _plan_targets(
        errors,
        by=by,
        benefit=benefit,
        kind=kind,
        financial_year=financial_year,
        targets=targets,
        reason=reason,
    )
    if errors:
        raise ValidationError(errors)
    return benefit


def _field_errors(save, *args, **kwargs) -> tuple[object, ValidationError | None]:
    """(``save(…)``'s result, None), or (None, its mistakes) when they are a form's field
    errors, so benefit_plan goes on checking and shows every mistake at once. Any other error
    stops it."""
    try:
        return save(*args, **kwargs), None
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        return None, error


def _plan_details(errors: dict, *, by, case, name, kind, description, benefit, reason):
    """Save the benefit's own details for benefit_plan; on a mistake, note it and go on."""
    saved, error = _field_errors(
        benefit_save,
        by=by,
        case=case,
        name=name,
        kind=kind,
        description=description,
        benefit=benefit,
        reason=reason,
    )
    if error is None:
        return saved, saved.kind
    # Go on checking the targets, so every mistake is shown at once; nothing is saved.
    errors.update(error.message_dict)
    return None, benefit.kind if benefit and benefit.quarters.exists() else kind


def _plan_targets(errors: dict, *, by, benefit, kind, financial_year, targets, reason):
    """Set (or, with no benefit saved, only check) benefit_plan's quarter targets."""
    existing = set()
    if benefit is not None:
        existing = set(
            benefit.quarters.filter(financial_year=financial_year).values_list("quarter", flat=True)
        )
    for quarter, (target, tolerance) in sorted(targets.items()):
        blank = [str(v or "").strip() == "" for v in (target, tolerance)]
        if (all(blank) and quarter not in existing) or kind not in Benefit.Kind.values:
            continue
        if benefit is None:
            _, error = _field_errors(_target_figures, kind, target, tolerance)
        else:
            _, error = _field_errors(
                quarter_set_target,
                by=by,
                benefit=benefit,
                financial_year=financial_year,
                quarter=quarter,
                target=target,
                lower_tolerance=tolerance,
                reason=reason,
            )
        if error is not None:
            _plan_quarter_errors(errors, error, financial_year, quarter)


def _plan_quarter_errors(errors: dict, error: ValidationError, financial_year, quarter):
    """Key one quarter's mistakes by its boxes (q1_target…), the reason's once."""
    label = quarter_label(financial_year, quarter)
    for key, messages in error.message_dict.items():
        if key == "reason":
            errors.setdefault(key, messages)
        else:  # named, as four quarters' boxes share their labels
            errors[f"q{quarter}_{key}"] = [f"{label}: {m}" for m in messages]


@transaction.atomic
def quarter_report_actual(
    *,
    by,
    benefit: Benefit,
    financial_year: int,
    quarter: int,
    actual,
    commentary: str = "",
    reason: str = "",
    today: date | None = None,
) -> BenefitQuarter:
    """The trust reports what an approved case delivered in a quarter that has begun. Below the
    lower tolerance (red) it says why; replacing an actual already reported needs a reason."""
    case = benefit.business_case
    require(by, Action.EDIT, Kind.BUSINESS_CASE, case.project.arrangement)
    if case.state != State.APPROVED:
        raise ValidationError(
            f"{case.reference} is {case.get_state_display().lower()}: actuals are reported "
            "once the board has approved the case."
        )
    financial_year, quarter = _period(financial_year, quarter)
    label = quarter_label(financial_year, quarter)
    if not quarter_has_begun(financial_year, quarter, today):
        start = quarter_start(financial_year, quarter)
        raise ValidationError(
            {"quarter": f"{label} has not begun: report it from {start:%-d %B %Y}."}
        )
    row = BenefitQuarter.objects.filter(
        benefit=benefit, financial_year=financial_year, quarter=quarter
    ).first()
    if row is None:
        raise ValidationError({"quarter": f"Set {label}'s target before reporting its actual."})
    value = _figure(actual, kind=benefit.kind, field="actual", what="actual")
    commentary = (commentary or "").strip()
    if rag_of(value, row.target, row.lower_tolerance) == "red" and not commentary:
        raise ValidationError(
            {
                "commentary": (
                    f"{figure_text(value, benefit.kind)} is below the lower tolerance of "
                    f"{figure_text(row.lower_tolerance, benefit.kind)}: say why, and what is "
                    "being done."
                )
            }
        )
    if row.actual is not None:
        if (row.actual, row.commentary) == (value, commentary):
            return row
        reason = _reason(reason)
    else:
        reason = (reason or "").strip() or "Actual reported"
    row.actual, row.commentary = value, commentary
    row.reported_by, row.reported_at = by, timezone.now()
    audited_save(row, by=by, reason=reason)
    _shown(case)
    return row


# --- Reads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Targets, lower tolerances and actuals added up. ``target``, ``lower_tolerance`` and
    ``actual`` count only the quarters reported, so the RAG compares like with like;
    ``year_target`` is every quarter's target in the year."""

    kind: str
    target: Decimal = ZERO
    lower_tolerance: Decimal = ZERO
    actual: Decimal | None = None
    year_target: Decimal = ZERO
    quarters: int = 0
    reported: int = 0

    @property
    def rag(self) -> str:
        return rag_of(self.actual, self.target, self.lower_tolerance)

    @property
    def rag_words(self) -> str:
        return RAG_WORDS[self.rag]

    def text(self, name: str) -> str:
        return figure_text(getattr(self, name), self.kind)

    def add(self, row: BenefitQuarter) -> Totals:
        reported = row.actual is not None
        return Totals(
            kind=self.kind,
            target=self.target + (row.target if reported else ZERO),
            lower_tolerance=self.lower_tolerance + (row.lower_tolerance if reported else ZERO),
            actual=((self.actual or ZERO) + row.actual) if reported else self.actual,
            year_target=self.year_target + row.target,
            quarters=self.quarters + 1,
            reported=self.reported + reported,
        )


@dataclass
class CountTotals:
    """A number added up over the benefits of one name (never across names)."""

    name: str
    totals: Totals
    cases: list[str] = field(default_factory=list)  # the references contributing


@dataclass
class ThemeTotals:
    theme: str
    label: str
    savings: Totals | None  # None when the theme has no savings benefit
    counts: list[CountTotals]


@dataclass
class ProgrammeTotals:
    financial_year: int
    themes: list[ThemeTotals]
    savings: Totals | None
    counts: list[CountTotals]

    @property
    def label(self) -> str:
        return fy_label(self.financial_year)


def _year_rows(arrangement, financial_year: int) -> QuerySet[Benefit]:
    """Approved cases' benefits with a quarter in the year, and those quarters."""
    quarters = BenefitQuarter.objects.filter(financial_year=financial_year)
    return (
        Benefit.objects.filter(
            business_case__project__arrangement=arrangement,
            business_case__state=State.APPROVED,
            quarters__financial_year=financial_year,
        )
        .distinct()
        .select_related("business_case__project")
        .prefetch_related(Prefetch("quarters", quarters, to_attr="year_quarters"))
        .order_by("business_case__project__theme", "business_case__reference", "name")
    )


def _counts(groups: dict) -> list[CountTotals]:
    return sorted(groups.values(), key=lambda c: c.name.lower())


def benefit_totals(arrangement, financial_year: int) -> ProgrammeTotals:
    """Per theme and over the programme, the approved cases' benefits in a financial year:
    savings added up; numbers added up only with benefits of the same name."""
    themes: dict[str, dict] = {}
    overall_savings, overall_counts = None, {}
    for benefit in _year_rows(arrangement, financial_year):
        theme = themes.setdefault(
            benefit.business_case.project.theme, {"savings": None, "counts": {}}
        )
        reference = benefit.business_case.reference
        if benefit.kind == Benefit.Kind.SAVING:
            theme_totals = theme["savings"] or Totals(kind=Benefit.Kind.SAVING)
            overall_savings = overall_savings or Totals(kind=Benefit.Kind.SAVING)
            for row in benefit.year_quarters:
                theme_totals, overall_savings = theme_totals.add(row), overall_savings.add(row)
            theme["savings"] = theme_totals
            continue
        key = benefit.name.strip().lower()
        for groups in (theme["counts"], overall_counts):
            group = groups.setdefault(key, CountTotals(benefit.name, Totals(kind=benefit.kind)))
            for row in benefit.year_quarters:
                group.totals = group.totals.add(row)
            if reference not in group.cases:
                group.cases.append(reference)
    labels = dict(Theme.choices)
    return ProgrammeTotals(
        financial_year=financial_year,
        themes=[
            ThemeTotals(value, labels[value], found["savings"], _counts(found["counts"]))
            for value, found in ((v, themes[v]) for v in Theme.values if v in themes)
        ],
        savings=overall_savings,
        counts=_counts(overall_counts),
    )


def programme_benefit_totals(arrangement, financial_year: int | None) -> ProgrammeTotals | None:
    """For the programme overview: a year's totals, or None when no approved case has a
    benefit with a target in that year (the overview then says nothing about benefits). With no
    year: the latest year with targets that has begun (else the earliest one to come)."""
    if financial_year is None:
        years = sorted(
            set(
                BenefitQuarter.objects.filter(
                    benefit__business_case__project__arrangement=arrangement,
                    benefit__business_case__state=State.APPROVED,
                ).values_list("financial_year", flat=True)
            )
        )
        if not years:
            return None
        current = financial_year_of(timezone.localdate())
        begun = [y for y in years if y <= current]
        financial_year = begun[-1] if begun else years[0]
    totals = benefit_totals(arrangement, financial_year)
    return totals if totals.themes else None


def benefit_years(benefits) -> list[int]:
    """The financial years the benefits have quarters in, newest first."""
    return sorted(
        set(
            BenefitQuarter.objects.filter(benefit__in=benefits).values_list(
                "financial_year", flat=True
            )
        ),
        reverse=True,
    )


def quarter_grid(rows) -> list[tuple[int, BenefitQuarter | None]]:
    """Quarters 1 to 4 of one year, None where no target is set."""
    by_quarter = {row.quarter: row for row in rows}
    return [(q, by_quarter.get(q)) for q in (1, 2, 3, 4)]


def theme_groups(benefits) -> list[tuple[str, list[Benefit]]]:
    """Benefits under their theme's label, the themes in the programme's order."""
    grouped = defaultdict(list)
    for benefit in benefits:
        grouped[benefit.business_case.project.theme].append(benefit)
    labels = dict(Theme.choices)
    return [(labels[t], grouped[t]) for t in Theme.values if t in grouped]
