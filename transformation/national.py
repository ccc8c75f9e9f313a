"""The national-scale generator's transformation programme (``python manage.py
generate_national``; trust_portal/national.py), after the contracts it draws on: a project
for each theme, the Transformation & Efficiency Board each quarter, two business cases a year
(one from the Block 3 fund, drawing on it when approved, one paid by the year's Block 2
non-recurring item), most approved, some rejected, the last year's still before the board;
each approved case's costs, monthly spend and benefits with their quarters (actuals reported
for the quarters ended), and a risk register."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from contracts.models import ContractYear
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
from trust_portal.demo_time import moment, working_day
from trust_portal.national import GENERATED, Party, Plan, bulk
from trust_portal.periods import months_of_financial_year, next_month, quarter_end

BOARD_MONTHS = (6, 9, 12, 3)  # the board meets in the last month of each quarter
RISKS = 8
POUND = Decimal(1)


def generate(*, plan: Plan, log) -> None:
    projects = bulk(plan, Project, (p for party in plan.parties for p in _projects(party)))
    by_party = {}
    for project in projects:
        by_party.setdefault(project.arrangement_id, []).append(project)
    meetings = bulk(plan, BoardMeeting, (m for p in plan.parties for m in _meetings(plan, p)))
    first_meeting = {}
    for meeting in sorted(meetings, key=lambda m: m.held_on, reverse=True):
        first_meeting[(meeting.arrangement_id, _year_of(meeting.held_on))] = meeting
    years = {
        (y.arrangement_id, y.financial_year): y
        for y in ContractYear.objects.filter(
            arrangement__in=[p.arrangement for p in plan.parties]
        ).prefetch_related("lines")
    }
    cases = []
    for party in plan.parties:
        for year in plan.financial_years:
            key = (party.arrangement.pk, year)
            cases += _cases(plan, party, by_party[party.arrangement.pk], years[key], year)
    for case in cases:
        case.meeting = first_meeting.get((case.arrangement_pk, case.year)) if case.decided else None
        _dated(plan, case)
    cases = bulk(plan, BusinessCase, cases, kind="business cases")
    _money(plan, cases, years)
    _benefits(plan, [c for c in cases if c.state == BusinessCase.State.APPROVED])
    bulk(plan, Risk, (r for party in plan.parties for r in _risks(plan, party, by_party)))
    log(f"Business cases: {len(cases):,}")


def _year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _projects(party: Party) -> list[Project]:
    return [
        Project(
            arrangement=party.arrangement,
            theme=theme,
            name=f"{label} ({party.code})",
            owner=f"Director of Children's Services, {party.code}",
            description=f"{GENERATED}.",
        )
        for theme, label in Theme.choices
    ]


def _meetings(plan: Plan, party: Party) -> list[BoardMeeting]:
    """The board each quarter of the plan's years, up to the day the generator runs."""
    today = plan.today
    made = []
    for year in plan.financial_years:
        for month in BOARD_MONTHS:
            held_on = working_day(date(year + (month < 4), month, 1), 10)
            if held_on < today:
                made.append(
                    BoardMeeting(
                        arrangement=party.arrangement,
                        held_on=held_on,
                        chair=f"Chief Executive, {party.councils[0].code}",
                        attendees="\n".join(
                            [f"Chief Executive, {c.code}" for c in party.councils]
                            + [f"Chief Executive, {party.code}", "DfE adviser"]
                        ),
                        notes=f"{GENERATED}.",
                        recorded_by=party.officers[0],
                    )
                )
    return made


def _cases(plan: Plan, party: Party, projects, contract_year, year: int) -> list:
    """The year's two cases: one from the Block 3 fund, one paid by the Block 2 item."""
    random = plan.rng("cases", party.code, year)
    lines = {line.block: line for line in contract_year.lines.all() if not line.recurring}
    block3 = next(line for line in contract_year.lines.all() if line.block == 3)
    last = year == plan.financial_years[-1]
    made = []
    for number, funding in enumerate(BusinessCase.Funding.values, start=1):
        project = random.choice(projects)
        decided = not last
        approved = decided and random.random() < 0.85
        state = (
            BusinessCase.State.SUBMITTED
            if not decided
            else BusinessCase.State.APPROVED
            if approved
            else BusinessCase.State.REJECTED
        )
        pot = block3.amount if funding == "block3" else lines[2].amount
        case = BusinessCase(
            project=project,
            reference=f"BC{year % 100:02}{number}",
            title=f"{project.theme.title()} improvement {year} (synthetic)",
            summary=f"{GENERATED}.",
            funding=funding,
            block2_line=lines[2] if funding == "block2" else None,
            expected_benefits="Fewer children waiting; lower placement costs.",
            state=state,
            decision_note=f"{GENERATED}." if decided else "",
            decided_by=party.officers[0] if decided else None,
            submitted_by=party.manager,
            created_by=party.manager,
            synthetic=True,
        )
        case.arrangement_pk, case.year, case.decided = party.arrangement.pk, year, decided
        case.key = f"{party.code}:{case.reference}"  # the rows' seeds: never a database key
        case.cost = (pot * Decimal(str(round(random.uniform(0.2, 0.45), 3)))).quantize(POUND)
        made.append(case)
    return made


def _dated(plan: Plan, case) -> None:
    """A case's ``submitted_at`` (11:00 on working day 5 of May, before the June board, never
    later than the run) and, once decided, its ``decided_at`` (16:00 on the board's day), as
    the services set them."""
    submitted = moment(working_day(date(case.year, 5, 1), 5), 11)
    case.submitted_at = min(submitted, plan.now - timedelta(minutes=5))
    if case.decided and case.meeting:
        case.decided_at = moment(case.meeting.held_on, 16)


def _money(plan: Plan, cases, years) -> None:
    """Each case's cost in its year; for an approved one, its Block 3 draw (the board's day)
    and its spend each month after the approving board's to the end of the year, up to the
    last month ended by the day the generator runs."""
    this_month = plan.today.replace(day=1)
    costs, draws, spends = [], [], []
    for case in cases:
        costs.append(CaseCost(business_case=case, financial_year=case.year, amount=case.cost))
        if case.state != BusinessCase.State.APPROVED:
            continue
        if case.funding == "block3":
            draws.append(
                Block3Draw(
                    contract_year=years[(case.arrangement_pk, case.year)],
                    amount=case.cost,
                    business_case=case,
                    drawn_on=case.meeting.held_on if case.meeting else date(case.year, 4, 1),
                    recorded_by=case.decided_by,
                )
            )
        random = plan.rng("spend", case.key)
        board = case.meeting.held_on.replace(day=1) if case.meeting else None
        after = [m for m in months_of_financial_year(case.year) if board is None or m > board]
        for month in after:
            if month >= this_month:
                break
            share = Decimal(str(round(random.uniform(0.7, 1.2), 3)))
            amount = case.cost / len(after) * share
            spends.append(
                CaseSpend(
                    business_case=case,
                    month=month,
                    amount=amount.quantize(Decimal("0.01"), ROUND_HALF_UP),
                    recorded_by=case.submitted_by,
                )
            )
    bulk(plan, CaseCost, costs, kind="case costs")
    bulk(plan, Block3Draw, draws, kind="Block 3 draws")
    bulk(plan, CaseSpend, spends, kind="case spends")


def _benefits(plan: Plan, cases) -> None:
    """A saving and a count for each approved case, a quarter's target for each of its year's
    and the next year's quarters, the actual reported once the quarter has ended (by the day
    the generator runs)."""
    today = plan.today
    benefits = []
    for case in cases:
        benefits.append(Benefit(business_case=case, name="Savings", kind=Benefit.Kind.SAVING))
        benefits.append(
            Benefit(business_case=case, name="Children helped earlier", kind=Benefit.Kind.COUNT)
        )
    benefits = bulk(plan, Benefit, benefits)
    quarters = []
    for benefit in benefits:
        case = benefit.business_case
        random = plan.rng("benefit", case.key, benefit.name)
        base = (
            case.cost / 8 if benefit.kind == Benefit.Kind.SAVING else Decimal(random.randint(5, 40))
        )
        for year in (case.year, case.year + 1):
            for quarter in range(1, 5):
                target = base.quantize(POUND)
                ended = quarter_end(year, quarter) < today
                actual = (target * Decimal(str(round(random.uniform(0.6, 1.2), 2)))).quantize(POUND)
                quarters.append(
                    BenefitQuarter(
                        benefit=benefit,
                        financial_year=year,
                        quarter=quarter,
                        target=target,
                        lower_tolerance=(target * Decimal("0.8")).quantize(POUND),
                        actual=actual if ended else None,
                        reported_by=case.submitted_by if ended else None,
                        reported_at=_reported(plan, quarter_end(year, quarter)) if ended else None,
                    )
                )
    bulk(plan, BenefitQuarter, quarters, kind="benefit quarters")


def _reported(plan: Plan, ended: date):
    """A quarter's actual is reported a fortnight after it ends (never after the run began)."""
    return min(moment(ended + timedelta(days=14)), plan.now)


def _risks(plan: Plan, party: Party, by_party) -> list[Risk]:
    """The register as it stands after the plan's last month: reviews due from three weeks
    before to three months after its end."""
    end = next_month(plan.months[-1])
    random = plan.rng("risks", party.code)
    projects = by_party[party.arrangement.pk]
    return [
        Risk(
            arrangement=party.arrangement,
            project=random.choice([None, *projects]),
            reference=f"R{number:02}",
            title=f"Risk {number} to the programme (synthetic)",
            description=f"{GENERATED}.",
            likelihood=random.randint(1, 5),
            impact=random.randint(1, 5),
            owner=f"Director of Children's Services, {party.code}",
            mitigation="Monthly review at the programme board.",
            review_date=end + timedelta(days=random.randint(-20, 90)),
            status=Risk.Status.CLOSED if random.random() < 0.2 else Risk.Status.OPEN,
        )
        for number in range(1, RISKS + 1)
    ]
