"""The scrutiny pack's finance summary month by month: every figure as it stood at the end of
the pack's month, not on the day the snapshot was made (``as_at``: the end of the month's last
day in London). The contract sum, each council's share and contribution and the Block 3
provision of the month's agreed year as recorded then, so a variation approved later never
changes an earlier month's pack (a year recorded as agreed only after the month is read as
agreed); what had fallen due by the month's last day, as the schedule stood then, and what was
paid by that day; the forecast outturn of the latest approved budget monitoring month up to
the pack's month (a later month's forecast never reaches an earlier month's pack); what the Block 3
approvals had drawn by the month's end; and, for page one, the money headline (``headline``:
[label, words] pairs the pack gathers).

The finance builder (contracts/dashboards.py) adds these to its snapshot's ``pack.by_month``."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from contracts import money
from contracts.dashboards import (
    CONTRIBUTION,
    COUNCIL,
    DUE_TO_DATE,
    OUTSTANDING,
    SHARE,
    ZERO,
    _block_table,
    variance_shares_block,
    variance_table,
)
from contracts.finance_reads import FinanceReads
from contracts.models import BudgetReturn, ContractYear, Instalment
from contracts.services import budget, payments
from trust_portal import block3
from trust_portal.approvals.models import State
from trust_portal.dashboards import figures as fig
from trust_portal.history import as_recorded
from trust_portal.numbers import money_text
from trust_portal.periods import months_of_financial_year, next_month


def month_end(month: date) -> date:
    return date.fromordinal(next_month(month).toordinal() - 1)


def as_at(month: date, agreed_at: datetime | None) -> datetime:
    """The moment the pack's ``month`` is read as at: the very end of its last day in London
    (23:59:59.999999 in the site's time zone, Europe/London, as ``as_of`` reads a day; a record
    made at that moment counts), or, for a year recorded as agreed only after that (entered
    after the event), the moment its agreement was complete (``agreed_at``): its figures as
    agreed, without any later variation."""
    end = timezone.make_aware(datetime.combine(month_end(month), time.max))
    return max(end, agreed_at) if agreed_at else end


def agreed_at(year: ContractYear, reads: FinanceReads | None = None) -> datetime | None:
    """When the year's agreement was complete: the last of its payment schedule's twelve
    monthly instalments a council first had recorded (the schedule is made as the councils
    agree the year, after the year itself is saved as agreed), if it has one."""
    if reads is not None:
        made = [
            r.history_date
            for r in reads.recorded_instalments.records(year.pk)
            if r.history_type == "+" and r.number <= 12
        ]
        return max(made, default=None)
    made = Instalment.history.filter(contract_year_id=year.pk, history_type="+", number__lte=12)
    return made.aggregate(last=Max("history_date"))["last"]


def due_by(
    year: ContractYear, moment: datetime, day: date, reads: FinanceReads | None = None
) -> dict[int, Decimal]:
    """Each council's instalments due by ``day``, paid or not, as the schedule was recorded at
    ``moment`` (a later variation re-spreads the unpaid ones)."""
    if reads is not None:
        recorded = reads.recorded_instalments.at(moment, year.pk)
    else:
        recorded = as_recorded(Instalment, moment, contract_year_id=year.pk)
    return money.by_council(i for i in recorded if i.due_on <= day)


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def budget_at(
    arrangement, year: int, month: date, reads: FinanceReads | None = None
) -> BudgetReturn | None:
    """The latest approved budget monitoring month of the year up to ``month``."""
    if reads is not None:
        return reads.latest_approved(date(year, 4, 1), month)
    months = BudgetReturn.objects.filter(
        arrangement=arrangement,
        state=State.APPROVED,
        period__gte=date(year, 4, 1),
        period__lte=month,
    )
    return months.order_by("-period", "-revision").first()


def paid_by(position: payments.CouncilPosition, day: date) -> Decimal:
    """What the council had paid of the year's instalments by ``day``."""
    return sum((i.amount for i in position.instalments if i.is_paid and i.paid_on <= day), ZERO)


def contributions_block(
    year: ContractYear,
    f: money.YearFigures,
    day: date,
    moment: datetime,
    reads: FinanceReads | None = None,
) -> dict:
    """Each council's contribution (``f``, as at ``moment``), what had fallen due by ``day`` (as
    the schedule was recorded at ``moment``) and what it had paid by ``day``."""
    instalments = reads.instalments[year.pk] if reads is not None else None
    positions = payments.payment_position(year, today=day, figures=f, instalments=instalments)
    due_on_day = due_by(year, moment, day, reads)
    by_code = {c.code: c for c in f.councils}
    columns = [
        COUNCIL,
        SHARE,
        CONTRIBUTION,
        DUE_TO_DATE,
        fig.column("paid", f"Paid by {day_text(day)}", "money"),
        OUTSTANDING,
    ]
    rows, due, paid = [], ZERO, ZERO
    for p in positions:
        p_paid, p_due = paid_by(p, day), due_on_day.get(p.council_id, ZERO)
        share = by_code[p.code].percentage
        rows.append([p.code, share, p.contribution, p_due, p_paid, p_due - p_paid])
        due, paid = due + p_due, paid + p_paid
    total = sum((p.contribution for p in positions), ZERO)
    rows.append(["Total", None, total, due, paid, due - paid])
    block = fig.table_block(
        "contributions",
        f"Contributions and payments to {day_text(day)}",
        fig.table(columns, rows),
        summary=f"By {day_text(day)}, {money_text(paid)} was paid against {money_text(due)} due.",
    )
    words = f"{money_text(paid)} of the {money_text(due)} due"
    return {**block, "headline": [[f"Paid by the councils by {day_text(day)}", words]]}


def forecast_blocks(
    budget_return: BudgetReturn, f: money.YearFigures, known: budget.ArrangementYears | None = None
) -> list[dict]:
    """The month's forecast outturn against budget and each council's share of the variance,
    with the headline: the forecast against the contract sum and each council's share
    (``known``: what ``budget.council_shares`` reads, read already)."""
    table = budget.variance_rows(budget_return)
    month = f"{budget_return.period:%B %Y}"
    forecast = table.total.forecast_outturn
    headline = []
    if forecast is not None:
        gap = forecast - f.contract_sum
        side = "above" if gap > 0 else "below"
        against = "equal to it" if gap == 0 else f"{money_text(abs(gap))} {side} it"
        headline.append(
            [
                f"Forecast outturn (budget monitoring, {month})",
                f"{money_text(forecast)} against the contract sum of "
                f"{money_text(f.contract_sum)}: {against}",
            ]
        )
    split = budget.council_shares(budget_return, known=known)
    if split.shares:
        words = "; ".join(f"{s.name}: {s.in_words.lower()}" for s in split.shares)
        headline.append(["Each council's share of the variance", words])
    budget_block = fig.table_block(
        "budget",
        f"Forecast outturn against budget, {month}",
        variance_table(table),
        summary=f"{table.total.in_words} at {month}, the latest approved budget monitoring.",
    )
    return [
        {**budget_block, "headline": headline},
        variance_shares_block(budget_return, shares=split),
    ]


def month_blocks(
    arrangement,
    year: ContractYear,
    month: date,
    moment: datetime,
    reads: FinanceReads | None = None,
) -> list:
    """The month's blocks, the year's figures as recorded at ``moment`` (``as_at``); the first
    carries the headline: the forecast and each council's share, Block 3 remaining, and what
    was paid. ``reads``: what the months read, read once for the arrangement (else each month
    reads its own)."""
    day = month_end(month)
    f = money.year_figures(year, at=moment, recorded=reads.recorded if reads else None)
    contributions = contributions_block(year, f, day, moment, reads)
    found = budget_at(arrangement, year.financial_year, month, reads)
    if found is None:
        text = f"No budget monitoring for {year.label} was approved up to {month:%B %Y}."
        budget_blocks = [fig.note_block("budget", "Budget monitoring", text)]
    else:
        budget_blocks = forecast_blocks(found, f, reads.known if reads else None)
    remaining = f.block3_provision - block3.drawn(year, on=day)
    block3_row = [
        f"Block 3 remaining, {year.label}, at {day_text(day)}",
        f"{money_text(remaining)} of the {money_text(f.block3_provision)} provision not yet "
        "committed",
    ]
    headline = [
        *budget_blocks[0].pop("headline", []),
        block3_row,
        *contributions.pop("headline"),
    ]
    contract_sum = fig.table_block(
        "contract-sum",
        f"Contract sum by block, {year.label}",
        _block_table([(year, f)]),
        summary=f"The {year.label} contract sum is {money_text(f.contract_sum)}, with a Block 3 "
        f"provision of {money_text(f.block3_provision)}.",
    )
    return [{**contract_sum, "headline": headline}, contributions, *budget_blocks]


def pack_by_month(arrangement, years: list, today: date, reads: FinanceReads | None = None) -> dict:
    """Each month of each agreed year, up to this one: its blocks, keyed "YYYY-MM", each as at
    the end of its month (``as_at``). Everything read once (``reads``, if not given), so the
    queries do not grow with the months."""
    reads = reads or FinanceReads.read(arrangement, [year for year, _ in years])
    by_month = {}
    for year, _ in years:
        agreed = agreed_at(year, reads)
        for month in months_of_financial_year(year.financial_year):
            if month <= today:
                moment = as_at(month, agreed)
                by_month[f"{month:%Y-%m}"] = month_blocks(arrangement, year, month, moment, reads)
    return by_month
