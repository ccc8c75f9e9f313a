"""A whole transformation programme for the root ``world``, made through the services as people
make it (``make_programme``): the pages', API's and dashboard's tests build it instead of
reading the demo's.

The world's 2024/25 contract year is agreed (``contracts.tests.factories.agreed_contract_year``:
a Block 3 provision of £100,000.00 and a Block 2 item "Transformation items (recurring)" of
£240,000.00); 2025/26 is a draft year with the same Block 2 item. ``CASES`` below, all costed in
2024/25 only:

- seven approved at the board's three meetings: BC01 at 17 April 2024; BC02, BC03 and BC04 at
  19 June 2024 (no minutes attached); BC09, BC10 and BC11 at 18 September 2024. BC04 is paid
  from the Block 2 item, the other six draw on Block 3: £30,000 + £16,000 + £12,000 + £5,000 +
  £5,000 + £7,000 = £75,000.00 committed, leaving £25,000.00;
- BC12 submitted a week ago (asking £24,000.00), BC13 a draft.

Money approved by theme: demand £10,000.00, workforce £7,000.00, efficiency £46,000.00,
practice £62,000.00 (BC04's Block 2 money counts): £125,000.00 in all.

Spend reported: BC01 £4,850.00 in June 2024 and £2,650.00 in July (£7,500.00 so far); BC03
£4,012.55 in September; BC04 £1,000.00 in July (Block 2, so not Block 3 spend). Block 3 spent:
£4,850.00 + £2,650.00 + £4,012.55 = £11,512.55.

Benefits, set and reported by the trust's manager: BC01 (Circle to Success) has the three of
``benefit_cases.CTS_BENEFITS``; BC02 (Maximising Housing Benefit Subsidy) one saving, £60,000.00
a quarter with a lower tolerance of £45,000.00, reporting £61,250.00 and £38,400.00 in
quarters 1 and 2 of 2024/25.

BC01 is marked synthetic, as the demo's cases are. The officer who records the meetings and
decisions is the world's first council's officer; the trust's manager drafts and submits."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

from django.utils import timezone

from contracts.models import ContractYear, FundingLine
from contracts.tests.factories import ContractYearFactory, FundingLineFactory, agreed_contract_year
from transformation.models import BusinessCase, Theme
from transformation.services import cases as services
from transformation.services import meetings as meeting_services
from transformation.tests.benefit_cases import CTS_BENEFITS, make_benefit

BLOCK2_LINE = "Transformation items (recurring)"
APRIL, JUNE, SEPTEMBER = date(2024, 4, 17), date(2024, 6, 19), date(2024, 9, 18)
TAG = "Improving Outcomes for Children"

# (project, theme, tag)
PROJECTS = [
    ("Circle to Success Delivery", Theme.EFFICIENCY, ""),
    ("Placement Efficiency", Theme.EFFICIENCY, ""),
    ("Family hubs", Theme.DEMAND, ""),
    ("Workforce Managed Teams", Theme.WORKFORCE, ""),
    ("Case management system", Theme.TECHNOLOGY, ""),
    ("Family Support Workers Practice", Theme.PRACTICE, TAG),
    ("Strategic Manager Delivery", Theme.PRACTICE, TAG),
    ("Joint commissioning", Theme.COMMISSIONING, ""),
]

# (reference, project, title, funding, 2024/25 cost, meeting or "submitted" or "draft")
CASES = [
    ("BC01", "Circle to Success Delivery", "Circle to Success Delivery", "block3", "30,000.00",
     APRIL),
    ("BC02", "Placement Efficiency", "Maximising Housing Benefit Subsidy", "block3", "16,000.00",
     JUNE),
    ("BC03", "Family Support Workers Practice", "Family support workers", "block3", "12,000.00",
     JUNE),
    ("BC04", "Strategic Manager Delivery", "Strategic managers", "block2", "50,000.00", JUNE),
    ("BC09", "Family hubs", "Family hubs in the north", "block3", "5,000.00", SEPTEMBER),
    ("BC10", "Family hubs", "Family hubs in the south", "block3", "5,000.00", SEPTEMBER),
    ("BC11", "Workforce Managed Teams", "Workforce Managed Teams", "block3", "7,000.00",
     SEPTEMBER),
    ("BC12", "Case management system", "Replacing the case recording system", "block3",
     "24,000.00", "submitted"),
    ("BC13", "Joint commissioning", "Joint commissioning of supported accommodation", "block3",
     "15,000.00", "draft"),
]  # fmt: skip

# (reference, month, amount)
SPEND = [
    ("BC01", date(2024, 6, 1), "4,850.00"),
    ("BC01", date(2024, 7, 1), "2,650.00"),
    ("BC03", date(2024, 9, 1), "4,012.55"),
    ("BC04", date(2024, 7, 1), "1,000.00"),
]

HOUSING_BENEFIT = (
    "Housing benefit subsidy recovered",
    "saving",
    [(1, "60000.00", "45000.00", "61250.00"), (2, "60000.00", "45000.00", "38400.00"),
     (3, "60000.00", "45000.00", None), (4, "60000.00", "45000.00", None)],
)  # fmt: skip


def make_programme(world) -> dict[str, BusinessCase]:
    """{reference: case} of the world's programme (see the module's docstring)."""
    manager, officer = world.manager, world.officers[0]
    arrangement = world.arrangement
    year = agreed_contract_year(world, paid=(0, 0))
    draft_year = ContractYearFactory(arrangement=arrangement, financial_year=2025)
    assert draft_year.state == ContractYear.State.DRAFT
    FundingLineFactory(
        contract_year=draft_year,
        block=FundingLine.Block.TRANSFORMATION_ITEM,
        name=BLOCK2_LINE,
        amount=D("240000.00"),
    )
    line = year.lines.get(name=BLOCK2_LINE)
    projects = {}
    for name, theme, tag in PROJECTS:
        projects[name] = services.project_save(
            by=manager, arrangement=arrangement, reason="New", theme=theme, name=name,
            owner="Director of Children's Services", tag=tag,
        )  # fmt: skip
    meetings = {
        held_on: meeting_services.meeting_save(
            by=officer,
            arrangement=arrangement,
            held_on=held_on,
            chair="Chief Executive, first council",
            attendees="Chief Executive, first council\nChief Executive, second council",
        )
        for held_on in (APRIL, JUNE, SEPTEMBER)
    }
    made = {}
    for reference, project, title, funding, cost, when in CASES:
        case = services.case_save(
            by=manager, project=projects[project], reason="Drafted", reference=reference,
            title=title, summary="What it does.", funding=funding,
            block2_line=line if funding == "block2" else None,
            expected_benefits="Fewer children in residential care.", costs={2024: cost},
        )  # fmt: skip
        if when != "draft":
            services.case_submit(by=manager, case=case)
            # The services date a submission now; the board met in the past.
            submitted_on = when - timedelta(days=14) if when in meetings else None
            case.submitted_at = (
                timezone.make_aware(datetime.combine(submitted_on, time(12)))
                if submitted_on
                else timezone.now() - timedelta(days=7)
            )
            case.save()
        if when in meetings:
            services.case_decide(by=officer, case=case, decision="approve", meeting=meetings[when])
        made[reference] = case
    BusinessCase.objects.filter(pk=made["BC01"].pk).update(synthetic=True)
    made["BC01"].refresh_from_db()
    for reference, month, amount in SPEND:
        services.case_spend_record(by=manager, case=made[reference], month=month, amount=amount)
    for name, kind, quarters in [*CTS_BENEFITS]:
        make_benefit(made["BC01"], name=name, kind=kind, quarters=quarters, by=manager)
    name, kind, quarters = HOUSING_BENEFIT
    make_benefit(made["BC02"], name=name, kind=kind, quarters=quarters, by=manager)
    return made
