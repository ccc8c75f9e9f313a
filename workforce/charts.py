"""The geometry of the workforce overview's two charts, drawn by the templates as inline SVG
(the CSP allows no scripts or style attributes; rect sizes are attributes). Each chart has its
data table beside it and words on it, so nothing is said by colour alone."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from workforce.reads import MIX, MonthPoint, display

PLOT_HEIGHT = 200
TOP = 10
LEFT = 44
BAR = 34
GAP = 14
KINDS = {name: index for index, (name, _) in enumerate(MIX)}


def _n(value) -> str:
    """A coordinate to two decimal places (SVG wants plain numbers)."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Segment:
    x: str
    y: str
    width: str
    height: str
    kind: int  # the CSS class's number: tp-mix--0 … tp-mix--4
    label: str
    share: str | None
    text_y: str
    show_text: bool


@dataclass(frozen=True)
class Column:
    label_x: str
    month: str
    year: str
    synthetic: bool
    segments: list[Segment]


def staff_mix(points: list[MonthPoint]) -> dict:
    """One bar per approved month, 100% tall, stacked from the bottom: experienced permanent,
    ASYE, international first year, agency, vacant, each as a share of the posts."""
    columns = []
    for index, point in enumerate(points):
        x = LEFT + GAP + index * (BAR + GAP)
        bottom = Fraction(TOP + PLOT_HEIGHT)
        segments = []
        for name, label in MIX:
            share = point.totals.share_of_posts(name)
            if not share:
                continue
            height = share * PLOT_HEIGHT / 100
            bottom -= height
            segments.append(
                Segment(
                    _n(x),
                    _n(bottom),
                    _n(BAR),
                    _n(height),
                    KINDS[name],
                    label,
                    display(share, 0),
                    _n(bottom + height / 2 + 4),
                    height >= 14,
                )
            )
        columns.append(
            Column(
                _n(x + BAR / 2), f"{point.month:%b}", f"{point.month:%Y}", point.synthetic, segments
            )
        )
    width = LEFT + GAP + len(points) * (BAR + GAP) + 10
    ticks = [
        (f"{pct}%", _n(TOP + PLOT_HEIGHT - pct * PLOT_HEIGHT / 100)) for pct in range(0, 101, 25)
    ]
    return {
        "columns": columns,
        "width": width,
        "height": TOP + PLOT_HEIGHT + 44,
        "ticks": ticks,
        "left": LEFT,
        "right": _n(width - 10),
        "axis_y": _n(TOP + PLOT_HEIGHT),
        "month_y": _n(TOP + PLOT_HEIGHT + 16),
        "year_y": _n(TOP + PLOT_HEIGHT + 30),
        "legend": [(KINDS[name], label) for name, label in MIX],
    }


ROW = 24
LABEL_WIDTH = 210
BAR_SPACE = 330


@dataclass(frozen=True)
class CaseloadBar:
    label: str
    y: str
    text_y: str
    width: str
    value: str | None
    over: bool
    value_x: str


def caseload_bars(groups, limit: int) -> dict:
    """One horizontal bar per team: its average caseload (open cases held ÷ workers holding
    cases), with the caseload limit drawn across them."""
    values = [g.measures["average_caseload"].value for g in groups]
    largest = max([v for v in values if v is not None] + [Fraction(limit)])
    scale = Fraction(BAR_SPACE) / (largest * Fraction(11, 10))
    bars = []
    for index, (group, value) in enumerate(zip(groups, values, strict=True)):
        y = TOP + index * ROW
        width = value * scale if value is not None else 0
        # The values stand in a column of their own, clear of the bars and the limit line.
        bars.append(
            CaseloadBar(
                group.label,
                _n(y + 3),
                _n(y + 16),
                _n(width),
                display(value),
                bool(value is not None and value > limit),
                _n(LABEL_WIDTH + BAR_SPACE + 8),
            )
        )
    height = TOP + len(bars) * ROW + 30
    limit_x = LABEL_WIDTH + limit * scale
    return {
        "bars": bars,
        "width": LABEL_WIDTH + BAR_SPACE + 170,
        "height": height,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "limit": limit,
        "limit_x": _n(limit_x),
        "limit_top": TOP - 4,
        "limit_bottom": _n(TOP + len(bars) * ROW),
        "limit_text_y": _n(TOP + len(bars) * ROW + 16),
    }
