"""The performance overview as a DfE observer and a council officer read it: the scorecard
matrix fits in about two screens at 1280 px (at most 1,900 px tall for the demo's catalogue of
30 indicators, every one with figures in the latest month), nothing scrolls the page sideways at
320 px (the matrix scrolls inside its own labelled region), axe finds nothing, and the month
selector changes the month. (A wrong month answers 400 or 404 with its reason:
performance/tests/test_overview_matrix.py; here any such status counts as a browser error.)"""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in

OVERVIEW = "/arrangements/NCT/dashboards/overview/"
# Two 900 px screens at 1280 px, with the site's header and footer (about 600 px of it).
TALLEST = 1900


@pytest.mark.parametrize("username", ["dfe-observer", "nnc-officer"])
def test_the_overview_fits_two_screens_and_is_accessible(page, base_url, username):
    sign_in(page, base_url, username)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + OVERVIEW)
    expect(page.locator("h1")).to_contain_text("Performance overview")
    expect(page.locator("#matrix table")).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    screenshot(page, f"overview-1280-{username}")
    assert height <= TALLEST, f"The overview is {height} px tall at 1280 px."
    wide = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide[0] <= wide[1], wide
    # Nothing pushed off the left edge either (scrollWidth does not count that): the heading
    # and the matrix start inside the window, and the matrix ends inside it.
    heading, grid = page.locator("h1").bounding_box(), page.locator("#matrix table").bounding_box()
    assert heading["x"] >= 0 and grid["x"] >= 0, (heading, grid)
    assert grid["x"] + grid["width"] <= 1280, grid
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(base_url + OVERVIEW)
    narrow = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert narrow[0] <= narrow[1], narrow
    region = page.locator("#matrix .tp-scroll")
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label") is not None
    screenshot(page, f"overview-320-{username}")
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)


def test_the_month_selector_changes_the_month(page, base_url):
    sign_in(page, base_url, "dfe-observer")
    page.goto(base_url + OVERVIEW)
    select = page.get_by_label("Month", exact=True)
    options = select.locator("option")
    latest, earlier = options.nth(0).text_content(), options.nth(1).text_content()
    expect(page.locator("#matrix-title")).to_have_text(f"Scorecard, {latest}")
    select.select_option(label=earlier)
    with page.expect_navigation():
        page.get_by_role("button", name="Show this month").click()
    expect(page.locator("#matrix-title")).to_have_text(f"Scorecard, {earlier}")
    assert "month=" in page.url
