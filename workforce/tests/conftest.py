"""Fixtures of the workforce tests: the demo's NCT arrangement, and a small arrangement of our
own (trust TWT, councils AAC and BBC, three teams) whose figures are easy to work out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from trust_portal.accounts.models import Arrangement, Commission, Organisation, Role, User
from trust_portal.approvals.models import State
from workforce.models import Team, TeamFigures, WorkforceReturn
from workforce.services import FIELDS

D = Decimal


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


def row(**overrides) -> dict:
    """One team's figures as typed: 10 posts = 6 experienced + 1 ASYE + 1 agency (covering a
    vacant post) + 2 vacant with no cover; 40 cases held by 4 workers, 3.5 FTE."""
    typed = {
        "establishment_fte": "10",
        "experienced_fte": "6",
        "asye_fte": "1",
        "international_fte": "0",
        "agency_fte": "1",
        "agency_over_establishment_fte": "0",
        "vacant_fte": "2",
        "starters": "0",
        "starters_fte": "0",
        "leavers": "1",
        "leavers_fte": "1",
        "open_cases": "40",
        "workers_holding_cases": "4",
        "case_holding_fte": "3.5",
        "workers_over_limit": "1",
        "unallocated_cases": "0",
    }
    return {**typed, **overrides}


def every_team(arrangement, **overrides) -> dict:
    return {team.pk: row(**overrides) for team in Team.objects.filter(arrangement=arrangement)}


class Small:
    """Trust TWT, commissioned by AAC and BBC; teams A1 and A2 serve AAC, B1 serves BBC."""

    def __init__(self):
        trust = Organisation.objects.create(code="TWT", name="Test Workforce Trust", kind="trust")
        self.aac = Organisation.objects.create(code="AAC", name="Aa Council", kind="council")
        self.bbc = Organisation.objects.create(code="BBC", name="Bb Council", kind="council")
        self.arrangement = Arrangement.objects.create(trust=trust)
        for council in (self.aac, self.bbc):
            Commission.objects.create(arrangement=self.arrangement, council=council)
        self.manager = User.objects.create_user(
            "twt-manager", email="m@twt.example.org", organisation=trust, role=Role.TRUST_MANAGER
        )
        self.officers = [
            User.objects.create_user(
                f"{c.code.lower()}-officer",
                email=f"o@{c.code}.example.org",
                organisation=c,
                role=Role.COUNCIL_OFFICER,
            )
            for c in (self.aac, self.bbc)
        ]
        self.teams = {
            name: Team.objects.create(
                arrangement=self.arrangement, name=name, service=service, area=area
            )
            for name, service, area in [
                ("A1", "safeguarding", self.aac),
                ("A2", "assessment", self.aac),
                ("B1", "children_in_care", self.bbc),
            ]
        }

    def approved(self, month: str, figures: dict[str, dict], revision: int = 1):
        """An approved return made directly (the reads do not care how it was approved)."""
        made = WorkforceReturn.objects.create(
            arrangement=self.arrangement,
            period=date.fromisoformat(month + "-01"),
            revision=revision,
            state=State.APPROVED,
        )
        for name, values in figures.items():
            TeamFigures.objects.create(
                workforce_return=made,
                team=self.teams[name],
                **{
                    f: D(str(values.get(f, 0))) if f.endswith("_fte") else values.get(f, 0)
                    for f in FIELDS
                },
            )
        return made


@pytest.fixture
def small(db):
    return Small()
