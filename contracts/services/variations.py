"""Variations of an agreed contract year: a council officer requests one, an administrator
approves or rejects it on the councils' joint decision, the requester may withdraw it; an
approved variation changes the lines and split, and the payment schedule follows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    ContractYear,
    CostShare,
    FundingLine,
    Variation,
)
from contracts.services.contracts import _amount, _reason
from contracts.services.years import _changed
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.history import audited, audited_save
from trust_portal.numbers import plain_decimal
from trust_portal.webhooks.models import Event
from trust_portal.webhooks.services import event_record

# --- Variations ------------------------------------------------------------------------------


def _split_proposal(contract_year: ContractYear, shares: dict, basis: str) -> dict:
    councils = {c.code: c for c in contract_year.arrangement.councils.all()}
    errors, clean = {}, {}
    for code in councils:
        value = plain_decimal(str(shares.get(code, "")).strip().rstrip("%"))
        if value is None:
            errors[f"share_{code}"] = (
                f"Enter {code}'s percentage, between 0 and 100: for example 56 or 44.72."
            )
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
    return audited_save(variation, by=by, reason="Requested")


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
            audited_save(share, by=by, reason=reason)
        contract_year.split_basis, contract_year.split_agreed_on = proposed["basis"], decision_date
        audited_save(contract_year, by=by, reason=reason)
    elif variation.kind == Variation.Kind.ADD_LINE:
        line = FundingLine(
            contract_year=contract_year,
            block=proposed["block"],
            name=proposed["name"],
            amount=Decimal(proposed["amount"]),
            recurring=proposed["recurring"],
        )
        line.display_order = (contract_year.lines.aggregate(m=Max("display_order"))["m"] or 0) + 1
        audited_save(line, by=by, reason=reason)
        variation.line, variation.before = line, None
    else:
        line = variation.line
        if line is None:
            raise ValidationError("The line this variation changes has been removed.")
        variation.before = {"name": line.name, "amount": f"{line.amount:.2f}"}
        if variation.kind == Variation.Kind.CHANGE_LINE:
            line.amount = Decimal(proposed["amount"])
            audited_save(line, by=by, reason=reason)
        else:
            audited(line, by=by, reason=reason)
            variation.line = None
            line.delete()
    variation.state = Variation.State.APPROVED
    variation.decided_by, variation.decided_at = by, timezone.now()
    variation.decision_date, variation.decision_note = decision_date, note.strip()
    audited_save(variation, by=by, reason="Approved")
    _changed(contract_year, by)
    _tell_webhooks(variation)


def _tell_webhooks(variation: Variation) -> None:
    year = variation.contract_year
    key = f"{year.arrangement.code}-{year.financial_year}-{variation.number}"
    api_url = reverse("variation-detail", kwargs={"key": key})
    event_record(arrangement=year.arrangement, event=Event.VARIATION_APPROVED, api_url=api_url)


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
    audited_save(variation, by=by, reason="Rejected")


@transaction.atomic
def variation_withdraw(*, by, variation: Variation) -> None:
    require(by, Action.EDIT, Kind.CONTRACT, variation.contract_year.arrangement)
    _pending(variation)
    variation.state = Variation.State.WITHDRAWN
    variation.decided_by, variation.decided_at = by, timezone.now()
    audited_save(variation, by=by, reason="Withdrawn")
