"""Words and cells shared by the workforce dashboard's parts: an exact rate as a decimal string,
FTE and heads as cells, RAG in words, the staff mix's columns, the long table of rates, and the
synthetic (demo) months marked on a time axis."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import plotly.graph_objects as go

from performance.rag import Status
from trust_portal.dashboards.figures import column, decimal_text
from workforce import reads
from workforce.rates import ZERO, percent, ratio

WORKED_OUT = {
    "vacancy_rate": "FTE vacancies, agency-covered included ÷ (FTE vacancies + FTE social workers)",
    "agency_rate": "agency FTE ÷ (agency FTE + FTE social workers)",
    "turnover": "FTE leavers in the 12 months to the month ÷ FTE social workers in post in the "
    "month",
    "census_caseload": "cases held ÷ case-holding FTE, agency included",
    "unfilled_share": "vacant posts with no cover ÷ establishment FTE",
    "covered_share": "agency FTE covering a vacancy ÷ FTE vacancies",
    "experienced_share": "experienced permanent FTE ÷ establishment FTE",
    "average_caseload": "open cases held ÷ workers (heads) holding cases",
    "over_limit_share": "workers above the caseload limit ÷ workers holding cases",
}
UNITS = {"percentage": "%", "ratio": "cases a worker"}


def unit_words(measure) -> str:
    """A rate's unit in words: the census's caseload is per full-time equivalent."""
    if measure.key == "census_caseload":
        return "cases a full-time equivalent"
    return UNITS.get(measure.unit, "")


# The staff mix's columns: (key, label, fields of reads.Totals added up)
MIX_KINDS = [
    ("experienced", "Experienced permanent", ("experienced_fte",)),
    ("asye", "Newly qualified (ASYE)", ("asye_fte",)),
    ("international", "International, first year", ("international_fte",)),
    (
        "inexperienced",
        "Inexperienced permanent (ASYE and international first year)",
        ("asye_fte", "international_fte"),
    ),
    ("agency_covering", "Agency, covering a vacant post", ("agency_covering_fte",)),
    ("vacant", "Vacant, no cover", ("vacant_fte",)),
]
# What the staff mix chart stacks, bottom up.


def month_key(month: date) -> str:
    return f"{month:%Y-%m}"


def figure_text(value: Fraction | None) -> str | None:
    """An exact rate as a decimal string to one place ("24.0"); None for no data."""
    return None if value is None else decimal_text(value, places=1)


def amount(value) -> str | int | None:
    """A numerator or denominator as a cell: FTE as a decimal string, heads as an int, an
    average (a fraction) to two places."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return decimal_text(value, places=2)
    return str(Decimal(value))


def measure_cells(measure: reads.Measure) -> list:
    """A rate and the numerator and denominator it is worked out from, as cells."""
    return [figure_text(measure.value), amount(measure.numerator), amount(measure.denominator)]


def rag_word(measure: reads.Measure) -> str:
    status = measure.rating.status
    return "grey" if status == Status.NONE else str(status)


def synthetic_text(synthetic: bool) -> str:
    return "yes" if synthetic else ""


def mix_fte(totals, fields: tuple[str, ...]) -> Decimal:
    return sum((getattr(totals, f) for f in fields), ZERO)


def mix_share(totals, fte: Decimal) -> str | None:
    share = percent(ratio(fte, totals.establishment_fte))
    return figure_text(share)


def mix_cells(totals) -> list:
    cells = [str(totals.establishment_fte)]
    for _, _, fields in MIX_KINDS:
        fte = mix_fte(totals, fields)
        cells += [str(fte), mix_share(totals, fte)]
    return cells + [
        str(totals.agency_over_establishment_fte),
        str(totals.census_vacancies_fte),
        figure_text(totals.covered_share),
    ]


def mix_columns() -> list[dict]:
    """Each kind of post (FTE, share of the establishment), then the agency workers over the
    establishment (in no post), the census's vacancies and the share agency staff cover."""
    columns = [column("establishment", "Establishment (FTE)", "number")]
    for key, label, _ in MIX_KINDS:
        # On the page each kind's share of the posts is shown beneath its FTE.
        columns += [
            column(
                f"{key}_fte",
                f"{label} (FTE)",
                "number",
                beneath=f"{key}_share",
                beneath_words="of posts",
            ),
            column(f"{key}_share", f"{label} (% of posts)", "percent", page=False),
        ]
    return columns + [
        column("agency_over_fte", "Agency over the establishment, in no post (FTE)", "number"),
        column(
            "census_vacancies_fte",
            "Vacancies, agency-covered included (FTE)",
            "number",
            beneath="covered_share",
            beneath_words="covered by agency staff",
        ),
        column("covered_share", "Vacancies covered by agency staff (%)", "percent", page=False),
    ]


# The long table of rates: one row per rate of a group (an area or the arrangement).
# Columns of several tables.
AREA_CODE = column("area_code", "Area code")
AREA = column("area", "Area")
RATE = column("rate", "Rate")
FIGURE = column("figure", "Figure", "number")
UNIT = column("unit", "Unit")
OPEN_CASES = column("open_cases", "Open cases held", "count")
WORKERS = column("workers", "Workers holding cases", "count")
# A rate against its target: the target, RAG and the status in words.
AGAINST_TARGET = [
    column("target", "Target"),
    column("rag", "RAG", "rag"),
    column("status", "Against the target, in words"),
]
RATE_COLUMNS = [
    AREA_CODE,
    AREA,
    RATE,
    FIGURE,
    UNIT,
    column("numerator", "Numerator", "number"),
    column("denominator", "Denominator", "number"),
    column("worked_out", "Worked out as"),
    *AGAINST_TARGET,
    column("small_numbers", "Small numbers"),
    column("note", "Note"),
]


def rate_cells(code: str, label: str, measure: reads.Measure) -> list:
    return [
        code,
        label,
        measure.label,
        figure_text(measure.value),
        unit_words(measure),
        amount(measure.numerator),
        amount(measure.denominator),
        WORKED_OUT[measure.key],
        measure.target_text,
        rag_word(measure),
        measure.status_words,
        "yes" if measure.rating.small_numbers else "",
        measure.note,
    ]


def synthetic_runs(months: list[date], synthetic: set[date]) -> list[tuple[date, date]]:
    """Runs of consecutive approved months that are synthetic: [(first, last)]."""
    runs, current = [], []
    for month in months:
        if month in synthetic:
            current.append(month)
        elif current:
            runs.append((current[0], current[-1]))
            current = []
    if current:
        runs.append((current[0], current[-1]))
    return runs


def mark_synthetic(figure: go.Figure, months: list[date], synthetic: set[date]) -> None:
    """Shade and label (in words) the synthetic months on a time axis."""
    for first, last in synthetic_runs(months, synthetic):
        figure.add_vrect(
            x0=(first - timedelta(days=15)).isoformat(),
            x1=(last + timedelta(days=15)).isoformat(),
            fillcolor="#b1b4b6",
            opacity=0.25,
            line_width=0,
            annotation_text="Synthetic (demo data)",
            annotation_position="top left",
        )


def month_range_words(months: list[date]) -> str:
    if len(months) == 1:
        return f"{months[0]:%B %Y}"
    return f"{months[0]:%B %Y} to {months[-1]:%B %Y}"


def area_code(group: reads.Group, summary: reads.ReturnSummary) -> str:
    """A council's code, or the arrangement's for the whole arrangement."""
    if group.area == reads.ARRANGEMENT:
        return summary.workforce_return.arrangement.code
    return group.area


def by_area(summary: reads.ReturnSummary) -> list[tuple[str, reads.Group]]:
    """[(area code, group)] for each council area, then the whole arrangement."""
    return [(area_code(g, summary), g) for g in [*summary.areas, summary.arrangement]]
