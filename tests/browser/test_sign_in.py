"""Signing in and out in a real browser, what each member of the demo cast then sees, and
whether those pages pass axe's WCAG 2.2 A/AA rules."""

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from conftest import DEMO_USERNAMES
from tests.browser.helpers import (
    axe_violations,
    checked_at_both_widths,
    format_violations,
    screenshot,
    sign_in,
)

# Written out rather than read from the fixture file, so a change to the demo data shows here.
EXPECTED = {
    # username: (first name, role label, arrangement codes on the home page)
    "wnc-officer": ("Amira", "Council officer", {"NCT"}),
    "nnc-officer": ("Daniel", "Council officer", {"NCT"}),
    "nct-manager": ("Helen", "Trust manager", {"NCT"}),
    "dfe-observer": ("Priya", "DfE observer", {"NCT"}),
    "wnc-scrutiny": ("George", "Scrutiny member", {"NCT"}),
    "nnc-scrutiny": ("Sarah", "Scrutiny member", {"NCT"}),
    "occ-officer": ("Tom", "Council officer", {"OCT"}),
    "oct-manager": ("Nadia", "Trust manager", {"OCT"}),
    "admin": ("Morgan", "Administrator", {"NCT", "OCT"}),
}
# One member of the cast per role.
ONE_PER_ROLE = ["wnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny", "admin"]

SIGN_IN_PATH = re.compile(r"/sign-in/(\?.*)?$")


def test_every_demo_user_has_expectations():
    assert set(EXPECTED) == set(DEMO_USERNAMES)


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_demo_user_signs_in_and_sees_their_home_page(page, base_url, username):
    first_name, role_label, codes = EXPECTED[username]

    sign_in(page, base_url, username)

    expect(page).to_have_url(f"{base_url}/")
    expect(page.locator("h1")).to_contain_text(f"Welcome, {first_name}")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(role_label)
    cards = page.locator('[data-testid^="arrangement-"]')
    expect(cards).to_have_count(len(codes))
    shown = {test_id.removeprefix("arrangement-") for test_id in _test_ids(cards)}
    assert shown == codes
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    screenshot(page, f"home-{username}")


def test_wrong_password_shows_the_error_summary(page, base_url):
    sign_in(page, base_url, "wnc-officer", password="not-the-password")

    expect(page).to_have_url(SIGN_IN_PATH)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
    screenshot(page, "sign-in-error")


def test_sign_out_returns_to_the_sign_in_page(page, base_url):
    sign_in(page, base_url, "wnc-officer")
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(SIGN_IN_PATH)
    expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
    # Signed out for real: the home page sends us back to sign in.
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))


def test_signing_in_works_when_the_pinned_day_is_years_before_the_real_one(page, base_url):
    # The tests run on a pinned clock (conftest.PINNED_NOW); Chromium keeps the real one, and
    # drops a cookie whose expiry is already past by it: a CSRF cookie lasting a year from the
    # pinned day would be, once the real day is over a year later (CI may run that late).
    with time_machine.travel(datetime(2001, 3, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))):
        sign_in(page, base_url, "wnc-officer")

        expect(page).to_have_url(f"{base_url}/")
        expect(page.get_by_test_id("signed-in-as")).to_contain_text("Council officer")
    cookies = {cookie["name"]: cookie["expires"] for cookie in page.context.cookies()}
    # The device cookie (sign_in_limits.DEVICE_COOKIE) is sent with Max-Age, so Chromium keeps
    # it a year from its own, real, day.
    device_expires = cookies.pop("sign_in_device")
    assert device_expires > time.time() + 364 * 24 * 60 * 60
    assert cookies == {"csrftoken": -1, "sessionid": -1}  # -1: until the browser closes


# --- Accessibility ----------------------------------------------------------------------------
# axe-core is put into the page with page.evaluate, which goes through the DevTools protocol and
# is not subject to the page's Content Security Policy, so these tests run under the real,
# strict policy (no bypass_csp).


def assert_no_axe_violations(page):
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)


def test_sign_in_page_is_accessible(page, base_url):
    page.goto(f"{base_url}/sign-in/")
    assert_no_axe_violations(page)


def test_sign_in_page_with_errors_is_accessible(page, base_url):
    sign_in(page, base_url, "wnc-officer", password="not-the-password")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_too_many_attempts_page_says_when_and_is_accessible(page, base_url, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(page, base_url, "occ-officer", password="not-the-password")
    expect(page.locator("h1")).to_have_text("Too many attempts to sign in")
    expect(page.locator("main")).to_contain_text(re.compile(r"Try again after \d\d:\d\d"))
    checked_at_both_widths(page, "sign-in-paused")


@pytest.mark.parametrize("username", ONE_PER_ROLE)
def test_home_page_is_accessible(page, base_url, username):
    sign_in(page, base_url, username)
    expect(page.locator("h1")).to_contain_text("Welcome")
    assert_no_axe_violations(page)


def _test_ids(locator):
    return [locator.nth(i).get_attribute("data-testid") for i in range(locator.count())]
