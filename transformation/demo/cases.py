"""Northamptonshire's transformation programme for the demo (``transformation.demo.load``):
the eleven business cases the October 2024 scrutiny report lists as approved (paragraph 5.2),
each under its own project, approved at three board meetings (paragraph 4.5: the board had met
three times), plus one case awaiting the board and one draft, so every state shows.

Everything is made through the services people use: the trust's manager drafts and submits,
the councils' officers record the meetings and the board's decisions. What the report does
not give (references, owners, costs, funding sources, dates, spend) is synthetic and marked so:
fixtures/transformation.json says which, each case is flagged ``synthetic``, and the history
reasons say "Demo". Loading twice adds nothing.
"""

import json
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from contracts.models import FundingLine
from transformation.models import BoardMeeting, BusinessCase, Project
from transformation.services import cases as services
from transformation.services import meetings as meeting_services
from trust_portal.accounts.models import Arrangement, User
from trust_portal.demo_time import at, last_complete_month, working_day
from trust_portal.history import audited_save

FIXTURE = settings.BASE_DIR / "fixtures" / "transformation.json"
REASON = "Demo: fixtures/transformation.json (figures the report does not give are synthetic)"
State = BusinessCase.State


def load_programme(*, arrangement=None, today: date | None = None, final: bool = True) -> str:
    data = json.loads(FIXTURE.read_text())
    arrangement = arrangement or Arrangement.objects.get(trust__code=data["arrangement"])
    manager = User.objects.get(username=data["drafted_by"])
    meetings = {row["held_on"]: _meeting(arrangement, row, data) for row in data["meetings"]}
    line = data["block2_line"]
    block2 = FundingLine.objects.get(
        contract_year__arrangement=arrangement,
        contract_year__financial_year=line["financial_year"],
        block=FundingLine.Block.TRANSFORMATION_ITEM,
        name=line["name"],
    )
    steps = 0
    for row in data["cases"]:
        if row["state"] == State.SUBMITTED and not final:
            continue  # in flight: made by the final pass
        if row["state"] == State.SUBMITTED and today is not None:
            # The case awaiting the board is the work in flight: drafted and submitted in the
            # last complete month, whenever the demo is loaded (the fixture's date is synthetic).
            submitted = working_day(last_complete_month(today), 10)
            row = {**row, "submitted_on": submitted.isoformat()}
            with at(submitted):
                steps += _case(
                    arrangement, row, data, manager=manager, meetings=meetings, block2=block2
                )
            continue
        steps += _case(arrangement, row, data, manager=manager, meetings=meetings, block2=block2)
    return f"Transformation programme: {len(data['cases'])} business cases; {steps} steps taken"


def _meeting(arrangement, row, data) -> BoardMeeting:
    held_on = date.fromisoformat(row["held_on"])
    found = BoardMeeting.objects.filter(arrangement=arrangement, held_on=held_on).first()
    return found or meeting_services.meeting_save(
        by=User.objects.get(username=row["recorded_by"]),
        arrangement=arrangement,
        held_on=held_on,
        chair=row["chair"],
        attendees="\n".join(row["attendees"]),
        notes=data["meetings_synthetic"],
        reason=REASON,
    )


def _project(arrangement, row, manager) -> Project:
    found = Project.objects.filter(arrangement=arrangement, name=row["project"]).first()
    return found or services.project_save(
        by=manager,
        arrangement=arrangement,
        reason=REASON,
        theme=row["theme"],
        name=row["project"],
        owner=f"{row['owner']} (synthetic)",
        status=Project.Status.ACTIVE if row["state"] == State.APPROVED else Project.Status.PROPOSED,
        description=row["synthetic"],
        tag=row["tag"],
    )


def _texts(row) -> dict:
    if row["heading_5_2"]:
        where = (
            "The scrutiny report of 15 October 2024 lists it as an approved business case under "
            f"“{row['heading_5_2']}” (paragraph 5.2)."
        )
    else:
        where = "Invented for the demo: the report names no such case."
    return {
        "summary": f"{where} The report does not describe it: this summary is synthetic.",
        "expected_benefits": row.get("expected_benefits")
        or "Synthetic: the report's benefits realisation summary (its Appendix 4) is not in the "
        "public text.",
        "risks": "Synthetic: delivery capacity and recruitment; savings arriving later than "
        "planned.",
    }


def _case(arrangement, row, data, *, manager, meetings, block2) -> int:
    """Bring one case to the state the fixture gives it; return the number of steps taken."""
    steps = 0
    case = BusinessCase.objects.filter(
        project__arrangement=arrangement, reference=row["reference"]
    ).first()
    if case is None:
        funding = row["funding"]
        case = services.case_save(
            by=manager,
            project=_project(arrangement, row, manager),
            # Flagged synthetic from its first record: the report gives none of its figures.
            case=BusinessCase(created_by=manager, synthetic=True),
            reason=REASON,
            reference=row["reference"],
            title=row["title"],
            funding=funding,
            block2_line=block2 if funding == BusinessCase.Funding.BLOCK2 else None,
            costs={int(year): Decimal(amount) for year, amount in row["costs"].items()},
            **_texts(row),
        )
        steps += 1
    meeting_row = next((m for m in data["meetings"] if m["held_on"] == row["meeting"]), None)
    submitted_on = row.get("submitted_on") or (meeting_row and meeting_row["submitted_on"])
    if case.state == State.DRAFT and row["state"] != State.DRAFT:
        services.case_submit(by=manager, case=case)
        # The report gives no submission dates: set a synthetic one before the meeting, in the
        # history with the reason.
        case.submitted_at = timezone.make_aware(
            datetime.combine(date.fromisoformat(submitted_on), time(10))
        )
        audited_save(
            case, by=manager, reason=f"Demo: submitted on {submitted_on} (a synthetic date)"
        )
        steps += 1
    if case.state == State.SUBMITTED and row["state"] == State.APPROVED:
        services.case_decide(
            by=User.objects.get(username=meeting_row["recorded_by"]),
            case=case,
            decision="approve",
            meeting=meetings[row["meeting"]],
            note="Demo: approved, as paragraph 5.2 of the report records; the meeting and its "
            "date are synthetic.",
        )
        steps += 1
    for month, amount in row["spend"].items():
        day = date.fromisoformat(month + "-01")
        if not case.spends.filter(month=day).exists():
            services.case_spend_record(
                by=manager,
                case=case,
                month=day,
                amount=Decimal(amount),
                note="Demo: synthetic spend",
            )
            steps += 1
    return steps
