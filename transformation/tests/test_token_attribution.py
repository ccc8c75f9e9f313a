"""A change made with an API token is attributable in the audit history: the history row
names the token beside the person (``trust_portal.accounts.attribution``), and the pages that
list the history say so. A change made on the pages names no token."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from transformation.models import Risk
from transformation.tests.risk_cases import make_register
from transformation.tests.test_risk_api import new_risk
from trust_portal.accounts.api_tokens import api_token_create
from trust_portal.accounts.attribution import made_by
from trust_portal.accounts.models import Organisation
from trust_portal.accounts.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def register(people, arrangement):
    return make_register(by=people["manager"], arrangement=arrangement)


def with_token(user, name="Finance sync"):
    token, key = api_token_create(by=user, user=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return token, client


def test_a_risk_added_with_a_token_names_the_token_in_its_history_and_on_its_page(
    people, arrangement, client_for
):
    token, client = with_token(people["manager"])
    code = arrangement.trust.code
    response = client.post("/api/v1/risks/", new_risk(code), format="json")
    assert response.status_code == 201, response.json()

    record = Risk.objects.get(reference="R50").history.get()
    assert record.history_user == people["manager"]
    assert (record.history_api_token_id, record.history_api_token_name) == (
        token.pk,
        "Finance sync",
    )
    said = f"{people['manager']}, with the API token “Finance sync”"
    assert made_by(record) == said
    page = client_for(people["manager"]).get(
        reverse("transformation:risk-detail", args=[code, "R50"])
    )
    assert said in page.content.decode()


def test_a_change_made_on_the_pages_or_by_a_session_names_no_token(people, arrangement, client_for):
    client = client_for(people["manager"])
    body = json.dumps(new_risk(arrangement.trust.code))
    response = client.post("/api/v1/risks/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    record = Risk.objects.get(reference="R50").history.get()
    assert (record.history_api_token_id, record.history_api_token_name) == (None, "")
    assert made_by(record) == str(people["manager"])


def test_a_read_with_a_token_marks_nothing_and_a_later_write_elsewhere_names_no_token(
    people, arrangement
):
    _, client = with_token(people["manager"])
    assert client.get("/api/v1/risks/").status_code == 200
    organisation = OrganisationFactory()  # no request: a command, a task
    record = organisation.history.get()
    assert (record.history_api_token_id, record.history_api_token_name) == (None, "")


def test_history_made_in_bulk_during_a_tokens_write_names_the_token(people, rf):
    token, _ = api_token_create(by=people["admin"], user=people["admin"], name="Loader")
    request = rf.post("/api/v1/anything/")
    request.user, request.api_token_write = people["admin"], token
    HistoricalRecords.context.request = request
    try:
        (made,) = bulk_create_with_history(
            [Organisation(name="Bulk Council", code="BLK", kind="council")],
            Organisation,
            default_user=people["admin"],
        )
    finally:
        del HistoricalRecords.context.request
    record = Organisation.history.get(code="BLK")
    assert (record.history_api_token_id, record.history_api_token_name) == (token.pk, "Loader")
    assert made_by(record) == f"{people['admin']}, with the API token “Loader”"


def test_nobody_recorded_is_said_as_nobody():
    class Row:
        history_user = None
        history_api_token_name = "Loader"

    assert made_by(Row()) == ""
    assert made_by(Row(), user="Jo Bloggs") == "Jo Bloggs, with the API token “Loader”"
