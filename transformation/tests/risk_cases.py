"""Risks the risk register's tests make for themselves, inside each test's transaction: one at
a time (``fields``), or a whole register (``make_register``)."""

from datetime import timedelta

from django.utils import timezone

from transformation.models import Risk
from transformation.services import risks
from transformation.tests.factories import ProjectFactory
from trust_portal.accounts.models import Arrangement, User


def nct() -> Arrangement:
    return Arrangement.objects.get(trust__code="NCT")


def manager() -> User:
    return User.objects.get(username="nct-manager")


def fields(**overrides) -> dict:
    """What a trust manager types to add a risk; ``overrides`` change any of it."""
    return {
        "reason": "Raised at the board",
        "reference": "T1",
        "title": "Court delays",
        "description": "Care proceedings take longer, so children wait for permanence.",
        "project": None,
        "likelihood": 3,
        "impact": 3,
        "owner": "Head of Legal, NCT",
        "mitigation": "Early case planning with the councils' legal teams.",
        "review_date": timezone.localdate() + timedelta(days=30),
        **overrides,
    }


def make_risk(*, by=None, arrangement=None, **overrides) -> Risk:
    """A risk added by ``by`` (the NCT manager unless named) to NCT's register unless named."""
    return risks.risk_save(
        by=by or manager(), arrangement=arrangement or nct(), **fields(**overrides)
    )


# (reference, project, title, likelihood, impact, review due in days)
REGISTER = [
    ("R01", "Workforce Managed Teams", "Recruiting and keeping enough social workers", 4, 4, 45),
    ("R02", "Placement Efficiency", "Placement sufficiency and cost", 4, 5, -9),
    ("R03", None, "Replacing the case management system", 3, 5, -30),
    ("R04", None, "Block 3 transformation fund fully committed", 3, 3, 20),
    ("R05", None, "Demand growing faster than planned", 4, 4, 10),
    ("R06", "MASH Review Delivery", "Front door referrals rise", 2, 3, 60),
    ("R07", "Circle to Success Delivery", "Families leave the programme early", 2, 4, 30),
    ("R08", None, "Partners withdraw from the board", 2, 2, 90),
    ("R09", None, "Office move delayed", 2, 3, 14),
]
# The open risks by score, then review date.
OPEN_IN_ORDER = ["R02", "R05", "R03", "R01", "R04", "R07", "R06", "R08"]


def make_register(*, by, arrangement) -> dict[str, Risk]:
    """{reference: risk} of ``REGISTER``, added by ``by`` (a manager of the trust) through the
    services, each project made for its risk: eight open risks, two overdue for review (R02
    and R03), R01 reviewed from 4 × 4 down to 3 × 4, and R09 closed."""
    today = timezone.localdate()
    made = {}
    for reference, project, title, likelihood, impact, due in REGISTER:
        if project:
            project = ProjectFactory(arrangement=arrangement, name=project)
        made[reference] = risks.risk_save(
            by=by,
            arrangement=arrangement,
            **fields(
                reference=reference,
                project=project,
                title=title,
                likelihood=likelihood,
                impact=impact,
                review_date=today + timedelta(days=due),
            ),
        )
    risks.risk_review(
        by=by,
        risk=made["R01"],
        likelihood=3,
        impact=4,
        mitigation=made["R01"].mitigation,
        review_date=today + timedelta(days=45),
        note="Vacancies down to 12.9% in July",
    )
    risks.risk_close(by=by, risk=made["R09"], reason="The move is done")
    return made
