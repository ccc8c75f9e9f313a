import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from trust_portal.accounts.tests.factories import OrganisationFactory


@pytest.fixture
def api_for(cast):
    def make(who):
        client = APIClient()
        if cast[who] is not None:
            client.force_authenticate(cast[who])
        return client

    return make


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_organisations_are_filtered_to_the_callers_arrangements(api_for):
    assert codes(api_for("wnc-officer").get("/api/v1/organisations/")) == ["NCT", "NNC", "WNC"]
    assert codes(api_for("oct-manager").get("/api/v1/organisations/")) == ["OCC", "OCT"]


def test_organisations_say_which_arrangement_they_belong_to(api_for):
    rows = api_for("dfe-observer").get("/api/v1/organisations/").json()["results"]
    assert {r["code"]: r["arrangement"] for r in rows} == {
        "DFE": None,
        "NCT": "NCT",
        "NNC": "NCT",
        "WNC": "NCT",
    }


def test_organisations_filter_by_kind(api_for):
    response = api_for("admin").get("/api/v1/organisations/", {"kind": "trust"})
    assert codes(response) == ["NCT", "OCT"]


def test_an_unknown_filter_value_is_a_clear_400(api_for):
    response = api_for("admin").get("/api/v1/organisations/", {"kind": "planet"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_another_arrangements_organisation_is_not_found(api_for):
    assert api_for("occ-officer").get("/api/v1/organisations/WNC/").status_code == 404


def test_arrangements_list_councils_by_code(api_for):
    rows = api_for("nnc-scrutiny").get("/api/v1/arrangements/").json()["results"]
    assert rows == [
        {
            "code": "NCT",
            "trust": "NCT",
            "councils": ["NNC", "WNC"],
            "description": rows[0]["description"],
        }
    ]


def test_the_api_is_read_only_for_reference_data(api_for):
    response = api_for("admin").post("/api/v1/organisations/", {"code": "ZZZ"})
    assert response.status_code == 405


def test_list_query_count_does_not_grow_with_rows(api_for, django_assert_max_num_queries):
    for _ in range(15):
        OrganisationFactory()
    with django_assert_max_num_queries(4):
        response = api_for("admin").get("/api/v1/organisations/")
    assert response.json()["count"] >= 21


def test_a_token_made_by_the_command_authenticates(cast):
    call_command("drf_create_token", "nnc-officer", stdout=open("/dev/null", "w"))  # noqa: SIM115
    token = Token.objects.get(user=cast["nnc-officer"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert codes(client.get("/api/v1/organisations/")) == ["NCT", "NNC", "WNC"]


def test_a_deactivated_users_token_stops_working(cast):
    token = Token.objects.create(user=cast["leaver"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/organisations/").status_code == 401


def test_without_credentials_the_api_answers_401_with_a_challenge():
    response = APIClient().get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_schema_documents_the_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/organisations/" in schema["paths"]
    assert "/api/v1/arrangements/{code}/" in schema["paths"]
