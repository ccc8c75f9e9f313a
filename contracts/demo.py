"""Northamptonshire's contracts and money for the demo (``python manage.py load_demo``), made
through the same services people use. Figures: fixtures/contracts.json, which names its source
and marks what is synthetic."""

import json
from datetime import date
from decimal import Decimal

from django.conf import settings

from contracts import services
from contracts.models import ContractYear, ServiceContract, Variation
from trust_portal.accounts.models import Arrangement, Organisation, User

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
    return {}


def load_contracts(data, arrangement, officers, councils) -> int:
    made = 0
    for row in data["contracts"]:
        if ServiceContract.objects.filter(reference=row["reference"]).exists():
            continue
        services.contract_create(
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


def load_contract_year(data, arrangement, officers, admin, councils) -> ContractYear:
    existing = ContractYear.objects.filter(
        arrangement=arrangement, financial_year=data["financial_year"]
    ).first()
    if existing:
        return existing
    officer = officers["WNC"]
    year = services.contract_year_create(
        by=officer, arrangement=arrangement, financial_year=data["financial_year"]
    )
    for line in data["lines"]:
        services.funding_line_save(
            by=officer,
            contract_year=year,
            reason=f"Demo: scrutiny report 15 October 2024, {line['source']}",
            block=line["block"],
            name=line["name"],
            amount=Decimal(line["amount"]),
            recurring=line["recurring"],
        )
    split = data["split"]
    variation = services.variation_request(
        by=User.objects.get(username=split["requested_by"]),
        contract_year=year,
        kind=Variation.Kind.SPLIT,
        reason=split["reason"],
        shares=split["shares"],
        basis=split["basis"],
    )
    services.variation_approve(
        by=admin,
        variation=variation,
        decision_date=date.fromisoformat(split["decision_date"]),
        note="Demo: joint decision of the councils' executives (date synthetic).",
    )
    services.contract_year_agree(
        by=admin,
        contract_year=year,
        agreed_on=date.fromisoformat(data["agreed_on"]),
        note="Demo: contract sum agreed by the councils and the trust (date synthetic).",
    )
    for row in data["adjustments"]:
        services.adjustment_save(
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
            services.instalment_record_payment(
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
    new = services.contract_year_rollover(by=officers["WNC"], contract_year=year)
    return f"{new.label} drafted from {year.label}"
