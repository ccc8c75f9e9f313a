"""What the contracts app puts on people's "Waiting for you" lists (``trust_portal.work``),
registered by ``ContractsConfig.ready``:

- a council officer: reserved decisions awaiting their council's answer, and their council's
  unpaid instalments due within the next fortnight or already past due;
- an administrator: variations awaiting decision and draft contract years awaiting agreement.

Each reads through ``ContractYear.objects.visible_to`` and the permission table, as the pages
it links to do.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from contracts.models import ContractYear, Instalment, Variation
from contracts.models.matters import Consent, ReservedDecision
from contracts.services.matters import AWAITING, with_outcome
from trust_portal.accounts.models import Role
from trust_portal.accounts.permissions import Action, Kind, role_allows
from trust_portal.work import Item, waiting

# An instalment shows this long before it falls due, so it can be paid on time.
PAYMENT_NOTICE = timedelta(days=14)


@waiting("reserved-decisions", roles=(Role.COUNCIL_OFFICER,), order=50)
def reserved_decisions(user, arrangements, *, today, **context):
    """Decisions still awaited on which the officer's council has not answered."""
    if not role_allows(user.role, Kind.CONTRACT, Action.EDIT) or not user.organisation_id:
        return []
    answered = Consent.objects.filter(decision=OuterRef("pk"), council_id=user.organisation_id)
    decisions = with_outcome(
        ReservedDecision.objects.filter(matter__arrangement__in=arrangements)
        .exclude(Exists(answered))
        .select_related("matter__arrangement__trust")
    ).order_by("requested_on", "pk")
    return [
        Item(
            title=f"Reserved decision: {d.title}",
            url=d.get_absolute_url(),
            kind="Your council's answer",
            code=d.matter.arrangement.code,
            since=d.requested_on,
        )
        for d in decisions
        if d.current_outcome == AWAITING
    ]


@waiting("instalments", roles=(Role.COUNCIL_OFFICER,), order=60)
def instalments(user, arrangements, *, today, **context):
    """The officer's council's unpaid instalments of agreed years, due by a fortnight ahead."""
    if not role_allows(user.role, Kind.CONTRACT, Action.EDIT) or not user.organisation_id:
        return []
    years = ContractYear.objects.visible_to(user).filter(
        arrangement__in=arrangements, state=ContractYear.State.AGREED
    )
    rows = (
        Instalment.objects.filter(
            contract_year__in=years,
            council_id=user.organisation_id,
            paid_on__isnull=True,
            due_on__lte=today + PAYMENT_NOTICE,
        )
        .select_related("contract_year__arrangement__trust", "council")
        .order_by("due_on", "contract_year__arrangement__trust__code", "number")
    )
    items = []
    for row in rows:
        year = row.contract_year
        what = (
            f"balancing payment of {year.label}"
            if row.is_balancing
            else f"instalment {row.number} of {year.label}"
        )
        items.append(
            Item(
                title=f"Pay {row.council.code}'s {what}: £{row.amount:,.2f}",
                url=reverse(
                    "contracts:payment-record",
                    args=[year.arrangement.code, year.financial_year, row.council.code, row.number],
                ),
                kind="Payment",
                code=year.arrangement.code,
                due=row.due_on,
            )
        )
    return items


@waiting("variations", roles=(Role.ADMINISTRATOR,), order=50)
def variations(user, arrangements, *, today, **context):
    if not role_allows(user.role, Kind.CONTRACT, Action.APPROVE):
        return []
    rows = (
        Variation.objects.filter(
            contract_year__in=ContractYear.objects.visible_to(user).filter(
                arrangement__in=arrangements
            ),
            state=Variation.State.REQUESTED,
        )
        .select_related("contract_year__arrangement__trust")
        .order_by("requested_at", "pk")
    )
    return [
        Item(
            title=f"Variation {v.number} to {v.contract_year.label}: "
            f"{v.get_kind_display().lower()}",
            url=v.get_absolute_url(),
            kind="To decide",
            code=v.contract_year.arrangement.code,
            since=v.requested_at,
        )
        for v in rows
    ]


@waiting("contract-years", roles=(Role.ADMINISTRATOR,), order=55)
def contract_years(user, arrangements, *, today, **context):
    if not role_allows(user.role, Kind.CONTRACT, Action.APPROVE):
        return []
    rows = (
        ContractYear.objects.visible_to(user)
        .filter(arrangement__in=arrangements, state=ContractYear.State.DRAFT)
        .select_related("arrangement__trust")
        .order_by("financial_year", "arrangement__trust__code")
    )
    return [
        Item(
            title=f"Contract year {y.label} to agree",
            url=reverse("contracts:year-agree", args=[y.arrangement.code, y.financial_year]),
            kind="To decide",
            code=y.arrangement.code,
            since=y.created_at,
        )
        for y in rows
    ]
