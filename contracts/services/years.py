"""Every write to a contract year: creating one, its funding lines while a draft, grants and
adjustments (any time, with a reason), agreement by an administrator, and rollover into the
following year. The rules are those of ``contracts.services.contracts``."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contracts import money
from contracts.models import (
    Adjustment,
    ContractYear,
    CostShare,
    FundingLine,
    PassportedGrant,
)
from contracts.services.contracts import _amount, _reason
from contracts.services.payments import instalments_rebuild
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.history import audited, audited_save
from trust_portal.periods import financial_year_label

# --- Contract years --------------------------------------------------------------------------


def _changed(contract_year: ContractYear, by=None) -> None:
    """After any change to a year's money: the schedule follows, the dashboards recompute."""
    if contract_year.state == ContractYear.State.AGREED:
        instalments_rebuild(contract_year=contract_year, by=by)
    snapshot_queue_recompute(arrangement=contract_year.arrangement)


@transaction.atomic
def contract_year_create(*, by, arrangement, financial_year: int, notes: str = "") -> ContractYear:
    require(by, Action.EDIT, Kind.CONTRACT, arrangement)
    if ContractYear.objects.filter(arrangement=arrangement, financial_year=financial_year).exists():
        raise ValidationError(
            {
                "financial_year": f"{financial_year_label(financial_year)} already has a "
                "contract year."
            }
        )
    year = ContractYear(
        arrangement=arrangement, financial_year=financial_year, notes=notes, created_by=by
    )
    return audited_save(year, by=by, reason="Contract year started")


def _require_draft(contract_year: ContractYear, what: str) -> None:
    if contract_year.state != ContractYear.State.DRAFT:
        raise ValidationError(
            f"{contract_year.label} is agreed: {what} only through a variation, which an "
            "administrator approves on the councils' joint decision."
        )


@transaction.atomic
def funding_line_save(
    *,
    by,
    contract_year: ContractYear,
    reason: str,
    line: FundingLine | None = None,
    block: int,
    name: str,
    amount,
    recurring: bool,
    funded_by=None,
    notes: str = "",
) -> FundingLine:
    """Add or change a line of a draft year (an agreed year changes through variations)."""
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    _require_draft(contract_year, "its lines change")
    reason = _reason(reason)
    if line is None:
        line = FundingLine(contract_year=contract_year)
        line.display_order = (contract_year.lines.aggregate(m=Max("display_order"))["m"] or 0) + 1
    elif line.contract_year_id != contract_year.pk:
        raise ValidationError("That line belongs to another contract year.")
    line.block, line.name, line.recurring = int(block), name.strip(), bool(recurring)
    line.amount = _amount(amount)
    line.funded_by, line.notes = funded_by, notes
    audited_save(line, by=by, reason=reason)
    _changed(contract_year, by)
    return line


@transaction.atomic
def funding_line_remove(*, by, line: FundingLine, reason: str) -> None:
    contract_year = line.contract_year
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    _require_draft(contract_year, "its lines are removed")
    audited(line, by=by, reason=_reason(reason)).delete()
    _changed(contract_year, by)


@transaction.atomic
def grant_save(
    *,
    by,
    contract_year: ContractYear,
    reason: str,
    grant: PassportedGrant | None = None,
    council,
    name: str,
    amount,
    notes: str = "",
) -> PassportedGrant:
    grant = grant or PassportedGrant(contract_year=contract_year)
    grant.notes = notes
    return _council_money_save(grant, by, contract_year, council, name, amount, reason)


@transaction.atomic
def grant_remove(*, by, grant: PassportedGrant, reason: str) -> None:
    _remove(grant, by=by, reason=reason)


@transaction.atomic
def adjustment_save(
    *,
    by,
    contract_year: ContractYear,
    reason: str,
    adjustment: Adjustment | None = None,
    council,
    name: str,
    amount,
) -> Adjustment:
    adjustment = adjustment or Adjustment(contract_year=contract_year)
    return _council_money_save(adjustment, by, contract_year, council, name, amount, reason)


@transaction.atomic
def adjustment_remove(*, by, adjustment: Adjustment, reason: str) -> None:
    _remove(adjustment, by=by, reason=reason)


def _council_money_save(row, by, contract_year, council, name: str, amount, reason: str):
    """Save a passported grant or an adjustment: money of one of the year's councils, outside
    the split."""
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    _require_council(contract_year, council)
    row.council, row.name = council, name.strip()
    row.amount = _amount(amount, minimum=money.PENNY)
    reason = _reason(reason)
    if isinstance(row, Adjustment):
        row.reason = reason  # an adjustment keeps its reason in its own field too
    audited_save(row, by=by, reason=reason)
    _changed(contract_year, by)
    return row


def _remove(row, *, by, reason: str) -> None:
    """Delete a grant or an adjustment of its contract year, kept in the history with why."""
    contract_year = row.contract_year
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    audited(row, by=by, reason=_reason(reason)).delete()
    _changed(contract_year, by)


def _require_council(contract_year: ContractYear, council) -> None:
    if council is None or not contract_year.arrangement.councils.filter(pk=council.pk).exists():
        raise ValidationError({"council": "Choose one of the trust's councils."})


@transaction.atomic
def contract_year_agree(
    *, by, contract_year: ContractYear, agreed_on: date, note: str = ""
) -> ContractYear:
    """Record the councils' joint agreement of a draft year; its payment schedule starts."""
    require(by, Action.APPROVE, Kind.CONTRACT, contract_year.arrangement)
    if contract_year.state != ContractYear.State.DRAFT:
        raise ValidationError(f"{contract_year.label} is already agreed.")
    figures = money.year_figures(contract_year)
    problems = []
    if not figures.split_complete:
        problems.append("Record the agreed cost split first (a variation).")
    if figures.block1 <= 0:
        problems.append("Add the Block 1 core funding first.")
    if agreed_on is None or agreed_on > timezone.localdate():
        problems.append("Give the date of the councils' joint decision: today or earlier.")
    if problems:
        raise ValidationError(problems)
    contract_year.state = ContractYear.State.AGREED
    contract_year.agreed_on, contract_year.agreed_by = agreed_on, by
    if note:
        contract_year.notes = f"{contract_year.notes}\n{note}".strip()
    audited_save(contract_year, by=by, reason=note or "Agreed by the councils")
    _changed(contract_year, by)
    return contract_year


@transaction.atomic
def contract_year_rollover(*, by, contract_year: ContractYear) -> ContractYear:
    """Start next year from this one, as a draft: recurring lines and the split copied,
    non-recurring lines, grants and adjustments left behind (each year has its own)."""
    arrangement = contract_year.arrangement
    require(by, Action.EDIT, Kind.CONTRACT, arrangement)
    following = contract_year.financial_year + 1
    if ContractYear.objects.filter(arrangement=arrangement, financial_year=following).exists():
        raise ValidationError(f"{financial_year_label(following)} already has a contract year.")
    new = ContractYear(
        arrangement=arrangement,
        financial_year=following,
        created_by=by,
        rolled_over_from=contract_year,
        split_basis=contract_year.split_basis,
        notes=f"Rolled over from {contract_year.label}.",
    )
    reason = f"Rolled over from {contract_year.label}"
    audited_save(new, by=by, reason=reason)
    for line in contract_year.lines.filter(recurring=True):
        copy = FundingLine(
            contract_year=new,
            block=line.block,
            name=line.name,
            amount=line.amount,
            recurring=True,
            funded_by=line.funded_by,
            notes=line.notes,
            display_order=line.display_order,
        )
        audited_save(copy, by=by, reason=reason)
    for share in contract_year.shares.all():
        copy = CostShare(contract_year=new, council=share.council, percentage=share.percentage)
        audited_save(copy, by=by, reason=reason)
    return new
