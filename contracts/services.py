"""Every write to contracts and contract years: plain functions with keyword-only arguments,
each checking who may act, validating, saving under a transaction and leaving an audit trail
(django-simple-history records who and why).

The rules, in one place:
- a council officer drafts: contracts, a contract year's lines while it is a draft, grants and
  adjustments (any time, with a reason), and requests variations;
- an administrator approves, on the councils' joint decision and with its date: a variation, and
  the agreement of a draft year;
- once a year is agreed its lines and split change only through approved variations, and its
  payment schedule follows every change.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contracts import money
from contracts.models import (
    Adjustment,
    ContractDocument,
    ContractYear,
    CostShare,
    FundingLine,
    Instalment,
    Obligation,
    PassportedGrant,
    ServiceContract,
    Variation,
)
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.numbers import money_text
from trust_portal.periods import financial_year_label


def _audited_save(row, *, by, reason: str = ""):
    row._history_user = by
    row._change_reason = reason
    row.full_clean()
    row.save()
    return row


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this changes: it is kept in the history."})
    return reason


def _amount(text, *, field: str = "amount", minimum: Decimal = Decimal("0.00")) -> Decimal:
    """Pounds and pence from what a person typed ("1,234.50", "£3,291,000"), by the rules of
    ``money.parse_pounds``, or a Decimal a form or the API has already read."""
    example = "Enter the amount in pounds, for example 2,580,000.00"
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise ValidationError({field: f"{example}."})
        typed = f"{text:f}"
    else:
        typed = text
    value, problem = money.parse_pounds(typed, signed=True)
    if problem and "to the penny" in problem:
        raise ValidationError({field: "Enter the amount to the penny: at most 2 decimal places."})
    if problem and "too large" in problem:
        raise ValidationError({field: "The amount is too large: under £1,000,000,000,000."})
    if problem:
        raise ValidationError({field: f"{example} (not “{text}”)."})
    if value is None:
        raise ValidationError({field: f"{example}."})
    if value < minimum:
        raise ValidationError({field: f"The amount must be at least {money_text(minimum)}."})
    return value


# --- Service contracts ---------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    by,
    arrangement,
    council,
    reference: str,
    title: str,
    starts_on: date,
    ends_on: date,
    status: str = ServiceContract.Status.DRAFT,
    obligations: list[str] = (),
) -> ServiceContract:
    require(by, Action.EDIT, Kind.CONTRACT, arrangement)
    _own_council(by, council)
    contract = ServiceContract(
        arrangement=arrangement,
        council=council,
        reference=reference.strip(),
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )
    _audited_save(contract, by=by, reason="Contract recorded")
    contract_set_obligations(by=by, contract=contract, obligations=obligations, reason="First list")
    return contract


def _own_council(by, council) -> None:
    """A council manages its own contract: the other councils' officers read it."""
    if council is None:
        raise ValidationError({"council": "Choose the council whose contract this is."})
    if by.organisation_id != council.pk:
        raise PermissionDenied(
            f"Only {council.code}'s officers record or change {council.code}'s contract."
        )


@transaction.atomic
def contract_update(*, by, contract: ServiceContract, reason: str, **fields) -> ServiceContract:
    require(by, Action.EDIT, Kind.CONTRACT, contract.arrangement)
    _own_council(by, contract.council)
    reason = _reason(reason)
    for name in ("title", "starts_on", "ends_on", "status"):
        if name in fields:
            setattr(contract, name, fields[name])
    return _audited_save(contract, by=by, reason=reason)


@transaction.atomic
def contract_set_obligations(*, by, contract: ServiceContract, obligations, reason: str) -> None:
    """Replace the list of key obligations (each kept in the history when removed)."""
    require(by, Action.EDIT, Kind.CONTRACT, contract.arrangement)
    _own_council(by, contract.council)
    texts = [t.strip() for t in obligations if t and t.strip()]
    existing = list(contract.obligations.all())
    for old in existing[len(texts) :]:
        old._history_user, old._change_reason = by, reason
        old.delete()
    for order, text in enumerate(texts):
        row = existing[order] if order < len(existing) else Obligation(contract=contract)
        if row.pk and row.text == text and row.display_order == order:
            continue
        row.text, row.display_order = text, order
        _audited_save(row, by=by, reason=reason)


MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
DOCUMENT_TYPES = (".pdf", ".docx", ".doc", ".xlsx", ".odt", ".txt")


@transaction.atomic
def contract_document_add(*, by, contract: ServiceContract, title: str, file) -> ContractDocument:
    require(by, Action.EDIT, Kind.CONTRACT, contract.arrangement)
    _own_council(by, contract.council)
    name = getattr(file, "name", "") or ""
    if not name.lower().endswith(DOCUMENT_TYPES):
        raise ValidationError({"file": "Attach a PDF, Word, Excel, OpenDocument or text file."})
    if not file.size:
        raise ValidationError({"file": "The selected file is empty."})
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": "The file must be smaller than 25 MB."})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    document = ContractDocument(
        contract=contract,
        title=title.strip(),
        original_name=name[:255],
        sha256=digest.hexdigest(),
        size=file.size,
        uploaded_by=by,
    )
    document.file.save(name.rsplit("/", 1)[-1], file, save=False)
    document.full_clean()
    document.save()
    return document


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
    return _audited_save(year, by=by, reason="Contract year started")


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
    _audited_save(line, by=by, reason=reason)
    _changed(contract_year, by)
    return line


@transaction.atomic
def funding_line_remove(*, by, line: FundingLine, reason: str) -> None:
    contract_year = line.contract_year
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    _require_draft(contract_year, "its lines are removed")
    line._history_user, line._change_reason = by, _reason(reason)
    line.delete()
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
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    _require_council(contract_year, council)
    grant = grant or PassportedGrant(contract_year=contract_year)
    grant.council, grant.name, grant.notes = council, name.strip(), notes
    grant.amount = _amount(amount, minimum=money.PENNY)
    _audited_save(grant, by=by, reason=_reason(reason))
    _changed(contract_year, by)
    return grant


@transaction.atomic
def grant_remove(*, by, grant: PassportedGrant, reason: str) -> None:
    contract_year = grant.contract_year
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    grant._history_user, grant._change_reason = by, _reason(reason)
    grant.delete()
    _changed(contract_year, by)


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
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    _require_council(contract_year, council)
    adjustment = adjustment or Adjustment(contract_year=contract_year)
    adjustment.council, adjustment.name = council, name.strip()
    adjustment.amount = _amount(amount, minimum=money.PENNY)
    adjustment.reason = _reason(reason)
    _audited_save(adjustment, by=by, reason=adjustment.reason)
    _changed(contract_year, by)
    return adjustment


@transaction.atomic
def adjustment_remove(*, by, adjustment: Adjustment, reason: str) -> None:
    contract_year = adjustment.contract_year
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    adjustment._history_user, adjustment._change_reason = by, _reason(reason)
    adjustment.delete()
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
    _audited_save(contract_year, by=by, reason=note or "Agreed by the councils")
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
    _audited_save(new, by=by, reason=reason)
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
        _audited_save(copy, by=by, reason=reason)
    for share in contract_year.shares.all():
        copy = CostShare(contract_year=new, council=share.council, percentage=share.percentage)
        _audited_save(copy, by=by, reason=reason)
    return new


# --- Variations ------------------------------------------------------------------------------


def _split_proposal(contract_year: ContractYear, shares: dict, basis: str) -> dict:
    councils = {c.code: c for c in contract_year.arrangement.councils.all()}
    errors, clean = {}, {}
    for code in councils:
        text = str(shares.get(code, "")).strip().rstrip("%")
        try:
            value = Decimal(text)
        except InvalidOperation:
            errors[f"share_{code}"] = f"Enter {code}'s percentage, for example 56 or 44.72."
            continue
        if not value.is_finite() or not 0 <= value <= 100:
            errors[f"share_{code}"] = f"{code}'s percentage must be between 0 and 100."
        elif value != value.quantize(Decimal("0.01")):
            errors[f"share_{code}"] = f"{code}'s percentage: at most 2 decimal places."
        else:
            clean[code] = value
    unknown = set(shares) - set(councils)
    if unknown:
        errors["shares"] = f"Not councils of this trust: {', '.join(sorted(unknown))}."
    if not errors and sum(clean.values()) != 100:
        total = sum(clean.values())
        errors["shares"] = f"The percentages add up to {total.normalize():f}, not 100."
    if not (basis or "").strip():
        errors["basis"] = "Say how the split was set (population, demand, the weighting)."
    if errors:
        raise ValidationError(errors)
    return {
        "shares": {code: f"{value:.2f}" for code, value in clean.items()},
        "basis": basis.strip(),
    }


@transaction.atomic
def variation_request(
    *,
    by,
    contract_year: ContractYear,
    kind: str,
    reason: str,
    line: FundingLine | None = None,
    **proposal,
) -> Variation:
    """Ask for a change. ``proposal``: ``amount`` (change_line); ``block``, ``name``,
    ``amount``, ``recurring`` (add_line); ``shares`` {code: percentage} and ``basis`` (split)."""
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    reason = _reason(reason)
    if kind != Variation.Kind.SPLIT and contract_year.state == ContractYear.State.DRAFT:
        raise ValidationError(
            f"{contract_year.label} is a draft: change its lines directly. Variations change "
            "an agreed year."
        )
    needs_line = kind in (Variation.Kind.CHANGE_LINE, Variation.Kind.REMOVE_LINE)
    if needs_line and (line is None or line.contract_year_id != contract_year.pk):
        raise ValidationError({"line": "Choose a line of this contract year."})
    if kind == Variation.Kind.CHANGE_LINE:
        amount = _amount(proposal.get("amount"))
        if amount == line.amount:
            raise ValidationError({"amount": "That is the line's amount already."})
        proposed = {"amount": f"{amount:.2f}"}
    elif kind == Variation.Kind.REMOVE_LINE:
        proposed = {"remove": True}
    elif kind == Variation.Kind.ADD_LINE:
        block = int(proposal.get("block") or 0)
        if block not in FundingLine.Block.values:
            raise ValidationError({"block": "Choose the block the line belongs to."})
        name = (proposal.get("name") or "").strip()
        if not name:
            raise ValidationError({"name": "Enter the line's name."})
        recurring = bool(proposal.get("recurring")) or block == FundingLine.Block.CORE
        proposed = {
            "block": block,
            "name": name,
            "recurring": recurring,
            "amount": f"{_amount(proposal.get('amount')):.2f}",
        }
    elif kind == Variation.Kind.SPLIT:
        proposed = _split_proposal(
            contract_year, proposal.get("shares") or {}, proposal.get("basis") or ""
        )
    else:
        raise ValidationError({"kind": "Choose what the variation changes."})
    number = (contract_year.variations.aggregate(m=Max("number"))["m"] or 0) + 1
    variation = Variation(
        contract_year=contract_year,
        number=number,
        kind=kind,
        line=line,
        proposed=proposed,
        reason=reason,
        requested_by=by,
    )
    return _audited_save(variation, by=by, reason="Requested")


def _pending(variation: Variation) -> None:
    if variation.state != Variation.State.REQUESTED:
        raise ValidationError(
            f"Variation {variation.number} is {variation.get_state_display().lower()} already."
        )


@transaction.atomic
def variation_approve(*, by, variation: Variation, decision_date: date, note: str = "") -> None:
    """Apply the change, keeping what it replaced; the schedule and dashboards follow."""
    contract_year = variation.contract_year
    require(by, Action.APPROVE, Kind.CONTRACT, contract_year.arrangement)
    _pending(variation)
    if decision_date is None or decision_date > timezone.localdate():
        raise ValidationError(
            {"decision_date": "Give the date of the councils' joint decision: today or earlier."}
        )
    reason = f"Variation {variation.number}: {variation.reason}"
    proposed = variation.proposed
    if variation.kind == Variation.Kind.SPLIT:
        councils = {c.code: c for c in contract_year.arrangement.councils.all()}
        variation.before = {
            "shares": {
                s.council.code: f"{s.percentage:.2f}"
                for s in contract_year.shares.select_related("council")
            },
            "basis": contract_year.split_basis,
        }
        for code, text in proposed["shares"].items():
            share = CostShare.objects.filter(
                contract_year=contract_year, council=councils[code]
            ).first()
            share = share or CostShare(contract_year=contract_year, council=councils[code])
            share.percentage = Decimal(text)
            _audited_save(share, by=by, reason=reason)
        contract_year.split_basis, contract_year.split_agreed_on = proposed["basis"], decision_date
        _audited_save(contract_year, by=by, reason=reason)
    elif variation.kind == Variation.Kind.ADD_LINE:
        line = FundingLine(
            contract_year=contract_year,
            block=proposed["block"],
            name=proposed["name"],
            amount=Decimal(proposed["amount"]),
            recurring=proposed["recurring"],
        )
        line.display_order = (contract_year.lines.aggregate(m=Max("display_order"))["m"] or 0) + 1
        _audited_save(line, by=by, reason=reason)
        variation.line, variation.before = line, None
    else:
        line = variation.line
        if line is None:
            raise ValidationError("The line this variation changes has been removed.")
        variation.before = {"name": line.name, "amount": f"{line.amount:.2f}"}
        if variation.kind == Variation.Kind.CHANGE_LINE:
            line.amount = Decimal(proposed["amount"])
            _audited_save(line, by=by, reason=reason)
        else:
            line._history_user, line._change_reason = by, reason
            variation.line = None
            line.delete()
    variation.state = Variation.State.APPROVED
    variation.decided_by, variation.decided_at = by, timezone.now()
    variation.decision_date, variation.decision_note = decision_date, note.strip()
    _audited_save(variation, by=by, reason="Approved")
    _changed(contract_year, by)


@transaction.atomic
def variation_reject(*, by, variation: Variation, decision_date: date, note: str) -> None:
    require(by, Action.APPROVE, Kind.CONTRACT, variation.contract_year.arrangement)
    _pending(variation)
    if not (note or "").strip():
        raise ValidationError({"note": "Say why the councils rejected it."})
    if decision_date is None or decision_date > timezone.localdate():
        raise ValidationError(
            {"decision_date": "Give the date of the councils' joint decision: today or earlier."}
        )
    variation.state = Variation.State.REJECTED
    variation.decided_by, variation.decided_at = by, timezone.now()
    variation.decision_date, variation.decision_note = decision_date, note.strip()
    _audited_save(variation, by=by, reason="Rejected")


@transaction.atomic
def variation_withdraw(*, by, variation: Variation) -> None:
    require(by, Action.EDIT, Kind.CONTRACT, variation.contract_year.arrangement)
    _pending(variation)
    variation.state = Variation.State.WITHDRAWN
    variation.decided_by, variation.decided_at = by, timezone.now()
    _audited_save(variation, by=by, reason="Withdrawn")


# --- Payments --------------------------------------------------------------------------------


def _due_dates(contract_year: ContractYear) -> list[date]:
    """The first of each month, April to March."""
    fy = contract_year.financial_year
    return [date(fy + (m < 4), m, 1) for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def instalments_rebuild(*, contract_year: ContractYear, by=None) -> None:
    """Make each council's instalments add up to its contribution, ``by`` whoever's change
    caused it. Paid instalments stay as paid; what is left is spread over the unpaid monthly
    ones to the penny. When nothing monthly is left unpaid, or the council has paid more than
    its new contribution, the difference is a balancing payment (number 13, due at the year's
    end or today if later): positive when the council owes more, negative when the trust owes
    the council back."""
    figures = money.year_figures(contract_year)
    due_dates = _due_dates(contract_year)
    councils = {c.code: c for c in contract_year.arrangement.councils.all()}
    reason = "Schedule follows the contribution"
    for council_figures in figures.councils:
        council = councils[council_figures.code]
        rows = {i.number: i for i in contract_year.instalments.filter(council=council)}
        for number, due_on in enumerate(due_dates, 1):
            if number not in rows:
                rows[number] = Instalment(
                    contract_year=contract_year,
                    council=council,
                    number=number,
                    due_on=due_on,
                    amount=Decimal("0.00"),
                )
        paid = sum((i.amount for i in rows.values() if i.is_paid), Decimal("0.00"))
        left = council_figures.contribution - paid
        monthly = [rows[n] for n in range(1, 13) if not rows[n].is_paid]
        balancing = rows.get(Instalment.BALANCING)
        if balancing is not None and balancing.is_paid and left:
            raise ValidationError(
                f"{council.code}'s balancing payment for {contract_year.label} is settled, so its "
                "contribution cannot change again this year. Make the change in next year's "
                "figures instead."
            )
        if monthly and left >= 0:
            spread = money.instalments(left, len(monthly))
            if balancing is not None and not balancing.is_paid:
                balancing._history_user, balancing._change_reason = by, reason
                balancing.delete()
        else:
            spread = [Decimal("0.00")] * len(monthly)
            if balancing is None:
                balancing = Instalment(
                    contract_year=contract_year,
                    council=council,
                    number=Instalment.BALANCING,
                    due_on=max(contract_year.ends_on, timezone.localdate()),
                    amount=Decimal("0.00"),
                )
            if left:
                if balancing.amount != left or not balancing.pk:
                    balancing.amount = left
                    _audited_save(balancing, by=by, reason=reason)
            elif balancing.pk and not balancing.is_paid:
                balancing._history_user, balancing._change_reason = by, reason
                balancing.delete()
        for row, amount in zip(monthly, spread, strict=True):
            if row.pk and row.amount == amount:
                continue
            row.amount = amount
            _audited_save(row, by=by, reason=reason)


def _paying_council_only(by, instalment: Instalment, doing: str) -> None:
    if by.organisation_id != instalment.council_id:
        code = instalment.council.code
        raise PermissionDenied(f"Only {code}'s officers {doing} {code}'s payments.")


@transaction.atomic
def instalment_record_payment(
    *, by, instalment: Instalment, paid_on: date, reference: str
) -> Instalment:
    """Mark an instalment paid. Only the paying council's officers may."""
    contract_year = instalment.contract_year
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    _paying_council_only(by, instalment, "record")
    # Read again under a lock (a row lock on PostgreSQL; SQLite's IMMEDIATE transaction holds
    # the write lock already), so two people recording the same payment cannot both succeed.
    instalment = (
        Instalment.objects.select_for_update().select_related("council").get(pk=instalment.pk)
    )
    if instalment.is_paid:
        raise ValidationError(
            f"Instalment {instalment.number} was recorded as paid on "
            f"{instalment.paid_on:%-d %B %Y} (reference {instalment.reference})."
        )
    errors = {}
    if paid_on is None:
        errors["paid_on"] = "Enter the date it was paid."
    elif paid_on > timezone.localdate():
        errors["paid_on"] = "The date it was paid must be today or earlier."
    elif paid_on < date(contract_year.financial_year - 1, 4, 1):
        errors["paid_on"] = (
            f"The date it was paid must be in {contract_year.label} or the year before."
        )
    if not (reference or "").strip():
        errors["reference"] = "Enter the payment reference."
    if errors:
        raise ValidationError(errors)
    instalment.paid_on, instalment.reference = paid_on, reference.strip()
    instalment.recorded_by, instalment.recorded_at = by, timezone.now()
    _audited_save(instalment, by=by, reason="Payment recorded")
    snapshot_queue_recompute(arrangement=contract_year.arrangement)
    return instalment


@transaction.atomic
def instalment_undo_payment(*, by, instalment: Instalment, reason: str) -> Instalment:
    """Correct a payment recorded in error (the history keeps who recorded it, who undid it
    and why)."""
    contract_year = instalment.contract_year
    require(by, Action.EDIT, Kind.CONTRACT, contract_year.arrangement)
    _paying_council_only(by, instalment, "correct")
    reason = _reason(reason)
    instalment = (
        Instalment.objects.select_for_update().select_related("council").get(pk=instalment.pk)
    )
    if not instalment.is_paid:
        raise ValidationError(f"Instalment {instalment.number} is not recorded as paid.")
    instalment.paid_on, instalment.reference = None, ""
    instalment.recorded_by, instalment.recorded_at = None, None
    _audited_save(instalment, by=by, reason=reason)
    instalments_rebuild(contract_year=contract_year, by=by)
    snapshot_queue_recompute(arrangement=contract_year.arrangement)
    return instalment
