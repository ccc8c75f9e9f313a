"""Northamptonshire's teams and workforce returns for the demo (``python manage.py load_demo``),
made through the same services people use: the trust's manager adds the teams, enters and
submits each month, each council's officer approves its area; the councils' officers set the
(synthetic) workforce targets. Figures: fixtures/workforce.json, which names its sources and
marks what is synthetic (made by fixtures/make_workforce_returns.py)."""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings

from performance.models import Indicator, Target
from performance.services.indicators import target_set
from trust_portal.accounts.models import Arrangement, User
from workforce import services
from workforce.models import Team, WorkforceReturn
from workforce.reads import SYNTHETIC_NOTE

FIXTURE = settings.BASE_DIR / "fixtures" / "workforce.json"


def load(*, password, log) -> dict:
    data = json.loads(FIXTURE.read_text())
    arrangement = Arrangement.objects.get(trust__code=data["arrangement"])
    manager = User.objects.get(username="nct-manager")
    officers = [User.objects.get(username=u) for u in ("nnc-officer", "wnc-officer")]
    teams = load_teams(data, arrangement, manager)
    targets = load_targets(data["targets"], arrangement, officers[0])
    added = load_returns(data, arrangement, teams, manager, officers)
    log(f"Workforce: {len(teams)} teams; targets added: {targets}; returns added: {added}")
    return {}


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


def load_targets(data, arrangement, officer) -> int:
    made = 0
    for year in data["financial_years"]:
        for row in data["targets"]:
            indicator = Indicator.objects.get(code=row["indicator"])
            if Target.objects.filter(
                arrangement=arrangement, indicator=indicator, financial_year=year
            ).exists():
                continue
            target_set(
                by=officer,
                arrangement=arrangement,
                indicator=indicator,
                financial_year=year,
                target=Decimal(row["target"]),
                tolerance=Decimal(row["tolerance"]),
                reason="Demo: synthetic workforce target (fixtures/workforce.json)",
            )
            made += 1
    return made


def load_returns(data, arrangement, teams, manager, officers) -> int:
    """Each month: started, entered and submitted by the trust's manager, approved by both
    councils' officers. A month already there is left alone, so loading twice adds nothing."""
    fields = data["fields"]
    added = 0
    for row in data["returns"]:
        month = date.fromisoformat(row["month"] + "-01")
        if WorkforceReturn.objects.filter(arrangement=arrangement, period=month).exists():
            continue
        started = services.workforce_return_start(by=manager, arrangement=arrangement, month=month)
        figures = {
            teams[name].pk: dict(zip(fields, values, strict=True))
            for name, values in row["teams"].items()
        }
        note = SYNTHETIC_NOTE if row["synthetic"] else f"Demo data: {row['notes']}"
        services.workforce_return_save(
            by=manager,
            workforce_return=started,
            expected_version=started.lock_version,
            teams=figures,
            note=note,
        )
        services.workforce_return_submit(by=manager, workforce_return=started)
        for officer in officers:
            services.workforce_return_approve(by=officer, workforce_return=started)
        added += 1
    return added
