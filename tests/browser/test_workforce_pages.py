"""The workforce pages in a real browser: they draw without errors (the CSP holds, the SVG
charts included) and pass axe's WCAG 2.2 A/AA rules, for the roles that use them."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in

PAGES = [
    ("wnc-scrutiny", "/arrangements/NCT/workforce/", "Workforce"),
    ("dfe-observer", "/arrangements/NCT/workforce/returns/2018-12/1/", "December 2018"),
    ("nct-manager", "/arrangements/NCT/workforce/teams/", "Teams"),
    ("nct-manager", "/arrangements/NCT/workforce/returns/", "Monthly workforce returns"),
]


@pytest.mark.parametrize(("username", "path", "heading"), PAGES)
def test_workforce_page_draws_and_is_accessible(page, base_url, username, path, heading):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, base_url, username)
    page.goto(base_url + path)
    expect(page.locator("h1")).to_contain_text(heading)
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    assert not errors, errors  # a CSP refusal is a console error
    screenshot(page, f"{username}-{path.strip('/').replace('/', '-')}")


def test_the_entry_form_draws_and_is_accessible(page, writable_base_url):
    base_url = writable_base_url  # it starts a month: its own copy of the demo
    sign_in(page, base_url, "nct-manager")
    page.goto(base_url + "/arrangements/NCT/workforce/returns/")
    page.get_by_text("Start a month").click()
    # A month the demo has no return for: between the county's 2018/19 months and the launch.
    page.locator('input[type="date"][name="month"]').fill("2020-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the month").click()
    expect(page.locator("h1")).to_contain_text("Enter the workforce figures")
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    screenshot(page, "nct-manager-workforce-entry")
