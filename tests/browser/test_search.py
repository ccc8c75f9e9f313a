"""Search in a real browser: a person types in the box on an arrangement's page and reaches a
result in one click; the results page passes axe's WCAG 2.2 A/AA rules, 1280 and 320 px wide."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in


def test_typing_in_the_header_box_reaches_a_business_case(page, base_url):
    sign_in(page, base_url, "dfe-observer")
    page.goto(base_url + "/arrangements/NCT/")
    page.get_by_role("searchbox", name="Search Northamptonshire Children's Trust").fill("BC01")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.locator("h1")).to_contain_text("Search")
    expect(page.get_by_role("heading", name="Business cases", level=2)).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    with page.expect_navigation():
        page.get_by_role("link", name="BC01: Circle to Success Delivery").click()
    assert page.url == base_url + "/arrangements/NCT/transformation/cases/BC01/"
    expect(page.locator("h1")).to_contain_text("Circle to Success")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_results_page_is_accessible_and_fits(page, base_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, base_url, "nct-manager")
    page.goto(base_url + "/arrangements/NCT/search/?q=care")
    expect(page.get_by_role("heading", name="Risks", level=2)).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"nct-manager-search-{width}")


def test_a_search_with_no_results_says_so(page, base_url):
    sign_in(page, base_url, "wnc-scrutiny")
    page.goto(base_url + "/arrangements/NCT/search/")
    page.get_by_label("Search indicators, returns").fill("BC13")
    with page.expect_navigation():
        page.get_by_test_id("search-page-form").get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("search-none")).to_have_text("Nothing you can see matches “BC13”.")
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
