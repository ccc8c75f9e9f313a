"""The budget monitoring pages: the list and starting a month, the entry form (errors beside
their fields, what was typed kept, stale pages), the councils' review (variance worded, each
council's share), the actions, and the CSV and Excel downloads.

Built on factories: the root ``world``'s budget monitoring of April to October 2024, made
through the services (``months``): each month placements £320.00 over a £10,000.00 budget
(3.2%), staffing £210.00 under a £10,000.00 budget (2.1%), the rest on a £1,000.00 budget, and a
commentary on adoption; both councils approve April to September; October waits, submitted. The
world's 2024/25 contract year is agreed and split 56% to the first council and 44% to the
second."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contracts.models import BudgetReturn
from contracts.services import budget
from contracts.tests.factories import agreed_year_split
from trust_portal.approvals.models import State

D = Decimal
MONTH = date(2025, 1, 1)
CATEGORIES = ["placements", "staffing", "childrens_homes", "adoption", "other"]


def url(budget_return, name="budget-detail", query=""):
    path = reverse(f"contracts:{name}", args=[budget_return.arrangement.code,
                                              f"{budget_return.period:%Y-%m}",
                                              budget_return.revision])  # fmt: skip
    return path + query


MONTHLY = {
    "placements": {"budget": "10,000.00", "actual_to_date": "5,000.00",
                   "forecast_outturn": "10,320.00"},
    "staffing": {"budget": "10,000.00", "actual_to_date": "5,000.00",
                 "forecast_outturn": "9,790.00"},
    "adoption": {"commentary": "Fewer inter-agency adoption fees than planned."},
}  # fmt: skip


@pytest.fixture
def split(world):
    """The world's 2024/25 contract year, agreed, split 56/44 between the first and second
    council."""
    return agreed_year_split(world)


@pytest.fixture
def months(people, arrangement, split):
    """{"2024-04": budget return, ...}: the world's months (see the module's docstring)."""
    made = {}
    for number in range(4, 11):
        started = budget.budget_return_start(
            by=people["manager"], arrangement=arrangement, month=date(2024, number, 1)
        )
        lines = {
            c: {"budget": "1,000.00", "actual_to_date": "500.00", "forecast_outturn": "1,000.00",
                **MONTHLY.get(c, {})}
            for c in CATEGORIES
        }  # fmt: skip
        budget.budget_return_save(
            by=people["manager"],
            budget_return=started,
            expected_version=started.lock_version,
            lines=lines,
        )
        budget.budget_return_submit(by=people["manager"], budget_return=started)
        if number < 10:
            for who in ("officer", "other-officer"):
                budget.budget_return_approve(by=people[who], budget_return=started)
        started.refresh_from_db()
        made[f"2024-{number:02d}"] = started
    return made


@pytest.fixture
def draft(people, arrangement):
    return budget.budget_return_start(by=people["manager"], arrangement=arrangement, month=MONTH)


def form_data(budget_return, **overrides):
    data = {"version": budget_return.lock_version}
    for c in CATEGORIES:
        data.update({f"{c}__budget": "1,000.00", f"{c}__actual_to_date": "500.00",
                     f"{c}__forecast_outturn": "1,000.00", f"{c}__commentary": ""})  # fmt: skip
    data.update(overrides)
    return data


# --- The list ---------------------------------------------------------------------------------


@pytest.fixture
def list_url(world):
    return reverse("contracts:budget-list", args=[world.trust.code])


def test_the_list_shows_each_month_its_state_and_who_started_it(
    people, client_for, months, list_url
):
    body = client_for(people["officer"]).get(list_url).content.decode()
    assert "October 2024" in body and "April 2024" in body
    assert "Submitted" in body and "Approved" in body
    assert str(people["manager"]) in body  # who started each month
    assert "Start a month" not in body


def test_observers_see_approved_months_only(people, client_for, months, list_url):
    body = client_for(people["observer"]).get(list_url).content.decode()
    assert "September 2024" in body
    assert "October 2024" not in body


def test_the_trust_starts_a_month_and_goes_to_its_entry_form(
    people, client_for, months, list_url, world
):
    client = client_for(people["manager"])
    assert "Start a month" in client.get(list_url).content.decode()
    response = client.post(list_url, {"month": "2024-11-15"})
    assert response.status_code == 302
    assert response.url == reverse("contracts:budget-edit", args=[world.trust.code, "2024-11", 1])
    assert BudgetReturn.objects.filter(
        arrangement=world.arrangement, period=date(2024, 11, 1)
    ).exists()


def test_starting_a_month_that_exists_says_so_on_the_form(people, client_for, months, list_url):
    response = client_for(people["manager"]).post(list_url, {"month": "2024-10-01"})
    assert response.status_code == 200
    assert "already has a return" in response.content.decode()


def test_a_council_officer_cannot_start_a_month(people, client_for, months, list_url, world):
    assert client_for(people["officer"]).post(list_url, {"month": "2024-11-01"}).status_code == 403
    assert not BudgetReturn.objects.filter(
        arrangement=world.arrangement, period=date(2024, 11, 1)
    ).exists()


def test_the_list_takes_a_fixed_number_of_queries(
    people, client_for, months, list_url, django_assert_max_num_queries
):
    client = client_for(people["officer"])
    with django_assert_max_num_queries(8):
        assert client.get(list_url).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_list_downloads_as_csv_and_excel(people, client_for, months, list_url, world, fmt):
    response = client_for(people["observer"]).get(list_url, {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{world.trust.code}-budget-monitoring.{fmt}"'
    )
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Month", "Revision", "State"]
        assert [r[0] for r in rows[1:]] == [f"2024-{m:02d}" for m in range(9, 3, -1)]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet["A2"].value == "2024-09" and sheet["C2"].value == "Approved"


# --- The entry form ---------------------------------------------------------------------------


def test_the_entry_form_saves_every_category_to_the_penny(people, client_for, draft):
    data = form_data(
        draft,
        placements__budget="£90,004,500",
        placements__forecast_outturn="90,904,545.50",
        placements__commentary="More residential placements.",
    )
    response = client_for(people["manager"]).post(url(draft, "budget-edit"), data)
    assert response.status_code == 302
    line = draft.lines.get(category="placements")
    assert (line.budget, line.forecast_outturn) == (D("90004500.00"), D("90904545.50"))
    assert line.commentary == "More residential placements."
    assert draft.lines.count() == 5


def test_the_entry_form_shows_each_error_beside_its_field_and_keeps_what_was_typed(
    people, client_for, draft
):
    data = form_data(draft, staffing__actual_to_date="12.345", adoption__budget="lots")
    response = client_for(people["manager"]).post(url(draft, "budget-edit"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert 'href="#id_staffing__actual_to_date"' in body  # the summary links to the field
    assert "Staffing: the actual to date must be to the penny" in body
    assert "Adoption: the budget must be an amount in pounds" in body
    assert 'value="12.345"' in body and 'value="lots"' in body
    assert 'value="1,000.00"' in body  # the rest, as typed
    assert not draft.lines.exists()


def test_the_entry_form_shows_the_budgets_last_entered_this_year_as_hints(
    people, client_for, months, arrangement
):
    november = budget.budget_return_start(by=people["manager"], arrangement=arrangement,
                                          month=date(2024, 11, 1))  # fmt: skip
    client = client_for(people["manager"])
    body = client.get(url(november, "budget-edit")).content.decode()
    assert "Last entered for this financial year: £10,000.00" in body
    assert 'aria-describedby="id_placements__budget-hint"' in body
    assert 'name="placements__budget" type="text" inputmode="decimal" spellcheck="false" ' \
           'value=""' in body  # fmt: skip
    # Saving with only placements entered leaves the other categories empty, not half-filled.
    data = {"version": november.lock_version, "placements__budget": "10,000.00",
            "placements__actual_to_date": "6,000.00",
            "placements__forecast_outturn": "10,200.00"}  # fmt: skip
    assert client.post(url(november, "budget-edit"), data).status_code == 302
    assert list(november.lines.values_list("category", flat=True)) == ["placements"]


def test_a_stale_entry_form_shows_the_latest_figures(people, client_for, draft):
    stale = draft.lock_version
    client = client_for(people["manager"])
    client.post(url(draft, "budget-edit"), form_data(draft, other__budget="2,000.00"))
    response = client.post(url(draft, "budget-edit"), form_data(draft, version=stale))
    body = response.content.decode()
    assert "Your changes were not saved" in body
    assert "Someone else saved this return" in body
    assert 'value="2,000.00"' in body
    assert draft.lines.get(category="other").budget == D("2000.00")


def test_a_locked_month_sends_the_trust_back_to_its_page(people, client_for, months):
    september = months["2024-09"]
    response = client_for(people["manager"]).get(url(september, "budget-edit"))
    assert response.status_code == 302 and response.url == url(september)


def test_a_draft_is_not_found_for_the_councils(people, client_for, draft):
    assert client_for(people["officer"]).get(url(draft)).status_code == 404
    assert client_for(people["manager"]).get(url(draft)).status_code == 200


# --- The review page --------------------------------------------------------------------------


def test_the_review_words_each_over_and_underspend_and_each_councils_share(
    people, client_for, months, world
):
    body = client_for(people["officer"]).get(url(months["2024-10"])).content.decode()
    assert "Overspend of £320.00 (3.2% of budget)" in body  # placements
    assert "Underspend of £210.00 (2.1% of budget)" in body  # staffing
    assert "−£210.00" in body  # a true minus sign, not colour alone
    assert "Overspend of £110.00" in body  # the total
    assert "falls to the councils by the 2024/25 cost split" in body
    assert "£61.60" in body and "£48.40" in body  # 56% and 44% of it
    first = world.councils[0]
    assert f"{first.name} ({first.code})" in body


def test_the_review_offers_the_officer_approve_and_query(people, client_for, months, world):
    body = client_for(people["officer"]).get(url(months["2024-10"])).content.decode()
    assert f"Approve {world.councils[0].code}'s area" in body
    assert "Return with a query" in body
    assert "Enter or change figures" not in body


def test_the_review_shows_the_history_and_the_commentary(people, client_for, months):
    body = client_for(people["observer"]).get(url(months["2024-09"])).content.decode()
    assert "Approved by every council" in body
    assert f"Started by {people['manager']}" in body
    assert "fewer inter-agency adoption fees" in body.lower()
    assert "Return with a query" not in body and "Correct this month" not in body


def test_the_review_says_when_there_is_no_agreed_split(people, client_for, arrangement):
    month = budget.budget_return_start(by=people["manager"], arrangement=arrangement,
                                       month=date(2022, 6, 1))  # fmt: skip
    body = client_for(people["manager"]).get(url(month)).content.decode()
    assert "Not split between the councils: 2022/23 no contract year is recorded" in body


def test_the_review_says_what_stops_submission_and_the_check_page_lists_it(
    people, client_for, draft
):
    client = client_for(people["manager"])
    client.post(url(draft, "budget-edit"), form_data(draft, adoption__forecast_outturn="900"))
    body = client.get(url(draft)).content.decode()
    assert "Before this can be submitted" in body
    check = client.get(url(draft, "budget-submit")).content.decode()
    assert "Adoption: the forecast outturn is 10.0% under budget" in check
    assert f'href="{url(draft, "budget-edit")}#id_adoption__commentary"' in check


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_variance_table_downloads_with_its_total(people, client_for, months, world, fmt):
    response = client_for(people["scrutiny"]).get(url(months["2024-09"], query=f"?format={fmt}"))
    assert response.status_code == 200
    assert (
        f'filename="{world.trust.code}-budget-2024-09-r1.{fmt}"' in response["Content-Disposition"]
    )
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [r[0] for r in rows] == ["Category", "Placements", "Staffing", "Children's homes",
                                        "Adoption", "Other", "Total"]  # fmt: skip
        assert rows[-1][1] == "23000.00"
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet["A7"].value == "Total"
        assert sheet["B7"].value == 23000  # a number, not text
        assert sheet["E3"].value < 0  # staffing underspend stays a negative number


def test_each_councils_share_downloads(people, client_for, months, world):
    response = client_for(people["other-officer"]).get(
        url(months["2024-10"], query="?format=csv&table=shares")
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    first, second = world.councils
    expected = sorted(
        [
            [f"{first.name} ({first.code})", "56.00", "61.60"],
            [f"{second.name} ({second.code})", "44.00", "48.40"],
        ]
    )  # councils in code order
    assert [rows[1][:3], rows[2][:3]] == expected


# --- The actions ------------------------------------------------------------------------------


def test_the_buttons_run_the_month_through_submit_and_both_approvals(
    people, client_for, draft, mailoutbox
):
    manager = client_for(people["manager"])
    manager.post(url(draft, "budget-edit"), form_data(draft))
    assert manager.post(url(draft, "budget-submit")).status_code == 302
    client_for(people["officer"]).post(url(draft, "budget-approve"))
    client_for(people["other-officer"]).post(url(draft, "budget-approve"))
    draft.refresh_from_db()
    assert draft.state == State.APPROVED


def test_submitting_an_incomplete_month_shows_why(people, client_for, draft):
    client = client_for(people["manager"])
    response = client.post(url(draft, "budget-submit"), follow=True)
    assert "Placements: enter the budget, actual to date and forecast outturn." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_an_officer_returns_a_month_with_a_query(people, client_for, months):
    october = months["2024-10"]
    client = client_for(people["other-officer"])
    assert (
        "Your query for the trust" in client.get(url(october, "budget-send-back")).content.decode()
    )
    response = client.post(url(october, "budget-send-back"), {"query": "Why is adoption low?"})
    assert response.status_code == 302
    october.refresh_from_db()
    assert october.state == State.RETURNED


def test_an_empty_query_is_refused_on_the_form(people, client_for, months):
    october = months["2024-10"]
    response = client_for(people["other-officer"]).post(
        url(october, "budget-send-back"), {"query": ""}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_the_trust_starts_a_correction_and_lands_on_the_new_revision(
    people, client_for, months, arrangement
):
    september = months["2024-09"]
    response = client_for(people["manager"]).post(
        url(september, "budget-correct"), {"reason": "Placements accrual missed"}
    )
    correction = BudgetReturn.objects.get(
        arrangement=arrangement, period=september.period, revision=2
    )
    assert response.status_code == 302 and response.url == url(correction)
    assert correction.lines.count() == 5
    body = client_for(people["manager"]).get(url(correction)).content.decode()
    assert "Correction 1: Placements accrual missed" in body
    assert "Revisions of this month" in body


# --- The entry grid ---------------------------------------------------------------------------


def test_the_entry_grid_labels_each_box_with_its_amount_and_category(people, client_for, draft):
    body = client_for(people["manager"]).get(url(draft, "budget-edit")).content.decode()
    for field, words in [
        ("placements__budget", "Budget (full year), Placements, in pounds"),
        ("staffing__actual_to_date", "Actual to date, Staffing, in pounds"),
        ("other__forecast_outturn", "Forecast outturn, Other, in pounds"),
    ]:
        assert f'<label class="govuk-label govuk-visually-hidden" for="id_{field}">{words}' in body
    assert 'for="id_adoption__commentary">Commentary on Adoption' in body
    assert body.count('<th scope="row" class="govuk-table__header tp-grid__name">') == 5
    assert '<div class="tp-save-bar">' in body and "Last month: " not in body


def test_the_entry_grid_shows_last_months_approved_amounts(people, client_for, months):
    october = months["2024-10"]  # submitted; September is approved
    body = client_for(people["manager"]).get(url(october, "budget-edit")).content.decode()
    assert body.count("Last month: ") == 3 * len(CATEGORIES)
    assert '<p class="tp-grid__last">Last month: £10,320.00</p>' in body  # placements' forecast
    assert '<p class="tp-grid__last">Last month: £5,000.00</p>' in body
