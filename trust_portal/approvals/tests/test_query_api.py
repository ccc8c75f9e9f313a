"""The API of query threads, for every kind: a return's queries with their answers, the trust's
answer, and the row named when returning it."""

import pytest
from django.urls import reverse

from trust_portal.approvals import services
from trust_portal.approvals.tests.test_queries import _changed_row

# Each kind's API route names' prefix.
API = {"performance": "return", "budget": "budget-return", "workforce": "workforce-return"}


def api_url(kind, name, **kwargs):
    return reverse(f"{API[kind.name]}-{name}", kwargs=kwargs)


def test_returning_with_a_row_through_the_api(kind, world, submitted, client_for):
    row = _changed_row(kind, world, submitted)
    response = client_for(world.officers[0]).post(
        api_url(kind, "send-back", pk=submitted.pk),
        {"query": "Why so?", "row": row.key},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert list(submitted.queries.values_list("row_key", "row_label")) == [(row.key, row.label)]


def test_a_row_not_of_the_officers_area_is_refused_by_the_api(kind, world, submitted, client_for):
    response = client_for(world.officers[0]).post(
        api_url(kind, "send-back", pk=submitted.pk),
        {"query": "Why so?", "row": "NOT_A_ROW"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "row" in response.json()
    assert submitted.queries.count() == 0


def test_a_returns_queries_with_their_answers(kind, world, submitted, client_for):
    row = _changed_row(kind, world, submitted)
    query = services.submission_return(
        submission=submitted, by=world.officers[0], query="Why so?", row=(row.key, row.label)
    )
    services.query_answer(query=query, by=world.manager, text="Because.")
    found = client_for(world.officers[1]).get(api_url(kind, "queries", pk=submitted.pk)).json()
    assert [(q["council"], q["row_key"], q["row_label"], q["text"], q["state"]) for q in found] == [
        (world.councils[0].code, row.key, row.label, "Why so?", "answered")
    ]
    assert [a["text"] for a in found[0]["answers"]] == ["Because."]
    assert found[0]["url"] == query.get_absolute_url()


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("officer", 403), ("observer", 403), ("other-manager", 404)],
)
def test_who_answers_through_the_api(kind, world, submitted, client_for, who, status):
    query = services.submission_return(submission=submitted, by=world.officers[0], query="Q?")
    response = client_for(world.people[who]).post(
        api_url(kind, "answer", pk=submitted.pk, query=query.pk),
        {"text": "An answer."},
        content_type="application/json",
    )
    assert response.status_code == status
    assert query.answers.count() == (1 if status == 200 else 0)
    if status == 200:
        assert response.json()["state"] == "answered"


@pytest.mark.parametrize(("who", "status"), [("observer", 404), ("other-manager", 404)])
def test_a_returned_returns_queries_are_hidden_from_those_who_cannot_see_it(
    kind, world, submitted, client_for, who, status
):
    services.submission_return(submission=submitted, by=world.officers[0], query="Q?")
    response = client_for(world.people[who]).get(api_url(kind, "queries", pk=submitted.pk))
    assert response.status_code == status
