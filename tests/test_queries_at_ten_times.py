"""Every page and API list a DfE observer reads costs the same number of queries whatever the
history behind it (issue 18): the national-scale generator makes one arrangement with a year
of monthly returns, then the same arrangement with ten years (ten times the rows), its
dashboards recomputed each time; each page's queries are counted under both and must be the
same. (The year runs to September, so that it holds a business case with its benefits: an
empty list costs fewer queries than one with rows, whatever their number.)"""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import signed_in_fully
from trust_portal.accounts.models import Arrangement, ObserverGrant, Organisation, Role, User
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.registry import listed

pytestmark = pytest.mark.django_db(transaction=False)


def generate(years: int) -> Arrangement:
    call_command(
        "generate_national",
        scale=0.004,  # one arrangement of one council
        years=years,
        until="2026-09",
        fresh=True,
        interactive=False,
        recompute=True,
        stdout=io.StringIO(),
    )
    return Arrangement.objects.get()


def observer_of_everything() -> User:
    department = Organisation.objects.create(
        code="GDFE", name="Generated department", kind=Organisation.Kind.DEPARTMENT
    )
    user = User.objects.create(
        username="national-observer", role=Role.DFE_OBSERVER, organisation=department
    )
    for arrangement in Arrangement.objects.all():
        ObserverGrant.objects.create(user=user, arrangement=arrangement)
    return user


def pages(client, arrangement: Arrangement) -> list[str]:
    """Home, the dashboards (each listed one, an indicator's trend page), the returns' list and
    the latest return's page, contracts and money, and every API list the API's root names."""
    code = arrangement.code
    found = ["/", reverse("dashboards:index", args=[code])]
    found += [reverse("dashboards:detail", args=[code, e.name]) for e in listed()]
    trends = Snapshot.objects.filter(arrangement=arrangement, name="indicators").get()
    found.append(
        reverse("dashboards:page", args=[code, "indicators", next(iter(trends.data["pages"]))])
    )
    found.append(reverse("performance:return-list", args=[code]))
    found.append(reverse("performance:return-detail", args=[code, "2026-09", 1]))
    found.append(reverse("contracts:overview", args=[code]))
    root = json.loads(client.get("/api/v1/", HTTP_ACCEPT="application/json").content)
    found += sorted(url.removeprefix("http://testserver") for url in root.values())
    return found


def counted(client, urls: list[str]) -> dict[str, int]:
    counts = {}
    for url in urls:
        client.get(url)  # once first: what is cached once a version is cached
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_ACCEPT="application/json" if "/api/" in url else "*/*")
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_each_page_costs_the_same_queries_for_a_year_or_ten(client):
    results = []
    for years in (1, 10):
        arrangement = generate(years)
        signed_in_fully(client, observer_of_everything())
        results.append(counted(client, pages(client, arrangement)))
        client.logout()
    one, ten = results
    assert set(one) == set(ten) and len(one) > 15
    grew = {url: (one[url], ten[url]) for url in one if ten[url] > one[url]}
    assert not grew, f"queries grew with ten times the rows: {grew}"
