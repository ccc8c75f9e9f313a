"""A contract year's payments. Reads: each council's twelve instalments and where it stands
on a given day. Writes: the schedule following every change of the year, recording a payment,
undoing one.

Every figure is a ``Decimal`` of pounds and pence, added up from the instalments as stored;
nothing here rounds (``contracts/money.py`` did that when the schedule was made).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from contracts import money
from contracts.models import ContractYear, Instalment, Population
from contracts.services.contracts import _reason
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.history import audited, audited_save

ZERO = Decimal("0.00")


def _total(rows) -> Decimal:
    return sum((row.amount for row in rows), ZERO)


@dataclass
class CouncilPosition:
    """One council's payments in a contract year, as they stand on ``today``."""

    code: str
    name: str
    council_id: int
    contribution: Decimal  # its share of the contract sum plus its passported grants
    today: date
    instalments: list[Instalment] = field(default_factory=list)

    @property
    def instalments_total(self) -> Decimal:
        """Equals the contribution once the year is agreed (``schedule_matches``)."""
        return _total(self.instalments)

    @property
    def schedule_matches(self) -> bool:
        return self.instalments_total == self.contribution

    @property
    def due_to_date(self) -> Decimal:
        """The instalments due on or before today, paid or not."""
        return _total(i for i in self.instalments if i.due_on <= self.today)

    @property
    def paid(self) -> Decimal:
        """Every instalment recorded as paid, whenever it falls due."""
        return _total(i for i in self.instalments if i.is_paid)

    @property
    def outstanding(self) -> Decimal:
        """Due less paid. Below zero when the council has paid ahead of the schedule: shown as
        it is, never as nothing."""
        return self.due_to_date - self.paid

    @property
    def paid_ahead(self) -> bool:
        return self.outstanding < 0

    @property
    def paid_ahead_by(self) -> Decimal:
        """How much more than is due so far has been paid (nought unless paid ahead)."""
        return max(-self.outstanding, ZERO)

    @property
    def still_to_come(self) -> Decimal:
        """The instalments due after today, paid or not."""
        return _total(i for i in self.instalments if i.due_on > self.today)

    @property
    def left_to_pay(self) -> Decimal:
        """The whole schedule less what is paid."""
        return self.instalments_total - self.paid

    @property
    def paid_count(self) -> int:
        return sum(1 for i in self.instalments if i.is_paid)


def year_instalments(contract_years) -> dict[int, list[Instalment]]:
    """The years' instalments by contract year (id), each year's by council code and number, in
    one query: what ``payment_position`` reads, for many years or days."""
    found: dict[int, list[Instalment]] = {y.pk: [] for y in contract_years}
    instalments = (
        Instalment.objects.filter(contract_year__in=list(found))
        .select_related("council", "recorded_by")
        .order_by("contract_year_id", "council__code", "number")
    )
    for instalment in instalments:
        found[instalment.contract_year_id].append(instalment)
    return found


def payment_position(
    contract_year: ContractYear,
    *,
    today: date,
    figures: money.YearFigures | None = None,
    instalments: list[Instalment] | None = None,
) -> list[CouncilPosition]:
    """Per council of the arrangement (by code): its contribution (``money.year_figures``),
    its instalments and what they add up to on ``today``. A draft year has no instalments yet,
    so its totals are nought. Seven queries whatever the number of councils (fewer when the
    year's ``figures`` are given, none more when its ``instalments`` are: ``year_instalments``)."""
    figures = figures or money.year_figures(contract_year)
    rows: dict[int, list[Instalment]] = {}
    if instalments is None:
        instalments = contract_year.instalments.select_related("council", "recorded_by").order_by(
            "council__code", "number"
        )
    for instalment in instalments:
        rows.setdefault(instalment.council_id, []).append(instalment)
    councils = {c.code: c.pk for c in contract_year.arrangement.councils.all()}
    return [
        CouncilPosition(
            code=c.code,
            name=c.name,
            council_id=councils[c.code],
            contribution=c.contribution,
            today=today,
            instalments=rows.get(councils[c.code], []),
        )
        for c in figures.councils
    ]


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
                audited(balancing, by=by, reason=reason).delete()
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
                    audited_save(balancing, by=by, reason=reason)
            elif balancing.pk and not balancing.is_paid:
                audited(balancing, by=by, reason=reason).delete()
        for row, amount in zip(monthly, spread, strict=True):
            if row.pk and row.amount == amount:
                continue
            row.amount = amount
            audited_save(row, by=by, reason=reason)


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
    audited_save(instalment, by=by, reason="Payment recorded")
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
    audited_save(instalment, by=by, reason=reason)
    instalments_rebuild(contract_year=contract_year, by=by)
    snapshot_queue_recompute(arrangement=contract_year.arrangement)
    return instalment


# --- The split calculator's remembered populations ---------------------------------------------


def populations_of(arrangement) -> dict[str, Population]:
    """Each council area's remembered population, by council code."""
    rows = Population.objects.filter(arrangement=arrangement).select_related(
        "council", "recorded_by"
    )
    return {row.council.code: row for row in rows}


@transaction.atomic
def population_record(*, by, arrangement, populations: dict[str, int]) -> list[Population]:
    """Remember the populations a council officer used in the split calculator (contract:
    edit), one per council area of the arrangement; a figure unchanged is left as it was."""
    require(by, Action.EDIT, Kind.CONTRACT, arrangement)
    councils = {c.code: c for c in arrangement.councils.all()}
    if set(populations) != set(councils) or any(v is None for v in populations.values()):
        raise ValidationError("Enter the population of every council area to remember them.")
    known = populations_of(arrangement)
    saved = []
    for code, value in sorted(populations.items()):
        row = known.get(code) or Population(arrangement=arrangement, council=councils[code])
        if row.pk and row.population == value:
            saved.append(row)
            continue
        row.population, row.recorded_by, row.recorded_at = value, by, timezone.now()
        saved.append(audited_save(row, by=by, reason="Remembered for the split calculator"))
    return saved
