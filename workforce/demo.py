"""Northamptonshire's teams and workforce returns for the demo (``python manage.py load_demo``),
made through the same services people use: the trust's manager adds the teams, enters and
submits each month, each council's officer approves its area; the councils' officers set the
(synthetic) workforce targets. Figures: fixtures/workforce.json, which names its sources and
marks what is synthetic (made by fixtures/make_workforce_returns.py). The joint area's
published census rates, beside the whole arrangement's: fixtures/workforce_benchmarks.json."""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings

from performance.demo import load_targets
from performance.models import ALL_AREAS, Benchmark, Indicator
from performance.services.benchmarks import benchmark_save
from trust_portal.accounts.models import Arrangement, User
from trust_portal.approvals.demo_returns import APPROVED, DRAFT, load_demo_returns
from trust_portal.approvals.kinds import services_named
from trust_portal.demo_time import LAUNCH, at, last_month_to_load
from trust_portal.periods import financial_year_of
from workforce import services
from workforce.demo_months import all_staff, month_teams, synthetic_months
from workforce.models import Team, WorkforceReturn
from workforce.reads import SYNTHETIC_NOTE

FIXTURE = settings.BASE_DIR / "fixtures" / "workforce.json"
TEAMS_ADDED = date(2021, 3, 1)  # the teams were set up before the launch
BENCHMARKS = settings.BASE_DIR / "fixtures" / "workforce_benchmarks.json"
JOINT_NOTE = (
    "Published for North and West Northamptonshire together: the DfE publishes one workforce "
    "return for the joint area, so this is not either council's figure."
)
JOINT_NOTE_2018 = (
    "Published for Northamptonshire, the area of North and West Northamptonshire together "
    "before 2021: not either council's figure."
)


def load(*, password, log, today, final: bool = True) -> dict:
    data = json.loads(FIXTURE.read_text())
    arrangement = Arrangement.objects.get(trust__code=data["arrangement"])
    manager = User.objects.get(username="nct-manager")
    officers = [User.objects.get(username=u) for u in ("nnc-officer", "wnc-officer")]
    with at(TEAMS_ADDED):
        teams = load_teams(data, arrangement, manager)
    reason = "Demo: synthetic workforce target (fixtures/workforce.json)"
    years = {
        **data["targets"],
        "financial_years": list(range(LAUNCH.year, financial_year_of(today) + 1)),
    }
    targets = load_targets(years, arrangement, officers[0], reason=reason, dated=True)
    added = load_returns(data, arrangement, teams, manager, officers, today, final=final)
    with at(TEAMS_ADDED):
        benchmarks = load_benchmarks(arrangement, officers[0])
    log(
        f"Workforce: {len(teams)} teams; targets added: {targets}; returns added: {added}; "
        f"benchmarks added: {benchmarks}"
    )
    return {}


def load_benchmarks(arrangement, by) -> int:
    """The joint area's published census rates (kind joint_area, for ALL), through the service
    people use; one already there is left alone. Returns how many were added."""
    data = json.loads(BENCHMARKS.read_text())
    made = 0
    for row in data["benchmarks"]:
        indicator = Indicator.objects.get(code=row["indicator"])
        key = {
            "indicator": indicator,
            "financial_year": row["financial_year"],
            "kind": Benchmark.Kind.JOINT_AREA,
            "area": ALL_AREAS,
        }
        if Benchmark.objects.filter(arrangement=arrangement, **key).exists():
            continue
        year = row["financial_year"]
        benchmark_save(
            by=by,
            arrangement=arrangement,
            **key,
            value=Decimal(row["value"]),
            source=(
                "DfE, Children's social work workforce, census at "
                f"{row['census']} (indicators data file csww_indicators_2017_to_2024.csv), "
                + ("Northamptonshire" if year < 2021 else "North and West Northamptonshire")
            ),
            note=JOINT_NOTE_2018 if year < 2021 else JOINT_NOTE,
        )
        made += 1
    return made


def load_teams(data, arrangement, manager) -> dict[str, Team]:
    councils = {c.code: c for c in arrangement.councils.all()}
    teams = {t.name: t for t in Team.objects.filter(arrangement=arrangement)}
    for row in data["teams"]:
        if row["name"] not in teams:
            teams[row["name"]] = services.team_save(
                by=manager,
                arrangement=arrangement,
                reason="Demo: synthetic team (fixtures/workforce.json)",
                name=row["name"],
                service=row["service"],
                area=councils[row["area"]],
            )
    return teams


def load_returns(data, arrangement, teams, manager, officers, today, *, final=True) -> int:
    """Each month: started, entered and submitted by the trust's manager, approved by both
    councils' officers: the fixture's months (December 2018 entered as the baseline before the
    launch) and a synthetic month for every other month from the launch to the last complete
    one, which is left in draft. A month already there is left alone, so loading twice adds
    nothing."""
    fields = data["fields"]
    given = {row["month"]: {**row, "state": APPROVED} for row in data["returns"]}
    services_of = {row["name"]: row["service"] for row in data["teams"]}
    last = last_month_to_load(today, final=final)
    for month in synthetic_months(LAUNCH, last, set(given)):
        made = month_teams(month, services_of)
        given[f"{month:%Y-%m}"] = {
            "month": f"{month:%Y-%m}",
            "synthetic": True,
            "teams": made,
            "all_staff": all_staff(month),
        }
    rows = [given[key] for key in sorted(given) if key <= f"{last:%Y-%m}"]
    if final:
        rows[-1] = {**rows[-1], "state": DRAFT}

    def figures(row) -> dict:
        teams_figures = {
            teams[name].pk: dict(zip(fields, values, strict=True))
            for name, values in row["teams"].items()
        }
        note = SYNTHETIC_NOTE if row["synthetic"] else f"Demo data: {row['notes']}"
        # July 2024's all-staff turnover (the scrutiny report's 9.9%), under its own name
        return {"teams": teams_figures, "all_staff": row.get("all_staff"), "note": note}

    return load_demo_returns(
        rows,
        model=WorkforceReturn,
        services=services_named(services, "workforce_return_"),
        object_name="workforce_return",
        arrangement=arrangement,
        manager=manager,
        officers=officers,
        figures=figures,
    )
