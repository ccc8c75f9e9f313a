"""Published benchmarks for the workforce rates (the benchmark register, ``performance``'s
``Benchmark``) beside the latest month's own figures. A benchmark for the whole arrangement
("ALL") is set beside the whole arrangement's figure only, never one council's. The joint
area's published figure (kind ``joint_area``: the DfE publishes one workforce return for North
and West Northamptonshire together) is always such a one, and its words say it covers the
councils together and is not either council's."""

from __future__ import annotations

from performance.models import ALL_AREAS, Benchmark
from trust_portal.dashboards import figures
from trust_portal.dashboards.figures import column, table
from trust_portal.periods import financial_year_of
from workforce import reads
from workforce.dashboards.cells import figure_text

COLUMNS = [
    column("rate", "Rate"),
    column("kind", "Benchmark"),
    column("area", "Covers"),
    column("benchmark", "Published figure", "number"),
    column("ours", "Our figure beside it", "number"),
    column("ours_for", "Our figure is for"),
    column("source", "Source"),
    column("note", "Note"),
]


def _covers(arrangement, benchmark: Benchmark, councils: dict) -> tuple[str, str]:
    """(what the benchmark covers, what our figure beside it is for)."""
    if benchmark.area != ALL_AREAS:
        council = councils.get(benchmark.area)
        name = f"{council.name} ({benchmark.area})" if council else benchmark.area
        return name, name
    whole = f"All of {arrangement.code}"
    if benchmark.kind == Benchmark.Kind.JOINT_AREA:
        names = " and ".join(c.name for c in councils.values())
        return (
            f"{names} together (one published figure for the joint area, not either council's)",
            whole,
        )
    return whole, whole


def benchmarks_block(summary: reads.ReturnSummary) -> dict | None:
    """The benchmarks of the latest month's financial year for the workforce rates; None when
    the register holds none."""
    arrangement = summary.workforce_return.arrangement
    keys = {code: key for key, code, _, _ in reads.RATES if code}
    found = Benchmark.objects.filter(
        arrangement=arrangement,
        indicator__code__in=keys,
        financial_year=financial_year_of(summary.month),
    ).select_related("indicator")
    if not found:
        return None
    councils = {c.code: c for c in arrangement.councils.order_by("code")}
    groups = {g.key: g for g in summary.areas}
    rows = []
    for benchmark in found:
        key = keys[benchmark.indicator.code]
        group = summary.arrangement if benchmark.area == ALL_AREAS else groups.get(benchmark.area)
        covers, ours_for = _covers(arrangement, benchmark, councils)
        measure = group.measures[key] if group else None
        rows.append(
            [
                measure.label if measure else benchmark.indicator.name,
                benchmark.get_kind_display(),
                covers,
                str(benchmark.value),
                figure_text(measure.value) if measure else None,
                ours_for if measure else "",
                benchmark.source,
                benchmark.note,
            ]
        )
    return figures.table_block(
        "benchmarks",
        "Published benchmarks beside our figures",
        table(COLUMNS, rows),
        summary=(
            f"Published figures for {summary.month:%B %Y}'s financial year from the benchmark "
            "register, each beside our figure for the same area: the joint area's figure, "
            "published for the councils together, stands beside the whole arrangement's, never "
            "one council's."
        ),
    )
