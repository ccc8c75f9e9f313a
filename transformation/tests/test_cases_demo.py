"""The demo's transformation programme (transformation/demo/cases.py), from the October 2024
scrutiny report: its eleven approved cases, its Block 3 ledger (£2,915,000.00 of 2024/25's
£3,291,000.00 provision committed, leaving £376,000.00), its tags and Block 2 cases, and loading
it twice. Everything else about the programme is tested on factories in test_cases.py."""

from datetime import date
from decimal import Decimal as D

import pytest

from contracts.models import ContractYear
from transformation.models import Block3Draw, BoardMeeting, BusinessCase, CaseSpend, Project
from transformation.services import cases as services
from trust_portal.accounts.models import Arrangement

State = BusinessCase.State


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


@pytest.fixture
def y2024(nct):
    return ContractYear.objects.get(arrangement=nct, financial_year=2024)


def ledger_2024(y2024):
    return services.block3_ledger(y2024)


def test_the_demo_has_the_reports_eleven_cases_approved_at_three_meetings(nct, y2024):
    approved = BusinessCase.objects.filter(project__arrangement=nct, state=State.APPROVED)
    assert approved.count() == 11
    assert all(case.synthetic for case in approved)
    assert BoardMeeting.objects.filter(arrangement=nct).count() == 3
    assert {c.meeting.held_on.year for c in approved} == {2024}
    assert all(c.meeting.held_on < date(2024, 10, 15) for c in approved)
    ledger = ledger_2024(y2024)
    assert (ledger.provision, ledger.committed, ledger.remaining) == (
        D("3291000.00"),
        D("2915000.00"),
        D("376000.00"),
    )
    states = set(BusinessCase.objects.filter(project__arrangement=nct).values_list("state"))
    assert {s for (s,) in states} == {State.APPROVED, State.SUBMITTED, State.DRAFT}


def test_the_demo_files_the_reports_own_heading_as_a_tag_under_policy_and_practice(nct):
    tagged = Project.objects.filter(arrangement=nct, tag="Improving Outcomes for Children")
    assert sorted(p.name for p in tagged) == [
        "Family Support Workers Practice",
        "Strategic Manager Delivery",
    ]
    assert {p.theme for p in tagged} == {"practice"}


def test_the_demo_funds_two_cases_from_the_block_2_recurring_line(nct):
    block2 = BusinessCase.objects.filter(project__arrangement=nct, funding="block2")
    assert block2.count() == 2
    assert {c.block2_line.name for c in block2} == {"Transformation items (recurring)"}
    assert not Block3Draw.objects.filter(business_case__in=block2).exists()


def test_loading_the_programme_twice_adds_nothing(nct):
    from transformation.demo.cases import load_programme

    counts = lambda: (  # noqa: E731
        BusinessCase.objects.count(),
        BusinessCase.history.count(),
        Block3Draw.objects.count(),
        CaseSpend.objects.count(),
        BoardMeeting.objects.count(),
        Project.objects.count(),
    )
    before = counts()
    assert "0 steps taken" in load_programme(arrangement=nct)
    assert counts() == before
