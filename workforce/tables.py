"""The workforce pages' tables as downloads (CSV and Excel, ``trust_portal.exports``): each a
header and its rows, the same figures the page shows. Rates are numbers to one decimal place,
each followed by its RAG in words."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from workforce.reads import RATES
from workforce.services import FIELDS

RATE_HEADER = []
for _key, _code, _label, _unit in RATES:
    RATE_HEADER += [f"{_label}{' (%)' if _unit == 'percentage' else ''}", f"{_label}: RAG"]
    if _key == "turnover":
        RATE_HEADER.append("Turnover: months counted")


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def rate_cells(measures: dict, turnover) -> list:
    cells = []
    for key, _, _, _ in RATES:
        measure = measures[key]
        cells += [_number(measure.shown), measure.status_words]
        if key == "turnover":
            cells.append(turnover.months)
    return cells


FIGURE_HEADER = [words[0].upper() + words[1:] for words in FIELDS.values()]


def _figures(totals) -> list:
    return [getattr(totals, field) for field in FIELDS]


GROUP_HEADER = ["Council area", "Team", "Service", *FIGURE_HEADER, *RATE_HEADER]


def group_rows(summary):
    """Every team, then every area and the arrangement, with figures and rates."""
    for group in summary.groups:
        team = group.team
        yield [
            group.area,
            team.name if team else group.label,
            team.get_service_display() if team else "",
            *(_figures(group.totals) if group.reported else [None] * len(FIELDS)),
            *rate_cells(group.measures, group.turnover),
        ]


CASELOAD_HEADER = [
    "Area",
    "Caseload, census method: workforce return",
    "Average caseload per worker: workforce return",
    "Average caseload per worker: performance return",
    "Workers above the limit (%): workforce return",
    "Workers above the limit (%): performance return",
    "Performance figures' source",
]


def caseload_rows(comparisons):
    for c in comparisons:
        yield [
            c.label,
            _number(c.workforce_census.shown),
            _number(c.workforce_average.shown),
            _number(c.performance_average.shown) if c.performance_average else None,
            _number(c.workforce_over.shown),
            _number(c.performance_over.shown) if c.performance_over else None,
            c.source,
        ]


TEAM_LIST_HEADER = ["Council area", "Team", "Service", "Open or closed"]


def team_rows(teams):
    for team in teams:
        yield [
            team.area.code,
            team.name,
            team.get_service_display(),
            "Open" if team.active else "Closed",
        ]


TEAM_MONTHS_HEADER = ["Month", "Synthetic (demo)", *FIGURE_HEADER, *RATE_HEADER]


def team_month_rows(points):
    for point in points:
        yield [
            f"{point.month:%Y-%m}",
            "yes" if point.synthetic else "",
            *_figures(point.totals),
            *rate_cells(point.measures, point.turnover),
        ]


RETURN_LIST_HEADER = ["Month", "Revision", "State", "Started by", "Submitted", "Approved"]


def _day(moment):
    # Spreadsheets hold no time zones: the day, as people here saw it.
    return timezone.localdate(moment) if moment else None


def return_rows(returns):
    for r in returns:
        revision = "Original" if r.revision == 1 else f"Correction {r.revision - 1}"
        yield [
            f"{r.period:%Y-%m}",
            revision,
            r.get_state_display(),
            str(r.created_by or ""),
            _day(r.submitted_at),
            _day(r.approved_at),
        ]
