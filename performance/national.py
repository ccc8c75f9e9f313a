"""The national-scale generator's performance part (``python manage.py generate_national``;
trust_portal/national.py): the indicator catalogue, each arrangement's rules and targets, and
an approved monthly return for every month, with a figure for every indicator and council area
(and all areas together where areas do not add up).

Each council's figures come from the demo's own month maker (``demo_months.area_figures``), so
they hang together as the demo's do, with the council's size (0.3 to 2.5 times North
Northamptonshire's caseload at the launch, growing as the demo's do) and its own path of
improvement from the seed, both by the calendar: the same seed gives a month the same figures
whatever months are generated. The figures' source is recorded as ``Measurement.Source.DEMO``
("Demo data"): no other source fits synthetic figures, and none is added without a migration.
The indicator catalogue is loaded as the demo loads it, at the real moment; the rules are
recorded as the arrangements are (``Plan.founded``); each year's targets on 10
March before the year starts, so the rules and targets in force are found as recorded at any
generated moment."""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings

from performance.demo import load_catalogue
from performance.demo_months import GROWTH, SIZES, area_figures
from performance.models import (
    ALL_AREAS,
    Commentary,
    Indicator,
    Measurement,
    MonthlyReturn,
    PerformanceSettings,
    Target,
)
from trust_portal.approvals.national import approved_months
from trust_portal.demo_time import LAUNCH, moment
from trust_portal.national import GENERATED, REASON, Plan, as_of, bulk, path
from trust_portal.periods import financial_year_start

TARGETS = settings.BASE_DIR / "fixtures" / "performance_targets.json"
BASE = SIZES["NNC"]


def generate(*, plan: Plan, log) -> None:
    # The catalogue as the demo loads it, at the real moment (not ``Plan.founded``): its later
    # definitions' months would be refused as too far ahead of a moment years ago.
    with as_of(plan.now):
        load_catalogue()
    indicators = list(
        Indicator.objects.filter(entered_in=Indicator.EnteredIn.PERFORMANCE).order_by(
            "display_order"
        )
    )
    bulk(
        plan,
        PerformanceSettings,
        (
            PerformanceSettings(arrangement=p.arrangement, valid_from=plan.months[0], reason=REASON)
            for p in plan.parties
        ),
    )
    targets_make(plan, json.loads(TARGETS.read_text()), kind="performance targets")
    targeted = {row["indicator"] for row in json.loads(TARGETS.read_text())["targets"]}
    paths = {
        c.code: path(plan, "performance path", c.code) for p in plan.parties for c in p.councils
    }
    for month, pairs in approved_months(plan, MonthlyReturn, kind="performance returns"):
        measurements, commentaries = [], []
        for party, monthly_return in pairs:
            areas = {
                council.code: _council_month(plan, council.code, size, paths[council.code], month)
                for council, size in zip(party.councils, party.sizes, strict=True)
            }
            for indicator in indicators:
                cells = {code: figures[indicator.code] for code, figures in areas.items()}
                if not indicator.additive:
                    cells[ALL_AREAS] = tuple(
                        sum(pair[i] for pair in cells.values()) for i in (0, 1)
                    )
                measurements += [
                    Measurement(
                        monthly_return=monthly_return,
                        indicator=indicator,
                        area=area,
                        numerator=numerator,
                        denominator=denominator,
                        source=Measurement.Source.DEMO,
                    )
                    for area, (numerator, denominator) in cells.items()
                ]
                if indicator.code in targeted:
                    words = _words(cells)
                    commentaries.append(
                        Commentary(monthly_return=monthly_return, indicator=indicator, text=words)
                    )
        bulk(plan, Measurement, measurements, kind="performance measurements")
        bulk(plan, Commentary, commentaries, kind="performance commentaries")
    log(f"Performance returns: {plan.counts['performance returns']:,}")


def targets_make(plan: Plan, data: dict, *, kind: str) -> None:
    """A target for each of ``data``'s indicators ({"targets": [{"indicator", "target",
    "tolerance"?}], "tolerance"?}) in each arrangement's every financial year the months
    touch, from the year's first month, each year's recorded at 10:00 on 10 March before it
    starts. Used by the workforce part as well."""
    codes = {i.code: i for i in Indicator.objects.all()}
    for year in plan.financial_years:
        rows = []
        for party in plan.parties:
            for row in data["targets"]:
                rows.append(
                    Target(
                        arrangement=party.arrangement,
                        indicator=codes[row["indicator"]],
                        financial_year=year,
                        valid_from=financial_year_start(year),
                        target=Decimal(row["target"]),
                        tolerance=Decimal(row.get("tolerance", data.get("tolerance"))),
                        reason=f"{GENERATED}: the demo's target",
                    )
                )
        with as_of(moment(date(year, 3, 10))):
            bulk(plan, Target, rows, kind=kind)


def _council_month(plan: Plan, council: str, size: float, path, month: date) -> dict:
    random = plan.rng("performance", council, month.isoformat())
    level = min(1.0, max(0.0, path.at(month) + random.uniform(-0.03, 0.03)))
    years = (month - LAUNCH).days / 365.25  # the demo's sizes are the launch's
    sizes = {
        code: max(1, round(BASE[code] * size * (1 + GROWTH[code]) ** years)) for code in GROWTH
    }
    return area_figures(sizes, level, random)


def _words(cells: dict) -> str:
    """A targeted indicator's commentary: the figure in each area."""
    parts = [
        f"{area} {100 * n / d:.1f}%" if d else f"{area} none" for area, (n, d) in cells.items()
    ]
    return f"{GENERATED}: {', '.join(parts)}."
