"""The demo's synthetic workforce months, from the trust's launch to the last complete month,
around the months fixtures/workforce.json gives (December 2018, August 2023 to July 2024).

The arrangement's totals follow ``TOTALS``: employed social workers' FTE and agency FTE at each
month's end, passing through July 2023 (257 employed, 34 agency: where the fixture's months
start) and July 2024 (270 and 28: the published 12.9% vacancy rate), with the story's setbacks
(``trust_portal.demo_time``): winter 2022/23, when agency workers left for better-paid posts,
and summer 2025. Each team gets its share of the posts (by its establishment, the remainders
placed by a generator seeded from the month), so every team's posts add up. Generated from a
seed and the month, never from the day the demo is loaded.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from trust_portal.demo_time import LAUNCH, months, progress, rng, setback
from trust_portal.periods import previous_month

ESTABLISHMENT = {
    "MASH North": 12,
    "First Response North": 11,
    "Assessment North": 18,
    "Safeguarding North 1": 20,
    "Safeguarding North 2": 18,
    "Safeguarding North 3": 18,
    "Children in Care North": 22,
    "Leaving Care North": 11,
    "Disabled Children North": 9,
    "MASH West": 13,
    "First Response West": 11,
    "Assessment West": 18,
    "Safeguarding West 1": 21,
    "Safeguarding West 2": 20,
    "Safeguarding West 3": 19,
    "Safeguarding West 4": 19,
    "Children in Care West": 27,
    "Leaving Care West": 13,
    "Disabled Children West": 10,
}
# Agency workers over the establishment (clearing backlogs), as in the fixture's months.
OVER_ESTABLISHMENT = {"Assessment North": 1, "First Response West": 1, "Assessment West": 2}
# (month, employed FTE, agency FTE): straight lines between the points.
TOTALS = [
    (date(2021, 4, 1), 222, 58),
    (date(2022, 4, 1), 226, 57),
    (date(2022, 10, 1), 244, 47),
    (date(2023, 1, 1), 236, 52),
    (date(2023, 7, 1), 257, 34),
    (date(2024, 7, 1), 270, 28),
    (date(2025, 4, 1), 279, 24),
    (date(2025, 8, 1), 268, 30),
    (date(2026, 3, 1), 280, 22),
    (date(2027, 12, 1), 290, 14),
]
# Average cases a case-holding worker, by service, as the story goes from 0 to 1.
CASELOAD = {
    "front_door": (0, 0),
    "assessment": (24, 18),
    "safeguarding": (21, 16),
    "children_in_care": (17, 14),
    "leaving_care": (16, 13),
    "disabled_children": (14, 11),
}
HALF = Decimal("0.5")
TWO = Decimal("0.01")


def _total(month: date, column: int) -> Decimal:
    for earlier, later in zip(TOTALS, TOTALS[1:], strict=False):
        if earlier[0] <= month <= later[0]:
            share = Decimal((month - earlier[0]).days) / Decimal((later[0] - earlier[0]).days)
            value = earlier[column] + (later[column] - earlier[column]) * share
            return value.quantize(Decimal(1), ROUND_HALF_UP)
    return Decimal(TOTALS[-1][column] if month > TOTALS[-1][0] else TOTALS[0][column])


def _shares(total: Decimal, weights: dict[str, Decimal], random) -> dict[str, Decimal]:
    """``total`` (whole FTE) over the teams by ``weights``; the remainders go one by one to the
    teams the month's generator picks, weighted by what is left of each team's fraction."""
    weight_sum = sum(weights.values())
    exact = {team: total * weight / weight_sum for team, weight in weights.items()}
    given = {team: value.to_integral_value(rounding="ROUND_FLOOR") for team, value in exact.items()}
    left = int(total - sum(given.values()))
    teams = list(weights)
    for _ in range(left):
        fractions = [float(exact[t] - given[t]) + 0.01 for t in teams]
        team = random.choices(teams, weights=fractions)[0]
        given[team] += 1
        exact[team] = given[team]
    return given


def month_teams(month: date, services: dict[str, str]) -> dict[str, list]:
    """One synthetic month's figures for every team (``services``: team name -> service), in
    fixtures/workforce.json's field order."""
    random = rng("workforce", month.isoformat())
    establishment = {t: Decimal(ESTABLISHMENT[t]) for t in services}
    over = {t: Decimal(OVER_ESTABLISHMENT.get(t, 0)) for t in services}
    employed_total = _total(month, 1)
    covering_total = _total(month, 2) - sum(over.values())
    employed = _shares(employed_total, establishment, random)
    room = {t: establishment[t] - employed[t] for t in services}
    covering = _shares(covering_total, {t: room[t] + Decimal("0.01") for t in services}, random)
    for team in services:  # never more cover than the team's empty posts
        spill = max(Decimal(0), covering[team] - room[team])
        covering[team] -= spill
    level = Decimal(str(round(progress(month), 3)))
    troubled = setback(month) is not None
    leavers_total = Decimal(3 if troubled else 2) + (HALF if random.random() < 0.5 else 0)
    employed_before = _total(previous_month(month), 1)
    starters_total = max(Decimal(0), employed_total - employed_before + leavers_total)
    leavers = _events(leavers_total, employed, random)
    starters = _events(starters_total, {t: room[t] + 1 for t in services}, random)
    rows = {}
    for team, service in services.items():
        staff = employed[team]
        experienced = (staff * (Decimal("0.55") + Decimal("0.17") * level)).quantize(
            Decimal(1), ROUND_HALF_UP
        )
        international = (staff * Decimal("0.07")).quantize(Decimal(1), ROUND_HALF_UP)
        asye = staff - experienced - international
        agency = covering[team] + over[team]
        vacant = establishment[team] - staff - covering[team]
        in_post = staff + agency
        start, end = CASELOAD[service]
        average = start + (end - start) * float(level)
        workers = int(in_post * Decimal("0.85")) if start else 0
        cases = round(workers * (average + random.uniform(-1, 1))) if workers else 0
        over_limit = min(workers, round(workers * max(0.0, (average - 15) / 20))) if workers else 0
        waiting = max(0, round((1 - float(level)) * 6 + random.uniform(-1, 1))) if workers else 0
        rows[team] = [
            _fte(establishment[team]),
            _fte(experienced),
            _fte(asye),
            _fte(international),
            _fte(agency),
            _fte(over[team]),
            _fte(vacant),
            len(starters[team]),
            _fte(sum(starters[team], Decimal(0))),
            len(leavers[team]),
            _fte(sum(leavers[team], Decimal(0))),
            cases,
            workers,
            _fte(Decimal(workers) * Decimal("0.9")),
            over_limit,
            waiting,
        ]
    return rows


def all_staff(month: date) -> dict[str, str]:
    """All the trust's staff (not only social workers) at the month's end and their leavers in
    the 12 months to it, FTE: 960 growing to about 1,040, turnover from 15% falling to about
    9% as the story goes (July 2024's published 9.9% is the fixture's)."""
    random = rng("all-staff", month.isoformat())
    level = progress(month)
    fte = Decimal(960 + round(80 * level) + random.randint(-4, 4))
    rate = Decimal(str(round(0.15 - 0.06 * level + random.uniform(-0.004, 0.004), 4)))
    return {"fte": _fte(fte), "leavers_fte": _fte((fte * rate).quantize(HALF))}


def _events(total: Decimal, weights: dict[str, Decimal], random) -> dict[str, list[Decimal]]:
    """``total`` FTE as people (whole-time, and one half-time where there is a half), each
    placed in a team the generator picks by ``weights``."""
    whole, half = divmod(total, 1)
    people = [Decimal(1)] * int(whole) + ([HALF] if half else [])
    placed: dict[str, list[Decimal]] = {team: [] for team in weights}
    teams = list(weights)
    for size in people:
        team = random.choices(teams, weights=[float(max(weights[t], 0)) + 0.01 for t in teams])[0]
        placed[team].append(size)
    return placed


def _fte(value) -> str:
    return str(Decimal(value).quantize(TWO))


def synthetic_months(first: date, last: date, given: set[str]) -> list[date]:
    """The months from the launch (or ``first``) to ``last`` that fixtures/workforce.json does
    not give (``given``: its months as "2024-07")."""
    return [m for m in months(max(first, LAUNCH), last) if f"{m:%Y-%m}" not in given]
