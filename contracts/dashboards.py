"""The finance dashboard (issue 7, dashboard 3): the contract sum by block over the agreed years,
the split, each council's contribution, payments due and made, and the latest approved budget
monitoring month's forecast outturn against budget with each council's share of the variance.

Agreed contract years only (a draft is still being negotiated) and approved budget monitoring
only: everything here may be shown to scrutiny members and DfE observers. Every figure comes from
the same functions the contracts pages use (``money.year_figures``, ``payments.payment_position``,
``budget.variance_rows`` and ``budget.council_shares``), so the dashboard and the pages never
disagree, and every total adds up to the penny.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go
from django.utils import timezone

from contracts import money
from contracts.finance_reads import FinanceReads
from contracts.models import BudgetReturn, ContractYear
from contracts.services import budget, payments
from trust_portal import block3
from trust_portal.approvals.models import State
from trust_portal.dashboards import figures as fig
from trust_portal.dashboards.registry import builder, pack_return, pack_section
from trust_portal.numbers import money_text, percentage_text
from trust_portal.periods import financial_year_label, financial_year_of

ZERO = Decimal("0.00")
SOURCE = (
    "agreed contract years (funding lines, cost split, grants, adjustments), their instalments, "
    "and the latest approved budget monitoring month"
)


def agreed_years(arrangement) -> list[ContractYear]:
    """The arrangement's agreed contract years, oldest first, with what year_figures reads."""
    return list(
        ContractYear.objects.filter(arrangement=arrangement, state=ContractYear.State.AGREED)
        .select_related("arrangement")
        .prefetch_related(
            "lines", "shares", "grants", "adjustments", "arrangement__councils", *block3.prefetch()
        )
        .order_by("financial_year")
    )


def latest_approved_budget(arrangement, financial_year: int | None = None) -> BudgetReturn | None:
    """The latest month of approved budget monitoring (in ``financial_year`` if given)."""
    months = BudgetReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)
    if financial_year is not None:
        months = months.filter(
            period__gte=date(financial_year, 4, 1), period__lte=date(financial_year + 1, 3, 31)
        )
    return months.order_by("-period", "-revision").first()


def today() -> date:
    """The day payments are counted as due to (the snapshot's own day)."""
    return timezone.localdate()


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


# Columns of several tables.
COUNCIL = fig.column("council", "Council")
SHARE = fig.column("percentage", "Share", "percent")
CONTRIBUTION = fig.column("contribution", "Contribution", "money")
DUE_TO_DATE = fig.column("due_to_date", "Due to date", "money")
PAID = fig.column("paid", "Paid", "money")
OUTSTANDING = fig.column("outstanding", "Outstanding", "money")
IN_WORDS = fig.column("in_words", "In words")


# --- Contract sum by block -------------------------------------------------------------------

BLOCKS = [
    ("block1", "Block 1: core funding"),
    ("block2_recurring", "Block 2: transformation items, recurring"),
    ("block2_non_recurring", "Block 2: transformation items, non-recurring"),
    ("block3_provision", "Block 3: transformation fund provision"),
]


def _block_table(years: list[tuple[ContractYear, money.YearFigures]]) -> dict:
    columns = [fig.FINANCIAL_YEAR]
    columns += [fig.column(key, label, "money") for key, label in BLOCKS]
    columns += [
        fig.column("contract_sum", "Contract sum (Blocks 1 and 2)", "money"),
        fig.column("total", "Contract sum and Block 3 provision", "money"),
    ]
    rows = [
        [
            year.label,
            *(getattr(f, key) for key, _ in BLOCKS),
            f.contract_sum,
            f.contract_sum + f.block3_provision,
        ]
        for year, f in years
    ]
    return fig.table(columns, rows)


def contract_sum_block(years) -> dict:
    figure = go.Figure()
    for key, label in BLOCKS:
        figure.add_bar(
            name=label,
            x=[year.label for year, _ in years],
            y=[str(getattr(f, key)) for _, f in years],
        )
    figure.update_layout(barmode="stack", yaxis_title="£", xaxis_title="Financial year")
    latest_year, latest = years[-1]
    summary = (
        f"In {latest_year.label} the contract sum is {money_text(latest.contract_sum)} "
        f"(Block 1 {money_text(latest.block1)}, Block 2 {money_text(latest.block2)}), "
        f"with a Block 3 provision of {money_text(latest.block3_provision)} outside it; "
        f"{len(years)} agreed year{'s' if len(years) != 1 else ''} shown."
    )
    return fig.chart_block(
        "contract-sum", "Contract sum by block", figure, _block_table(years), summary=summary
    )


# --- The split and the contributions ---------------------------------------------------------


def _codes(years) -> list[str]:
    return sorted({c.code for _, f in years for c in f.councils})


def split_block(years) -> dict:
    codes = _codes(years)
    columns = [fig.FINANCIAL_YEAR]
    columns += [fig.column(f"share_{code}", f"{code} share", "percent") for code in codes]
    columns += [fig.column("basis", "How the split was set")]
    rows = []
    for year, f in years:
        shares = {c.code: c.percentage for c in f.councils}
        rows.append([year.label, *(shares.get(code) for code in codes), year.split_basis])
    latest_year, latest = years[-1]
    parts = ", ".join(
        f"{c.code} {percentage_text(c.percentage)}"
        for c in latest.councils
        if c.percentage is not None
    )
    return fig.table_block(
        "split",
        "The cost split",
        fig.table(columns, rows),
        summary=f"In {latest_year.label} the councils share the contract sum {parts}, as agreed.",
    )


# A council's amounts in the contributions table, in its order.
COUNCIL_AMOUNTS = (
    "share_of_contract_sum",
    "passported_grants",
    "contribution",
    "adjustments",
    "net_after_adjustments",
    "block3_share",
)


def _year_total(f: money.YearFigures, name: str) -> Decimal:
    """The councils' amounts added up (the contributions' total is the year's own)."""
    if name == "contribution":
        return f.total_contributions
    return sum((getattr(c, name) for c in f.councils), ZERO)


def contributions_block(years) -> dict:
    columns = [
        fig.FINANCIAL_YEAR,
        COUNCIL,
        SHARE,
        fig.column("share", "Share of the contract sum", "money"),
        fig.column("grants", "Passported grants", "money"),
        CONTRIBUTION,
        fig.column("adjustments", "Returned to the council", "money"),
        fig.column("net", "Net after returns", "money"),
        fig.column("block3", "Share of the Block 3 provision", "money"),
    ]
    rows = []
    for year, f in years:
        for c in f.councils:
            rows.append(
                [year.label, c.code, c.percentage, *(getattr(c, name) for name in COUNCIL_AMOUNTS)]
            )
        rows.append(
            [year.label, "Total", None, *(_year_total(f, name) for name in COUNCIL_AMOUNTS)]
        )
    latest_year, latest = years[-1]
    parts = "; ".join(f"{c.code} {money_text(c.contribution)}" for c in latest.councils)
    return fig.table_block(
        "contributions",
        "Each council's contribution",
        fig.table(columns, rows),
        summary=f"{latest_year.label} contributions (share of the contract sum plus passported "
        f"grants): {parts}; together {money_text(latest.total_contributions)}.",
    )


# --- Payments --------------------------------------------------------------------------------


def payment_frame(positions: list[payments.CouncilPosition], today: date) -> pd.DataFrame:
    """One row per instalment: month, council, due, paid, outstanding (due to date less paid:
    below zero when paid ahead), so the rows add up to each council's position exactly."""
    records = []
    for position in positions:
        for i in position.instalments:
            due_yet = i.due_on <= today
            paid = i.amount if i.is_paid else ZERO
            status = "Paid" if i.is_paid else "Overdue" if due_yet else "Not yet due"
            if i.is_paid and not due_yet:
                status = "Paid ahead"
            records.append(
                {
                    "month": _month(i.due_on),
                    "due_on": i.due_on,
                    "council": position.code,
                    "instalment": "Balancing payment"
                    if i.is_balancing
                    else f"Instalment {i.number}",
                    "due": i.amount,
                    "paid": paid,
                    "outstanding": (i.amount if due_yet else ZERO) - paid,
                    "status": status,
                }
            )
    frame = pd.DataFrame.from_records(
        records,
        columns=[
            "month",
            "due_on",
            "council",
            "instalment",
            "due",
            "paid",
            "outstanding",
            "status",
        ],
    )
    return frame.sort_values(["due_on", "council", "instalment"], kind="stable")


PAYMENT_COLUMNS = [
    fig.column("month", "Month due", "month"),
    COUNCIL,
    fig.column("instalment", "Instalment"),
    fig.column("due", "Instalment due", "money"),
    PAID,
    fig.column("outstanding", "Outstanding (due to date less paid)", "money"),
    fig.column("status", "Status"),
]


def payment_rows(frame: pd.DataFrame) -> list[list]:
    keys = [c["key"] for c in PAYMENT_COLUMNS]
    return [list(row) for row in frame[keys].itertuples(index=False, name=None)]


def payments_chart(year: ContractYear, frame: pd.DataFrame) -> dict:
    by_month = frame.groupby(["month", "council"], sort=True)[["due", "paid"]].sum()
    months = sorted(frame["month"].unique())
    figure = go.Figure()
    for code in sorted(frame["council"].unique()):
        for field, words in (("due", "due"), ("paid", "paid")):
            figure.add_bar(
                name=f"{code} {words}",
                x=months,
                y=[str(by_month[field].get((m, code), ZERO)) for m in months],
            )
    figure.update_layout(barmode="group", yaxis_title="£", xaxis_title="Month due")
    totals = frame[["due", "paid", "outstanding"]].sum()
    summary = (
        f"In {year.label} instalments of {money_text(totals['due'])} fall due; "
        f"{money_text(totals['paid'])} is paid and {money_text(totals['outstanding'])}"
        " of what has fallen due so far is outstanding."
    )
    return fig.chart_block(
        f"payments-{year.financial_year}",
        f"Payments due and made, {year.label}",
        figure,
        fig.table(PAYMENT_COLUMNS, payment_rows(frame)),
        summary=summary,
    )


POSITION_COLUMNS = [
    fig.FINANCIAL_YEAR,
    COUNCIL,
    CONTRIBUTION,
    DUE_TO_DATE,
    PAID,
    OUTSTANDING,
    fig.column("left_to_pay", "Left to pay this year", "money"),
]


def position_rows(year: ContractYear, positions) -> list[list]:
    rows = [
        [year.label, p.code, p.contribution, p.due_to_date, p.paid, p.outstanding, p.left_to_pay]
        for p in positions
    ]
    rows.append(
        [
            year.label,
            "Total",
            *(
                sum((getattr(p, name) for p in positions), ZERO)
                for name in ("contribution", "due_to_date", "paid", "outstanding", "left_to_pay")
            ),
        ]
    )
    return rows


# --- Budget monitoring -----------------------------------------------------------------------


def budget_chart(budget_return: BudgetReturn) -> dict:
    table = budget.variance_rows(budget_return)
    rows = [row for row in table.rows if row.complete]
    figure = go.Figure()
    figure.add_bar(name="Budget", x=[r.label for r in rows], y=[str(r.budget) for r in rows])
    figure.add_bar(
        name="Forecast outturn",
        x=[r.label for r in rows],
        y=[str(r.forecast_outturn) for r in rows],
    )
    figure.update_layout(barmode="group", yaxis_title="£", xaxis_title="Spend category")
    month = f"{budget_return.period:%B %Y}"
    return fig.chart_block(
        "budget",
        f"Forecast outturn against budget, {month}",
        figure,
        variance_table(table),
        summary=f"At {month} the forecast outturn is "
        f"{money_text(table.total.forecast_outturn)} against a budget of "
        f"{money_text(table.total.budget)}: "
        f"{table.total.in_words[0].lower()}{table.total.in_words[1:]}.",
    )


def variance_table(table: budget.VarianceTable) -> dict:
    columns = [
        fig.column("category", "Spend category"),
        fig.column("budget", "Budget", "money"),
        fig.column("actual_to_date", "Actual to date", "money"),
        fig.column("forecast_outturn", "Forecast outturn", "money"),
        fig.column("variance", "Variance (forecast less budget)", "money"),
        fig.column("variance_percent", "Variance as % of budget", "percent"),
        IN_WORDS,
    ]
    rows = [
        [
            r.label,
            r.budget,
            r.actual_to_date,
            r.forecast_outturn,
            r.variance,
            r.variance_percent,
            r.in_words,
        ]
        for r in [*table.rows, table.total]
    ]
    return fig.table(columns, rows)


def variance_shares_block(
    budget_return: BudgetReturn,
    block_id: str = "variance-shares",
    *,
    shares: budget.CouncilShares | None = None,
) -> dict:
    """Each council's share of the month's variance (``shares``, if worked out already)."""
    if shares is None:
        shares = budget.council_shares(budget_return)
    title = f"Each council's share of the variance, {budget_return.period:%B %Y}"
    if not shares.shares:
        return fig.note_block(block_id, title, shares.problem)
    columns = [
        COUNCIL,
        fig.column("percentage", f"Share ({shares.label} split)", "percent"),
        fig.column("amount", "Share of the variance", "money"),
        IN_WORDS,
    ]
    rows = [[s.code, s.percentage, s.amount, s.in_words] for s in shares.shares]
    rows.append(["Total", None, shares.variance, shares.in_words])
    parts = "; ".join(f"{s.code} {s.in_words.lower()}" for s in shares.shares)
    return fig.table_block(
        block_id,
        title,
        fig.table(columns, rows),
        summary=f"{shares.in_words} split by the agreed {shares.label} cost split: {parts}.",
    )


# --- The scrutiny pack -----------------------------------------------------------------------


def pack_year(
    arrangement, year: ContractYear, f: money.YearFigures, positions, reads: FinanceReads
) -> list[dict]:
    blocks = [
        fig.table_block(
            "contract-sum",
            f"Contract sum by block, {year.label}",
            _block_table([(year, f)]),
            summary=f"The {year.label} contract sum is {money_text(f.contract_sum)}, with a "
            f"Block 3 provision of {money_text(f.block3_provision)}.",
        )
    ]
    columns = [
        COUNCIL,
        SHARE,
        CONTRIBUTION,
        DUE_TO_DATE,
        fig.column("paid", "Paid to date", "money"),
        OUTSTANDING,
    ]
    by_code = {c.code: c for c in f.councils}
    rows = [
        [p.code, by_code[p.code].percentage, p.contribution, p.due_to_date, p.paid, p.outstanding]
        for p in positions
    ]
    names = ("contribution", "due_to_date", "paid", "outstanding")
    rows.append(["Total", None, *(sum((getattr(p, n) for p in positions), ZERO) for n in names)])
    blocks.append(
        fig.table_block(
            "contributions",
            f"Contributions and payments, {year.label}",
            fig.table(columns, rows),
            summary=f"Paid to date {money_text(sum((p.paid for p in positions), ZERO))} "
            f"against {money_text(sum((p.due_to_date for p in positions), ZERO))} due.",
        )
    )
    month = reads.latest_approved(year.starts_on, year.ends_on)
    if month is None:
        blocks.append(
            fig.note_block(
                "budget", "Budget monitoring", f"No approved budget monitoring for {year.label}."
            )
        )
        return blocks
    table = budget.variance_rows(month)
    blocks.append(
        fig.table_block(
            "budget",
            f"Forecast outturn against budget, {month.period:%B %Y}",
            variance_table(table),
            summary=f"{table.total.in_words} at {month.period:%B %Y}.",
        )
    )
    shares = budget.council_shares(month, known=reads.known)
    blocks.append(variance_shares_block(month, shares=shares))
    return blocks


# --- The scrutiny pack (trust_portal/dashboards/packs.py) -------------------------------------

pack_section(
    "finance",
    title="Finance summary",
    missing="No agreed contract figures for {month}.",
    order=20,
)
pack_return("Budget monitoring", BudgetReturn, order=30)


# --- The builder -----------------------------------------------------------------------------


@builder("finance", title="Finance", source=SOURCE, order=30)
def build_finance(arrangement) -> dict:
    day = today()
    years = [(year, money.year_figures(year)) for year in agreed_years(arrangement)]
    data = {"title": "Finance", "blocks": [], "pages": {}, "pack": {"by_year": {}}}
    budget_month = latest_approved_budget(arrangement)
    if not years:
        data["blocks"].append(
            fig.note_block(
                "no-years",
                "No agreed contract years",
                "No contract year has been agreed yet: drafts are not shown.",
            )
        )
    else:
        data["period"] = years[-1][0].label
        data["blocks"] += [
            contract_sum_block(years),
            split_block(years),
            contributions_block(years),
        ]
        # Read once for every year and month: the queries do not grow with them.
        reads = FinanceReads.read(arrangement, [year for year, _ in years])
        _add_payment_years(data, arrangement, years, day, reads)
        # Imported here: contracts.pack builds on this module's blocks.
        from contracts.pack import pack_by_month

        data["pack"]["by_month"] = pack_by_month(arrangement, years, day, reads)
    _add_budget(data, budget_month)
    return data


def _add_payment_years(data: dict, arrangement, years, day, reads: FinanceReads) -> None:
    """Each agreed year's payments page, pack entry and position rows, then the position table."""
    position_table_rows = []
    for year, f in years:
        positions = payments.payment_position(
            year, today=day, figures=f, instalments=reads.instalments[year.pk]
        )
        position_table_rows += position_rows(year, positions)
        frame = payment_frame(positions, day)
        data["pages"][f"payments-{year.financial_year}"] = _payments_page(year, frame)
        data["pack"]["by_year"][str(year.financial_year)] = pack_year(
            arrangement, year, f, positions, reads
        )
        if year is years[-1][0]:
            data["blocks"].append(payments_chart(year, frame))
    data["blocks"].append(
        fig.table_block(
            "payment-position",
            f"Payments due and made to {day:%-d %B %Y}",
            fig.table(POSITION_COLUMNS, position_table_rows),
            summary="For each agreed year and council: the contribution, what has fallen due "
            "so far, what is paid and what is outstanding (below zero when paid ahead).",
        )
    )


def _payments_page(year, frame) -> dict:
    """One agreed year's page of instalments due and paid."""
    return {
        "title": f"Payments, {year.label}",
        "range": True,
        "blocks": [
            fig.table_block(
                "instalments",
                f"Instalments due and paid, {year.label}",
                fig.table(PAYMENT_COLUMNS, payment_rows(frame)),
                summary=f"Each council's instalments for {year.label}, month by month.",
            )
        ],
    }


def _add_budget(data: dict, budget_month) -> None:
    """The budget monitoring blocks, and the pack's variance for a year not agreed (yet)."""
    if budget_month is None:
        data["blocks"].append(
            fig.note_block("budget", "Budget monitoring", "No budget monitoring is approved yet.")
        )
        return
    data["blocks"] += [budget_chart(budget_month), variance_shares_block(budget_month)]
    year = financial_year_of(budget_month.period)
    if str(year) not in data["pack"]["by_year"]:
        # Approved monitoring for a year not agreed (yet): the pack still gets its variance.
        table = budget.variance_rows(budget_month)
        data["pack"]["by_year"][str(year)] = [
            fig.table_block(
                "budget",
                f"Forecast outturn against budget, {budget_month.period:%B %Y}",
                variance_table(table),
                summary=f"{table.total.in_words} ({financial_year_label(year)}).",
            ),
            variance_shares_block(budget_month),
        ]
