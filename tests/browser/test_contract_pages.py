"""The contracts and money pages in a real browser: they draw without errors (the CSP holds)
and pass axe's WCAG 2.2 A/AA rules, for the roles that use them."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in

PAGES = [
    ("wnc-officer", "/arrangements/NCT/contracts/?year=2024", "Contracts and money"),
    ("wnc-officer", "/arrangements/NCT/contract-years/2024/", "Contract year 2024/25"),
    ("wnc-officer", "/arrangements/NCT/contract-years/2025/variations/new/", "Request a variation"),
    ("nnc-officer", "/arrangements/NCT/contract-years/2024/payments/", "Payments"),
    ("nnc-officer", "/arrangements/NCT/contract-years/2024/split-calculator/", "Split calculator"),
    ("nnc-officer", "/arrangements/NCT/budget-monitoring/2024-10/1/", "Budget monitoring"),
    ("nct-manager", "/arrangements/NCT/budget-monitoring/", "Budget monitoring"),
    ("dfe-observer", "/arrangements/NCT/reserved-matters/", "Reserved matters"),
    ("admin", "/arrangements/NCT/contract-years/2024/variations/1/", "Variation 1"),
]


@pytest.mark.parametrize(("username", "path", "heading"), PAGES)
def test_contract_page_draws_and_is_accessible(page, base_url, username, path, heading):
    sign_in(page, base_url, username)
    page.goto(base_url + path)
    expect(page.locator("h1")).to_contain_text(heading)
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "")
    screenshot(page, f"{username}-{name}")
