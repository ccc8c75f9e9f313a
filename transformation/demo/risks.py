"""The demo's risk register (fixtures/risks.json, synthetic and marked so), recorded by the
trust's manager through the same services people use. Called by ``transformation.demo.load`` after
the programme, so a risk to a project finds its project by name; a project the programme's
demo has not loaded leaves its risks programme-level until a later load finds it. Review
dates count from the day it is recorded (``transformation.demo``: the day before the demo is
loaded), so two reviews are always overdue. Idempotent."""

import json
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from transformation.models import Risk
from transformation.services import risks
from trust_portal.accounts.models import User

FIXTURE = settings.BASE_DIR / "fixtures" / "risks.json"
REASON = "Demo: synthetic risk register (fixtures/risks.json)"


def load_risks(arrangement) -> str:
    data = json.loads(FIXTURE.read_text())
    manager = User.objects.get(username=data["recorded_by"])
    projects = {p.name: p for p in arrangement.projects.all()}
    today = timezone.localdate()
    added, attached, missing = 0, 0, set()
    for row in data["risks"]:
        project = projects.get(row["project"]) if row["project"] else None
        if row["project"] and project is None:
            missing.add(row["project"])
        risk = Risk.objects.filter(arrangement=arrangement, reference=row["reference"]).first()
        if risk is None:
            _add(row, arrangement, manager, project, today)
            added += 1
        elif project and risk.project_id is None and risk.status == Risk.Status.OPEN:
            _attach(risk, manager, project)
            attached += 1
    note = f"Risks added: {added}"
    if attached:
        note += f"; {attached} attached to their projects"
    if missing:
        note += (
            f"; projects not in the programme yet, their risks left programme-level: "
            f"{', '.join(sorted(missing))}"
        )
    return note


# A risk's own fields, as the fixture gives them and as a re-save keeps them.
FIELDS = ("reference", "title", "description", "likelihood", "impact", "owner", "mitigation")


def _add(row, arrangement, manager, project, today) -> None:
    fields = {k: row[k] for k in FIELDS}
    risk = risks.risk_save(
        by=manager,
        arrangement=arrangement,
        reason=REASON,
        project=project,
        review_date=today + timedelta(days=row["review_in_days"]),
        **fields,
    )
    for review in row.get("reviews", []):
        risks.risk_review(
            by=manager,
            risk=risk,
            likelihood=review["likelihood"],
            impact=review["impact"],
            mitigation=risk.mitigation,
            review_date=today + timedelta(days=review["next_review_in_days"]),
            note=review["note"],
        )
    if row.get("closed"):
        risks.risk_close(by=manager, risk=risk, reason=row["closed"])


def _attach(risk: Risk, manager, project) -> None:
    fields = {k: getattr(risk, k) for k in (*FIELDS, "review_date")}
    risks.risk_save(
        by=manager,
        arrangement=risk.arrangement,
        risk=risk,
        reason="Demo: attached to its project, now in the programme",
        project=project,
        **fields,
    )
