"""Contracts' webhook events: a month's budget monitoring approved by every council, and a
variation approved, each named by its API address."""

from datetime import date

from contracts.models import Variation
from contracts.services import budget
from contracts.services import variations as variation_services
from contracts.tests.factories import agreed_year_split
from contracts.tests.test_budget import MONTH, save
from trust_portal.webhooks.models import Event
from trust_portal.webhooks.tests.conftest import delivered, listening

SITE = "http://127.0.0.1:8000"


def test_a_budget_month_approved_by_every_council_is_told(people, world, arrangement):
    agreed_year_split(world)
    hook = listening(arrangement, Event.BUDGET_APPROVED)
    made = budget.budget_return_start(by=people["manager"], arrangement=arrangement, month=MONTH)
    save(people, made)
    budget.budget_return_submit(by=people["manager"], budget_return=made)
    budget.budget_return_approve(by=people["officer"], budget_return=made)
    assert delivered(hook) == []
    budget.budget_return_approve(by=people["other-officer"], budget_return=made)
    code = arrangement.trust.code
    url = f"{SITE}/api/v1/budget-monitoring/{made.pk}/"
    assert delivered(hook) == [("budget_month.approved", code, url)]


def test_an_approved_variation_is_told_and_a_rejected_one_is_not(people, world, arrangement):
    year = agreed_year_split(world)
    hook = listening(arrangement, Event.VARIATION_APPROVED)
    first, second = world.councils
    shares = {first.code: "50", second.code: "50"}

    def request():
        return variation_services.variation_request(
            by=people["officer"],
            contract_year=year,
            kind=Variation.Kind.SPLIT,
            reason="Agreed split",
            shares=shares,
            basis="Population",
        )

    refused = request()
    variation_services.variation_reject(
        by=people["admin"], variation=refused, decision_date=date(2025, 3, 1), note="No"
    )
    assert delivered(hook) == []
    agreed = request()
    variation_services.variation_approve(
        by=people["admin"], variation=agreed, decision_date=date(2025, 3, 1)
    )
    code = arrangement.trust.code
    url = f"{SITE}/api/v1/variations/{code}-{year.financial_year}-{agreed.number}/"
    assert delivered(hook) == [("variation.approved", code, url)]
