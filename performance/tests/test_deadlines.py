"""When a month's return is due, which are overdue and who sees them on their home page, on
factories. The reminders, which go to every arrangement in the database, are asserted on the demo
(``test_deadlines_demo.py``)."""

from datetime import date

import pytest
from django.urls import reverse

from performance.deadlines import due_date, overdue_returns
from performance.tests.factories import MonthlyReturnFactory, PerformanceSettingsFactory
from trust_portal.approvals.models import State


@pytest.mark.parametrize(
    ("month", "due"),
    [
        (date(2024, 3, 1), date(2024, 4, 15)),  # Easter Monday 1 April is not a working day
        (date(2025, 12, 1), date(2026, 1, 15)),  # nor New Year's Day
        (date(2026, 10, 1), date(2026, 11, 13)),
        (date(2019, 3, 1), date(2019, 4, 12)),
    ],
)
def test_a_return_is_due_on_the_tenth_working_day_of_the_next_month(month, due):
    assert due_date(month) == due


def test_the_due_day_is_the_arrangements_own_setting():
    assert due_date(date(2026, 10, 1), working_day=1) == date(2026, 11, 2)


@pytest.fixture
def months_in(arrangement):
    """October 2018 to February 2019 sent in (one of them approved), March 2019 a draft."""
    for month in [date(2018, m, 1) for m in (10, 11, 12)] + [date(2019, 1, 1)]:
        MonthlyReturnFactory(arrangement=arrangement, period=month, state=State.SUBMITTED)
    MonthlyReturnFactory(arrangement=arrangement, period=date(2019, 2, 1), state=State.APPROVED)
    MonthlyReturnFactory(arrangement=arrangement, period=date(2019, 3, 1))
    return arrangement


def test_overdue_months_are_those_past_due_and_not_yet_submitted(months_in):
    late = overdue_returns(months_in, today=date(2019, 4, 30))
    # Sent in from October 2018; March 2019 is still a draft.
    assert [o.month for o in late] == [date(2018, m, 1) for m in range(4, 10)] + [date(2019, 3, 1)]
    assert late[-1].due == date(2019, 4, 12)


def test_on_the_due_day_itself_a_return_is_not_yet_overdue(months_in):
    assert date(2019, 3, 1) not in [
        o.month for o in overdue_returns(months_in, today=date(2019, 4, 12))
    ]


def test_a_later_due_day_setting_moves_the_deadline(months_in):
    PerformanceSettingsFactory(arrangement=months_in, due_working_day=15)
    assert date(2019, 3, 1) not in [
        o.month for o in overdue_returns(months_in, today=date(2019, 4, 16))
    ]


def test_both_sides_see_overdue_returns_on_their_home_page(people, client_for, world):
    # The world has sent in no return: every month of the last year is overdue.
    for who in ("manager", "officer"):
        body = client_for(people[who]).get(reverse("accounts:home")).content.decode()
        assert f'data-testid="overdue-{world.trust.code}"' in body
        assert "monthly performance returns overdue" in body
    body = client_for(people["observer"]).get(reverse("accounts:home")).content.decode()
    assert "overdue" not in body
