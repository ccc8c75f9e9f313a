"""Pages of the risk register (transformation/views/risks.py): the register with its
heat map, filters and downloads, each risk with its history, and the trust's forms. Every cast
member's status on every page is in tests/test_url_matrix.py; here, what the pages show and
do.

Built on factories: the root ``world``'s register (``risk_cases.REGISTER``), added by its
manager through the services: eight open risks, two of them overdue for review (R02 and R03),
R01 reviewed from 16 down to 12, and R09 closed. The demo's own register is checked in
test_risks_demo.py."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from transformation.models import Project, Risk
from transformation.services import risks
from transformation.tests.risk_cases import OPEN_IN_ORDER, REGISTER, fields, make_register
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory

pytestmark = pytest.mark.django_db
HEADER = ["Reference", "Project", "Title", "Description", "Likelihood", "Impact", "Score",
          "Rating", "Owner", "Mitigation", "Review date", "Review overdue", "Status"]  # fmt: skip
MANAGER_NAME = "Robin Ashby"


@pytest.fixture
def cast(world, people):
    """{name: user}: the world's people (its manager named ``MANAGER_NAME``) and a scrutiny
    member of its second council."""
    people["manager"].first_name, people["manager"].last_name = MANAGER_NAME.split()
    people["manager"].save()
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture
def make_risk(cast, arrangement):
    """make_risk(**overrides): a risk added by the world's manager to its register
    (``risk_cases.fields``)."""

    def make(**overrides) -> Risk:
        return risks.risk_save(by=cast["manager"], arrangement=arrangement, **fields(**overrides))

    return make


@pytest.fixture(autouse=True)
def register(cast, arrangement):
    """The world's register (``risk_cases.REGISTER``), added by its manager."""
    return make_register(by=cast["manager"], arrangement=arrangement)


def page(client_for, cast, who, name, *args, data=None, **params):
    client = client_for(cast[who])
    url = reverse(f"transformation:{name}", args=[code(cast), *args])
    if data is not None:
        return client.post(url, data)
    return client.get(url, params)


def code(cast) -> str:
    """The world's trust code, in its addresses."""
    return cast["manager"].organisation.code


def references(response) -> list[str]:
    return [risk.reference for risk, _ in response.context["rows"]]


def rows_of_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# --- The register ---------------------------------------------------------------------------


def test_the_register_lists_open_risks_by_score_then_review_date(client_for, cast):
    response = page(client_for, cast, "observer", "risk-list")
    assert response.status_code == 200
    shown = references(response)
    assert shown[0] == "R02"  # 20, very high
    assert "R09" not in shown  # closed: shown only when asked for
    register = {
        r.reference: r
        for r in Risk.objects.filter(reference__in=shown, arrangement__trust__code=code(cast))
    }
    keys = [(-register[ref].score, register[ref].review_date) for ref in shown]
    assert keys == sorted(keys)
    assert shown == OPEN_IN_ORDER


def test_the_header_counts_the_overdue_reviews(client_for, cast):
    html = page(client_for, cast, "officer", "risk-list").content.decode()
    assert "2 reviews overdue" in html


def test_overdue_reviews_are_flagged_in_words(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list")
    flagged = [risk.reference for risk, overdue in response.context["rows"] if overdue]
    assert sorted(flagged) == ["R02", "R03"]
    assert response.content.decode().count("Review overdue</strong>") == 2


def test_the_heat_map_counts_the_open_risks_with_the_band_in_words(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list")
    cells = [cell for _, _, row in response.context["heat_rows"] for cell in row]
    assert len(cells) == 25
    assert sum(c.count for c in cells) == len(OPEN_IN_ORDER) == 8
    html = response.content.decode()
    # Never colour alone: every square says its count and its band, with proper headers.
    squares = re.findall(r'<td class="govuk-table__cell tp-heat__cell tp-heat__cell--([a-z-]+)'
                         r'[^"]*"><span class="tp-heat__count">(\d+)</span>.*?'
                         r'<span class="tp-heat__band">([a-z ]+)<', html)  # fmt: skip
    assert len(squares) == 25
    assert all(css == band.replace(" ", "-") for css, _, band in squares)
    assert '<th scope="col" class="govuk-table__header tp-heat__axis">Impact 5' in html
    assert '<th scope="row" class="govuk-table__header tp-heat__axis">Likelihood 5' in html
    assert "score 25" in html


def test_the_heat_map_follows_the_project_chosen(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list", project="programme")
    counted = sum(c.count for _, _, row in response.context["heat_rows"] for c in row)
    assert counted == 4  # R03, R04, R05 and R08
    assert "to the programme as a whole" in response.content.decode()


def test_the_register_filters_programme_level_risks(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list", project="programme")
    shown = Risk.objects.filter(
        reference__in=references(response), arrangement__trust__code=code(cast)
    )
    assert shown.exists() and not shown.filter(project__isnull=False).exists()
    assert references(response) == ["R05", "R03", "R04", "R08"]


def test_the_register_filters_one_project(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list", project="Placement Efficiency")
    assert references(response) == ["R02"]


def test_the_register_filters_overdue_reviews_only(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list", overdue="on")
    assert sorted(references(response)) == ["R02", "R03"]


def test_the_register_shows_closed_risks_when_asked(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list", status="closed")
    assert references(response) == ["R09"]


def test_the_register_shows_open_and_closed_together_when_asked(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list", status="all")
    assert len(references(response)) == len(REGISTER) and "R09" in references(response)


def test_an_unknown_project_shows_nothing_rather_than_everything(client_for, cast):
    response = page(client_for, cast, "manager", "risk-list", project="No such project")
    assert response.status_code == 200
    assert references(response) == []


def test_the_register_pages_at_25(client_for, cast, make_risk):
    for n in range(30):
        make_risk(reference=f"T{n}")
    first = page(client_for, cast, "manager", "risk-list")
    second = page(client_for, cast, "manager", "risk-list", page=2)
    assert len(first.context["rows"]) == 25
    assert len(set(references(first)) | set(references(second))) == 38  # 8 open + 30


def test_the_register_page_does_not_ask_the_database_more_as_it_grows(client_for, cast, make_risk):
    client = client_for(cast["manager"])
    url = reverse("transformation:risk-list", args=[code(cast)])
    client.get(url)  # sessions and the like, once
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    project = Project.objects.filter(arrangement__trust__code=code(cast)).first()
    for n in range(10):
        make_risk(reference=f"T{n}", project=project if n % 2 else None)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before) <= 15


def test_the_register_downloads_as_csv_and_excel(client_for, cast):
    rows = rows_of_csv(page(client_for, cast, "observer", "risk-list", format="csv"))
    assert rows[0] == HEADER
    r02 = next(r for r in rows if r[0] == "R02")
    assert r02[1:3] == ["Placement Efficiency", "Placement sufficiency and cost"]
    assert r02[4:8] == ["4", "5", "20", "very high"]
    assert r02[11:] == ["Yes", "Open"]
    response = page(client_for, cast, "observer", "risk-list", format="xlsx", status="all")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A2"].value == "R02" and sheet["G2"].value == 20
    assert sheet.max_row == 1 + len(REGISTER)


def test_the_download_keeps_the_filter(client_for, cast):
    rows = rows_of_csv(page(client_for, cast, "manager", "risk-list", format="csv",
                            overdue="on"))  # fmt: skip
    assert sorted(r[0] for r in rows[1:]) == ["R02", "R03"]


def test_the_trusts_managers_are_offered_to_add_a_risk_and_others_are_not(client_for, cast):
    add = reverse("transformation:risk-add", args=[code(cast)])
    assert add in page(client_for, cast, "manager", "risk-list").content.decode()
    for who in ["officer", "observer", "admin"]:
        assert add not in page(client_for, cast, who, "risk-list").content.decode()


@pytest.mark.parametrize("name", ["risk-list", "risk-add"])
@pytest.mark.parametrize(("who", "status"), [("scrutiny", 403), ("outsider", 404),
                                              ("unattached", 404)])  # fmt: skip
def test_scrutiny_members_are_refused_and_others_cannot_find_it(
    name, who, status, client_for, cast
):
    assert page(client_for, cast, who, name).status_code == status


# --- A risk ---------------------------------------------------------------------------------


def test_a_risk_shows_its_scores_and_its_history(client_for, cast):
    response = page(client_for, cast, "officer", "risk-detail", "R01")
    html = response.content.decode()
    assert "Recruiting and keeping enough social workers" in html
    assert "3 – Possible" in html and "4 – Major" in html
    assert "12 out of 25" in html
    assert "Vacancies down to 12.9% in July" in html  # the review's note
    assert "<del>16</del> → <ins>12</ins>" in html  # the score, old → new
    assert MANAGER_NAME in html  # who
    assert "Record a review" not in html  # council officers read only


def test_an_overdue_risk_says_so(client_for, cast):
    html = page(client_for, cast, "manager", "risk-detail", "R03").content.decode()
    assert "is overdue" in html and "Review overdue" in html


def test_an_unknown_risk_is_not_found(client_for, cast):
    assert page(client_for, cast, "manager", "risk-detail", "R404").status_code == 404


def test_a_manager_adds_a_risk_through_the_page(client_for, cast):
    data = {"reference": "r50", "title": "Court delays", "description": "Longer proceedings.",
            "likelihood": "2", "impact": "5", "owner": "Head of Legal",
            "mitigation": "Case planning.", "reason": "Raised at the board",
            "review_date": f"{timezone.localdate() + timedelta(days=7):%Y-%m-%d}"}  # fmt: skip
    response = page(client_for, cast, "manager", "risk-add", data=data)
    assert response.status_code == 302
    assert response.url == reverse("transformation:risk-detail", args=[code(cast), "R50"])
    risk = Risk.objects.get(arrangement__trust__code=code(cast), reference="R50")
    assert (risk.score, risk.rating, risk.project) == (10, "high", None)
    assert risk.history.get().history_user == cast["manager"]


def test_a_likelihood_out_of_range_is_shown_beside_the_field(client_for, cast):
    data = {"reference": "R50", "likelihood": "7", "impact": "2"}
    response = page(client_for, cast, "manager", "risk-add", data=data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["likelihood"] == [
        "Enter the likelihood as a whole number from 1 (rare) to 5 (almost certain)."
    ]
    assert errors["review_date"] == ["Enter the date the risk is next reviewed."]
    assert "There is a problem" in response.content.decode()


def test_a_taken_reference_is_shown_beside_the_field(client_for, cast):
    data = {"reference": "r01", "title": "t", "description": "d", "likelihood": "1",
            "impact": "1", "owner": "o", "mitigation": "m", "reason": "r",
            "review_date": "2030-01-01"}  # fmt: skip
    response = page(client_for, cast, "manager", "risk-add", data=data)
    assert response.context["form"].errors["reference"] == ["The register already has a risk R01."]


def test_a_manager_changes_a_risk_with_a_reason(client_for, cast, make_risk):
    risk = make_risk()
    form = page(client_for, cast, "manager", "risk-edit", "T1").context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(impact="5", reason="The backlog grew")
    response = page(client_for, cast, "manager", "risk-edit", "T1", data=data)
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.impact, risk.score) == (5, 15)
    assert risk.history.first().history_change_reason == "The backlog grew"


def test_a_manager_records_a_review(client_for, cast, make_risk):
    make_risk()
    data = {"likelihood": "2", "impact": "3", "mitigation": "Weekly case reviews.",
            "review_date": f"{timezone.localdate() + timedelta(days=28):%Y-%m-%d}",
            "note": "Backlog falling"}  # fmt: skip
    response = page(client_for, cast, "manager", "risk-review", "T1", data=data)
    assert response.status_code == 302
    html = page(client_for, cast, "manager", "risk-detail", "T1").content.decode()
    assert "Reviewed" in html and "Backlog falling" in html
    assert "<del>9</del> → <ins>6</ins>" in html


def test_a_review_dated_today_is_shown_beside_the_field(client_for, cast, make_risk):
    make_risk()
    data = {"likelihood": "2", "impact": "3", "mitigation": "m", "note": "n",
            "review_date": f"{timezone.localdate():%Y-%m-%d}"}  # fmt: skip
    response = page(client_for, cast, "manager", "risk-review", "T1", data=data)
    assert response.status_code == 200
    assert response.context["form"].errors["review_date"][0].startswith("The next review must")


def test_a_manager_closes_a_risk_and_it_can_no_longer_be_changed(client_for, cast, make_risk):
    make_risk()
    closed = page(client_for, cast, "manager", "risk-close", "T1", data={"reason": "Gone"})
    assert closed.status_code == 302
    assert Risk.objects.get(reference="T1").status == Risk.Status.CLOSED
    again = page(client_for, cast, "manager", "risk-edit", "T1")
    assert again.status_code == 302
    assert again.url == reverse("transformation:risk-detail", args=[code(cast), "T1"])
    html = page(client_for, cast, "manager", "risk-detail", "T1").content.decode()
    assert "This risk is closed" in html and "Change this risk" not in html


@pytest.mark.parametrize("who", ["officer", "other-officer", "observer", "admin"])
@pytest.mark.parametrize("name", ["risk-edit", "risk-review", "risk-close"])
def test_nobody_but_the_trusts_managers_may_post_a_change(name, who, client_for, cast, make_risk):
    make_risk()
    response = page(client_for, cast, who, name, "T1", data={"reason": "r", "note": "n"})
    assert response.status_code == 403
    assert Risk.objects.get(reference="T1").history.count() == 1


# --- Reopening a closed risk ----------------------------------------------------------------


@pytest.fixture
def closed_t1(cast, make_risk):
    risk = make_risk(likelihood=4, impact=5)
    return risks.risk_close(by=cast["manager"], risk=risk, reason="Backlog cleared")


def reopening(days=7, reason="Backlog back") -> dict:
    return {
        "reason": reason,
        "review_date": f"{timezone.localdate() + timedelta(days=days):%Y-%m-%d}",
    }


def test_a_closed_risk_says_when_and_why_it_closed_and_offers_its_managers_to_reopen_it(
    client_for, cast, closed_t1
):
    reopen = reverse("transformation:risk-reopen", args=[code(cast), "T1"])
    html = page(client_for, cast, "manager", "risk-detail", "T1").content.decode()
    assert f"closed on {timezone.localdate():%-d %B %Y} by {MANAGER_NAME}" in html
    assert "because “Backlog cleared”" in html
    assert reopen in html and "Reopen this risk" in html
    for who in ["officer", "other-officer", "observer", "admin"]:
        assert reopen not in page(client_for, cast, who, "risk-detail", "T1").content.decode()


def test_an_open_risk_offers_no_reopening(client_for, cast):
    html = page(client_for, cast, "manager", "risk-detail", "R01").content.decode()
    assert "Reopen this risk" not in html


def test_a_manager_reopens_a_risk_and_it_is_on_the_register_again(client_for, cast, closed_t1):
    response = page(client_for, cast, "manager", "risk-reopen", "T1", data=reopening(0))
    assert response.status_code == 302
    assert response.url == reverse("transformation:risk-detail", args=[code(cast), "T1"])
    risk = Risk.objects.get(arrangement__trust__code=code(cast), reference="T1")
    assert (risk.status, risk.review_date) == (Risk.Status.OPEN, timezone.localdate())
    register = page(client_for, cast, "manager", "risk-list")
    assert "T1" in references(register)  # the register shows open risks unless asked
    cells = {(c.likelihood, c.impact): c.count for _, _, row in register.context["heat_rows"]
             for c in row}  # fmt: skip
    assert cells[(4, 5)] == 2  # R02 and T1
    html = page(client_for, cast, "manager", "risk-detail", "T1").content.decode()
    assert "Reopened" in html and "Backlog back" in html  # the reopening, with its reason
    assert "Closed" in html and "Backlog cleared" in html  # the closure stays in the history
    assert "This risk is closed" not in html and "Record a review" in html


def test_a_reopened_risk_is_flagged_once_its_review_date_passes(
    client_for, cast, monkeypatch, closed_t1
):
    page(client_for, cast, "manager", "risk-reopen", "T1", data=reopening(0))
    original = timezone.localdate
    tomorrow = original() + timedelta(days=1)

    def a_day_later(value=None, *args, **kwargs):
        return tomorrow if value is None else original(value, *args, **kwargs)

    monkeypatch.setattr(timezone, "localdate", a_day_later)
    response = page(client_for, cast, "manager", "risk-list", overdue="on")
    assert "T1" in references(response)


def test_reopening_an_open_risk_is_refused_with_a_message(client_for, cast, make_risk):
    make_risk()
    client = client_for(cast["manager"])
    url = reverse("transformation:risk-reopen", args=[code(cast), "T1"])
    detail = reverse("transformation:risk-detail", args=[code(cast), "T1"])
    for response in [client.get(url, follow=True), client.post(url, reopening(), follow=True)]:
        assert response.redirect_chain == [(detail, 302)]
        assert "T1 is open: only a closed risk can be reopened." in response.content.decode()
    assert Risk.objects.get(reference="T1").history.count() == 1


def test_a_reopening_without_a_reason_or_next_review_is_shown_beside_the_fields(
    client_for, cast, closed_t1
):
    response = page(client_for, cast, "manager", "risk-reopen", "T1",
                    data={"reason": "", "review_date": ""})  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"reason", "review_date"}
    assert errors["review_date"] == ["Enter the date the risk is next reviewed."]
    assert Risk.objects.get(reference="T1").status == Risk.Status.CLOSED


def test_a_next_review_in_the_past_is_shown_beside_the_field(client_for, cast, closed_t1):
    response = page(client_for, cast, "manager", "risk-reopen", "T1", data=reopening(-1))
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["review_date"][0]
        .startswith("The next review must be today")
    )
    assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("other-officer", 403),
                                              ("observer", 403), ("admin", 403),
                                              ("scrutiny", 403), ("other-scrutiny", 403),
                                              ("outsider", 404), ("other-manager", 404),
                                              ("unattached", 404)])  # fmt: skip
def test_nobody_but_the_trusts_managers_may_reopen_a_risk(who, status, client_for, cast, closed_t1):
    assert page(client_for, cast, who, "risk-reopen", "T1").status_code == status
    response = page(client_for, cast, who, "risk-reopen", "T1", data=reopening())
    assert response.status_code == status
    assert Risk.objects.get(reference="T1").status == Risk.Status.CLOSED
