"""A council officer's journey starts from their home page: the "Waiting for you" list shows
what awaits their council, and one click reaches the page where it is done. On the shared
demo site (which leaves last month's budget monitoring awaiting both councils, and has issued
packs for the last three committee meetings); axe checks the home page and the "About your
access" page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in


def test_a_council_officer_reaches_the_return_awaiting_their_council_in_one_click(page, base_url):
    sign_in(page, base_url, "wnc-officer")
    items = page.get_by_test_id("waiting-item")
    waiting = items.filter(has_text="To approve").filter(has_text="Budget monitoring")
    expect(waiting).to_have_count(1)
    link = waiting.get_by_role("link")
    href = link.get_attribute("href")
    assert href == "/arrangements/NCT/budget-monitoring/2026-11/1/"

    with page.expect_navigation():
        link.click()

    expect(page).to_have_url(f"{base_url}{href}")
    expect(page.get_by_role("button", name="Approve WNC's area")).to_be_visible()


def test_a_scrutiny_member_reaches_the_latest_pack_in_one_click(page, base_url):
    # The demo's packs: May, July and August 2026 (meetings of 14 July, 8 September and
    # 10 November 2026, each issued a week before); the latest is all that waits for them.
    sign_in(page, base_url, "wnc-scrutiny")
    expect(page.get_by_test_id("waiting-empty")).to_have_count(0)
    items = page.get_by_test_id("waiting-item")
    expect(items).to_have_count(1)
    expect(items).to_contain_text("Latest scrutiny committee pack")
    expect(items).to_contain_text("Since 3 November 2026")
    link = items.get_by_role("link", name="Scrutiny committee pack: August 2026")
    href = link.get_attribute("href")
    assert re.fullmatch(r"/arrangements/NCT/scrutiny-packs/\d+/", href), href
    with page.expect_navigation():
        link.click()
    expect(page).to_have_url(f"{base_url}{href}")
    expect(page.locator("h1")).to_contain_text("August 2026")


def test_someone_with_nothing_waiting_is_told_so(page, base_url):
    # Oakshire County Council's officer: the demo leaves nothing of OCT awaiting it.
    sign_in(page, base_url, "occ-officer")
    expect(page.get_by_test_id("waiting-item")).to_have_count(0)
    expect(page.get_by_test_id("waiting-empty")).to_have_text("Nothing is waiting for you.")


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("username", ["wnc-officer", "nct-manager", "admin", "wnc-scrutiny"])
def test_home_and_about_your_access_are_accessible_and_fit(page, base_url, username, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, base_url, username)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"home-waiting-{username}-{width}")

    page.get_by_role("link", name="About your access").click()
    expect(page.get_by_role("heading", name="About your access")).to_be_visible()
    expect(page.get_by_test_id("capabilities")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
