"""Factories for service contracts, contract years and their money, variations, instalments,
budget monitoring and reserved matters. (The transformation programme's tables, Block 3 draws
among them, have their own.)"""

from datetime import date
from decimal import Decimal

import factory

from contracts.models import (
    Adjustment,
    BudgetLine,
    BudgetReturn,
    Consent,
    ContractDocument,
    ContractYear,
    CostShare,
    FundingLine,
    Instalment,
    Obligation,
    PassportedGrant,
    ReservedDecision,
    ReservedMatter,
    ServiceContract,
    Variation,
)
from trust_portal.accounts.tests.factories import (
    CommissionedArrangementFactory,
    CouncilOfficerFactory,
    UserFactory,
)

D = Decimal


def _first_council(row):
    return row.arrangement.councils.order_by("code").first()


def _year_council(row):
    return row.contract_year.arrangement.councils.order_by("code").first()


class ServiceContractFactory(factory.django.DjangoModelFactory):
    """A five-year contract in force from April 2024, with the arrangement's first council."""

    class Meta:
        model = ServiceContract

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    council = factory.LazyAttribute(_first_council)
    reference = factory.Sequence(lambda n: f"FC-CONTRACT-{n}")
    title = "Children's social care services"
    starts_on = date(2024, 4, 1)
    ends_on = date(2029, 3, 31)
    status = ServiceContract.Status.ACTIVE


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    contract = factory.SubFactory(ServiceContractFactory)
    text = "Visit every child in need within the timescale set."


class ContractDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractDocument

    contract = factory.SubFactory(ServiceContractFactory)
    title = "Signed contract"
    file = factory.django.FileField(filename="contract.pdf", data=b"%PDF-1.7 test")
    original_name = "contract.pdf"
    sha256 = "0" * 64
    size = 13
    uploaded_by = factory.SubFactory(UserFactory)


class ContractYearFactory(factory.django.DjangoModelFactory):
    """A draft 2024/25; pass ``state=ContractYear.State.AGREED`` for an agreed one."""

    class Meta:
        model = ContractYear

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    financial_year = 2024


class FundingLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingLine

    contract_year = factory.SubFactory(ContractYearFactory)
    block = FundingLine.Block.CORE
    name = factory.Sequence(lambda n: f"Funding line {n}")
    amount = D("1000000.00")


class CostShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostShare

    contract_year = factory.SubFactory(ContractYearFactory)
    council = factory.LazyAttribute(_year_council)
    percentage = D("100.00")


class PassportedGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PassportedGrant

    contract_year = factory.SubFactory(ContractYearFactory)
    council = factory.LazyAttribute(_year_council)
    name = "Staying Put grant"
    amount = D("120000.00")


class AdjustmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adjustment

    contract_year = factory.SubFactory(ContractYearFactory)
    council = factory.LazyAttribute(_year_council)
    name = "Early help returned"
    amount = D("50000.00")
    reason = "The council runs early help itself."


class VariationFactory(factory.django.DjangoModelFactory):
    """A requested change to a funding line's amount."""

    class Meta:
        model = Variation

    contract_year = factory.SubFactory(ContractYearFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = Variation.Kind.CHANGE_LINE
    line = factory.SubFactory(
        FundingLineFactory, contract_year=factory.SelfAttribute("..contract_year")
    )
    proposed = factory.LazyFunction(lambda: {"amount": "1100000.00"})
    reason = "More children in care than planned."
    requested_by = factory.SubFactory(CouncilOfficerFactory)


class InstalmentFactory(factory.django.DjangoModelFactory):
    """April's instalment, unpaid."""

    class Meta:
        model = Instalment

    contract_year = factory.SubFactory(ContractYearFactory)
    council = factory.LazyAttribute(_year_council)
    number = 1
    due_on = factory.LazyAttribute(lambda i: date(i.contract_year.financial_year, 4, 15))
    amount = D("83333.33")


class BudgetReturnFactory(factory.django.DjangoModelFactory):
    """A draft; pass ``state`` for another state."""

    class Meta:
        model = BudgetReturn

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    period = date(2025, 1, 1)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    """On budget: £1,000.00 budgeted, half spent, £1,000.00 forecast."""

    class Meta:
        model = BudgetLine

    budget_return = factory.SubFactory(BudgetReturnFactory)
    category = BudgetLine.Category.PLACEMENTS
    budget = D("1000.00")
    actual_to_date = D("500.00")
    forecast_outturn = D("1000.00")


class ReservedMatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReservedMatter

    arrangement = factory.SubFactory(CommissionedArrangementFactory)
    reference = factory.Sequence(lambda n: f"RM{n + 1}")
    title = "Changing the trust's articles"
    description = "Any change to the articles of association."
    source = "Articles of association, schedule 2"


class ReservedDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReservedDecision

    matter = factory.SubFactory(ReservedMatterFactory)
    title = "Amend article 12"
    description = "Allow a third council to join."
    requested_on = date(2025, 1, 10)
    recorded_by = factory.SubFactory(UserFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    decision = factory.SubFactory(ReservedDecisionFactory)
    council = factory.LazyAttribute(lambda c: c.decision.matter.arrangement.councils.first())
    answer = Consent.Answer.CONSENT
    decided_on = date(2025, 2, 1)
    recorded_by = factory.SubFactory(UserFactory)


# --- A contract year's money, made through the services ---------------------------------------

YEAR_LINES = [
    # (block, name, amount, recurring)
    (1, "Core funding", D("1200000.00"), True),
    (2, "Transformation items (recurring)", D("240000.00"), True),
    (2, "Social work academy", D("60000.00"), False),
    (3, "Block 3 provision", D("100000.00"), False),
]
YEAR_SPLIT = (D("60.00"), D("40.00"))  # the world's first council, then its second
YEAR_ADJUSTMENTS = (D("30000.00"), D("20000.00"))
YEAR_GRANT = D("12000.00")  # passported to the second council


def agreed_contract_year(world, financial_year=2024, paid=(12, 6)):
    """The world's contract year, made and agreed through the services as people do: the lines
    above (contract sum £1,500,000.00; Block 3 provision £100,000.00 outside it), split 60/40
    between the first and second council by an approved variation, a £12,000.00 grant
    passported to the second council, then agreed; after agreement each council's adjustment,
    and the first ``paid`` instalments of each council paid on their due dates. So the first
    council pays £75,000.00 a month and the second £51,000.00."""
    from contracts.services import payments
    from contracts.services import variations as variation_services
    from contracts.services import years as year_services

    first, second = world.councils
    officer, admin = world.officers[0], world.admin
    year = year_services.contract_year_create(
        by=officer, arrangement=world.arrangement, financial_year=financial_year
    )
    for block, name, amount, recurring in YEAR_LINES:
        year_services.funding_line_save(
            by=officer,
            contract_year=year,
            reason="Agreed budget",
            block=block,
            name=name,
            amount=amount,
            recurring=recurring,
        )
    year_services.grant_save(
        by=world.officers[1],
        contract_year=year,
        reason="Grant letter",
        council=second,
        name="Staying Put",
        amount=YEAR_GRANT,
    )
    split = variation_services.variation_request(
        by=officer,
        contract_year=year,
        kind=Variation.Kind.SPLIT,
        reason="Record the split the councils agreed.",
        shares={first.code: str(YEAR_SPLIT[0]), second.code: str(YEAR_SPLIT[1])},
        basis="Relative populations",
    )
    decided = date(financial_year, 3, 20)
    variation_services.variation_approve(by=admin, variation=split, decision_date=decided)
    year_services.contract_year_agree(by=admin, contract_year=year, agreed_on=decided)
    for council, who, amount in zip(world.councils, world.officers, YEAR_ADJUSTMENTS, strict=True):
        year_services.adjustment_save(
            by=who,
            contract_year=year,
            reason="Early help returned",
            council=council,
            name="Early help",
            amount=amount,
        )
    for council, who, count in zip(world.councils, world.officers, paid, strict=True):
        for instalment in year.instalments.filter(council=council).order_by("number")[:count]:
            payments.instalment_record_payment(
                by=who,
                instalment=instalment,
                paid_on=instalment.due_on,
                reference=f"PAID-{instalment.number}",
            )
    year.refresh_from_db()
    return year


def agreed_year_split(world, percentages=("56.00", "44.00"), financial_year=2024):
    """The world's contract year, agreed, its cost split between the first and second council
    by ``percentages`` (made by factories, not through the services)."""
    year = ContractYearFactory(
        arrangement=world.arrangement,
        financial_year=financial_year,
        state=ContractYear.State.AGREED,
    )
    for council, percentage in zip(world.councils, percentages, strict=True):
        CostShareFactory(contract_year=year, council=council, percentage=Decimal(percentage))
    return year
