"""The workforce dashboard's builder: the "workforce" snapshot, its blocks in their order, the
"rates-by-month" page and each approved month's pack, and the pack's section and return."""

from __future__ import annotations

from datetime import date

from trust_portal.dashboards import figures
from trust_portal.dashboards.registry import builder, pack_section
from trust_portal.numbers import grouped_text
from workforce import reads
from workforce.dashboards.benchmarks import benchmarks_block
from workforce.dashboards.cells import figure_text, month_key, month_range_words
from workforce.dashboards.pack import pack_by_month
from workforce.dashboards.posts import latest_posts_block, staff_mix_block
from workforce.dashboards.rates import (
    RATE_CHARTS,
    groups_over_time,
    latest_rates_block,
    rate_chart_block,
    rates_by_month_page,
    rates_frame,
)
from workforce.dashboards.teams import caseload_block, caseloads_compared_block
from workforce.rates import all_staff_turnover

NAME = "workforce"
TITLE = "Workforce"
DEFINITIONS = (
    "The DfE children's social work workforce census's definitions, applied to each month "
    "(census method: the census itself is taken once a year, at 30 September). FTE social "
    "workers are permanent staff: experienced, newly qualified (ASYE) and international first "
    "year; agency workers are not. Vacancy rate: FTE vacancies, including those covered by "
    "agency workers, ÷ (FTE vacancies + FTE social workers). Agency rate: agency FTE ÷ (agency "
    "FTE + FTE social workers). Turnover: FTE leavers in the 12 months to the month ÷ FTE "
    "social workers in post in the month (not an average); with fewer than 12 months of "
    "returns it is shown but not rated. Caseload: cases held ÷ the FTE of the social workers "
    "holding them, agency included. Under names of their own: posts unfilled, no cover (vacant "
    "posts with no agency cover ÷ the establishment), vacancies covered by agency staff (÷ the "
    "vacancies), shares of the establishment, and the average caseload per worker (cases ÷ "
    "workers holding cases, heads). A team's area is the area it serves now."
)


pack_section(
    NAME,
    title="Workforce summary",
    missing="No approved workforce return for {month}.",
    order=40,
)


@builder(
    NAME,
    title=TITLE,
    source="approved monthly workforce returns (caseloads beside the approved performance "
    "return of the same month)",
    order=50,
)
def build_workforce(arrangement) -> dict:
    synthetic = reads.synthetic_months(arrangement)
    groups = groups_over_time(arrangement, synthetic)
    points = groups[-1][2]
    if not points:
        return _no_returns_snapshot()
    months = [p.month for p in points]
    latest = points[-1]
    summary = reads.summary(latest.workforce_return)
    frame = rates_frame(groups)
    blocks = []
    marked = sorted(synthetic & set(months))
    if marked:
        blocks.append(_synthetic_note(marked, months))
    blocks.append(latest_rates_block(summary))
    staff = _all_staff_block(latest.workforce_return, latest.measures["turnover"])
    if staff is not None:
        blocks.append(staff)
    benchmarks = benchmarks_block(summary)
    if benchmarks is not None:
        blocks.append(benchmarks)
    blocks.append(latest_posts_block(summary))
    blocks.append(staff_mix_block(points, synthetic))
    for block_id, key, top, bottom in RATE_CHARTS:
        blocks.append(rate_chart_block(frame, block_id, key, top, bottom, synthetic, months))
    blocks.append(caseload_block(summary))
    blocks.append(caseloads_compared_block(summary))
    blocks.append(
        figures.note_block(
            "definitions",
            "How the rates are worked out",
            DEFINITIONS,
        )
    )
    return {
        "title": TITLE,
        "period": f"{month_range_words(months)}; latest approved month {latest.month:%B %Y}",
        # For the workforce overview page, which reads this snapshot back (``shape``: the
        # layout it reads; a snapshot of an earlier layout waits for its recompute).
        "shape": SHAPE,
        "latest_month": month_key(latest.month),
        "caseload_limit": summary.caseload_limit,
        "blocks": blocks,
        "pages": {"rates-by-month": rates_by_month_page(frame)},
        "pack": {"by_month": pack_by_month(groups, points)},
    }


# The layout of what the overview page reads back: 2 since the census's rates (issue 13).
SHAPE = 2


def _all_staff_block(workforce_return, census_turnover) -> dict | None:
    """The latest month's all-staff turnover, where the return gives one, under its own name
    beside the census's social-worker turnover."""
    value = all_staff_turnover(
        workforce_return.all_staff_leavers_fte, workforce_return.all_staff_fte
    )
    if value is None:
        return None
    return figures.note_block(
        "all-staff-turnover",
        "Turnover, all staff",
        f"Turnover, all staff (12 months), {workforce_return.period:%B %Y}: "
        f"{figure_text(value)}% ({grouped_text(workforce_return.all_staff_leavers_fte)} "
        f"leavers' FTE ÷ {grouped_text(workforce_return.all_staff_fte)} FTE in post), as the "
        "trust reports it for every "
        "member of its staff. It is not the census's turnover, which is of permanent social "
        f"workers: {census_turnover.text} by the census method.",
    )


def _no_returns_snapshot() -> dict:
    """The snapshot while no workforce return is approved: a note and nothing else."""
    return {
        "title": TITLE,
        "period": "",
        "blocks": [
            figures.note_block(
                "no-returns",
                "No approved workforce return yet",
                "There is no approved workforce return yet. The "
                "figures appear here once the councils approve one.",
            )
        ],
    }


def _synthetic_note(marked: list[date], months: list[date]) -> dict:
    """A note naming the approved months that are synthetic demo data."""
    return figures.note_block(
        "synthetic",
        "Synthetic months",
        f"{len(marked)} of the {len(months)} approved months are synthetic demo data, "
        f"marked “Synthetic” in the tables and shaded on the charts: "
        f"{', '.join(f'{m:%b %Y}' for m in marked)}.",
    )
