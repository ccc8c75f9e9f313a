"""The organisations and arrangements API, on the root ``world``: its arrangement (a trust and
two councils), the outsider's arrangement elsewhere, and someone in every role."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from trust_portal.accounts.models import Organisation
from trust_portal.accounts.tests.factories import ApiTokenFactory, OrganisationFactory


@pytest.fixture
def api_for(world_cast):
    def make(who):
        client = APIClient()
        if world_cast[who] is not None:
            client.force_authenticate(world_cast[who])
        return client

    return make


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def parties(arrangement):
    """The codes of the arrangement's trust and councils, in the API's order (by code)."""
    return sorted(o.code for o in arrangement.organisations())


def test_organisations_are_filtered_to_the_callers_arrangements(api_for, arrangement, elsewhere):
    assert codes(api_for("officer").get("/api/v1/organisations/")) == parties(arrangement)
    assert codes(api_for("other-manager").get("/api/v1/organisations/")) == parties(elsewhere)


def test_organisations_say_which_arrangement_they_belong_to(api_for, world, arrangement):
    rows = api_for("observer").get("/api/v1/organisations/").json()["results"]
    assert {r["code"]: r["arrangement"] for r in rows} == {
        world.observer.organisation.code: None,
        world.trust.code: arrangement.code,
        world.councils[0].code: arrangement.code,
        world.councils[1].code: arrangement.code,
    }


def test_organisations_filter_by_kind(api_for, world, elsewhere):
    # The observer sees the world's trust and councils and their own department.
    response = api_for("observer").get("/api/v1/organisations/", {"kind": "trust"})
    assert codes(response) == [world.trust.code]
    # The administrator sees every organisation: every trust in the database, by code.
    response = api_for("admin").get("/api/v1/organisations/", {"kind": "trust"})
    every = sorted(Organisation.objects.filter(kind="trust").values_list("code", flat=True))
    assert {world.trust.code, elsewhere.trust.code} <= set(every)
    assert codes(response) == every


def test_an_unknown_filter_value_is_a_clear_400(api_for):
    response = api_for("admin").get("/api/v1/organisations/", {"kind": "planet"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_another_arrangements_organisation_is_not_found(api_for, world):
    path = f"/api/v1/organisations/{world.councils[0].code}/"
    assert api_for("outsider").get(path).status_code == 404


def test_arrangements_list_councils_by_code(api_for, world, arrangement):
    rows = api_for("other-scrutiny").get("/api/v1/arrangements/").json()["results"]
    assert rows == [
        {
            "code": arrangement.code,
            "trust": world.trust.code,
            "councils": sorted(c.code for c in world.councils),
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
    # The administrator sees every organisation, the 15 just made among them.
    assert response.json()["count"] == Organisation.objects.count()


def test_a_token_made_by_the_command_authenticates(world_cast, arrangement):
    username = world_cast["other-officer"].username
    out = io.StringIO()
    call_command("create_api_token", username, "--name", "Nightly import", stdout=out)
    key = out.getvalue().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert codes(client.get("/api/v1/organisations/")) == parties(arrangement)


def test_a_deactivated_users_token_stops_working(world_cast):
    token = ApiTokenFactory(user=world_cast["leaver"])
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
