"""Social work posts by kind: the staff mix over time, and the latest month's posts for each
council area and the whole arrangement."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from trust_portal.dashboards import figures
from trust_portal.dashboards.figures import column, table
from workforce import reads
from workforce.dashboards.cells import (
    AREA,
    AREA_CODE,
    MIX_KINDS,
    by_area,
    mark_synthetic,
    mix_cells,
    mix_columns,
    mix_fte,
    mix_share,
    month_key,
    month_range_words,
    synthetic_text,
)

# What the staff mix chart stacks, bottom up.
MIX_STACK = ["experienced", "inexperienced", "agency_covering", "vacant"]


def staff_mix_block(points, synthetic: set[date]) -> dict:
    rows = [[month_key(p.month), synthetic_text(p.synthetic), *mix_cells(p.totals)] for p in points]
    columns = [
        column("month", "Month", "month", beneath="synthetic"),
        column("synthetic", "Synthetic (demo)", page=False),
        *mix_columns(),
    ]
    figure = go.Figure()
    months = [p.month for p in points]
    labels = {key: label for key, label, _ in MIX_KINDS}
    fields = {key: f for key, _, f in MIX_KINDS}
    for key in MIX_STACK:
        figure.add_bar(
            name=labels[key],
            x=[month_key(m) for m in months],
            y=[str(mix_fte(p.totals, fields[key])) for p in points],
            hovertext=["synthetic (demo data)" if p.synthetic else "" for p in points],
        )
    figure.update_layout(barmode="stack", yaxis_title="FTE", xaxis_title="Month")
    mark_synthetic(figure, months, synthetic)
    last = points[-1]
    experienced = mix_share(last.totals, last.totals.experienced_fte)
    vacant = mix_share(last.totals, last.totals.vacant_fte)
    summary = (
        f"Social work posts by kind each approved month, {month_range_words(months)}: "
        f"in {last.month:%B %Y}, {last.totals.establishment_fte} FTE posts, {experienced}% "
        f"filled by experienced permanent staff and {vacant}% unfilled with no cover."
    )
    return figures.chart_block(
        "staff-mix", "Staff mix over time (FTE)", figure, table(columns, rows), summary=summary
    )


def latest_posts_block(summary: reads.ReturnSummary) -> dict:
    columns = [{**AREA_CODE, "page": False}, AREA, *mix_columns()]  # AREA names the code
    rows = [[code, g.label, *mix_cells(g.totals)] for code, g in by_area(summary)]
    month = summary.month
    return figures.table_block(
        "latest-posts",
        f"Posts by kind, {month:%B %Y}",
        table(columns, rows),
        summary=(
            f"Social work posts in {month:%B %Y} by kind, for each council area and the "
            "whole arrangement, as FTE and as shares of the establishment."
        ),
    )
