"""The contracts API on the demo: its 2024/25 year gives the scrutiny report's figures (the API's
rules and shapes are tested on factories in test_api.py and test_api_writes.py)."""

import pytest
from rest_framework.test import APIClient

from contracts import money
from contracts.models import ContractYear


def year_2024():
    return ContractYear.objects.get(arrangement__trust__code="NCT", financial_year=2024)


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


def floats_in(value) -> list:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list):
        return [f for v in value for f in floats_in(v)]
    return []


def test_the_demo_year_gives_the_scrutiny_reports_figures_as_strings(api_for):
    body = api_for("dfe-observer").get("/api/v1/contract-years/NCT-2024/").json()
    assert (body["key"], body["label"], body["state"]) == ("NCT-2024", "2024/25", "agreed")
    assert body["contract_sum"] == "180009000.00"
    assert body["block3_provision"] == "3291000.00"
    assert body["blocks"] == {
        "block1": "177429000.00",
        "block2_recurring": "217000.00",
        "block2_non_recurring": "2363000.00",
        "block2": "2580000.00",
        "block3_provision": "3291000.00",
        # What the demo programme's approved Block 3 cases have drawn (the ledger's tests
        # check the drawing itself).
        "block3_drawn": f"{money.year_figures(year_2024()).block3_drawn:.2f}",
        "block3_remaining": f"{money.year_figures(year_2024()).block3_remaining:.2f}",
    }
    shares = {s["council"]: s["percentage"] for s in body["split"]["shares"]}
    assert shares == {"WNC": "56.00", "NNC": "44.00"}
    assert body["split"]["complete"] is True and "populations" in body["split"]["basis"]
    by_council = {c["council"]: c for c in body["contributions"]}
    assert by_council["WNC"]["share_of_contract_sum"] == "100805040.00"
    assert by_council["NNC"]["share_of_contract_sum"] == "79203960.00"
    assert by_council["WNC"]["adjustments"] == "738000.00"
    assert by_council["NNC"]["block3_share"] == "1448040.00"
    assert floats_in(body) == []
