"""The scrutiny pack's workforce summary: each approved month's posts, rates and average
caseload for each council area and the whole arrangement, and the approval behind them."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from trust_portal.dashboards import figures
from trust_portal.dashboards.figures import column, table
from trust_portal.dashboards.registry import pack_return
from workforce import reads
from workforce.dashboards.cells import (
    AREA,
    OPEN_CASES,
    RATE,
    WORKERS,
    figure_text,
    measure_cells,
    month_key,
    rag_word,
    unit_words,
)
from workforce.dashboards.rates import RATE_CHARTS
from workforce.models import WorkforceReturn

PACK_RATES = [
    "vacancy_rate",
    "agency_rate",
    "turnover",
    "census_caseload",
    "unfilled_share",
    "covered_share",
    "average_caseload",
]

# The rates worked out from FTE: (rate key in reads.RATES, the keys of its columns (the rate,
# its numerator, its denominator), the rate's label); the parts' labels are the rate charts'.
PACK_FTE_RATES = [
    ("vacancy_rate", ("vacancy", "vacant", "vacancy_base"), "Vacancy rate, census method (%)"),
    ("agency_rate", ("agency", "agency_fte", "agency_base"), "Agency rate, census method (%)"),
    (
        "turnover",
        ("turnover", "leavers", "employed"),
        "Turnover, 12 months, census method (%)",
    ),
]


def detail(column_: dict) -> dict:
    """A column the pack prints only when asked for its details (the parts of a rate)."""
    return {**column_, "pack": False}


def _fte_rate_columns() -> list[dict]:
    """Each FTE rate's column, then its numerator's and its denominator's (not printed)."""
    words = {key: (top, bottom) for _, key, top, bottom in RATE_CHARTS}
    columns = []
    for rate, (key, top_key, bottom_key), label in PACK_FTE_RATES:
        top, bottom = words[rate]
        columns += [
            column(key, label, "percent"),
            detail(column(top_key, top, "number")),
            detail(column(bottom_key, bottom, "number")),
        ]
    return columns


PACK_COLUMNS = [
    AREA,
    column("posts", "Posts (FTE)", "number"),
    *_fte_rate_columns(),
    detail(column("unfilled", "Posts unfilled, no cover (%)", "percent")),
    detail(column("covered", "Vacancies covered by agency staff (%)", "percent")),
    column("census_caseload", "Caseload, census method", "number"),
    detail(column("case_holding_fte", "Case-holding FTE, agency included", "number")),
    column("caseload", "Average caseload per worker", "number"),
    detail(OPEN_CASES),
    detail(WORKERS),
]

# The return on the pack's cover (trust_portal/dashboards/packs.py).
pack_return("Workforce return", WorkforceReturn, order=20)


def _summary_row(label: str, point: reads.MonthPoint) -> list:
    m = point.measures
    return [
        label,
        str(point.totals.establishment_fte),
        *(cell for rate, _, _ in PACK_FTE_RATES for cell in measure_cells(m[rate])),
        figure_text(m["unfilled_share"].value),
        figure_text(m["covered_share"].value),
        figure_text(m["census_caseload"].value),
        str(point.totals.case_holding_fte),
        figure_text(m["average_caseload"].value),
        m["average_caseload"].numerator,
        m["average_caseload"].denominator,
    ]


def _rated_text(measure: reads.Measure) -> str | None:
    """ "7.9% (green)", "16.2 (not rated)": a rate with its unit and its RAG in words."""
    value = figure_text(measure.value)
    if value is None:
        return None
    word = rag_word(measure)
    unit = "%" if unit_words(measure) == "%" else ""
    return f"{value}{unit} ({'not rated' if word == 'grey' else word})"


def rag_block(month: date, by_group: list[tuple[str, reads.MonthPoint]]) -> dict:
    """Each rate a row, each area a column: its figure and RAG in words, beside the target."""
    columns = [RATE, column("target", "Target")]
    columns += [column(f"area_{i}", label) for i, (label, _) in enumerate(by_group)]
    rows = []
    for key in PACK_RATES:
        first = by_group[-1][1].measures[key]
        row = [first.label, first.target_text]
        rows.append(row + [_rated_text(point.measures[key]) for _, point in by_group])
    return figures.table_block(
        "workforce-rag",
        f"Workforce rates against the targets, {month:%B %Y}",
        table(columns, rows),
        summary="Each rate for each council area and the whole arrangement, red, amber or "
        "green against the target the councils set.",
    )


def pack_blocks(month: date, by_group: list[tuple[str, reads.MonthPoint]]) -> list[dict]:
    """The workforce summary of one approved month: [(area label, its point)], the whole
    arrangement last. Its vacancy rate is a figure of page one's headline."""
    rows = [_summary_row(label, point) for label, point in by_group]
    label, whole = by_group[-1]
    words = f"{month:%B %Y}"
    vacancy = whole.measures["vacancy_rate"]
    headline = [
        f"Vacancy rate, census method ({label}, {words})",
        f"{figure_text(vacancy.value)}%" if vacancy.value is not None else "No figure",
    ]
    summary = figures.table_block(
        "workforce-summary",
        f"Workforce, {words}",
        table(PACK_COLUMNS, rows),
        summary=(
            f"Social work posts, the vacancy and agency rates, turnover over 12 months "
            f"and the caseload by the census method (the DfE census is taken at 30 "
            f"September; these are {words}'s figures worked out its way), with the posts "
            f"unfilled with no cover, the vacancies agency staff cover and the average "
            f"caseload per worker, for each council area and the whole arrangement: the "
            f"vacancy rate was "
            f"{whole.measures['vacancy_rate'].text} and turnover "
            f"{whole.measures['turnover'].text}."
        ),
    )
    return [
        {**summary, "headline": [headline]},
        rag_block(month, by_group),
        figures.note_block("workforce-approval", "About these figures", approval_note(whole)),
    ]


def approval_note(point: reads.MonthPoint) -> str:
    workforce_return = point.workforce_return
    revision = (
        "the original return"
        if workforce_return.revision == 1
        else f"correction {workforce_return.revision - 1}"
    )
    approved = ""
    if workforce_return.approved_at:
        day = timezone.localdate(workforce_return.approved_at)
        approved = f" on {day.day} {day:%B %Y}"
    words = [
        f"From the workforce return for {point.month:%B %Y} ({revision}), approved by the "
        f"councils{approved}."
    ]
    spell = point.turnover
    if spell.complete:
        words.append(f"Turnover covers the 12 months {spell.first:%B %Y} to {spell.last:%B %Y}.")
    else:
        words.append(
            f"Turnover does not cover 12 months: only {spell.months} of the 12 months "
            f"{spell.first:%B %Y} to {spell.last:%B %Y} {'has' if spell.months == 1 else 'have'} "
            "an approved return, so it is "
            "shown but not rated."
        )
    if point.synthetic:
        words.append("These figures are synthetic demo data, not a real return.")
    return " ".join(words)


def pack_by_month(groups: list, points: list) -> dict:
    """The pack's blocks for each approved month, keyed by month."""
    by_month = {}
    area_points = [(label, {p.month: p for p in pts}) for _, label, pts in groups]
    for point in points:
        by_group = [
            (label, found[point.month]) for label, found in area_points if point.month in found
        ]
        by_month[month_key(point.month)] = pack_blocks(point.month, by_group)
    return by_month
