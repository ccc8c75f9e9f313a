"""Northamptonshire's contracts and money for the demo (``python manage.py load_demo``), made
through the same services people use. Figures: fixtures/contracts.json, which names its source
and marks what is synthetic."""

import json
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from contracts.models import ContractYear, Instalment, ServiceContract, Variation
from contracts.services import contracts as contract_services
from contracts.services import payments
from contracts.services import variations as variation_services
from contracts.services import years as year_services
from trust_portal.accounts.models import Arrangement, Organisation, User
from trust_portal.approvals.demo_returns import APPROVED, SUBMITTED, load_demo_returns
from trust_portal.approvals.kinds import services_named
from trust_portal.demo_time import (
    LAUNCH,
    at,
    last_complete_month,
    last_month_to_load,
    load_today,
    moment,
    months,
    working_day,
)
from trust_portal.periods import financial_year_label, financial_year_of, next_month

FIXTURE = settings.BASE_DIR / "fixtures" / "contracts.json"


def load(*, password, log, today, final: bool = True) -> dict:
    data = json.loads(FIXTURE.read_text())
    arrangement = Arrangement.objects.get(trust__code=data["arrangement"])
    officers = {
        u.organisation.code: u
        for u in User.objects.filter(username__in=["wnc-officer", "nnc-officer"]).select_related(
            "organisation"
        )
    }
    admin = User.objects.get(username="admin")
    councils = {c.code: c for c in Organisation.objects.filter(kind="council")}
    with at(date(2023, 3, 1)):
        made = load_contracts(data, arrangement, officers, councils)
    years, rows = [], {}
    for year in range(LAUNCH.year, financial_year_of(today) + 1):
        given = data["contract_year"] if year == data["contract_year"]["financial_year"] else None
        rows[year] = given or synthetic_year(data["contract_year"], year)
        years.append(load_contract_year(rows[year], arrangement, officers, admin, councils))
    paid = load_payments(years, officers, today)
    log(
        f"Contracts added: {made}; contract years {years[0].label} to {years[-1].label}; "
        f"instalments paid now: {paid}"
    )
    log(load_budget_returns(arrangement, officers, rows, today, final=final))
    if final:  # work in flight, and the register (no pack shows it)
        log(load_variation(years[-1], officers, today))
        log(load_reserved_matters(arrangement, officers, today))
    return {}


# Each synthetic year's lines: the 2024/25 lines (from the scrutiny report) times this.
YEAR_SCALE = {2021: "0.86", 2022: "0.90", 2023: "0.95", 2025: "1.045", 2026: "1.085"}
SYNTHETIC_LINE = "Demo: synthetic, the 2024/25 line scaled (fixtures/contracts.json)"


def synthetic_year(given: dict, year: int) -> dict:
    """A year the reports do not give: 2024/25's lines scaled (``YEAR_SCALE``; 4% a year
    after the last), the same split, agreed in the March before it, no adjustments."""
    scale = Decimal(YEAR_SCALE.get(year) or Decimal("1.085") * Decimal("1.04") ** (year - 2026))
    label = financial_year_label(year)
    return {
        **given,
        "financial_year": year,
        "lines": [
            {
                **line,
                "amount": str((Decimal(line["amount"]) * scale).quantize(Decimal(1000))),
                "source": f"synthetic: 2024/25's line times {scale:.3f}",
            }
            for line in given["lines"]
        ],
        "split": {
            **given["split"],
            "reason": f"Record the {label} split the councils agreed.",
            "decision_date": f"{year}-03-20",
        },
        "agreed_on": f"{year}-03-27",
        "adjustments": [],
        "synthetic": True,
    }


def load_contracts(data, arrangement, officers, councils) -> int:
    made = 0
    for row in data["contracts"]:
        if ServiceContract.objects.filter(reference=row["reference"]).exists():
            continue
        contract_services.contract_create(
            by=officers[row["council"]],
            arrangement=arrangement,
            council=councils[row["council"]],
            reference=row["reference"],
            title=row["title"],
            starts_on=date.fromisoformat(row["starts_on"]),
            ends_on=date.fromisoformat(row["ends_on"]),
            status=row["status"],
            obligations=data["obligations"]["items"],
        )
        made += 1
    return made


def _agree(data, year: ContractYear, admin) -> None:
    """The year's split, set by an approved variation, then the year agreed."""
    split = data["split"]
    decided = date.fromisoformat(split["decision_date"])
    with at(decided - timedelta(days=18)):
        variation = variation_services.variation_request(
            by=User.objects.get(username=split["requested_by"]),
            contract_year=year,
            kind=Variation.Kind.SPLIT,
            reason=split["reason"],
            shares=split["shares"],
            basis=split["basis"],
        )
    with at(decided):
        variation_services.variation_approve(
            by=admin,
            variation=variation,
            decision_date=decided,
            note="Demo: joint decision of the councils' executives (date synthetic).",
        )
    agreed = date.fromisoformat(data["agreed_on"])
    with at(agreed):
        year_services.contract_year_agree(
            by=admin,
            contract_year=year,
            agreed_on=agreed,
            note="Demo: contract sum agreed by the councils and the trust (date synthetic).",
        )


def load_contract_year(data, arrangement, officers, admin, councils) -> ContractYear:
    """A contract year made in the February before it starts, its split approved and the year
    agreed in March, then its adjustments; one already there is left alone."""
    existing = ContractYear.objects.filter(
        arrangement=arrangement, financial_year=data["financial_year"]
    ).first()
    if existing:
        return existing
    officer = officers["WNC"]
    with at(date(data["financial_year"], 2, 10)):
        year = year_services.contract_year_create(
            by=officer, arrangement=arrangement, financial_year=data["financial_year"]
        )
        for line in data["lines"]:
            source = line["source"]
            reason = (
                SYNTHETIC_LINE
                if data.get("synthetic")
                else f"Demo: scrutiny report 15 October 2024, {source}"
            )
            year_services.funding_line_save(
                by=officer,
                contract_year=year,
                reason=reason,
                block=line["block"],
                name=line["name"],
                amount=Decimal(line["amount"]),
                recurring=line["recurring"],
            )
    _agree(data, year, admin)
    with at(date.fromisoformat(data["agreed_on"]) + timedelta(days=1)):
        for row in data["adjustments"]:
            year_services.adjustment_save(
                by=officers[row["council"]],
                contract_year=year,
                reason=row["reason"],
                council=councils[row["council"]],
                name=row["name"],
                amount=Decimal(row["amount"]),
            )
    return year


def load_payments(years: list[ContractYear], officers, today) -> int:
    """Each instalment due by ``today`` paid by its council on the day it fell due, except the
    latest one due from North Northamptonshire (NNC) by the day the demo is loaded: its
    payment is still to be recorded.
    Instalments fall due on the first of a month, so an earlier load or pass (the latest
    budget month there tells when) dealt with every one due by the first of the month after
    that month: only those due since are paid now, and one left unpaid stays so.
    Returns how many were paid now."""
    from contracts.models import BudgetReturn

    earlier = BudgetReturn.objects.filter(arrangement=years[-1].arrangement).order_by("-period")
    previous = earlier.values_list("period", flat=True).first()
    covered = next_month(previous) if previous else date.min
    paid = 0
    # The one left waiting: North's latest due by the day the demo is loaded (an earlier pass,
    # as of a pack's day, leaves it unpaid too if it is due by then).
    due = Instalment.objects.filter(
        contract_year__arrangement=years[-1].arrangement,
        council__code="NNC",
        due_on__lte=load_today(),
    )
    waiting = due.order_by("-due_on").first()
    for year in years:
        rows = year.instalments.filter(due_on__lte=today, due_on__gt=covered, paid_on__isnull=True)
        for instalment in rows.select_related("council").order_by("due_on", "council__code"):
            if waiting is not None and instalment.pk == waiting.pk:
                continue
            code = instalment.council.code
            with at(moment(instalment.due_on, 11)):
                payments.instalment_record_payment(
                    by=officers[code],
                    instalment=instalment,
                    paid_on=instalment.due_on,
                    reference=f"{code}-{year.financial_year}-{instalment.number:02d}",
                )
            paid += 1
    return paid


VARIATION = {
    "name": "Unaccompanied children: extra placement costs",
    "amount": "420000.00",
    "reason": "Synthetic: more unaccompanied asylum-seeking children placed by the national "
    "transfer scheme than the contract sum allowed for; a one-off addition to Block 2 asked for "
    "by North Northamptonshire, to be decided by the administrators for both councils.",
}


def load_variation(year: ContractYear, officers, today) -> str:
    """A variation of the current year awaiting the administrators' decision, asked for in
    the last complete month; left alone once there."""
    if year.variations.filter(
        kind=Variation.Kind.ADD_LINE, proposed__name=VARIATION["name"]
    ).exists():
        return "Variation awaiting a decision: there already"
    asked_on = max(working_day(last_complete_month(today), 12), year.agreed_on + timedelta(days=1))
    with at(moment(asked_on, 15)):
        variation_services.variation_request(
            by=officers["NNC"],
            contract_year=year,
            kind=Variation.Kind.ADD_LINE,
            reason=VARIATION["reason"],
            block=2,
            name=VARIATION["name"],
            amount=VARIATION["amount"],
            recurring=False,
        )
    return f"Variation awaiting a decision: {VARIATION['name']} ({year.label})"


MATTERS_FIXTURE = settings.BASE_DIR / "fixtures" / "reserved_matters.json"


def load_reserved_matters(arrangement, officers, today) -> str:
    """The synthetic register of reserved matters (set up before the launch) and three
    decisions (decided, awaiting NNC, refused), each council's answer recorded by its own
    officer on the day it gives. The one still awaiting an answer is moved to the last complete
    month (asked on its 5th working day, answered by the first council on its 15th), so it is
    current whenever the demo is loaded. Idempotent."""
    from contracts.models import ReservedDecision, ReservedMatter
    from contracts.services import matters

    data = json.loads(MATTERS_FIXTURE.read_text())
    reason = "Demo: synthetic register (fixtures/reserved_matters.json)"
    register = {m.reference: m for m in arrangement.reserved_matters.all()}
    with at(date(2021, 3, 1)):
        for row in data["matters"]:
            if row["reference"] not in register:
                fields = {k: row[k] for k in ("reference", "title", "description", "source")}
                register[row["reference"]] = matters.matter_save(
                    by=officers["WNC"], arrangement=arrangement, reason=reason, **fields
                )
    answered = 0
    councils = len(officers)
    last = last_complete_month(today)
    for row in data["decisions"]:
        matter: ReservedMatter = register[row["matter"]]
        by = next(o for o in officers.values() if o.username == row["recorded_by"])
        requested = date.fromisoformat(row["requested_on"])
        answers = [{**a, "decided_on": date.fromisoformat(a["decided_on"])} for a in row["answers"]]
        if len(answers) < councils:
            requested = working_day(last, 5)
            answers = [{**a, "decided_on": working_day(last, 15)} for a in answers]
        decision = ReservedDecision.objects.filter(matter=matter, title=row["title"]).first()
        if decision is None:
            with at(requested):
                decision = matters.decision_record(
                    by=by,
                    matter=matter,
                    title=row["title"],
                    description=row["description"],
                    requested_on=requested,
                )
        for answer in answers:
            if decision.consents.filter(council__code=answer["council"]).exists():
                continue
            with at(moment(answer["decided_on"], 16)):
                matters.consent_record(
                    by=officers[answer["council"]],
                    decision=decision,
                    answer=answer["answer"],
                    decided_on=answer["decided_on"],
                    note=answer["note"],
                )
            answered += 1
    return f"Reserved matters: {len(register)} in the register; {answered} answers recorded"


BUDGET_FIXTURE = settings.BASE_DIR / "fixtures" / "budget_monitoring.json"


def load_budget_returns(arrangement, officers, years: dict, today, *, final: bool = True) -> str:
    """Budget monitoring every month from the launch to the last complete one: April to
    October 2024 from fixtures/budget_monitoring.json, the others synthetic
    (``contracts.demo_months``). The trust's manager enters and submits each month, each
    council's officer approves its area; the last complete month is submitted and awaits both.
    Budgets are the report's spend mix of the year's contract sum, split to the penny. A month
    already there is left alone, so loading twice adds nothing."""
    from contracts import money
    from contracts.demo_months import month_lines
    from contracts.models import BudgetReturn
    from contracts.services import budget

    data = json.loads(BUDGET_FIXTURE.read_text())
    mix = {category: Decimal(row["percent"]) for category, row in data["budget_shares"].items()}
    # Each year's contract sum (Blocks 1 and 2) from the figures it was made with (``years``:
    # {financial year: its fixture or synthetic row}), not as the year stands now: a variation
    # approved since leaves the demo's budgets as they were.
    budgets = {
        year: money.split(
            sum(Decimal(line["amount"]) for line in row["lines"] if line["block"] in (1, 2)),
            mix,
        )
        for year, row in years.items()
    }
    given = {row["month"]: row for row in data["months"]}
    october = given[max(given)]["lines"]
    rows = []
    for month in months(LAUNCH, last_month_to_load(today, final=final)):
        key = f"{month:%Y-%m}"
        year_budgets = budgets[financial_year_of(month)]
        if key in given:
            lines = {
                c: {**fig, "budget": year_budgets[c]} for c, fig in given[key]["lines"].items()
            }
        else:
            lines = month_lines(month, year_budgets, october)
        rows.append({"month": key, "state": APPROVED, "lines": lines})
    if final:
        rows[-1]["state"] = SUBMITTED
    added = load_demo_returns(
        rows,
        model=BudgetReturn,
        services=services_named(budget, "budget_return_"),
        object_name="budget_return",
        arrangement=arrangement,
        manager=User.objects.get(username="nct-manager"),
        officers=[officers[code] for code in sorted(officers)],
        figures=lambda row: {"lines": row["lines"]},
    )
    return f"Budget monitoring months added: {added}"
