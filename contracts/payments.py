"""Reading a contract year's payments: each council's twelve instalments and where it stands
on a given day. Writes (recording a payment, undoing one, the schedule following a change)
are in ``contracts/services.py``.

Every figure is a ``Decimal`` of pounds and pence, added up from the instalments as stored;
nothing here rounds (``contracts/money.py`` did that when the schedule was made).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from contracts import money
from contracts.models import ContractYear, Instalment

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


def payment_position(
    contract_year: ContractYear, *, today: date, figures: money.YearFigures | None = None
) -> list[CouncilPosition]:
    """Per council of the arrangement (by code): its contribution (``money.year_figures``),
    its instalments and what they add up to on ``today``. A draft year has no instalments yet,
    so its totals are nought. Seven queries whatever the number of councils (fewer when the
    year's ``figures`` are given)."""
    figures = figures or money.year_figures(contract_year)
    rows: dict[int, list[Instalment]] = {}
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
