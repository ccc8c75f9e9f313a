"""The transformation dashboard (issue 7, dashboard 4): business cases by theme and state, the
Block 3 fund's provision, commitments, spend and what remains in each agreed year, and the
approved cases' benefits against target and lower tolerance, quarter by quarter.

Drafts never appear: cases are counted from submission on, and named only once approved; the
Block 3 ledger is read for agreed contract years only; benefits are the approved cases' only.
The figures come from the functions the programme's pages use (``services.block3_ledger``,
``benefits.benefit_totals`` and its ``Totals``), so the two never disagree.

Registered when ``contracts.dashboards`` (which autodiscovery imports) imports this module.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from transformation.access import ledger_years
from transformation.models import Benefit, BenefitQuarter, BusinessCase, Theme
from transformation.services import benefits
from transformation.services.cases import block3_ledger
from trust_portal.dashboards import figures as fig
from trust_portal.dashboards.registry import builder, pack_section
from trust_portal.numbers import money_text
from trust_portal.periods import financial_year_label as fy_label
from trust_portal.periods import quarter_label

ZERO = Decimal("0.00")
State = BusinessCase.State
# Every state but the draft, which is the trust's own until it is submitted.
STATES = [State.SUBMITTED, State.APPROVED, State.REJECTED, State.DEFERRED]
STATE_WORDS = {
    State.SUBMITTED: "Awaiting the board",
    State.APPROVED: "Approved",
    State.REJECTED: "Rejected",
    State.DEFERRED: "Deferred",
}
SOURCE = (
    "business cases past the draft (named once approved), the Block 3 ledger of agreed "
    "contract years, and approved cases' benefits"
)


# --- Cases -----------------------------------------------------------------------------------


def case_frame(arrangement) -> pd.DataFrame:
    """One row per case past the draft: reference, title, theme, state, funding, meeting."""
    rows = (
        BusinessCase.objects.filter(project__arrangement=arrangement, state__in=STATES)
        .values("reference", "title", "state", "funding", "project__theme", "meeting__held_on")
        .order_by("project__theme", "reference")
    )
    return pd.DataFrame.from_records(
        list(rows),
        columns=["reference", "title", "state", "funding", "project__theme", "meeting__held_on"],
    )


def cases_block(frame: pd.DataFrame) -> dict:
    labels = dict(Theme.choices)
    counts = pd.crosstab(frame["project__theme"], frame["state"]) if len(frame) else None
    themes = [t for t in Theme.values if counts is not None and t in counts.index]

    def count(theme, state) -> int:
        if counts is None or state not in counts.columns or theme not in counts.index:
            return 0
        return int(counts.loc[theme, state])

    columns = [fig.column("theme", "Theme")]
    columns += [fig.column(s.value, STATE_WORDS[s], "count") for s in STATES]
    columns += [fig.column("total", "All past the draft", "count")]
    rows = [
        [labels[t], *(count(t, s) for s in STATES), sum(count(t, s) for s in STATES)]
        for t in themes
    ]
    rows.append(["All themes", *(sum(count(t, s) for t in themes) for s in STATES), len(frame)])
    figure = go.Figure()
    for state in STATES:
        figure.add_bar(
            name=STATE_WORDS[state],
            x=[labels[t] for t in themes],
            y=[count(t, state) for t in themes],
        )
    figure.update_layout(barmode="stack", yaxis_title="Business cases", xaxis_title="Theme")
    approved = sum(count(t, State.APPROVED) for t in themes)
    summary = (
        f"{len(frame)} business case{'s' if len(frame) != 1 else ''} have gone to the board; "
        f"{approved} approved, {sum(count(t, State.SUBMITTED) for t in themes)} awaiting a "
        "decision. Drafts are not counted."
    )
    return fig.chart_block(
        "cases",
        "Business cases by theme and state",
        figure,
        fig.table(columns, rows),
        summary=summary,
    )


def approved_cases_block(
    arrangement, frame: pd.DataFrame, block_id="approved-cases", financial_year: int | None = None
) -> dict:
    """The approved cases by name (all, or those approved in ``financial_year``)."""
    labels = dict(Theme.choices)
    funding = dict(BusinessCase.Funding.choices)
    approved = frame[frame["state"] == State.APPROVED] if len(frame) else frame
    if financial_year is not None and len(approved):
        start, end = date(financial_year, 4, 1), date(financial_year + 1, 3, 31)
        held = approved["meeting__held_on"]
        approved = approved[held.notna() & (held >= start) & (held <= end)]
    costs = {}
    for case in BusinessCase.objects.filter(
        project__arrangement=arrangement, state=State.APPROVED
    ).prefetch_related("costs"):
        costs[case.reference] = case.total_cost
    columns = [
        fig.column("reference", "Reference"),
        fig.column("title", "Business case"),
        fig.column("theme", "Theme"),
        fig.column("funding", "Funded from"),
        fig.column("approved_on", "Approved by the board on"),
        fig.column("cost", "Cost over its years", "money"),
    ]
    rows = [
        [
            r.reference,
            r.title,
            labels[r.project__theme],
            funding[r.funding],
            r.meeting__held_on,
            costs.get(r.reference),
        ]
        for r in approved.itertuples(index=False)
    ]
    when = f" in {fy_label(financial_year)}" if financial_year is not None else ""
    return fig.table_block(
        block_id,
        f"Business cases approved{when}",
        fig.table(columns, rows),
        summary=f"{len(rows)} business case{'s' if len(rows) != 1 else ''} approved by the "
        f"Transformation & Efficiency Board{when}.",
    )


# --- The Block 3 ledger ----------------------------------------------------------------------

LEDGER_COLUMNS = [
    fig.FINANCIAL_YEAR,
    fig.column("provision", "Provision", "money"),
    fig.column("committed", "Committed to approved cases", "money"),
    fig.column("spent", "Spent", "money"),
    fig.column("committed_unspent", "Committed, not yet spent", "money"),
    fig.column("remaining", "Remaining (provision less committed)", "money"),
]


def ledger_row(ledger) -> list:
    return [
        ledger.contract_year.label,
        ledger.provision,
        ledger.committed,
        ledger.spent,
        ledger.committed_unspent,
        ledger.remaining,
    ]


def ledger_block(ledgers: list) -> dict:
    figure = go.Figure()
    for key, label in (
        ("provision", "Provision"),
        ("committed", "Committed"),
        ("spent", "Spent"),
        ("remaining", "Remaining"),
    ):
        figure.add_bar(
            name=label,
            x=[ledger.contract_year.label for ledger in ledgers],
            y=[str(getattr(ledger, key)) for ledger in ledgers],
        )
    figure.update_layout(barmode="group", yaxis_title="£", xaxis_title="Financial year")
    latest = ledgers[-1]
    summary = (
        f"In {latest.contract_year.label} the Block 3 provision is "
        f"{money_text(latest.provision)}: {money_text(latest.committed)} committed to approved "
        f"cases, {money_text(latest.spent)} spent, {money_text(latest.remaining)} remaining."
    )
    return fig.chart_block(
        "block3",
        "Block 3 transformation fund",
        figure,
        fig.table(LEDGER_COLUMNS, [ledger_row(x) for x in ledgers]),
        summary=summary,
    )


# --- Benefits --------------------------------------------------------------------------------


def _figure(value: Decimal | None, kind: str):
    """Savings as pounds and pence; numbers as whole numbers (they are whole by validation)."""
    if value is None:
        return None
    return value if kind == Benefit.Kind.SAVING else int(value)


def totals_cells(totals: benefits.Totals) -> list:
    kind = totals.kind
    return [
        _figure(totals.year_target, kind),
        _figure(totals.target, kind) if totals.reported else None,
        _figure(totals.lower_tolerance, kind) if totals.reported else None,
        _figure(totals.actual, kind),
        f"{totals.reported} of {totals.quarters}",
        totals.rag,
        totals.rag_words,
    ]


def totals_columns(kind: str) -> list[dict]:
    unit = "money" if kind == Benefit.Kind.SAVING else "count"
    return [
        fig.column("target", "Target", unit),
        fig.column("target_reported", "Target of the quarters reported", unit),
        fig.column("tolerance_reported", "Lower tolerance of the quarters reported", unit),
        fig.column("actual", "Actual", unit),
        fig.column("reported", "Quarters reported"),
        fig.column("rag", "RAG", "rag"),
        fig.column("rag_words", "RAG in words"),
    ]


def quarter_totals(arrangement) -> dict[tuple[str, str], dict[tuple[int, int], benefits.Totals]]:
    """{(kind, measure): {(year, quarter): Totals}} over approved cases' benefits: savings added
    together, numbers only with benefits of the same name (as ``benefits.benefit_totals``)."""
    rows = (
        BenefitQuarter.objects.filter(
            benefit__business_case__project__arrangement=arrangement,
            benefit__business_case__state=State.APPROVED,
        )
        .select_related("benefit")
        .order_by("financial_year", "quarter", "benefit__business_case__reference", "pk")
    )
    measures: dict = {}
    names: dict = {}
    for row in rows:
        benefit = row.benefit
        if benefit.kind == Benefit.Kind.SAVING:
            key = (Benefit.Kind.SAVING, "Savings")
        else:
            lowered = benefit.name.strip().lower()
            names.setdefault(lowered, benefit.name.strip())
            key = (benefit.kind, names[lowered])
        by_quarter = measures.setdefault(key, {})
        period = (row.financial_year, row.quarter)
        by_quarter[period] = by_quarter.get(period, benefits.Totals(kind=benefit.kind)).add(row)
    return dict(sorted(measures.items(), key=lambda item: (item[0][0] != "saving", item[0][1])))


def _quarter_text(period: tuple[int, int]) -> str:
    return f"Q{period[1]} {fy_label(period[0])}"


def benefits_blocks(measures: dict) -> list[dict]:
    if not measures:
        return [
            fig.note_block(
                "benefits", "Benefits", "No approved business case has benefit targets yet."
            )
        ]
    blocks = []
    savings = measures.get((Benefit.Kind.SAVING, "Savings"))
    if savings:
        blocks.append(_savings_block(savings))
    counts = [(key, by_q) for key, by_q in measures.items() if key[0] != Benefit.Kind.SAVING]
    if counts:
        blocks.append(_counts_block(counts))
    return blocks


def _savings_block(savings: dict) -> dict:
    """The chart and table of savings against target, quarter by quarter."""
    periods = sorted(savings)
    columns = [fig.column("quarter", "Quarter"), *totals_columns(Benefit.Kind.SAVING)]
    rows = [[_quarter_text(p), *totals_cells(savings[p])] for p in periods]
    return fig.chart_block(
        "benefit-savings",
        "Savings against target, by quarter",
        _savings_figure(savings, periods),
        fig.table(columns, rows),
        summary=_savings_summary(savings, periods),
    )


def _savings_figure(savings: dict, periods: list) -> go.Figure:
    """Actual savings as bars, with the target and the lower tolerance as lines."""
    figure = go.Figure()
    x = [_quarter_text(p) for p in periods]
    figure.add_bar(
        name="Actual",
        x=x,
        y=[None if savings[p].actual is None else str(savings[p].actual) for p in periods],
    )
    figure.add_scatter(name="Target", x=x, y=[str(savings[p].year_target) for p in periods])
    figure.add_scatter(
        name="Lower tolerance of the quarters reported",
        x=x,
        y=[str(savings[p].lower_tolerance) if savings[p].reported else None for p in periods],
    )
    figure.update_layout(yaxis_title="£ saved", xaxis_title="Quarter")
    return figure


def _savings_summary(savings: dict, periods: list) -> str:
    """The last reported quarter's savings against its target, in words."""
    reported = [p for p in periods if savings[p].reported]
    if not reported:
        return "No quarter's savings have been reported yet."
    last = savings[reported[-1]]
    return (
        f"In {quarter_label(*reported[-1])} the approved cases saved "
        f"{money_text(last.actual)} against a target of {money_text(last.target)}: "
        f"{last.rag_words.lower()}."
    )


def _counts_block(counts: list) -> dict:
    """The table of benefits counted in numbers, measure by measure and quarter by quarter."""
    columns = [
        fig.column("quarter", "Quarter"),
        fig.column("measure", "Benefit"),
        *totals_columns(Benefit.Kind.COUNT),
    ]
    rows = [
        [_quarter_text(p), key[1], *totals_cells(by_q[p])]
        for key, by_q in counts
        for p in sorted(by_q)
    ]
    return fig.table_block(
        "benefit-counts",
        "Benefits counted in numbers, by quarter",
        fig.table(columns, rows),
        summary="Each number is added up only with benefits of the same name; RAG "
        "compares the actuals with the targets and lower tolerances of the quarters "
        "reported.",
    )


def year_benefit_blocks(totals: benefits.ProgrammeTotals, prefix: str = "benefits") -> list:
    """A year's totals per theme and over the programme (``benefits.benefit_totals``)."""
    if not totals.themes:
        return [
            fig.note_block(
                prefix,
                f"Benefits, {totals.label}",
                f"No approved business case has benefit targets in {totals.label}.",
            )
        ]
    blocks = []
    saving_rows = [[t.label, *totals_cells(t.savings)] for t in totals.themes if t.savings]
    if totals.savings:
        saving_rows.append(["All themes", *totals_cells(totals.savings)])
        blocks.append(
            fig.table_block(
                f"{prefix}-savings",
                f"Savings against target, {totals.label}",
                fig.table(
                    [fig.column("theme", "Theme"), *totals_columns(Benefit.Kind.SAVING)],
                    saving_rows,
                ),
                summary=f"Over the programme in {totals.label}: {totals.savings.text('actual')} "
                f"saved against {totals.savings.text('target')} targeted for the quarters "
                f"reported ({totals.savings.rag_words.lower()}).",
            )
        )
    count_rows = [
        [t.label, c.name, *totals_cells(c.totals)] for t in totals.themes for c in t.counts
    ]
    count_rows += [["All themes", c.name, *totals_cells(c.totals)] for c in totals.counts]
    if count_rows:
        blocks.append(
            fig.table_block(
                f"{prefix}-counts",
                f"Benefits counted in numbers, {totals.label}",
                fig.table(
                    [
                        fig.column("theme", "Theme"),
                        fig.column("measure", "Benefit"),
                        *totals_columns(Benefit.Kind.COUNT),
                    ],
                    count_rows,
                ),
                summary="Numbers are added up only with benefits of the same name.",
            )
        )
    return blocks


def benefit_years(arrangement) -> list[int]:
    return sorted(
        set(
            BenefitQuarter.objects.filter(
                benefit__business_case__project__arrangement=arrangement,
                benefit__business_case__state=State.APPROVED,
            ).values_list("financial_year", flat=True)
        )
    )


# --- The builder -----------------------------------------------------------------------------


@builder("transformation", title="Transformation", source=SOURCE, order=40)
def build_transformation(arrangement) -> dict:
    frame = case_frame(arrangement)
    ledgers = [block3_ledger(year) for year in reversed(list(ledger_years(arrangement)))]
    measures = quarter_totals(arrangement)
    data = {
        "title": "Transformation",
        "blocks": [cases_block(frame)],
        "pages": {},
        "pack": {"by_year": {}},
    }
    if ledgers:
        data["period"] = ledgers[-1].contract_year.label
        data["blocks"].append(ledger_block(ledgers))
    else:
        data["blocks"].append(
            fig.note_block(
                "block3",
                "Block 3 transformation fund",
                "No contract year has been agreed yet, so there is no Block 3 provision to show.",
            )
        )
    data["blocks"] += benefits_blocks(measures)
    latest = benefits.programme_benefit_totals(arrangement, None)
    if latest is not None:
        data["blocks"] += year_benefit_blocks(latest, prefix="benefits-year")
    data["pages"]["cases"] = {
        "title": "Approved business cases",
        "blocks": [approved_cases_block(arrangement, frame)],
    }
    by_ledger = {ledger.contract_year.financial_year: ledger for ledger in ledgers}
    approved_on = (
        frame.loc[frame["state"] == State.APPROVED, "meeting__held_on"] if len(frame) else []
    )
    approval_years = {d.year if d.month >= 4 else d.year - 1 for d in approved_on if d}
    years = sorted(set(by_ledger) | set(benefit_years(arrangement)) | approval_years)
    for year in years:
        blocks = [approved_cases_block(arrangement, frame, "cases", financial_year=year)]
        if year in by_ledger:
            blocks.append(
                fig.table_block(
                    "block3",
                    f"Block 3 transformation fund, {fy_label(year)}",
                    fig.table(LEDGER_COLUMNS, [ledger_row(by_ledger[year])]),
                    summary=f"{money_text(by_ledger[year].remaining)} of the "
                    f"{money_text(by_ledger[year].provision)} provision remains uncommitted.",
                )
            )
        blocks += year_benefit_blocks(benefits.benefit_totals(arrangement, year))
        data["pack"]["by_year"][str(year)] = blocks
    return data


# The programme's section of the scrutiny committee pack (order 30: after finance, before
# workforce).
pack_section(
    "transformation",
    title="Transformation summary",
    missing="No transformation figures for {month}.",
    order=30,
)
