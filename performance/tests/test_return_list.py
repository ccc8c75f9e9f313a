"""The list of returns: every month of the last 12 complete months, started or not, with its
state, its due date and whether it is overdue, and a "Start" button beside a month not yet
started for the trust; as of a past moment, none of it. On factories, the day pinned."""

import re
from datetime import date

import pytest
from django.urls import reverse

from performance.models import MonthlyReturn
from performance.tests.factories import MonthlyReturnFactory, PerformanceSettingsFactory
from trust_portal.approvals import views as approvals_views
from trust_portal.approvals.models import State

TODAY = date(2019, 4, 30)
TAGS = re.compile(r"<[^>]+>")
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
SUBMITTED = ["January 2019", "December 2018", "November 2018", "October 2018"]


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    monkeypatch.setattr(approvals_views, "_today", lambda: TODAY)


@pytest.fixture
def months_in(arrangement):
    """October 2018 to January 2019 submitted, February 2019 approved, March 2019 a draft
    (as performance/tests/test_deadlines.py); nothing before October 2018."""
    for month in [date(2018, m, 1) for m in (10, 11, 12)] + [date(2019, 1, 1)]:
        MonthlyReturnFactory(arrangement=arrangement, period=month, state=State.SUBMITTED)
    MonthlyReturnFactory(arrangement=arrangement, period=date(2019, 2, 1), state=State.APPROVED)
    MonthlyReturnFactory(arrangement=arrangement, period=date(2019, 3, 1))
    return arrangement


def last_year(page: str) -> list[list[str]]:
    """The cells of the "last 12 months" table, as text, row by row."""
    table = page.split('data-testid="last-year"', 1)[1].split("</table>", 1)[0]
    table = table.split('<tbody class="govuk-table__body">', 1)[1]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, re.S)
    return [[" ".join(TAGS.sub(" ", cell).split()) for cell in CELL.findall(r)] for r in rows]


def list_page(client, arrangement, query=""):
    response = client.get(reverse("performance:return-list", args=[arrangement.code]) + query)
    assert response.status_code == 200
    return response.content.decode()


# Due: the tenth working day of the next month (Easter 2019: Good Friday 19 April and Easter
# Monday 22 April are not working days).
DUE = {
    "March 2019": "12 Apr 2019",
    "February 2019": "14 Mar 2019",
    "January 2019": "14 Feb 2019",
    "December 2018": "15 Jan 2019",
    "November 2018": "14 Dec 2018",
    "October 2018": "14 Nov 2018",
    "September 2018": "12 Oct 2018",
    "August 2018": "14 Sep 2018",
    "July 2018": "14 Aug 2018",
    "June 2018": "13 Jul 2018",
    "May 2018": "14 Jun 2018",
    "April 2018": "15 May 2018",
}
NOT_STARTED = ["September 2018", "August 2018", "July 2018", "June 2018", "May 2018", "April 2018"]


def test_the_trust_sees_every_month_of_the_last_year_with_its_state_and_due_date(
    people, client_for, months_in
):
    rows = last_year(list_page(client_for(people["manager"]), months_in))
    expected = [
        ["March 2019", "Draft", "12 Apr 2019 Overdue"],
        ["February 2019", "Approved", "14 Mar 2019"],
        *[[m, "Submitted", DUE[m]] for m in SUBMITTED],
        *[[f"{m} Start {m}", "Not started", f"{DUE[m]} Overdue"] for m in NOT_STARTED],
    ]
    assert rows == expected


def test_a_council_officer_sees_a_draft_as_not_submitted_and_no_start(
    people, client_for, months_in
):
    rows = last_year(list_page(client_for(people["officer"]), months_in))
    assert [r[:3] for r in rows[:3]] == [
        ["March 2019", "Not submitted", "12 Apr 2019 Overdue"],
        ["February 2019", "Approved", "14 Mar 2019"],
        ["January 2019", "Submitted", "14 Feb 2019"],
    ]
    assert rows[-1] == ["April 2018", "Not submitted", "15 May 2018 Overdue"]  # no Start
    assert sum("Overdue" in r[2] for r in rows) == 7


def test_someone_who_sees_approved_returns_only_is_told_nothing_of_lateness(
    people, client_for, months_in
):
    page = list_page(client_for(people["scrutiny"]), months_in)
    rows = last_year(page)
    assert rows[1] == ["February 2019", "Approved", "14 Mar 2019"]
    assert [r[1] for r in rows].count("Not approved") == 11
    assert "Overdue" not in page
    assert rows[-1] == ["April 2018", "Not approved", "15 May 2018"]
    assert 'name="month"' not in page


def test_the_overdue_months_are_the_home_pages(people, client_for, months_in):
    from performance.deadlines import overdue_returns

    rows = last_year(list_page(client_for(people["manager"]), months_in))
    late = {r[0].split(" Start ")[0] for r in rows if r[2].endswith("Overdue")}
    assert late == {f"{o.month:%B %Y}" for o in overdue_returns(months_in, today=TODAY)}


def test_the_due_date_follows_the_due_day_in_force(people, client_for, months_in):
    PerformanceSettingsFactory(arrangement=months_in, due_working_day=15)
    rows = last_year(list_page(client_for(people["manager"]), months_in))
    # The 15th working day of April 2019, after Good Friday and Easter Monday: the 23rd.
    assert rows[0] == ["March 2019", "Draft", "23 Apr 2019 Overdue"]


def test_the_start_button_starts_that_month(people, client_for, months_in, catalogue):
    client = client_for(people["manager"])
    page = list_page(client, months_in)
    assert page.count('name="month" value="2018-') == 6
    response = client.post(
        reverse("performance:return-list", args=[months_in.code]), {"month": "2018-09-01"}
    )
    assert response.status_code == 302
    assert response.url == reverse("performance:return-edit", args=[months_in.code, "2018-09", 1])
    rows = last_year(list_page(client, months_in))
    assert rows[6] == ["September 2018", "Draft", "12 Oct 2018 Overdue"]


def test_starting_a_month_before_2000_is_a_form_error(people, client_for, months_in):
    response = client_for(people["manager"]).post(
        reverse("performance:return-list", args=[months_in.code]), {"month": "0001-01-01"}
    )
    assert response.status_code == 200
    assert "Enter a month from January 2000 to December" in response.content.decode()
    assert not MonthlyReturn.objects.filter(arrangement=months_in, period__year__lt=2000).exists()


def test_the_date_picker_stays_for_other_months(people, client_for, months_in):
    page = list_page(client_for(people["manager"]), months_in)
    assert "Start a return</span></summary>" in page
    assert '<input type="date" name="month"' in page


def test_as_of_a_past_moment_the_list_is_as_it_was(people, client_for, months_in):
    page = list_page(client_for(people["manager"]), months_in, "?as_of=2019-04-01")
    assert 'data-testid="last-year"' not in page
    assert "Not started" not in page


@pytest.mark.parametrize(
    ("name", "noun"), [("workforce:return-list", "workforce"), ("contracts:budget-list", "budget")]
)
def test_a_kind_without_a_due_rule_shows_no_due_dates(people, client_for, arrangement, name, noun):
    page = client_for(people["manager"]).get(reverse(name, args=[arrangement.code]))
    assert page.status_code == 200
    rows = last_year(page.content.decode())
    assert len(rows) == 12
    assert rows[0] == ["March 2019 Start March 2019", "Not started"]
    assert rows[-1] == ["April 2018 Start April 2018", "Not started"]
