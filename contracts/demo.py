"""Northamptonshire's contracts and money for the demo (``python manage.py load_demo``), made
through the same services people use. Figures: fixtures/contracts.json, which names its source
and marks what is synthetic."""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings

from contracts.models import ContractYear, ServiceContract, Variation
from contracts.services import contracts as contract_services
from contracts.services import payments
from contracts.services import variations as variation_services
from contracts.services import years as year_services
from trust_portal.accounts.models import Arrangement, Organisation, User
from trust_portal.approvals.demo_returns import load_demo_returns
from trust_portal.approvals.kinds import services_named

FIXTURE = settings.BASE_DIR / "fixtures" / "contracts.json"


def load(*, password, log) -> dict:
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
    made = load_contracts(data, arrangement, officers, councils)
    year = load_contract_year(data["contract_year"], arrangement, officers, admin, councils)
    rolled = load_rollover(year, officers)
    log(f"Contracts added: {made}; contract year {year.label} loaded; rollover: {rolled}")
    log(load_reserved_matters(arrangement, officers))
    log(load_budget_returns(arrangement, officers))
    return {}


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
    variation = variation_services.variation_request(
        by=User.objects.get(username=split["requested_by"]),
        contract_year=year,
        kind=Variation.Kind.SPLIT,
        reason=split["reason"],
        shares=split["shares"],
        basis=split["basis"],
    )
    variation_services.variation_approve(
        by=admin,
        variation=variation,
        decision_date=date.fromisoformat(split["decision_date"]),
        note="Demo: joint decision of the councils' executives (date synthetic).",
    )
    year_services.contract_year_agree(
        by=admin,
        contract_year=year,
        agreed_on=date.fromisoformat(data["agreed_on"]),
        note="Demo: contract sum agreed by the councils and the trust (date synthetic).",
    )


def load_contract_year(data, arrangement, officers, admin, councils) -> ContractYear:
    existing = ContractYear.objects.filter(
        arrangement=arrangement, financial_year=data["financial_year"]
    ).first()
    if existing:
        return existing
    officer = officers["WNC"]
    year = year_services.contract_year_create(
        by=officer, arrangement=arrangement, financial_year=data["financial_year"]
    )
    for line in data["lines"]:
        year_services.funding_line_save(
            by=officer,
            contract_year=year,
            reason=f"Demo: scrutiny report 15 October 2024, {line['source']}",
            block=line["block"],
            name=line["name"],
            amount=Decimal(line["amount"]),
            recurring=line["recurring"],
        )
    _agree(data, year, admin)
    for row in data["adjustments"]:
        year_services.adjustment_save(
            by=officers[row["council"]],
            contract_year=year,
            reason=row["reason"],
            council=councils[row["council"]],
            name=row["name"],
            amount=Decimal(row["amount"]),
        )
    for code, count in data["paid_instalments"].items():
        if code == "synthetic":
            continue
        for instalment in year.instalments.filter(council__code=code).order_by("number")[:count]:
            payments.instalment_record_payment(
                by=officers[code],
                instalment=instalment,
                paid_on=instalment.due_on,
                reference=f"{code}-{year.financial_year}-{instalment.number:02d}",
            )
    return year


def load_rollover(year: ContractYear, officers) -> str:
    following = ContractYear.objects.filter(
        arrangement=year.arrangement, financial_year=year.financial_year + 1
    ).first()
    if following:
        return f"{following.label} exists"
    new = year_services.contract_year_rollover(by=officers["WNC"], contract_year=year)
    return f"{new.label} drafted from {year.label}"


MATTERS_FIXTURE = settings.BASE_DIR / "fixtures" / "reserved_matters.json"


def load_reserved_matters(arrangement, officers) -> str:
    """The synthetic register of reserved matters and three decisions (decided, awaiting NNC,
    refused), each council's answer recorded by its own officer. Idempotent."""
    from contracts.models import ReservedDecision, ReservedMatter
    from contracts.services import matters

    data = json.loads(MATTERS_FIXTURE.read_text())
    reason = "Demo: synthetic register (fixtures/reserved_matters.json)"
    register = {m.reference: m for m in arrangement.reserved_matters.all()}
    for row in data["matters"]:
        if row["reference"] not in register:
            fields = {k: row[k] for k in ("reference", "title", "description", "source")}
            register[row["reference"]] = matters.matter_save(
                by=officers["WNC"], arrangement=arrangement, reason=reason, **fields
            )
    answered = 0
    for row in data["decisions"]:
        matter: ReservedMatter = register[row["matter"]]
        by = next(o for o in officers.values() if o.username == row["recorded_by"])
        decision = ReservedDecision.objects.filter(matter=matter, title=row["title"]).first()
        decision = decision or matters.decision_record(
            by=by,
            matter=matter,
            title=row["title"],
            description=row["description"],
            requested_on=date.fromisoformat(row["requested_on"]),
        )
        for answer in row["answers"]:
            if decision.consents.filter(council__code=answer["council"]).exists():
                continue
            matters.consent_record(
                by=officers[answer["council"]],
                decision=decision,
                answer=answer["answer"],
                decided_on=date.fromisoformat(answer["decided_on"]),
                note=answer["note"],
            )
            answered += 1
    return f"Reserved matters: {len(register)} in the register; {answered} answers recorded"


BUDGET_FIXTURE = settings.BASE_DIR / "fixtures" / "budget_monitoring.json"


def load_budget_returns(arrangement, officers) -> str:
    """Budget monitoring April to October 2024 (fixtures/budget_monitoring.json): the trust's
    manager enters and submits each month, each council's officer approves its area. Budgets
    are the report's spend mix of the contract sum, split to the penny. A month already there
    is left alone, so loading twice adds nothing."""
    from contracts import money
    from contracts.models import BudgetReturn
    from contracts.services import budget

    data = json.loads(BUDGET_FIXTURE.read_text())
    mix = {category: Decimal(row["percent"]) for category, row in data["budget_shares"].items()}
    budgets = money.split(Decimal(data["contract_sum"]), mix)

    def lines(row) -> dict:
        return {"lines": {c: {**fig, "budget": budgets[c]} for c, fig in row["lines"].items()}}

    added = load_demo_returns(
        data["months"],
        model=BudgetReturn,
        services=services_named(budget, "budget_return_"),
        object_name="budget_return",
        arrangement=arrangement,
        manager=User.objects.get(username="nct-manager"),
        officers=[officers[code] for code in sorted(officers)],
        figures=lines,
    )
    return f"Budget monitoring months added: {added}"
