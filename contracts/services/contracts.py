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
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from contracts import money
from contracts.models import (
    ContractDocument,
    Obligation,
    ServiceContract,
)
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.history import audited, audited_save, required_reason
from trust_portal.numbers import money_text


def _reason(reason: str) -> str:
    return required_reason(reason, message="Say why this changes: it is kept in the history.")


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
    audited_save(contract, by=by, reason="Contract recorded")
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
    return audited_save(contract, by=by, reason=reason)


@transaction.atomic
def contract_set_obligations(*, by, contract: ServiceContract, obligations, reason: str) -> None:
    """Replace the list of key obligations (each kept in the history when removed)."""
    require(by, Action.EDIT, Kind.CONTRACT, contract.arrangement)
    _own_council(by, contract.council)
    texts = [t.strip() for t in obligations if t and t.strip()]
    existing = list(contract.obligations.all())
    for old in existing[len(texts) :]:
        audited(old, by=by, reason=reason).delete()
    for order, text in enumerate(texts):
        row = existing[order] if order < len(existing) else Obligation(contract=contract)
        if row.pk and row.text == text and row.display_order == order:
            continue
        row.text, row.display_order = text, order
        audited_save(row, by=by, reason=reason)


MAX_DOCUMENT_BYTES = settings.DOCUMENT_UPLOAD_MAX_BYTES
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
