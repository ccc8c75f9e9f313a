"""The demo's synthetic budget monitoring months, from the trust's launch to the last complete
month, around the months fixtures/budget_monitoring.json gives (April to October 2024).

Each year's budgets are its contract sum split by the scrutiny report's spend mix, as the
fixture's are. The forecast overspend follows the story (``trust_portal.demo_time``): high in
the first years, worst in 2022/23 (agency staff and placement prices), falling since; within a
year the forecast moves from part of the year's final variance in April towards all of it by
March, and the actual to date runs at the forecast's monthly rate. November 2024 to March 2025
carry October 2024's forecast on. Generated from a seed and the month, never from the day the
demo is loaded.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from trust_portal.demo_time import SYNTHETIC, rng, setback
from trust_portal.periods import financial_year_of

# The year's final forecast variance, as a share of each category's budget.
VARIANCE = {
    2021: {"placements": "0.060", "staffing": "0.030", "childrens_homes": "0.010"},
    2022: {"placements": "0.090", "staffing": "0.065", "childrens_homes": "0.020"},
    2023: {"placements": "0.050", "staffing": "0.020", "childrens_homes": "0.010"},
    2025: {"placements": "0.040", "staffing": "0.010", "childrens_homes": "0.005"},
    2026: {"placements": "0.025", "staffing": "-0.010", "childrens_homes": "0.000"},
}
LATER = {"placements": "0.020", "staffing": "-0.010", "childrens_homes": "0.000"}
OTHER = {"adoption": "0.000", "other": "-0.005"}
WHY = {
    "placements": "more children in external residential placements than the budget assumed, "
    "at higher weekly prices",
    "staffing": "agency social workers covering vacant posts",
    "childrens_homes": "a home's staffing while it was registered for more children",
    "adoption": "adoption allowances as expected",
    "other": "legal costs and transport as expected",
}
PENNY = Decimal("0.01")


def _variance(year: int, category: str) -> Decimal:
    return Decimal(VARIANCE.get(year, LATER).get(category) or OTHER.get(category, "0"))


def month_lines(month: date, budgets: dict[str, Decimal], october_2024: dict | None) -> dict:
    """One synthetic month: {category: {"budget", "actual_to_date", "forecast_outturn",
    "commentary"}}, the budgets given (the year's, to the penny)."""
    year = financial_year_of(month)
    elapsed = (month.month - 4) % 12 + 1  # April is month 1 of the year
    random = rng("budget", month.isoformat())
    why = setback(month)
    lines = {}
    for category, budget in budgets.items():
        if year == 2024 and october_2024:
            known = october_2024[category]
            forecast = Decimal(known["forecast_outturn"])
            actual = Decimal(known["actual_to_date"]) * elapsed / 7
        else:
            share = Decimal("0.6") + Decimal("0.4") * elapsed / 12
            wobble = Decimal(str(round(random.uniform(-0.004, 0.004), 4)))
            rate = _variance(year, category) * share + wobble
            forecast = (budget * (1 + rate)).quantize(Decimal(1), ROUND_HALF_UP)
            pace = Decimal(str(round(random.uniform(0.97, 1.03), 4)))
            actual = forecast * elapsed / 12 * pace
        variance = forecast - budget
        side = "over" if variance > 0 else "under"
        words = f"{SYNTHETIC}: forecast {side} budget by £{abs(variance):,.0f}"
        words += f"; {WHY[category]}." if variance else "."
        if why and category in ("placements", "staffing"):
            words += f" The pressure grew with {why}."
        lines[category] = {
            "budget": budget,
            "actual_to_date": actual.quantize(PENNY, ROUND_HALF_UP),
            "forecast_outturn": forecast,
            "commentary": words,
        }
    return lines
