"""A workforce history of the test's own, for the pages' and the dashboard's tests: four teams
in the root ``world`` (two serving each council) and thirteen approved months shaped as the
demo's are (one month on its own, then twelve in a row of which the first eleven are marked
synthetic), made through the same services people use, with the demo's kind of targets and an
approved performance return beside the first month. Every figure is small enough to work out
by hand; the comments say how.

FIRST (December 2023), posts by team (experienced, ASYE, international, agency, vacant):
    MASH A             10 = 4 + 2 + 1 + 2 + 1;  50 cases, 2 workers, both over the limit (25)
    First Response A   10 = 3 + 1 + 0 + 3 + 3;  66 cases, 3 workers, all over (22)
    Safeguarding B     20 = 8 + 4 + 1 + 2 + 5;  60 cases, 5 workers (12)
    Children in Care B 10 = 5 + 1 + 0 + 2 + 2;  30 cases, 4 workers (7.5)
    All: 50 posts = 20 + 8 + 2 + 9 + 11, so shares of posts 40.0 / 16.0 / 4.0 (20.0
    inexperienced) / 18.0 / 22.0%; employed 30, DfE vacancy rate 11 / (11 + 30) = 26.8%;
    caseloads: first council 116 / 5 = 23.2, second 90 / 9 = 10.0, all 206 / 14 = 14.7.
    No leavers.

Every later month (August 2024 to July 2025):
    MASH A             10 = 7 + 1 + 0 + 1 + 1;  36 cases, 2 workers (18)
    First Response A   10 = 8 + 0 + 0 + 1 + 1;  38 cases, 2 workers (19)
    Safeguarding B     20 = 15 + 1 + 1 + 1 + 2; 80 cases, 5 workers, one over (16)
    Children in Care B 10 = 8 + 0 + 0 + 1 + 1;  30 cases, 2 workers (15)
    All: 50 posts, employed 41, vacancy rate 5 / (5 + 41) = 10.9%; caseload 184 / 11 = 16.7.
    Leavers only in LATEST (July 2025): First Response A 2 (2 FTE) and Safeguarding B 2 (2
    FTE), so the 12 months' turnover is 4 / 41 = 9.8%.
"""

from dataclasses import dataclass
from datetime import date

from performance.models import Indicator, Measurement, MonthlyReturn
from performance.tests.factories import MeasurementFactory, MonthlyReturnFactory, TargetFactory
from trust_portal.approvals.models import State
from workforce import services
from workforce.models import Team, WorkforceReturn
from workforce.reads import SYNTHETIC_NOTE
from workforce.tests.factories import TeamFactory

FIRST = date(2023, 12, 1)
SYNTHETIC = [date(2024, m, 1) for m in range(8, 13)] + [date(2025, m, 1) for m in range(1, 7)]
LATEST = date(2025, 7, 1)
MONTHS = [FIRST, *SYNTHETIC, LATEST]

# (name, service, council: 0 the first, 1 the second)
TEAMS = [
    ("MASH A", "front_door", 0),
    ("First Response A", "assessment", 0),
    ("Safeguarding B", "safeguarding", 1),
    ("Children in Care B", "children_in_care", 1),
]
KINDS = ("experienced_fte", "asye_fte", "international_fte", "agency_fte", "vacant_fte")


def posts(establishment, kinds, cases, workers, over=0, leavers=0) -> dict:
    return {
        "establishment_fte": str(establishment),
        **{k: str(v) for k, v in zip(KINDS, kinds, strict=True)},
        "agency_over_establishment_fte": "0",
        "case_holding_fte": str(workers),
        "starters": "0",
        "starters_fte": "0",
        "leavers": str(leavers),
        "leavers_fte": str(leavers),
        "open_cases": str(cases),
        "workers_holding_cases": str(workers),
        "workers_over_limit": str(over),
        "unallocated_cases": "0",
    }


FIRST_FIGURES = {
    "MASH A": posts(10, (4, 2, 1, 2, 1), 50, 2, over=2),
    "First Response A": posts(10, (3, 1, 0, 3, 3), 66, 3, over=3),
    "Safeguarding B": posts(20, (8, 4, 1, 2, 5), 60, 5),
    "Children in Care B": posts(10, (5, 1, 0, 2, 2), 30, 4),
}
LATER_FIGURES = {
    "MASH A": posts(10, (7, 1, 0, 1, 1), 36, 2),
    "First Response A": posts(10, (8, 0, 0, 1, 1), 38, 2),
    "Safeguarding B": posts(20, (15, 1, 1, 1, 2), 80, 5, over=1),
    "Children in Care B": posts(10, (8, 0, 0, 1, 1), 30, 2),
}
LATEST_FIGURES = {
    **LATER_FIGURES,
    "First Response A": posts(10, (8, 0, 0, 1, 1), 38, 2, leavers=2),
    "Safeguarding B": posts(20, (15, 1, 1, 1, 2), 80, 5, over=1, leavers=2),
}
# The demo's kind of targets (fixtures/workforce.json) for the financial years of the twelve
# months in a row; the first month (2023/24) has none.
TARGETS = [
    ("WORKFORCE_VACANCY_RATE", "15", "3"),
    ("WORKFORCE_AGENCY_RATE", "10", "3"),
    ("WORKFORCE_TURNOVER_RATE", "15", "3"),
    ("WORKFORCE_EXPERIENCED_SHARE", "60", "5"),
    ("AVERAGE_CASELOAD", "18", "2"),
    ("WORKERS_OVER_CASELOAD", "10", "5"),
]


def make_teams(world) -> dict[str, Team]:
    return {
        name: TeamFactory(
            arrangement=world.arrangement, name=name, service=service, area=world.councils[at]
        )
        for name, service, at in TEAMS
    }


def approve(world, teams, month: date, figures: dict, *, note: str = "") -> WorkforceReturn:
    """A month started, entered and submitted by the trust's manager and approved by both
    councils' officers, as the demo's are."""
    started = services.workforce_return_start(
        by=world.manager, arrangement=world.arrangement, month=month
    )
    services.workforce_return_save(
        by=world.manager,
        workforce_return=started,
        expected_version=started.lock_version,
        teams={teams[name].pk: typed for name, typed in figures.items()},
        note=note,
    )
    services.workforce_return_submit(by=world.manager, workforce_return=started)
    for officer in world.officers:
        services.workforce_return_approve(by=officer, workforce_return=started)
    started.refresh_from_db()
    return started


def performance_beside(world, month: date) -> MonthlyReturn:
    """An approved performance return for the month whose caseloads are the workforce
    return's: first council 116 cases of 5 workers, all 5 over; second 90 of 9, none over."""
    made = MonthlyReturnFactory(arrangement=world.arrangement, period=month, state=State.APPROVED)
    average = Indicator.objects.get(code="AVERAGE_CASELOAD")
    over = Indicator.objects.get(code="WORKERS_OVER_CASELOAD")
    first, second = (c.code for c in world.councils)
    for indicator, area, numerator, denominator in [
        (average, first, 116, 5),
        (average, second, 90, 9),
        (over, first, 5, 5),
        (over, second, 0, 9),
    ]:
        MeasurementFactory(
            monthly_return=made,
            indicator=indicator,
            area=area,
            numerator=numerator,
            denominator=denominator,
            source=Measurement.Source.FORM,
        )
    return made


@dataclass
class History:
    teams: dict[str, Team]
    months: dict[date, WorkforceReturn]
    performance: MonthlyReturn


def make_history(world, teams: dict[str, Team]) -> History:
    for code, target, tolerance in TARGETS:
        for year in (2024, 2025):
            TargetFactory(
                arrangement=world.arrangement,
                indicator=Indicator.objects.get(code=code),
                financial_year=year,
                target=target,
                tolerance=tolerance,
            )
    months = {FIRST: approve(world, teams, FIRST, FIRST_FIGURES, note="Counted by hand")}
    for month in SYNTHETIC:
        months[month] = approve(world, teams, month, LATER_FIGURES, note=SYNTHETIC_NOTE)
    months[LATEST] = approve(world, teams, LATEST, LATEST_FIGURES, note="Counted by hand")
    return History(teams, months, performance_beside(world, FIRST))
