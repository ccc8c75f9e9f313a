"""Every list of /api/v1/, every way (trust_portal/api/lists.py): ``?format=csv`` gives the
whole filtered list, the rows the JSON pages show; bad filters and orderings are 400s naming the
parameter; and each list reads in a fixed number of queries whatever its page size."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from trust_portal.api.lists import ListsEveryWay
from trust_portal.urls import router

LISTS = [prefix for prefix, _, _ in router.registry]


def api_as(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def every_page(client, url, params=None) -> list[dict]:
    found, page = [], 1
    while True:
        response = client.get(url, {**(params or {}), "page": page})
        assert response.status_code == 200, response.content
        found += response.json()["results"]
        if not response.json()["next"]:
            return found
        page += 1


def test_every_routed_list_lists_every_way():
    assert [p for p, viewset, _ in router.registry if not issubclass(viewset, ListsEveryWay)] == []


@pytest.mark.parametrize("prefix", LISTS)
def test_the_csv_of_a_list_has_every_row_the_json_pages_show(cast, prefix):
    client = api_as(cast["admin"])
    url = f"/api/v1/{prefix}/"
    json_rows = every_page(client, url)
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    rows = csv_rows(response)
    print(prefix, len(json_rows), rows[0])
    assert len(rows) - 1 == len(json_rows)
