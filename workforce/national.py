"""The national-scale generator's workforce part (``python manage.py generate_national``;
trust_portal/national.py): each council area's teams (more safeguarding teams for a bigger
council), the demo's workforce targets, and an approved workforce return for every month with
every team's figures. A team's posts add up as the return's check requires (employed + agency
covering a vacant post + vacant = establishment), its workers over the caseload limit are
among its case holders, and vacancies, agency cover and experience follow the council's path
of improvement from the seed, by the calendar (``trust_portal.national.path``)."""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings

from performance.national import targets_make
from trust_portal.approvals.national import approved_months
from trust_portal.national import Party, Plan, bulk, path
from workforce.demo_months import CASELOAD
from workforce.models import Team, TeamFigures, WorkforceReturn

FIXTURE = settings.BASE_DIR / "fixtures" / "workforce.json"
# (service, name, posts at a council of size 1, teams at size 1)
TEAMS = [
    ("front_door", "MASH", 12, 1),
    ("assessment", "Assessment", 18, 1),
    ("safeguarding", "Safeguarding", 19, 3),
    ("children_in_care", "Children in Care", 22, 1),
    ("leaving_care", "Leaving Care", 11, 1),
    ("disabled_children", "Disabled Children", 9, 1),
]
ALL_STAFF_A_POST = Decimal("3.6")  # all the trust's staff for each social worker post
TWO = Decimal("0.01")


def generate(*, plan: Plan, log) -> None:
    targets_make(plan, json.loads(FIXTURE.read_text())["targets"], kind="workforce targets")
    teams = bulk(plan, Team, (t for party in plan.parties for t in _teams(party)), kind="teams")
    by_arrangement: dict[int, list] = {}
    for team in teams:
        by_arrangement.setdefault(team.arrangement_id, []).append(team)
    paths = {c.code: path(plan, "workforce path", c.code) for p in plan.parties for c in p.councils}
    for month, pairs in approved_months(
        plan, WorkforceReturn, kind="workforce returns", fields=_all_staff(plan, by_arrangement)
    ):
        rows = []
        for party, workforce_return in pairs:
            for team in by_arrangement[party.arrangement.pk]:
                level = paths[team.area.code].at(month)
                random = plan.rng("workforce", party.code, team.name, month.isoformat())
                figures = team_figures(team.service, team.posts, level, random)
                rows.append(TeamFigures(workforce_return=workforce_return, team=team, **figures))
        bulk(plan, TeamFigures, rows, kind="workforce team figures")
    log(f"Workforce: {len(teams):,} teams; returns: {plan.counts['workforce returns']:,}")


def _teams(party: Party) -> list:
    made = []
    for council, size in zip(party.councils, party.sizes, strict=True):
        for service, name, posts, count in TEAMS:
            many = max(1, round(count * size))
            for number in range(1, many + 1):
                team = Team(
                    arrangement=party.arrangement,
                    name=f"{name} {council.code}" + (f" {number}" if many > 1 else ""),
                    service=service,
                    area=council,
                )
                team.posts = max(4, round(posts * (size if many == 1 else size * count / many)))
                made.append(team)
    return made


def _all_staff(plan: Plan, by_arrangement: dict):
    """The return's all-staff figures: a multiple of the social worker posts, with the
    year's leavers falling from 15% to 9% as the service improves."""

    def fields(party: Party, month: date) -> dict:
        posts = sum(team.posts for team in by_arrangement[party.arrangement.pk])
        random = plan.rng("all staff", party.code, month.isoformat())
        fte = (posts * ALL_STAFF_A_POST * Decimal(str(random.uniform(0.97, 1.03)))).quantize(TWO)
        rate = Decimal(str(round(random.uniform(0.09, 0.15), 3)))
        return {"all_staff_fte": fte, "all_staff_leavers_fte": (fte * rate).quantize(TWO)}

    return fields


def team_figures(service: str, posts: int, level: float, random) -> dict:
    """One team's month (``TeamFigures``' fields) from its posts and how far the service has
    come (0 to 1): vacancies from 25% to 5%, most of them covered by agency workers."""
    establishment = Decimal(posts)
    vacant_posts = round(posts * max(0.0, 0.25 - 0.2 * level + random.uniform(-0.04, 0.04)))
    employed = posts - vacant_posts
    covering = round(vacant_posts * random.uniform(0.5, 0.85))
    over = 1 if random.random() < 0.05 else 0
    experienced = round(employed * (0.55 + 0.17 * level))
    international = min(employed - experienced, round(employed * 0.07))
    leavers = 1 if random.random() < employed * 0.012 else 0
    starters = 1 if random.random() < employed * 0.012 else 0
    start, end = CASELOAD[service]
    average = start + (end - start) * level
    workers = int((employed + covering + over) * 0.85) if start else 0
    cases = round(workers * (average + random.uniform(-1, 1))) if workers else 0
    over_limit = min(workers, round(workers * max(0.0, (average - 15) / 20))) if workers else 0
    waiting = max(0, round((1 - level) * 6 + random.uniform(-1, 1))) if workers else 0
    return {
        "establishment_fte": establishment,
        "experienced_fte": Decimal(experienced),
        "asye_fte": Decimal(employed - experienced - international),
        "international_fte": Decimal(international),
        "agency_fte": Decimal(covering + over),
        "agency_over_establishment_fte": Decimal(over),
        "vacant_fte": Decimal(vacant_posts - covering),
        "starters": starters,
        "starters_fte": Decimal(starters),
        "leavers": leavers,
        "leavers_fte": Decimal(leavers),
        "open_cases": cases,
        "workers_holding_cases": workers,
        "case_holding_fte": (Decimal(workers) * Decimal("0.9")).quantize(TWO),
        "workers_over_limit": over_limit,
        "unallocated_cases": waiting,
    }
