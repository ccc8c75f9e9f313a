"""The three kinds of return the life is tested on, and a return of each kind at each step.

Everything here is built by factories in a world of the test's own (the root ``world``
fixture: a trust, two councils, someone in every role, an outsider), never from the demo. What
is particular to a kind is only how a valid set of figures is put into a draft; each kind's
adapter does that with the kind's own save service, so the save goes through
``submission_record_change`` as it does in use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest

from contracts.models import BudgetReturn
from contracts.services import budget
from performance.models import Indicator, MonthlyReturn
from performance.services import returns as performance_returns
from performance.tests.factories import IndicatorFactory
from trust_portal.approvals import services
from workforce import services as workforce_returns
from workforce.models import Team, WorkforceReturn
from workforce.tests.factories import TeamFactory

MONTH = date(2025, 6, 1)


# --- Performance returns: every indicator's figure for every council area --------------------


def _performance_figures(submission, numerator="8"):
    IndicatorFactory(code="APPROVALS_TEST_SEEN_IN_TIME")
    cells = performance_returns.cells_of(submission.arrangement, Indicator.objects.all())
    return {
        (indicator.code, area): (numerator, "10" if indicator.has_denominator else None)
        for indicator, area in cells
    }


def _performance_save(submission, by, *, expected_version, changed=False):
    performance_returns.return_save(
        by=by,
        monthly_return=submission,
        expected_version=expected_version,
        figures=_performance_figures(submission, numerator="7" if changed else "8"),
        commentary={},
    )


# --- Budget monitoring: every spend category on budget ---------------------------------------


def _budget_save(submission, by, *, expected_version, changed=False):
    lines = {
        category: {
            "budget": "1,000.00",
            "actual_to_date": "600.00" if changed else "500.00",
            "forecast_outturn": "1,000.00",
        }
        for category in budget.CATEGORIES
    }
    budget.budget_return_save(
        by=by, budget_return=submission, expected_version=expected_version, lines=lines
    )


# --- Workforce returns: one team in each council area, its posts adding up -------------------


def _team_row(open_cases: str) -> dict:
    return {
        "establishment_fte": "10",
        "experienced_fte": "6",
        "asye_fte": "1",
        "international_fte": "0",
        "agency_fte": "1",
        "agency_over_establishment_fte": "0",
        "vacant_fte": "2",
        "starters": "0",
        "starters_fte": "0",
        "leavers": "1",
        "leavers_fte": "1",
        "open_cases": open_cases,
        "workers_holding_cases": "4",
        "case_holding_fte": "3.5",
        "workers_over_limit": "1",
        "unallocated_cases": "0",
    }


def _workforce_save(submission, by, *, expected_version, changed=False):
    arrangement = submission.arrangement
    if not Team.objects.filter(arrangement=arrangement).exists():
        for council in arrangement.councils.all():
            TeamFactory(arrangement=arrangement, area=council)
    teams = {
        team.pk: _team_row("41" if changed else "40")
        for team in Team.objects.filter(arrangement=arrangement)
    }
    workforce_returns.workforce_return_save(
        by=by, workforce_return=submission, expected_version=expected_version, teams=teams
    )


@dataclass(frozen=True)
class ReturnKind:
    """What the life's tests need to know about a kind of return."""

    name: str
    model: type
    # save(submission, by, *, expected_version, changed=False): a complete, valid set of
    # figures through the kind's own save service; changed=True saves different ones.
    save: Callable

    def fill(self, submission, by):
        submission.refresh_from_db()
        self.save(submission, by, expected_version=submission.lock_version)

    def change(self, submission, by):
        submission.refresh_from_db()
        self.save(submission, by, expected_version=submission.lock_version, changed=True)

    def __str__(self):
        return self.name


KINDS = [
    ReturnKind("performance", MonthlyReturn, _performance_save),
    ReturnKind("budget", BudgetReturn, _budget_save),
    ReturnKind("workforce", WorkforceReturn, _workforce_save),
]


@pytest.fixture(params=KINDS, ids=str)
def kind(request) -> ReturnKind:
    return request.param


# --- A return at each step of its life ------------------------------------------------------


def start(kind, world, month=MONTH):
    return services.submission_create(
        model=kind.model, by=world.manager, arrangement=world.arrangement, period=month
    )


def submit(kind, world, submission):
    kind.fill(submission, world.manager)
    submission.refresh_from_db()
    services.submission_submit(submission=submission, by=world.manager)
    submission.refresh_from_db()
    return submission


def approve_every_area(world, submission):
    for officer in world.officers:
        services.submission_approve_area(submission=submission, by=officer)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def draft(kind, world):
    return start(kind, world)


@pytest.fixture
def submitted(kind, world, draft):
    return submit(kind, world, draft)


@pytest.fixture
def approved(world, submitted):
    return approve_every_area(world, submitted)
