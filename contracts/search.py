"""What the contracts app adds to an arrangement's search (trust_portal/search.py): contracts,
variations, reserved matters and decisions, and budget monitoring by month. Imported by
``ContractsConfig.ready``. Contracts, variations and reserved matters are read under the
"contract" rules, as their pages are (scrutiny members: none of them), contract years through
``ContractYear.visible_to``; budget monitoring under the monthly-return rules, as its pages are
(``visible_to``: scrutiny members see approved months)."""

from django.urls import reverse

from contracts.models import BudgetReturn, ContractYear, ReservedMatter, ServiceContract, Variation
from contracts.services import matters
from trust_portal.accounts.permissions import Action, Kind, can
from trust_portal.search import Hit, Hits, line, matching, provider, returns_of_the_month


def _sees_contracts(user, arrangement) -> bool:
    return can(user, Action.VIEW_APPROVED, Kind.CONTRACT, arrangement)


@provider("budget-monitoring", title="Budget monitoring", order=30)
def find_budget_months(user, arrangement, query):
    rows = BudgetReturn.objects.visible_to(user).filter(arrangement=arrangement)
    return returns_of_the_month(rows, query)


@provider("contracts", title="Contracts", order=40)
def find_contracts(user, arrangement, query):
    if not _sees_contracts(user, arrangement):
        return []
    rows = ServiceContract.objects.filter(arrangement=arrangement)
    rows = matching(rows, query, "reference", "title", "council__name")
    return Hits(
        rows.select_related("council", "arrangement__trust").order_by("reference"),
        lambda c: Hit(
            f"{c.reference}: {c.title}",
            c.get_absolute_url(),
            f"{c.council.name}, {c.get_status_display().lower()}, "
            f"{c.starts_on:%-d %B %Y} to {c.ends_on:%-d %B %Y}",
        ),
    )


@provider("variations", title="Variations", order=45)
def find_variations(user, arrangement, query):
    years = ContractYear.objects.visible_to(user).for_arrangement(arrangement)
    rows = Variation.objects.filter(contract_year__in=years.values("pk"))
    rows = matching(rows, query, "reason", "decision_note", "line__name")
    rows = rows.select_related("contract_year__arrangement__trust")
    return Hits(
        rows.order_by("-contract_year__financial_year", "-number"),
        lambda v: Hit(
            f"Variation {v.number} to {v.contract_year.label}: {v.get_kind_display().lower()}",
            v.get_absolute_url(),
            f"{v.get_state_display()}. {line(v.reason, query.words)}",
        ),
    )


@provider("reserved-matters", title="Reserved matters", order=50)
def find_matters(user, arrangement, query):
    if not _sees_contracts(user, arrangement):
        return []
    rows = ReservedMatter.objects.filter(arrangement=arrangement)
    rows = matching(rows, query, "reference", "title", "description")
    return Hits(
        rows.order_by("reference"),
        lambda m: Hit(
            f"{m.reference}: {m.title}",
            reverse("contracts:matter-detail", args=[arrangement.code, m.reference]),
            line(m.description, query.words),
        ),
    )


@provider("reserved-decisions", title="Reserved decisions", order=55)
def find_decisions(user, arrangement, query):
    if not _sees_contracts(user, arrangement):
        return []
    rows = matching(matters.decisions_for(arrangement), query, "title", "description")
    return Hits(
        rows,
        lambda d: Hit(d.title, d.get_absolute_url(), line(d.description, query.words)),
    )
