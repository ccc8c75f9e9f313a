"""Factories for the transformation programme: projects, board meetings, business cases with
their costs, spend and Block 3 draws, benefits by quarter, and the risk register."""

from datetime import date, timedelta
from decimal import Decimal

import factory

from contracts.tests.factories import ContractYearFactory
from transformation.models import (
    Benefit,
    BenefitQuarter,
    Block3Draw,
    BoardMeeting,
    BusinessCase,
    CaseCost,
    CaseSpend,
    Project,
    Risk,
    Theme,
)
from trust_portal.accounts.tests.factories import CommissionedArrangementFactory, UserFactory

D = Decimal


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    theme = Theme.DEMAND
    name = factory.Sequence(lambda n: f"Test project {n}")
    owner = "Director of early help"


class BoardMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMeeting

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    held_on = factory.Sequence(lambda n: date(2024, 1, 1) + timedelta(days=n))
    chair = "Chief executive, first council"
    attendees = "Chief executive, first council\nChief executive, the trust\nDfE adviser"


class BusinessCaseFactory(factory.django.DjangoModelFactory):
    """A draft case for the Block 3 fund; pass ``state`` (and the decision's fields) for
    another state."""

    class Meta:
        model = BusinessCase

    project = factory.SubFactory(ProjectFactory)
    reference = factory.Sequence(lambda n: f"TBC{n + 1:02d}")
    title = "Family hubs"
    summary = "Early help in every town."
    funding = BusinessCase.Funding.BLOCK3
    expected_benefits = "Fewer children need statutory services."
    risks = "Recruitment."


class CaseCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseCost

    business_case = factory.SubFactory(BusinessCaseFactory)
    financial_year = 2024
    amount = D("50000.00")


class CaseSpendFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseSpend

    business_case = factory.SubFactory(BusinessCaseFactory, state=BusinessCase.State.APPROVED)
    month = date(2024, 6, 1)
    amount = D("10000.00")


class Block3DrawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block3Draw

    business_case = factory.SubFactory(BusinessCaseFactory, state=BusinessCase.State.APPROVED)
    contract_year = factory.SubFactory(
        ContractYearFactory,
        arrangement=factory.SelfAttribute("..business_case.project.arrangement"),
    )
    amount = D("50000.00")
    drawn_on = date(2024, 6, 1)
    recorded_by = factory.SubFactory(UserFactory)


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Benefit

    business_case = factory.SubFactory(BusinessCaseFactory, state=BusinessCase.State.APPROVED)
    name = factory.Sequence(lambda n: f"Test benefit {n}")
    kind = Benefit.Kind.SAVING


class BenefitQuarterFactory(factory.django.DjangoModelFactory):
    """A quarter with its target and lower tolerance, not yet reported."""

    class Meta:
        model = BenefitQuarter

    benefit = factory.SubFactory(BenefitFactory)
    financial_year = 2024
    quarter = 1
    target = D("10000.00")
    lower_tolerance = D("8000.00")


class RiskFactory(factory.django.DjangoModelFactory):
    """An open programme risk (no project), medium (3 × 3)."""

    class Meta:
        model = Risk

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    reference = factory.Sequence(lambda n: f"TR{n + 1:02d}")
    title = "Recruitment falls short"
    description = "Not enough social workers apply."
    likelihood = 3
    impact = 3
    owner = "Director of children's services"
    mitigation = "A recruitment campaign."
    review_date = date(2025, 6, 1)
