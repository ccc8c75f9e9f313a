"""Writes of the transformation programme: projects, business cases and the board's decisions
on them, and the Block 3 ledger they draw on (the board's meetings: services/meetings.py).

Who does what (docs/permissions.md, kind "business case"): the trust's managers draft projects
and business cases and submit them to the board; the councils' officers record the board's
meetings and its decisions (the board is chaired by the councils' chief executives); DfE
observers read. Approving a Block 3 case draws each year's cost from that year's provision, and
a case that would overdraw it cannot be approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contracts.models import ContractYear
from contracts.services.contracts import _amount, _reason
from transformation.models import (
    Block3Draw,
    BoardMeeting,
    BusinessCase,
    CaseCost,
    CaseSpend,
    Project,
)
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.dashboards.services import snapshot_queue_recompute
from trust_portal.history import audited_save
from trust_portal.numbers import money_text
from trust_portal.periods import financial_year_label as fy_label
from trust_portal.periods import month_problem
from trust_portal.webhooks.models import Event
from trust_portal.webhooks.services import event_record

ZERO = Decimal("0.00")


# --- Projects --------------------------------------------------------------------------------


@transaction.atomic
def project_save(
    *,
    by,
    arrangement,
    reason: str,
    project: Project | None = None,
    theme: str,
    name: str,
    owner: str,
    status: str = Project.Status.ACTIVE,
    description: str = "",
    tag: str = "",
) -> Project:
    require(by, Action.EDIT, Kind.BUSINESS_CASE, arrangement)
    reason = _reason(reason)
    project = project or Project(arrangement=arrangement)
    if project.arrangement_id != arrangement.pk:
        raise ValidationError("That project belongs to another arrangement.")
    name = name.strip()
    clash = Project.objects.filter(arrangement=arrangement, name__iexact=name).exclude(
        pk=project.pk
    )
    if clash.exists():
        raise ValidationError({"name": f"The programme already has a project called “{name}”."})
    project.theme, project.name, project.owner = theme, name, owner.strip()
    project.status, project.description, project.tag = status, description, tag.strip()
    audited_save(project, by=by, reason=reason)
    # Its theme is where the dashboard counts its cases.
    snapshot_queue_recompute(arrangement=arrangement)
    return project


# --- Business cases --------------------------------------------------------------------------


def _costs(costs: dict) -> dict[int, Decimal]:
    """{financial year: amount typed} → {year: Decimal}, blanks dropped, at least one."""
    clean, errors = {}, {}
    for year, text in costs.items():
        if text in (None, "") or str(text).strip() == "":
            continue
        try:
            clean[int(year)] = _amount(text, field=f"cost_{year}", minimum=Decimal("0.01"))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if not clean:
        raise ValidationError({"costs": "Enter what the case costs in at least one year."})
    return clean


def _require_draft(case: BusinessCase) -> None:
    if case.state not in (BusinessCase.State.DRAFT, BusinessCase.State.DEFERRED):
        raise ValidationError(
            f"{case.reference} is {case.get_state_display().lower()}: only a draft or a deferred "
            "case can be changed."
        )


@transaction.atomic
def case_save(
    *,
    by,
    project: Project,
    reason: str,
    case: BusinessCase | None = None,
    reference: str,
    title: str,
    summary: str,
    funding: str,
    block2_line=None,
    expected_benefits: str,
    risks: str = "",
    costs: dict,
) -> BusinessCase:
    """Draft or change a business case (the trust's managers), with its cost by year."""
    arrangement = project.arrangement
    require(by, Action.EDIT, Kind.BUSINESS_CASE, arrangement)
    reason = _reason(reason)
    if case is not None:
        _require_draft(case)
    case = case or BusinessCase(project=project, created_by=by)
    reference = reference.strip().upper()
    clash = (
        BusinessCase.objects.filter(project__arrangement=arrangement, reference__iexact=reference)
        .exclude(pk=case.pk)
        .exists()
    )
    if clash:
        raise ValidationError({"reference": f"The programme already has a case {reference}."})
    if funding == BusinessCase.Funding.BLOCK2 and block2_line is None:
        raise ValidationError({"block2_line": "Choose the Block 2 item that pays for it."})
    clean_costs = _costs(costs)
    case.project, case.reference, case.title = project, reference, title.strip()
    case.summary, case.funding = summary, funding
    case.block2_line = block2_line if funding == BusinessCase.Funding.BLOCK2 else None
    case.expected_benefits, case.risks = expected_benefits, risks
    audited_save(case, by=by, reason=reason)
    existing = {c.financial_year: c for c in case.costs.all()}
    for year, row in existing.items():
        if year not in clean_costs:
            row._history_user, row._change_reason = by, reason
            row.delete()
    for year, amount in clean_costs.items():
        row = existing.get(year) or CaseCost(business_case=case, financial_year=year)
        if row.pk and row.amount == amount:
            continue
        row.amount = amount
        audited_save(row, by=by, reason=reason)
    return case


@transaction.atomic
def case_submit(*, by, case: BusinessCase) -> BusinessCase:
    require(by, Action.SUBMIT, Kind.BUSINESS_CASE, case.project.arrangement)
    _require_draft(case)
    if not case.costs.exists():
        raise ValidationError("Enter what the case costs before submitting it.")
    case.state = BusinessCase.State.SUBMITTED
    case.submitted_by, case.submitted_at = by, timezone.now()
    audited_save(case, by=by, reason="Submitted to the board")
    # The dashboard counts cases from submission on.
    snapshot_queue_recompute(arrangement=case.project.arrangement)
    return case


@dataclass(frozen=True)
class Ledger:
    """A contract year's Block 3 transformation fund."""

    contract_year: ContractYear
    provision: Decimal
    committed: Decimal  # drawn by approved business cases
    spent: Decimal  # reported spend on those cases in the year's months

    @property
    def remaining(self) -> Decimal:
        """The provision not yet committed to an approved case."""
        return self.provision - self.committed

    @property
    def committed_unspent(self) -> Decimal:
        return self.committed - self.spent


def block3_ledger(contract_year: ContractYear) -> Ledger:
    provision = sum((line.amount for line in contract_year.lines.filter(block=3)), ZERO)
    committed = block3_drawn(contract_year)
    start = date(contract_year.financial_year, 4, 1)
    end = date(contract_year.financial_year + 1, 3, 31)
    spent = sum(
        (
            s.amount
            for s in CaseSpend.objects.filter(
                business_case__funding=BusinessCase.Funding.BLOCK3,
                business_case__project__arrangement=contract_year.arrangement,
                month__gte=start,
                month__lte=end,
            )
        ),
        ZERO,
    )
    return Ledger(contract_year, provision, committed, spent)


def _draw_block3(*, by, case: BusinessCase, drawn_on: date) -> None:
    """Draw each year's cost from that year's provision, refusing any overdraw."""
    arrangement = case.project.arrangement
    problems, draws = [], []
    for cost in case.costs.order_by("financial_year"):
        # Locked, so two approvals at once cannot both take the last of a provision.
        year = (
            ContractYear.objects.select_for_update()
            .filter(arrangement=arrangement, financial_year=cost.financial_year)
            .first()
        )
        if year is None or year.state != ContractYear.State.AGREED:
            problems.append(
                f"{fy_label(cost.financial_year)} has no agreed contract year, so it has no "
                "Block 3 provision to draw on."
            )
            continue
        ledger = block3_ledger(year)
        if cost.amount > ledger.remaining:
            problems.append(
                f"{case.reference} needs {money_text(cost.amount)} from {year.label}'s Block 3 "
                f"fund, which has {money_text(ledger.remaining)} left: it would overdraw the "
                f"provision by {money_text(cost.amount - ledger.remaining)}."
            )
            continue
        draws.append(
            Block3Draw(
                contract_year=year,
                amount=cost.amount,
                business_case=case,
                drawn_on=drawn_on,
                recorded_by=by,
            )
        )
    if problems:
        raise ValidationError(problems)
    for draw in draws:
        audited_save(draw, by=by, reason=f"Released by the board's approval of {case.reference}")
        snapshot_queue_recompute(arrangement=arrangement)


@transaction.atomic
def case_decide(
    *, by, case: BusinessCase, decision: str, meeting: BoardMeeting, note: str = ""
) -> BusinessCase:
    """Record the board's decision on a submitted case: approved, rejected or deferred. A
    deferred case goes back to the trust to change and submit again."""
    arrangement = case.project.arrangement
    require(by, Action.APPROVE, Kind.BUSINESS_CASE, arrangement)
    if case.state != BusinessCase.State.SUBMITTED:
        raise ValidationError(
            f"{case.reference} is {case.get_state_display().lower()}: the board decides "
            "submitted cases."
        )
    if meeting is None or meeting.arrangement_id != arrangement.pk:
        raise ValidationError({"meeting": "Choose the board meeting that decided it."})
    # The day in England it was submitted (stored in UTC: 00:30 BST is 23:30 the day before).
    if case.submitted_at and meeting.held_on < timezone.localdate(case.submitted_at):
        raise ValidationError(
            {"meeting": "The meeting was held before the case was submitted to it."}
        )
    states = {
        "approve": BusinessCase.State.APPROVED,
        "reject": BusinessCase.State.REJECTED,
        "defer": BusinessCase.State.DEFERRED,
    }
    if decision not in states:
        raise ValidationError({"decision": "Choose approve, reject or defer."})
    if decision != "approve" and not (note or "").strip():
        raise ValidationError({"note": "Say why the board did not approve it."})
    if decision == "approve" and case.funding == BusinessCase.Funding.BLOCK3:
        _draw_block3(by=by, case=case, drawn_on=meeting.held_on)
    case.state = states[decision]
    case.meeting, case.decision_note = meeting, (note or "").strip()
    case.decided_by, case.decided_at = by, timezone.now()
    audited_save(case, by=by, reason=f"Board decision: {case.get_state_display()}")
    snapshot_queue_recompute(arrangement=arrangement)
    event_record(
        arrangement=arrangement,
        event=Event.CASE_DECIDED,
        api_url=reverse(
            "business-case-detail", kwargs={"key": f"{arrangement.code}-{case.reference}"}
        ),
    )
    return case


@transaction.atomic
def case_spend_record(*, by, case: BusinessCase, month: date, amount, note: str = "") -> CaseSpend:
    """The trust reports what an approved case cost in a month (once per month; a second
    report for the same month replaces the first, kept in the history)."""
    require(by, Action.EDIT, Kind.BUSINESS_CASE, case.project.arrangement)
    if case.state != BusinessCase.State.APPROVED:
        raise ValidationError(f"{case.reference} is not approved: nothing is spent on it yet.")
    if month is None:
        raise ValidationError({"month": "Enter the month."})
    month = month.replace(day=1)
    problem = month_problem(month, timezone.localdate())
    if problem:
        raise ValidationError({"month": problem})
    if month > timezone.localdate():
        raise ValidationError({"month": "Report spend once the month has begun."})
    spend = CaseSpend.objects.filter(business_case=case, month=month).first()
    spend = spend or CaseSpend(business_case=case, month=month)
    spend.amount, spend.note, spend.recorded_by = _amount(amount, minimum=Decimal("0.01")), note, by
    audited_save(spend, by=by, reason="Spend reported")
    snapshot_queue_recompute(arrangement=case.project.arrangement)
    return spend


def block3_drawn(contract_year: ContractYear, on: date | None = None) -> Decimal:
    """What approved business cases have drawn from the year's Block 3 fund (by the day ``on``
    if given; read by contracts through trust_portal/block3.py; ``block3_draws`` prefetched,
    it runs no query)."""
    draws = contract_year.block3_draws.all()
    return sum((d.amount for d in draws if on is None or d.drawn_on <= on), ZERO)
