"""Benefits realisation for the demo (``python manage.py load_demo``): Circle to Success's
Valuing Care work from the October 2024 scrutiny report, and one wholly synthetic benefit,
entered by the trust's manager through the same services people use. Figures:
fixtures/benefits.json, which names its source and marks what is synthetic.

Runs after the programme's demo (``transformation/demo/cases.py``): a case it needs that is
not there is skipped, and loading twice adds nothing."""

import json

from django.conf import settings

from transformation.models import Benefit, BenefitQuarter, BusinessCase
from transformation.services import benefits
from trust_portal.accounts.models import User

FIXTURE = settings.BASE_DIR / "fixtures" / "benefits.json"
REASON = "Demo: synthetic targets (fixtures/benefits.json); the report publishes none"


def find_case(arrangement, match_title: str) -> BusinessCase | None:
    return (
        BusinessCase.objects.filter(project__arrangement=arrangement, title__icontains=match_title)
        .order_by("reference")
        .first()
    )


def load_benefits(arrangement, *, manager: User | None = None) -> str:
    data = json.loads(FIXTURE.read_text())
    manager = manager or User.objects.get(username="nct-manager")
    year = data["financial_year"]
    added, reported, skipped = 0, 0, []
    for entry in data["cases"]:
        case = find_case(arrangement, entry["match_title"])
        if case is None or case.state != BusinessCase.State.APPROVED:
            skipped.append(entry["match_title"])
            continue
        for row in entry["benefits"]:
            benefit = Benefit.objects.filter(business_case=case, name=row["name"]).first()
            if benefit is None:
                benefit = benefits.benefit_save(
                    by=manager,
                    case=case,
                    name=row["name"],
                    kind=row["kind"],
                    description=row["description"],
                    reason=REASON,
                )
                added += 1
            for q in row["quarters"]:
                quarter = {"benefit": benefit, "financial_year": year, "quarter": q["quarter"]}
                benefits.quarter_set_target(
                    by=manager,
                    **quarter,
                    target=q["target"],
                    lower_tolerance=q["lower_tolerance"],
                    reason=REASON,
                )
                if "actual" not in q:
                    continue
                done = BenefitQuarter.objects.filter(**quarter, actual__isnull=False).exists()
                if not done:
                    benefits.quarter_report_actual(
                        by=manager, **quarter, actual=q["actual"], commentary=q["commentary"]
                    )
                    reported += 1
    message = f"Benefits added: {added}; quarters reported: {reported}"
    if skipped:
        message += f"; no approved case yet for: {', '.join(skipped)} (skipped)"
    return message
