"""The demo's synthetic performance months, from the trust's launch to the last complete month
(``trust_portal.demo_time``): figures for North (NNC) and West (WNC) that follow the story of an
inadequate service improving with setbacks, generated from a seed and the month, never from the
day the demo is loaded. Each month's figures hang together as a real return's do: the open cases
are the sum of their kinds, each timeliness measure counts the children it is about, and no
numerator is larger than its denominator.

Where the sizes start: March 2019, the last month of the county council's figures
(fixtures/performance_returns.json); where the percentages start and end: chosen here.
"""

from datetime import date

from trust_portal.demo_time import LAUNCH, SYNTHETIC, progress, rng, setback

AREAS = ("NNC", "WNC")
AREA_NAMES = {"NNC": "North", "WNC": "West"}
# Open children in need, on a protection plan, looked after and care leavers, March 2019.
SIZES = {
    "NNC": {"OPEN_CIN": 916, "OPEN_CP": 268, "OPEN_LAC": 490, "OPEN_CL": 109, "REFERRALS": 295},
    "WNC": {"OPEN_CIN": 1027, "OPEN_CP": 332, "OPEN_LAC": 636, "OPEN_CL": 209, "REFERRALS": 360},
}
# Growth a year from the launch (the looked-after population and care leavers grow).
GROWTH = {"OPEN_CIN": 0.01, "OPEN_CP": -0.02, "OPEN_LAC": 0.03, "OPEN_CL": 0.04, "REFERRALS": 0.0}
# Percentage measures: (numerator of, denominator, start, end) as the story's progress goes
# from 0 to 1; a denominator is a count above or a share of one ("OPEN_LAC*0.62").
RATES = {
    "CIN_VISIT_IN_TIME": ("OPEN_CIN", 0.62, 0.92),
    "CIN_PLAN_IN_TIME": ("OPEN_CIN", 0.68, 0.93),
    "CP_VISIT_IN_TIME": ("OPEN_CP", 0.72, 0.95),
    "LAC_VISIT_IN_TIME": ("OPEN_LAC", 0.80, 0.96),
    "LAC_PLAN_IN_TIME": ("OPEN_LAC", 0.82, 0.96),
    "CL_IN_TOUCH": ("OPEN_CL", 0.78, 0.94),
    "CL_PATHWAY_PLAN_IN_TIME": ("OPEN_CL", 0.80, 0.95),
    "ASSESSMENT_IN_45_WD": ("OPEN_CIN*0.28", 0.85, 0.95),
    "LAC_REVIEWS_IN_TIME": ("OPEN_LAC*0.19", 0.80, 0.96),
    "PEP_THIS_TERM": ("OPEN_LAC*0.62", 0.85, 0.96),
    "SDQ_IN_12_MONTHS": ("OPEN_LAC*0.47", 0.74, 0.90),
    "REREFERRALS_12_MONTHS": ("REFERRALS", 0.24, 0.17),
}
# Seen alone: a share of the visits in time.
SEEN_ALONE = {"CIN_SEEN_ALONE": ("CIN_VISIT_IN_TIME", 0.55, 0.82)}
SEEN_ALONE_CP = {"CP_SEEN_ALONE": ("CP_VISIT_IN_TIME", 0.66, 0.85)}
# Counts that should fall: (start, end) a council area.
COUNTS = {
    "UNALLOCATED_CASES": (50, 6),
    "UNALLOCATED_ASSESSMENTS": (8, 0),
    "UNALLOCATED_OVER_30_DAYS": (6, 0),
}
CASELOAD = (21.0, 16.0)  # average cases a case-holding worker
OVER_LIMIT = (0.25, 0.06)  # share of case-holding workers above the limit


def _between(start: float, end: float, at: float) -> float:
    return start + (end - start) * at


def _size(area: str, code: str, month: date, wobble: float) -> int:
    years = (month - LAUNCH).days / 365.25
    return round(SIZES[area][code] * (1 + GROWTH[code]) ** years * (1 + wobble))


def _denominator(spec: str, sizes: dict) -> int:
    code, _, share = spec.partition("*")
    return max(1, round(sizes[code] * float(share or 1)))


def _area(area: str, month: date) -> dict[str, tuple[int, int | None]]:
    random = rng("performance", month.isoformat(), area)
    # West is a little behind North throughout, as in 2018/19.
    level = min(1.0, max(0.0, progress(month) + (0.03 if area == "NNC" else -0.02)))
    sizes = {code: _size(area, code, month, random.uniform(-0.02, 0.02)) for code in GROWTH}
    return area_figures(sizes, level, random)


def area_figures(sizes: dict[str, int], level: float, random) -> dict[str, tuple[int, int | None]]:
    """One council area's month of figures from its sizes (open cases of each kind and
    referrals, ``GROWTH``'s codes) and how far its service has come (``level``, 0 to 1), drawn
    from ``random``: every indicator's (numerator, denominator), hanging together as a real
    return's do. The demo's months and the national-scale generator (performance/national.py)
    both use it."""
    figures: dict[str, tuple[int, int | None]] = {}
    for code, (spec, start, end) in RATES.items():
        denominator = _denominator(spec, sizes)
        rate = _between(start, end, level) + random.uniform(-0.015, 0.015)
        figures[code] = (min(denominator, max(0, round(denominator * rate))), denominator)
    for group in (SEEN_ALONE, SEEN_ALONE_CP):
        for code, (visits, start, end) in group.items():
            seen, denominator = figures[visits]
            share = _between(start, end, level) + random.uniform(-0.02, 0.02)
            figures[code] = (min(seen, round(seen * share)), denominator)
    for code, (start, end) in COUNTS.items():
        figures[code] = (
            max(0, round(_between(start, end, level) * random.uniform(0.8, 1.2))),
            None,
        )
    for code in ("OPEN_CIN", "OPEN_CP", "OPEN_LAC", "OPEN_CL", "REFERRALS"):
        figures[code] = (sizes[code], None)
    open_cases = sum(sizes[c] for c in ("OPEN_CIN", "OPEN_CP", "OPEN_LAC", "OPEN_CL"))
    figures["OPEN_CASES"] = (open_cases, None)
    figures["OPEN_ASSESSMENTS"] = (round(sizes["REFERRALS"] * random.uniform(0.75, 0.9)), None)
    held = open_cases - figures["UNALLOCATED_CASES"][0]
    workers = round(held / (_between(*CASELOAD, level) + random.uniform(-0.4, 0.4)))
    figures["AVERAGE_CASELOAD"] = (held, workers)
    over = round(workers * (_between(*OVER_LIMIT, level) + random.uniform(-0.02, 0.02)))
    figures["WORKERS_OVER_CASELOAD"] = (max(0, over), workers)
    return figures


def month_figures(month: date) -> dict:
    """One synthetic month as ``performance.demo`` loads it: {"figures": {code: {area: [n, d]}},
    "commentary": {code: words}, "notes": words}."""
    areas = {area: _area(area, month) for area in AREAS}
    figures = {code: {area: list(areas[area][code]) for area in AREAS} for code in areas[AREAS[0]]}
    for code in ("AVERAGE_CASELOAD", "WORKERS_OVER_CASELOAD"):
        figures[code]["ALL"] = [sum(figures[code][a][i] for a in AREAS) for i in (0, 1)]
    why = setback(month)
    commentary = {code: _words(code, figures[code], why) for code in figures}
    return {"figures": figures, "commentary": commentary, "notes": f"{SYNTHETIC}."}


def _words(code: str, areas: dict, why: str | None) -> str:
    def shown(pair) -> str:
        numerator, denominator = pair
        if denominator is None:
            return f"{numerator:,}"
        if code == "AVERAGE_CASELOAD":
            return f"{numerator / denominator:.1f}" if denominator else "none"
        return f"{100 * numerator / denominator:.1f}%" if denominator else "none"

    total = [sum(areas[a][i] or 0 for a in AREAS) for i in (0, 1)]
    if areas[AREAS[0]][1] is None:
        total[1] = None
    parts = ", ".join(f"{AREA_NAMES[a]} {shown(areas[a])}" for a in AREAS)
    words = f"{SYNTHETIC}: {shown(areas.get('ALL', total))} ({parts})."
    if why:
        words += f" Held back by {why}."
    return words
