"""Monthly budget monitoring as a kind of return: the shared pages and API
(``trust_portal.approvals``) run its life; this declares what is particular to money: the entry
form's categories, the review's variance and each council's share, and their downloads."""

from django.utils import timezone

from contracts.forms import budget as budget_forms
from contracts.models import BudgetLine, BudgetReturn
from contracts.services import budget
from trust_portal.approvals.checks import explained_words
from trust_portal.approvals.kinds import ReturnKind, Wording, services_named
from trust_portal.approvals.pages import last_month_approved
from trust_portal.approvals.queries import QueryRow
from trust_portal.exports import table_response
from trust_portal.history import as_recorded
from trust_portal.numbers import money_text, percentage_text

EXPORTS = ("csv", "xlsx")


def _revision(r: BudgetReturn) -> str:
    return "Original" if r.revision == 1 else f"Correction {r.revision - 1}"


LIST_HEADER = ["Month", "Revision", "State", "Started by", "Submitted", "Approved"]


def _day(moment):
    # Spreadsheets hold no time zones: the day, as people here saw it.
    return timezone.localdate(moment) if moment else None


def _list_table(rows):
    for r in rows:
        yield [
            f"{r.period:%Y-%m}",
            _revision(r),
            r.get_state_display(),
            str(r.created_by or ""),
            _day(r.submitted_at),
            _day(r.approved_at),
        ]


def listing(request, arrangement, rows):
    """The list as CSV or Excel (``?format=``); nothing else besides the shared list."""
    if request.GET.get("format") in EXPORTS:
        name = f"{arrangement.code}-budget-monitoring"
        return table_response(
            request.GET["format"], name, LIST_HEADER, _list_table(rows), title="Budget monitoring"
        )
    return {}


VARIANCE_HEADER = [
    "Category",
    "Budget (£)",
    "Actual to date (£)",
    "Forecast outturn (£)",
    "Variance: forecast less budget (£)",
    "Variance (% of budget)",
    "Over or under",
    "Commentary",
]
SHARES_HEADER = ["Council", "Share (%)", "Falling to it: over (+) or under (−) (£)", "In words"]


def _variance_table(table):
    for row in [*table.rows, table.total]:
        yield [
            row.label,
            row.budget,
            row.actual_to_date,
            row.forecast_outturn,
            row.variance,
            row.variance_percent,
            row.in_words,
            row.commentary,
        ]


def _shares_table(shares):
    for share in shares.shares:
        yield [f"{share.name} ({share.code})", share.percentage, share.amount, share.in_words]


def _export(request, budget_return, table, shares):
    name = (
        f"{budget_return.arrangement.code}-budget-{budget_return.period:%Y-%m}"
        f"-r{budget_return.revision}"
    )
    title = f"Budget {budget_return.period:%b %Y}"
    if request.GET.get("table") == "shares":
        return table_response(
            request.GET["format"],
            f"{name}-council-shares",
            SHARES_HEADER,
            _shares_table(shares),
            title=title,
        )
    return table_response(
        request.GET["format"], name, VARIANCE_HEADER, _variance_table(table), title=title
    )


def review(request, budget_return, *, editable: bool):
    """The variance by category and each council's share, or one of them as a download."""
    table, shares = budget.variance_rows(budget_return), budget.council_shares(budget_return)
    if request.GET.get("format") in EXPORTS:
        return _export(request, budget_return, table, shares)
    return {
        "table": table,
        "shares": shares,
        "threshold": budget.COMMENTARY_THRESHOLD,
        "problems": budget.budget_return_problems(budget_return) if editable else {},
    }


def _last_month_lines(budget_return) -> dict:
    last = last_month_approved(budget_return)
    return {line.category: line for line in last.lines.all()} if last else {}


def summary(budget_return, area=None) -> list[tuple[str, str, list[str]]]:
    """What the month holds: categories entered, the forecast against budget, the categories
    needing a commentary; for one council's ``area``, its share of the over- or underspend."""
    table = budget.variance_rows(budget_return)
    entered = [row for row in table.rows if row.complete]
    flagged = [row for row in entered if row.needs_commentary]
    explained = sum(1 for row in flagged if row.commentary.strip())
    rows = [
        ("Spend categories", f"{len(entered)} of {len(table.rows)} entered", []),
        (
            "Forecast outturn",
            f"{money_text(table.total.forecast_outturn)} against a budget of "
            f"{money_text(table.total.budget)}. {table.total.in_words}",
            [],
        ),
        (
            f"More than {budget.COMMENTARY_THRESHOLD}% over or under budget",
            explained_words(len(flagged), explained),
            [row.label for row in flagged],
        ),
    ]
    for share in budget.council_shares(budget_return).shares if area else ():
        if share.code == area:
            words = f"{percentage_text(share.percentage)} of the total: {share.in_words.lower()}"
            rows.append((f"{share.name}'s share", words, []))
    return rows


def figures_form(budget_return, data=None):
    return budget_forms.BudgetLinesForm(
        data,
        lines={line.category: line for line in budget_return.lines.all()},
        defaults=budget.budget_defaults(budget_return),
        last=_last_month_lines(budget_return),
        version=budget_return.lock_version,
    )


# A budget line's figures a query shows, by field.
LINE_FIGURES = (
    ("budget", "Budget"),
    ("actual_to_date", "Actual to date"),
    ("forecast_outturn", "Forecast outturn"),
)


def query_rows(budget_return, council, at=None) -> list[QueryRow]:
    """Each spend category's line (every council shares them), as it stands or stood at the
    past moment ``at``."""
    if at is None:
        lines = budget_return.lines.all()
    else:
        lines = as_recorded(BudgetLine, at, budget_return=budget_return)
    by_category = {line.category: line for line in lines}
    rows = []
    for category, label in BudgetLine.Category.choices:
        line = by_category.get(category)
        figures = tuple(
            (name, money_text(getattr(line, field)) if line else "–")
            for field, name in LINE_FIGURES
        )
        rows.append(QueryRow(category, label, figures))
    return rows


KIND = ReturnKind(
    model=BudgetReturn,
    namespace="contracts",
    route="budget",
    object_name="budget_return",
    templates="contracts/budget_",
    services=services_named(budget, "budget_return_"),
    wording=Wording(
        missing="No such budget monitoring, or not one you can see.",
        locked="This month is locked. Start a correction to change it.",
        correct_heading="Correct approved budget monitoring",
    ),
    start_form=budget_forms.BudgetStartForm,
    query_form=budget_forms.BudgetQueryForm,
    correction_form=budget_forms.BudgetCorrectionForm,
    figures_form=figures_form,
    figures_saved=lambda form: {"lines": form.lines()},
    review=review,
    checks=budget.budget_return_checks,
    summary=summary,
    entry=lambda budget_return: {"threshold": budget.COMMENTARY_THRESHOLD},
    listing=listing,
    query_rows=query_rows,
)
