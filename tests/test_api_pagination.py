"""The API lists' pages and filters: ``?page=`` and ``?page_size=`` within their bounds
(trust_portal/api/pagination.py), and filters' values readable (trust_portal/api/filtering.py);
a 400 naming the parameter otherwise."""

import pytest

from trust_portal.accounts.tests.factories import OrganisationFactory
from trust_portal.api.pagination import MAX_PAGE_SIZE


@pytest.fixture
def organisations(db):
    """Seven organisations besides the demo's (which the administrator sees too)."""
    return OrganisationFactory.create_batch(7)


def listed(client, **query):
    return client.get("/api/v1/organisations/", query)


def test_a_list_gives_fifty_a_page_unless_asked_for_another_size(client_for, cast, organisations):
    client = client_for(cast["admin"])
    total = listed(client).json()["count"]
    assert len(listed(client).json()["results"]) == min(total, 50)
    response = listed(client, page_size=3, page=2)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    assert "page_size=3" in response.json()["next"]


def test_a_page_size_up_to_the_maximum_is_taken(client_for, cast, organisations):
    response = listed(client_for(cast["admin"]), page_size=MAX_PAGE_SIZE)
    assert response.status_code == 200
    assert response.json()["next"] is None


@pytest.mark.parametrize("given", ["0", "-1", "x", "1.5", "", str(MAX_PAGE_SIZE + 1)])
def test_a_page_size_out_of_bounds_or_not_a_whole_number_is_a_400_naming_it(
    client_for, cast, given
):
    response = listed(client_for(cast["admin"]), page_size=given)
    assert response.status_code == 400
    assert response.json() == {"page_size": ["Give a whole number from 1 to 500."]}


@pytest.mark.parametrize("given", ["0", "-1", "x", "last", ""])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400_naming_it(client_for, cast, given):
    response = listed(client_for(cast["admin"]), page=given)
    assert response.status_code == 400
    assert response.json() == {"page": ["Give a whole number from 1."]}


def test_a_page_past_the_last_is_a_400_saying_how_many_there_are(client_for, cast, organisations):
    client = client_for(cast["admin"])
    total = listed(client).json()["count"]
    pages = -(-total // 3)
    response = listed(client, page=pages + 1, page_size=3)
    assert response.status_code == 400
    assert response.json() == {
        "page": [f"There is no page {pages + 1}: the list has {pages} pages."]
    }


def test_an_empty_list_has_its_first_page(client_for, cast):
    response = client_for(cast["outsider"]).get("/api/v1/arrangements/", {"page": 1})
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_the_schema_gives_both_parameters_their_bounds(client):
    schema = client.get("/api/schema/?format=json").json()
    parameters = {
        p["name"]: p for p in schema["paths"]["/api/v1/organisations/"]["get"]["parameters"]
    }
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_PAGE_SIZE,
        "default": 50,
    }


# Filters (trust_portal/api/filtering.py): what django-filter would ignore is a 400 naming it.


@pytest.mark.parametrize("given", ["", "yes", "1", "True", "-1.5"])
def test_a_boolean_filter_other_than_true_or_false_is_a_400_naming_it(client_for, cast, given):
    response = client_for(cast["admin"]).get("/api/v1/payments/", {"paid": given})
    assert response.status_code == 400
    assert response.json() == {"paid": ["Give true or false."]}


@pytest.mark.parametrize(
    ("address", "parameter"),
    [
        ("/api/v1/risks/", "status"),
        ("/api/v1/returns/", "month"),
        ("/api/v1/returns/", "state"),
        ("/api/v1/payments/", "financial_year"),
    ],
)
def test_an_empty_choice_date_or_number_filter_is_a_400_naming_it(
    client_for, cast, address, parameter
):
    response = client_for(cast["admin"]).get(address, {parameter: ""})
    assert response.status_code == 400
    assert response.json() == {parameter: ["Give a value, or leave the parameter out."]}


@pytest.mark.parametrize(
    ("address", "query"),
    [
        ("/api/v1/returns/", {"month": "2026-13-01"}),
        ("/api/v1/returns/", {"state": "lost"}),
        ("/api/v1/payments/", {"financial_year": "x"}),
    ],
)
def test_an_unreadable_filter_is_a_400_naming_it(client_for, cast, address, query):
    response = client_for(cast["admin"]).get(address, query)
    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_an_empty_text_filter_is_no_filter(client_for, cast):
    client = client_for(cast["admin"])
    everything = client.get("/api/v1/payments/").json()["count"]
    assert client.get("/api/v1/payments/", {"trust": ""}).json()["count"] == everything
    assert client.get("/api/v1/payments/", {"paid": "true"}).status_code == 200
