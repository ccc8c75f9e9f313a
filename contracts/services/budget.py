"""Monthly budget monitoring: start, save figures, check, submit, approve, return, correct;
and the reads the review page and the API share (variance by category, each council's share
of the over- or underspend).

The life itself (states, area approvals, locking, revisions, emails) is the shared mechanism
in ``trust_portal.approvals``, as for performance returns; this module adds what is particular
to money. Every amount is a ``Decimal`` of pounds and pence; splits go through
``contracts.money``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from contracts import money
from contracts.models import BudgetLine, BudgetReturn, ContractYear
from trust_portal.approvals import services as approvals
from trust_portal.approvals.checks import Problem, keyed
from trust_portal.approvals.models import State
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.history import audited
from trust_portal.numbers import money_text
from trust_portal.periods import financial_year_label, financial_year_of
from trust_portal.webhooks.models import Event
from trust_portal.webhooks.services import event_record

Category = BudgetLine.Category
CATEGORIES = [c.value for c in Category]
AMOUNTS = {
    "budget": "budget",
    "actual_to_date": "actual to date",
    "forecast_outturn": "forecast outturn",
}
# A forecast outturn more than this percentage of the budget above or below it needs a
# commentary before the month can be submitted. 5% is this service's choice (the contract
# sets no figure): on a £90m placements budget it is £4.5m, large enough not to ask for words
# every month, small enough that a real pressure is always explained.
COMMENTARY_THRESHOLD = Decimal("5")
LINE_FIELDS = ("category", *AMOUNTS, "commentary")  # what a correction copies
ZERO = Decimal("0.00")


# --- Writes ----------------------------------------------------------------------------------


def budget_return_start(*, by, arrangement, month: date) -> BudgetReturn:
    return approvals.submission_start_month(
        model=BudgetReturn, by=by, arrangement=arrangement, month=month, what="budget monitoring"
    )


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _check_lines(lines: Mapping[str, Mapping]) -> dict[str, dict]:
    """Parse every category's typed figures; raise every error at once, keyed
    "category.field" ("placements.budget"), each message quoting what was typed."""
    errors: dict[str, str] = {}
    clean: dict[str, dict] = {}
    for category, typed in lines.items():
        if category not in CATEGORIES:
            errors[str(category)] = (
                f"“{category}” is not a spend category: use one of {', '.join(CATEGORIES)}."
            )
            continue
        label = Category(category).label
        row = {"commentary": str(typed.get("commentary") or "").strip()}
        for field, words in AMOUNTS.items():
            value, problem = money.parse_pounds(typed.get(field))
            if problem:
                entered = str(typed.get(field)).strip()
                errors[f"{category}.{field}"] = (
                    f"{label}: the {words} {problem} (you entered “{entered}”)."
                )
            row[field] = value
        given = [f for f in AMOUNTS if not _blank(typed.get(f))]
        if given and len(given) < len(AMOUNTS):
            for field in AMOUNTS:
                if field not in given:
                    errors[f"{category}.{field}"] = (
                        f"{label}: enter the {AMOUNTS[field]} too, or leave all three amounts "
                        "empty to finish later."
                    )
        elif not given and row["commentary"]:
            errors[f"{category}.commentary"] = (
                f"{label}: enter the budget, actual to date and forecast outturn that the "
                "commentary explains."
            )
        clean[category] = row
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def budget_return_save(
    *, by, budget_return: BudgetReturn, expected_version: int, lines: Mapping[str, Mapping]
) -> BudgetReturn:
    """Save typed figures: {category: {"budget", "actual_to_date", "forecast_outturn",
    "commentary"}}. A category left out is unchanged; one with all three amounts empty has no
    figures yet (a draft may be finished later). Any error refuses the whole save.

    Nothing changed, nothing recorded: a save that changes no figure neither moves the
    version nor withdraws the councils' approvals.
    """
    approvals.submission_require_editable(
        submission=budget_return, by=by, name="This month's budget monitoring"
    )
    clean = _check_lines(lines)
    existing = {line.category: line for line in budget_return.lines.all()}
    changes = []
    for category, row in clean.items():
        old = existing.get(category)
        if row["budget"] is None:
            if old is not None:
                changes.append((category, old, None))
            continue
        figures = {field: row[field] for field in (*AMOUNTS, "commentary")}
        if old is None or any(getattr(old, f) != v for f, v in figures.items()):
            changes.append((category, old, figures))
    if not changes:
        return budget_return
    labels = ", ".join(Category(category).label for category, _, _ in changes)
    approvals.submission_record_change(
        submission=budget_return, by=by, expected_version=expected_version, note=labels
    )
    reason = f"Budget monitoring for {budget_return.period:%B %Y} saved"
    for category, old, figures in changes:
        if figures is None:
            audited(old, by=by, reason=reason).delete()
            continue
        line = old or BudgetLine(budget_return=budget_return, category=category)
        for field, value in figures.items():
            setattr(line, field, value)
        line.full_clean()
        audited(line, by=by, reason=reason).save()
    return budget_return


def needs_commentary(line: BudgetLine) -> bool:
    """Is the forecast outturn more than COMMENTARY_THRESHOLD % above or below budget?"""
    if line.budget == 0:
        return line.forecast_outturn != 0
    return abs(line.variance) * 100 > COMMENTARY_THRESHOLD * abs(line.budget)


def budget_return_checks(budget_return: BudgetReturn) -> list[Problem]:
    """Every spend category that stops submission: not entered, or more than
    COMMENTARY_THRESHOLD % over or under budget without a commentary."""
    lines = {line.category: line for line in budget_return.lines.all()}
    found = []
    for category in Category:
        line = lines.get(category.value)
        if line is None:
            found.append(
                Problem(
                    category.label,
                    "",
                    "enter the budget, actual to date and forecast outturn.",
                    field=f"{category.value}__budget",
                    key=category.value,
                )
            )
        elif needs_commentary(line) and not line.commentary.strip():
            over = "over" if line.variance > 0 else "under"
            pct = variance_percent(line.variance, line.budget)
            size = f"{pct.copy_abs()}% " if pct is not None else ""
            found.append(
                Problem(
                    category.label,
                    "",
                    f"the forecast outturn is {size}{over} budget (more than "
                    f"{COMMENTARY_THRESHOLD}%). Add a commentary to explain it.",
                    field=f"{category.value}__commentary",
                    commentary=True,
                    key=f"{category.value}.commentary",
                )
            )
    return found


def budget_return_problems(budget_return: BudgetReturn) -> dict[str, str]:
    """What stops submission, keyed like the save's errors."""
    return keyed(budget_return_checks(budget_return))


budget_return_submit = approvals.kind_submit("budget_return", problems=budget_return_problems)
_budget_return_approve, budget_return_send_back = approvals.kind_decisions(
    "budget_return",
    on_approved=lambda arrangement: snapshot_queue_recompute(arrangement=arrangement),
)


@transaction.atomic
def budget_return_approve(
    *, by, budget_return: BudgetReturn, expected_version: int | None = None
) -> bool:
    """Approve the officer's council's area (True once every council has, told to
    webhooks then)."""
    done = _budget_return_approve(
        by=by, budget_return=budget_return, expected_version=expected_version
    )
    if done:
        event_record(
            arrangement=budget_return.arrangement,
            event=Event.BUDGET_APPROVED,
            api_url=reverse("budget-return-detail", args=[budget_return.pk]),
        )
    return done


def _copy_lines(approved: BudgetReturn, new: BudgetReturn, by) -> None:
    reason = f"Correction of revision {approved.revision}"
    for line in approved.lines.all():
        copy = BudgetLine(budget_return=new, **{f: getattr(line, f) for f in LINE_FIELDS})
        audited(copy, by=by, reason=reason).save()


budget_return_correct = approvals.kind_correct("budget_return", copy_figures=_copy_lines)


# --- Reads -----------------------------------------------------------------------------------


def variance_percent(variance: Decimal, budget: Decimal) -> Decimal | None:
    """Variance as a percentage of budget, to one decimal place (half away from zero); None
    when the budget is nothing."""
    if not budget:
        return None
    return (variance * 100 / budget).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def direction(variance: Decimal | None) -> str:
    """The words for a variance: "overspend", "underspend" or "on budget"."""
    if variance is None:
        return ""
    return "overspend" if variance > 0 else "underspend" if variance < 0 else "on budget"


@dataclass(frozen=True)
class VarianceRow:
    category: str
    label: str
    budget: Decimal | None
    actual_to_date: Decimal | None
    forecast_outturn: Decimal | None
    commentary: str = ""
    needs_commentary: bool = False

    @property
    def complete(self) -> bool:
        return self.budget is not None

    @property
    def variance(self) -> Decimal | None:
        """Forecast outturn less budget: above zero is an overspend."""
        return None if self.budget is None else self.forecast_outturn - self.budget

    @property
    def variance_percent(self) -> Decimal | None:
        return None if self.budget is None else variance_percent(self.variance, self.budget)

    @property
    def direction(self) -> str:
        return direction(self.variance)

    @property
    def in_words(self) -> str:
        """ "Overspend of £1,234.00 (2.5% of budget)", "Underspend of …", "On budget"."""
        if self.variance is None:
            return "Not entered yet"
        return _in_words(self.variance, self.variance_percent)


def _in_words(amount: Decimal, percent: Decimal | None = None) -> str:
    if amount == 0:
        return "On budget"
    of_budget = f" ({abs(percent)}% of budget)" if percent is not None else ""
    return f"{direction(amount).capitalize()} of {money_text(abs(amount))}{of_budget}"


@dataclass(frozen=True)
class VarianceTable:
    rows: list[VarianceRow]
    total: VarianceRow  # of the categories entered

    @property
    def complete(self) -> bool:
        return all(row.complete for row in self.rows)


def variance_rows(budget_return: BudgetReturn) -> VarianceTable:
    """Each category's budget, actual to date, forecast outturn and variance (forecast less
    budget, in pounds and as a percentage of budget), in the categories' order, and the
    total of those entered."""
    lines = {line.category: line for line in budget_return.lines.all()}
    rows = []
    for category in Category:
        line = lines.get(category.value)
        if line is None:
            rows.append(VarianceRow(category.value, category.label, None, None, None))
        else:
            rows.append(
                VarianceRow(
                    category.value,
                    category.label,
                    line.budget,
                    line.actual_to_date,
                    line.forecast_outturn,
                    line.commentary,
                    needs_commentary(line),
                )
            )
    entered = [row for row in rows if row.complete]

    def total(field: str) -> Decimal:
        return sum((getattr(row, field) for row in entered), ZERO)

    total_row = VarianceRow(
        "total", "Total", total("budget"), total("actual_to_date"), total("forecast_outturn")
    )
    return VarianceTable(rows, total_row)


class _Spend:
    """The words for an over- or underspend, ``spend`` (above zero an overspend; None, none
    known)."""

    spend: Decimal | None

    @property
    def direction(self) -> str:
        return direction(self.spend)

    @property
    def in_words(self) -> str:
        return "" if self.spend is None else _in_words(self.spend)


@dataclass(frozen=True)
class CouncilShare(_Spend):
    code: str
    name: str
    percentage: Decimal
    amount: Decimal  # its part of the total variance: above zero an overspend

    @property
    def spend(self) -> Decimal:
        return self.amount


@dataclass(frozen=True)
class CouncilShares(_Spend):
    financial_year: int
    contract_year: ContractYear | None
    variance: Decimal | None  # the total over- (above zero) or underspend
    shares: list[CouncilShare]
    problem: str = ""  # why there are no shares, in words

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def spend(self) -> Decimal | None:
        return self.variance


def agreed_split(
    contract_year: ContractYear | None, councils: list | None = None
) -> tuple[dict, str]:
    """({council: percentage}, "") for a year whose cost split is agreed and complete, else
    ({}, why not). A split copied into a draft year by a rollover is not agreed until the
    councils agree it (by a variation, or by agreeing the year). ``councils``: the year's
    arrangement's councils by code, when read already."""
    if contract_year is None:
        return {}, "no contract year is recorded for it"
    if councils is None:
        councils = list(contract_year.arrangement.councils.order_by("code"))
    shares = {s.council_id: s.percentage for s in contract_year.shares.all()}
    if not councils or any(c.pk not in shares for c in councils):
        return {}, "its cost split is not recorded for every council"
    if sum(shares[c.pk] for c in councils) != money.HUNDRED:
        return {}, "its cost split does not add up to 100%"
    agreed = contract_year.state == ContractYear.State.AGREED or contract_year.split_agreed_on
    if not agreed:
        return {}, "its cost split has not been agreed by the councils yet"
    return {c: shares[c.pk] for c in councils}, ""


@dataclass(frozen=True)
class ArrangementYears:
    """An arrangement's contract years by financial year (their shares prefetched) and its
    councils by code: what ``council_shares`` reads, read once for many months."""

    by_financial_year: dict[int, ContractYear]
    councils: list

    @classmethod
    def read(cls, arrangement) -> ArrangementYears:
        years = ContractYear.objects.filter(arrangement=arrangement).prefetch_related("shares")
        return cls(
            {y.financial_year: y for y in years}, list(arrangement.councils.order_by("code"))
        )


def council_shares(
    budget_return: BudgetReturn, *, known: ArrangementYears | None = None
) -> CouncilShares:
    """The total over- or underspend split between the councils by the agreed cost split of
    the contract year containing the month (parts adding up exactly, to the penny). When that
    year has no agreed split, or the month's figures are not complete, it says so and splits
    nothing: it never guesses. ``known``: the arrangement's years and councils, read already
    (the month's lines then prefetched, it runs no query)."""
    year = financial_year_of(budget_return.period)
    if known is None:
        contract_year = ContractYear.objects.filter(
            arrangement=budget_return.arrangement, financial_year=year
        ).first()
        split, why_not = agreed_split(contract_year)
    else:
        contract_year = known.by_financial_year.get(year)
        split, why_not = agreed_split(contract_year, known.councils)
    table = variance_rows(budget_return)
    variance = table.total.variance if table.complete else None
    if why_not:
        problem = f"Not split between the councils: {financial_year_label(year)} {why_not}."
        return CouncilShares(year, contract_year, variance, [], problem)
    if variance is None:
        problem = "Not split between the councils until every category's figures are entered."
        return CouncilShares(year, contract_year, None, [], problem)
    parts = money.split_by_percentages(variance, {c.code: p for c, p in split.items()})
    shares = [CouncilShare(c.code, c.name, p, parts[c.code]) for c, p in split.items()]
    return CouncilShares(year, contract_year, variance, shares)


def budget_defaults(budget_return: BudgetReturn) -> dict[str, Decimal]:
    """Each category's budget as last entered for an earlier month of the same financial year
    (the full year's budget rarely changes month to month): shown as a hint in the entry form
    beside a category with no figures yet."""
    year = financial_year_of(budget_return.period)
    earlier = (
        BudgetReturn.objects.filter(
            arrangement=budget_return.arrangement,
            period__lt=budget_return.period,
            period__gte=date(year, 4, 1),
        )
        .exclude(state=State.SUPERSEDED)
        .order_by("-period", "-revision")
        .first()
    )
    if earlier is None:
        return {}
    return {line.category: line.budget for line in earlier.lines.all()}
