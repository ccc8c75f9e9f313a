"""/api/v1/workforce-returns/ on the demo: its figures and rates, and the published rates of
July 2024 it reproduces."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from workforce.models import WorkforceReturn

BASE = "/api/v1/workforce-returns/"


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


def demo(month: str) -> WorkforceReturn:
    return WorkforceReturn.objects.get(
        arrangement__trust__code="NCT", period=date.fromisoformat(month + "-01")
    )


def test_the_detail_has_every_teams_figures_and_rates_as_strings(api_for):
    body = api_for("dfe-observer").get(f"{BASE}{demo('2018-12').pk}/").json()
    assert body["month"] == "2018-12-01" and body["state"] == "approved"
    assert len(body["teams"]) == 19 and [a["key"] for a in body["areas"]] == ["NNC", "WNC"]
    whole = body["arrangement"]
    assert whole["figures"]["establishment_fte"] == "328.00"
    assert whole["figures"]["vacant_fte"] == "59.00" and whole["figures"]["open_cases"] == 3763
    vacancy = whole["rates"]["vacancy_rate"]
    # the census's: (59 unfilled + 82 agency-covered) / (141 + 187)
    assert (vacancy["value"], vacancy["unit"], vacancy["rag"]) == ("43.0", "percentage", "grey")
    assert whole["rates"]["unfilled_share"]["value"] == "18.0"
    assert whole["figures"]["census_vacancies_fte"] == "141.00"
    assert vacancy["rag_words"] == "No target"
    assert whole["turnover"]["months"] == 1 and not whole["turnover"]["complete"]
    assert whole["rates"]["turnover"]["note"] == "Not enough months: 1 of the 12 have figures"
    north = body["caseloads"][0]
    assert north["key"] == "NNC"
    assert north["workforce_average"]["value"] == north["performance_average"]["value"] == "21.2"


def test_july_2024_reproduces_the_published_rates(api_for):
    whole = api_for("wnc-officer").get(f"{BASE}{demo('2024-07').pk}/").json()["arrangement"]
    assert whole["rates"]["vacancy_rate"]["value"] == "12.9"
    # the census's turnover, of social workers: 26 / 270
    assert whole["rates"]["turnover"]["value"] == "9.6"
    assert whole["rates"]["turnover"]["rag"] == "green" and whole["turnover"]["complete"]
    assert whole["turnover"]["employed_fte"] == "270.00"


def test_july_2024s_all_staff_turnover_is_the_published_9_9_under_its_own_name(api_for):
    body = api_for("wnc-officer").get(f"{BASE}{demo('2024-07').pk}/").json()
    assert body["all_staff_turnover"] == "9.9"
    assert (body["all_staff_fte"], body["all_staff_leavers_fte"]) == ("1010.00", "100.00")


def test_the_list_has_the_arrangements_totals_and_rates(api_for):
    body = api_for("wnc-officer").get(BASE, {"month": "2018-12-01"}).json()
    assert body["count"] == 1
    totals = body["results"][0]["totals"]
    assert totals["establishment_fte"] == "328.00" and totals["vacancy_rate"] == "43.0"
    assert totals["experienced_share"] == "33.8"
