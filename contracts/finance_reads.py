"""What the finance dashboard and its pack's months read (contracts/dashboards.py,
contracts/pack.py), each read once for the arrangement: a fixed number of queries whatever its
number of years, every month then answered in memory with the same figures the per-month reads
give (``history.as_recorded``, ``payments.payment_position``, ``budget.council_shares``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from contracts import money
from contracts.models import BudgetReturn, ContractYear, Instalment
from contracts.services import budget, payments
from trust_portal.approvals.models import State
from trust_portal.history import RecordedRows


@dataclass(frozen=True)
class FinanceReads:
    recorded: dict[str, RecordedRows]  # the years' lines, shares, grants, adjustments
    recorded_instalments: RecordedRows  # the years' payment schedules, as recorded
    instalments: dict[int, list[Instalment]]  # the years' instalments now, by contract year
    approved: list[BudgetReturn]  # approved budget monitoring, latest first, lines prefetched
    known: budget.ArrangementYears  # what ``council_shares`` reads

    @classmethod
    def read(cls, arrangement, years: list[ContractYear]) -> FinanceReads:
        """For ``years``, the arrangement's (agreed) contract years."""
        pks = [year.pk for year in years]
        recorded = {
            related: RecordedRows(
                getattr(ContractYear, related).rel.related_model,
                by="contract_year_id",
                contract_year_id__in=pks,
            )
            for related in money.YEAR_ROWS
        }
        approved = (
            BudgetReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)
            .prefetch_related("lines")
            .order_by("-period", "-revision")
        )
        return cls(
            recorded=recorded,
            recorded_instalments=RecordedRows(
                Instalment, by="contract_year_id", contract_year_id__in=pks
            ),
            instalments=payments.year_instalments(years),
            approved=list(approved),
            known=budget.ArrangementYears.read(arrangement),
        )

    def latest_approved(self, first: date, last: date) -> BudgetReturn | None:
        """The latest approved budget monitoring month from ``first`` to ``last``."""
        return next((m for m in self.approved if first <= m.period <= last), None)
