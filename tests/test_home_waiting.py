"""The home page's "Waiting for you", role by role, on the factory-built world: each role gets
exactly the items its state leaves waiting (titles, links, since and due dates), every link
answers that person, nothing of another arrangement appears, and an empty list says so.

The lists are read for a pinned day (20 July 2025) through ``trust_portal.work.waiting_for``,
which the home page calls with today's date."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from contracts.models import ContractYear
from contracts.tests.factories import (
    BudgetReturnFactory,
    ConsentFactory,
    ContractYearFactory,
    InstalmentFactory,
    ReservedDecisionFactory,
    ReservedMatterFactory,
    VariationFactory,
)
from performance.models import MonthlyReturn
from performance.tests.factories import MonthlyReturnFactory
from transformation.models import BusinessCase
from transformation.tests.factories import BusinessCaseFactory, ProjectFactory
from trust_portal.accounts.models import Arrangement
from trust_portal.accounts.permissions import arrangements_for
from trust_portal.accounts.tests.factories import AdministratorFactory, UserFactory
from trust_portal.accounts.views import LAST_VISIT
from trust_portal.approvals.models import AreaDecision, State
from trust_portal.dashboards import packs
from trust_portal.dashboards.models import RecomputeRun
from trust_portal.dashboards.tests.factories import IssuedPackFactory, RecomputeRunFactory
from trust_portal.work import waiting_for
from workforce.tests.factories import WorkforceReturnFactory

TODAY = date(2025, 7, 20)
LAST_VISIT_AT = datetime(2025, 5, 15, 9, 0, tzinfo=UTC)


def at(month, day, hour=9):
    return datetime(2025, month, day, hour, 0, tzinfo=UTC)


def decide(submission, council, officer, decision, when):
    found = AreaDecision.objects.create(
        content_type=ContentType.objects.get_for_model(submission),
        object_id=submission.pk,
        council=council,
        decision=decision,
        by=officer,
        query="Why did visits fall?" if decision == "returned" else "",
    )
    AreaDecision.objects.filter(pk=found.pk).update(at=when)


@pytest.fixture
def state(world):
    """Work in flight in the world's arrangement (and a little in the outsider's)."""
    arrangement, (first, second) = world.arrangement, world.councils
    officer, other_officer = world.officers
    # Performance: July 2024 to March 2025 approved, April returned with a query, May submitted
    # and approved by the second council only, June a draft.
    for month in [date(2024, m, 1) for m in range(7, 13)] + [date(2025, m, 1) for m in (1, 2)]:
        MonthlyReturnFactory(
            arrangement=arrangement, period=month, state=State.APPROVED, approved_at=at(2, 1)
        )
    MonthlyReturnFactory(
        arrangement=arrangement,
        period=date(2025, 3, 1),
        state=State.APPROVED,
        approved_at=at(5, 20),
    )
    april = MonthlyReturnFactory(
        arrangement=arrangement,
        period=date(2025, 4, 1),
        state=State.RETURNED,
        submitted_at=at(5, 12),
    )
    decide(april, first, officer, "returned", at(5, 21))
    may = MonthlyReturnFactory(
        arrangement=arrangement,
        period=date(2025, 5, 1),
        state=State.SUBMITTED,
        submitted_at=at(6, 12),
    )
    decide(may, second, other_officer, "approved", at(6, 13))
    june = MonthlyReturnFactory(arrangement=arrangement, period=date(2025, 6, 1))
    MonthlyReturn.objects.filter(pk=june.pk).update(created_at=at(7, 2))
    # Workforce: May submitted, June not started. Budget monitoring: April submitted and
    # approved by the first council, June not started.
    WorkforceReturnFactory(
        arrangement=arrangement,
        period=date(2025, 5, 1),
        state=State.SUBMITTED,
        submitted_at=at(6, 13),
    )
    budget = BudgetReturnFactory(
        arrangement=arrangement,
        period=date(2025, 4, 1),
        state=State.SUBMITTED,
        submitted_at=at(5, 20),
    )
    decide(budget, first, officer, "approved", at(5, 22))
    # A business case before the board, and a draft the councils do not see.
    project = ProjectFactory(arrangement=arrangement)
    BusinessCaseFactory(
        project=project, reference="BC07", state=BusinessCase.State.SUBMITTED, submitted_at=at(7, 1)
    )
    BusinessCaseFactory(project=project, reference="BC08")
    # A reserved decision the second council has consented to, and one it refused.
    matter = ReservedMatterFactory(arrangement=arrangement)
    awaited = ReservedDecisionFactory(matter=matter, requested_on=date(2025, 7, 1))
    ConsentFactory(decision=awaited, council=second, decided_on=date(2025, 7, 3))
    refused = ReservedDecisionFactory(matter=matter, title="Sell the head office")
    ConsentFactory(decision=refused, council=second, answer="refuse", decided_on=date(2025, 2, 1))
    # 2025/26 agreed: the first council's July instalment unpaid and past due, its June one
    # paid, its August one not yet near; the second council's due on 1 August.
    year = ContractYearFactory(
        arrangement=arrangement, financial_year=2025, state=ContractYear.State.AGREED
    )
    InstalmentFactory(contract_year=year, council=first, number=4, due_on=date(2025, 7, 15))
    InstalmentFactory(
        contract_year=year,
        council=first,
        number=3,
        due_on=date(2025, 6, 15),
        paid_on=date(2025, 6, 15),
        reference="BACS 1",
    )
    InstalmentFactory(contract_year=year, council=first, number=5, due_on=date(2025, 8, 15))
    InstalmentFactory(
        contract_year=year,
        council=second,
        number=4,
        due_on=date(2025, 8, 1),
        amount=Decimal("51000.00"),
    )
    # A variation awaiting decision, a draft year to agree.
    variation = VariationFactory(contract_year=year, number=1, requested_by=officer)
    type(variation).objects.filter(pk=variation.pk).update(requested_at=at(7, 4))
    draft = ContractYearFactory(arrangement=arrangement, financial_year=2026)
    ContractYear.objects.filter(pk=draft.pk).update(created_at=at(7, 5))
    # Recomputes: the world's latest failed; the outsider's failed, then succeeded.
    RecomputeRunFactory(arrangement=arrangement, state="succeeded", queued_at=at(7, 1))
    RecomputeRunFactory(
        arrangement=arrangement, state="failed", queued_at=at(7, 6), finished_at=at(7, 6, 10)
    )
    elsewhere = Arrangement.objects.get(trust=world.other_manager.organisation)
    RecomputeRunFactory(arrangement=elsewhere, state="failed", queued_at=at(7, 1))
    RecomputeRunFactory(
        arrangement=elsewhere, state=RecomputeRun.State.SUCCEEDED, queued_at=at(7, 2)
    )
    # Packs issued in May, June and July; the outsider's in July (each as a pack's page reads).
    data = packs.pack_suppress(
        packs.pack_assemble(arrangement=arrangement, month=date(2025, 6, 1)), threshold=5
    )
    IssuedPackFactory(arrangement=arrangement, title="May pack", issued_at=at(5, 2), data=data)
    june_pack = IssuedPackFactory(
        arrangement=arrangement, title="June pack", issued_at=at(6, 2), data=data
    )
    july_pack = IssuedPackFactory(
        arrangement=arrangement, title="July pack", issued_at=at(7, 10), data=data
    )
    IssuedPackFactory(
        arrangement=elsewhere, title="Elsewhere's pack", issued_at=at(7, 11), data=data
    )
    # The outsider's submitted return, for none of the world's people to see.
    MonthlyReturnFactory(
        arrangement=elsewhere, period=date(2025, 5, 1), state=State.SUBMITTED, submitted_at=at(6, 1)
    )
    # An invitation not taken up.
    invited = UserFactory(username="invited", first_name="Sam", last_name="Field")
    invited.set_unusable_password()
    invited.save()
    type(invited).objects.filter(pk=invited.pk).update(date_joined=at(7, 7))
    return {"june_pack": june_pack, "july_pack": july_pack, "elsewhere": elsewhere}


def listed(user, last_visit=None, arrangements=None):
    """[(kind, title, url, since, due, overdue)] of what is waiting for the person (in their
    arrangements, or in those given)."""
    if arrangements is None:
        arrangements = arrangements_for(user)
    shown = waiting_for(user, arrangements, today=TODAY, last_visit=last_visit)
    return [(s.item.kind, s.item.title, s.item.url, s.since, s.item.due, s.overdue) for s in shown]


def month_url(name, code, month, revision=1):
    return reverse(name, args=[code, month, revision])


def test_a_council_officer_is_waiting_on_what_awaits_their_council(world, state):
    code = world.arrangement.code
    first = world.councils[0].code
    assert listed(world.officers[0]) == [
        (
            "To approve",
            "Performance return for May 2025",
            month_url("performance:return-detail", code, "2025-05"),
            date(2025, 6, 12),
            None,
            False,
        ),
        (
            "To approve",
            "Workforce return for May 2025",
            month_url("workforce:return-detail", code, "2025-05"),
            date(2025, 6, 13),
            None,
            False,
        ),
        (
            "Board decision to record",
            "Business case BC07: Family hubs",
            reverse("transformation:case-decide", args=[code, "BC07"]),
            date(2025, 7, 1),
            None,
            False,
        ),
        (
            "Your council's answer",
            "Reserved decision: Amend article 12",
            state_decision_url(world, "Amend article 12"),
            date(2025, 7, 1),
            None,
            False,
        ),
        (
            "Payment",
            f"Pay {first}'s instalment 4 of 2025/26: £83,333.33",
            reverse("contracts:payment-record", args=[code, 2025, first, 4]),
            None,
            date(2025, 7, 15),
            True,
        ),
    ]


def state_decision_url(world, title):
    from contracts.models import ReservedDecision

    decision = ReservedDecision.objects.get(matter__arrangement=world.arrangement, title=title)
    return reverse("contracts:decision-detail", args=[world.arrangement.code, decision.pk])


def test_the_other_councils_officer_is_waiting_on_their_own_councils_part(world, state):
    code = world.arrangement.code
    second = world.councils[1].code
    assert [(kind, title, due) for kind, title, _, _, due, _ in listed(world.officers[1])] == [
        ("To approve", "Workforce return for May 2025", None),
        ("To approve", "Budget monitoring for April 2025", None),
        ("Board decision to record", "Business case BC07: Family hubs", None),
        ("Payment", f"Pay {second}'s instalment 4 of 2025/26: £51,000.00", date(2025, 8, 1)),
    ]
    budget = listed(world.officers[1])[1]
    assert budget[2] == month_url("contracts:budget-detail", code, "2025-04")


def test_a_trust_manager_is_waiting_on_queries_drafts_and_months_to_start(world, state):
    code = world.arrangement.code
    assert listed(world.manager) == [
        (
            "Query to answer",
            "Performance return for April 2025",
            month_url("performance:return-detail", code, "2025-04"),
            date(2025, 5, 21),
            None,
            False,
        ),
        (
            "To finish and submit",
            "Performance return for June 2025",
            month_url("performance:return-detail", code, "2025-06"),
            date(2025, 7, 2),
            date(2025, 7, 14),  # the tenth working day of July 2025
            True,
        ),
        (
            "To start",
            "Workforce return for June 2025",
            reverse("workforce:return-list", args=[code]),
            date(2025, 7, 1),
            None,
            False,
        ),
        (
            "To start",
            "Budget monitoring for June 2025",
            reverse("contracts:budget-list", args=[code]),
            date(2025, 7, 1),
            None,
            False,
        ),
    ]


def test_a_trust_manager_is_told_of_every_month_of_the_last_year_not_started(world):
    MonthlyReturnFactory(arrangement=world.arrangement, period=date(2025, 6, 1))
    performance = [i for i in listed(world.manager) if i[1].startswith("Performance")]
    # June's was started: its draft comes first, then every other month, each with its due date.
    assert [(kind, title, due) for kind, title, _, _, due, _ in performance] == [
        ("To finish and submit", "Performance return for June 2025", date(2025, 7, 14)),
    ] + [
        ("To start", f"Performance return for {month}", due)
        for month, due in [
            ("July 2024", date(2024, 8, 14)),
            ("August 2024", date(2024, 9, 13)),
            ("September 2024", date(2024, 10, 14)),
            ("October 2024", date(2024, 11, 14)),
            ("November 2024", date(2024, 12, 13)),
            ("December 2024", date(2025, 1, 15)),
            ("January 2025", date(2025, 2, 14)),
            ("February 2025", date(2025, 3, 14)),
            ("March 2025", date(2025, 4, 14)),
            ("April 2025", date(2025, 5, 15)),
            ("May 2025", date(2025, 6, 13)),
        ]
    ]


def test_an_administrator_is_waiting_on_decisions_invitations_and_failed_recomputes(world, state):
    code = world.arrangement.code
    # An administrator has every arrangement, the demo's too: here the world's and the
    # outsider's (whose failed recompute was followed by one that succeeded).
    mine = [world.arrangement, state["elsewhere"]]
    assert listed(world.admin, arrangements=mine) == [
        (
            "To decide",
            "Variation 1 to 2025/26: change a funding line's amount",
            reverse("contracts:variation-detail", args=[code, 2025, 1]),
            date(2025, 7, 4),
            None,
            False,
        ),
        (
            "To decide",
            "Contract year 2026/27 to agree",
            reverse("contracts:year-agree", args=[code, 2026]),
            date(2025, 7, 5),
            None,
            False,
        ),
        (
            "Invitation",
            "Invitation to Sam Field not taken up",
            reverse("accounts:user-detail", args=["invited"]),
            date(2025, 7, 7),
            None,
            False,
        ),
        (
            "Failed recompute",
            f"The dashboards of {code} failed to recompute",
            reverse("dashboards:runs", args=[code]),
            date(2025, 7, 6),
            None,
            False,
        ),
    ]


@pytest.mark.parametrize("who", ["scrutiny", "observer"])
def test_a_read_only_role_gets_the_latest_pack_and_what_changed_since_their_last_visit(
    world, state, who
):
    code = world.arrangement.code
    person = world.people[who]
    pack_url = reverse("packs:pack-detail", args=[code, state["july_pack"].pk])
    june_url = reverse("packs:pack-detail", args=[code, state["june_pack"].pk])
    assert listed(person, last_visit=LAST_VISIT_AT) == [
        ("Latest scrutiny committee pack", "July pack", pack_url, date(2025, 7, 10), None, False),
        ("Pack issued since your last visit", "June pack", june_url, date(2025, 6, 2), None, False),
        (
            "Approved since your last visit",
            "Performance return for March 2025",
            month_url("performance:return-detail", code, "2025-03"),
            date(2025, 5, 20),
            None,
            False,
        ),
    ]
    # A first visit (no earlier sign-in known): the latest pack alone.
    assert listed(person) == [
        ("Latest scrutiny committee pack", "July pack", pack_url, date(2025, 7, 10), None, False)
    ]


@pytest.mark.parametrize("who", ["officer", "other-officer", "manager", "admin", "scrutiny"])
def test_every_item_links_to_a_page_that_answers_the_person(world, state, client_for, who):
    person = world.people[who]
    client = client_for(person)
    items = listed(person, last_visit=LAST_VISIT_AT)
    assert items
    for _, title, url, *_ in items:
        assert client.get(url).status_code == 200, (title, url)


def test_no_item_of_another_arrangement_is_shown(world, state):
    elsewhere_code = state["elsewhere"].code
    for who in ("officer", "other-officer", "manager", "scrutiny", "observer"):
        for _, title, url, *_ in listed(world.people[who], last_visit=LAST_VISIT_AT):
            assert f"/arrangements/{elsewhere_code}/" not in url, (who, title)
    # The outsider sees their own arrangement's return and nothing of the world's.
    assert [(kind, title) for kind, title, *_ in listed(world.outsider)] == [
        ("To approve", "Performance return for May 2025")
    ]
    assert listed(world.outsider)[0][2] == month_url(
        "performance:return-detail", elsewhere_code, "2025-05"
    )


def test_an_empty_list_says_nothing_is_waiting(world, client_for):
    page = client_for(world.scrutiny).get(reverse("accounts:home")).content.decode()
    assert (
        '<p class="govuk-body" data-testid="waiting-empty">Nothing is waiting for you.</p>' in page
    )
    assert 'data-testid="waiting"' not in page


def test_the_home_page_shows_the_waiting_list_first_with_links_and_dates(world, state, client_for):
    page = client_for(world.officers[0]).get(reverse("accounts:home")).content.decode()
    code = world.arrangement.code
    link = month_url("performance:return-detail", code, "2025-05")
    assert page.index("Waiting for you") < page.index("Your arrangement")
    assert (
        f'<a class="govuk-link govuk-!-font-weight-bold" href="{link}">'
        "Performance return for May 2025</a>"
    ) in page
    assert '<span data-testid="due">Due 15 July 2025</span>' in page
    # Today is later than 2025: the August instalment is due too.
    assert page.count('data-testid="waiting-item"') == 6


def test_the_home_page_says_since_when_from_the_sign_in_before(world, state, client):
    from trust_portal.accounts.models import User

    User.objects.filter(pk=world.scrutiny.pk).update(last_login=LAST_VISIT_AT)
    response = client.post(
        reverse("accounts:login"),
        {"username": world.scrutiny.username, "password": "a-long-test-password"},
    )
    assert response.status_code == 302
    assert client.session[LAST_VISIT] == LAST_VISIT_AT.isoformat()
    page = client.get(reverse("accounts:home")).content.decode()
    assert "You last signed in on 15 May 2025, 10:00." in page
    assert "June pack" in page


@pytest.mark.parametrize(
    ("who", "most"),
    [("officer", 13), ("other-officer", 13), ("manager", 18), ("admin", 8), ("scrutiny", 6)],
)
def test_each_roles_home_page_takes_a_few_queries(
    world, state, client_for, django_assert_max_num_queries, who, most
):
    client = client_for(world.people[who])
    with django_assert_max_num_queries(most):
        assert client.get(reverse("accounts:home")).status_code == 200


def test_the_home_page_queries_do_not_grow_with_arrangements(world, state, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from trust_portal.accounts.tests.factories import CommissionedArrangementFactory

    def queries():
        with CaptureQueriesContext(connection) as done:
            client.get(reverse("accounts:home"))
        return len(done.captured_queries)

    client = client_for(AdministratorFactory())
    before = queries()
    for _ in range(3):  # each with work for an administrator: a draft year, a failed recompute
        more = CommissionedArrangementFactory()
        ContractYearFactory(arrangement=more, financial_year=2026)
        RecomputeRunFactory(arrangement=more, state="failed", queued_at=at(7, 1))
    assert queries() == before
