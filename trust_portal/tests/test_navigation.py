"""The arrangement's sections in the header's service navigation (trust_portal/navigation.py):
exactly the sections each role may open, each answering 200 for that role, the page's own
section marked."""

import re

import pytest
from django.urls import reverse

ALL = ["Overview", "Performance", "Workforce", "Money", "Transformation", "Packs"]
# Scrutiny members see neither contracts nor the transformation programme.
SHOWN = {
    "wnc-officer": ALL,
    "nct-manager": ALL,
    "dfe-observer": ALL,
    "admin": ALL,
    "wnc-scrutiny": ["Overview", "Performance", "Workforce", "Packs"],
}
ADDRESSES = {
    "Overview": "/arrangements/NCT/",
    "Performance": "/arrangements/NCT/returns/",
    "Workforce": "/arrangements/NCT/workforce/",
    "Money": "/arrangements/NCT/contracts/",
    "Transformation": "/arrangements/NCT/transformation/",
    "Packs": "/arrangements/NCT/scrutiny-packs/",
}
ITEM = re.compile(
    r'<li class="govuk-service-navigation__item[^"]*" data-testid="arrangement-section">\s*'
    r'<a class="govuk-service-navigation__link" href="([^"]+)"( aria-current="(\w+)")?>'
    r"(?:<strong[^>]*>)?([^<]+)"
)


def sections(page: str) -> list[tuple[str, str, str]]:
    """(label, address, aria-current or "") of each section in the navigation."""
    return [(label, url, current) for url, _, current, label in ITEM.findall(page)]


@pytest.mark.parametrize("username", sorted(SHOWN))
def test_each_role_sees_exactly_its_sections_each_answering_200(cast, client_for, username):
    client = client_for(cast[username])
    page = client.get(reverse("accounts:arrangement-detail", args=["NCT"]))
    assert page.status_code == 200
    shown = sections(page.content.decode())
    assert [label for label, _, _ in shown] == SHOWN[username]
    assert [url for _, url, _ in shown] == [ADDRESSES[label] for label in SHOWN[username]]
    assert [current for _, _, current in shown] == ["page"] + [""] * (len(shown) - 1)
    for label, url, _ in shown:
        assert client.get(url).status_code == 200, label


def test_the_addresses_are_the_sections_main_pages():
    assert reverse("performance:return-list", args=["NCT"]) == ADDRESSES["Performance"]
    assert reverse("workforce:overview", args=["NCT"]) == ADDRESSES["Workforce"]
    assert reverse("contracts:overview", args=["NCT"]) == ADDRESSES["Money"]
    assert reverse("transformation:programme", args=["NCT"]) == ADDRESSES["Transformation"]
    assert reverse("packs:pack-list", args=["NCT"]) == ADDRESSES["Packs"]


@pytest.mark.parametrize(
    ("address", "current", "aria"),
    [
        ("/arrangements/NCT/returns/", "Performance", "page"),
        ("/arrangements/NCT/indicators/", "Performance", "true"),
        ("/arrangements/NCT/workforce/", "Workforce", "page"),
        ("/arrangements/NCT/workforce/teams/", "Workforce", "true"),
        ("/arrangements/NCT/contracts/", "Money", "page"),
        ("/arrangements/NCT/budget-monitoring/", "Money", "true"),
        ("/arrangements/NCT/transformation/", "Transformation", "page"),
        ("/arrangements/NCT/scrutiny-packs/", "Packs", "page"),
        ("/arrangements/NCT/dashboards/", "Overview", "true"),
    ],
)
def test_the_pages_section_is_marked(cast, client_for, address, current, aria):
    page = client_for(cast["wnc-officer"]).get(address)
    assert page.status_code == 200
    marked = [(label, c) for label, _, c in sections(page.content.decode()) if c]
    assert marked == [(current, aria)]


def test_a_page_of_no_arrangement_shows_no_sections(cast, client_for):
    page = client_for(cast["wnc-officer"]).get(reverse("accounts:home")).content.decode()
    assert sections(page) == []
    assert 'data-testid="arrangement-section"' not in page


def test_an_arrangement_someone_is_not_part_of_shows_no_sections(cast, client_for):
    response = client_for(cast["outsider"]).get("/arrangements/NCT/contracts/")
    assert response.status_code == 404
    assert 'data-testid="arrangement-section"' not in response.content.decode()


def test_a_refused_page_offers_only_what_the_role_may_open(cast, client_for):
    # A scrutiny member may not see contracts: the page is refused, and its navigation
    # leaves Money out, marking nothing.
    response = client_for(cast["wnc-scrutiny"]).get("/arrangements/NCT/contracts/")
    assert response.status_code == 403
    shown = sections(response.content.decode())
    assert [label for label, _, _ in shown] == SHOWN["wnc-scrutiny"]
    assert [c for _, _, c in shown] == ["", "", "", ""]


def test_the_factory_world_gives_the_same_sections(people, arrangement, client_for):
    code = arrangement.code
    expected = {
        "manager": ALL,
        "officer": ALL,
        "observer": ALL,
        "admin": ALL,
        "scrutiny": ["Overview", "Performance", "Workforce", "Packs"],
    }
    for name, labels in expected.items():
        page = client_for(people[name]).get(reverse("accounts:arrangement-detail", args=[code]))
        assert [label for label, _, _ in sections(page.content.decode())] == labels, name
