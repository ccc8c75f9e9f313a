"""Two-factor sign-in and the idle-session warning in a real browser, under the strict CSP, with
axe's WCAG 2.2 A/AA checks on the new pages (the tests run with REQUIRE_TWO_FACTOR on)."""

import re
from base64 import b32decode

from django_otp.oath import totp
from playwright.sync_api import expect

from conftest import DEMO_PASSWORD
from tests.browser.helpers import (
    authenticator_app,
    checked_at_both_widths,
    current_code,
    sign_in,
)


def give_password(page, base_url, username):
    page.goto(f"{base_url}/sign-in/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


def code_for_key(key_text: str) -> str:
    key = key_text.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key)):06d}"


def keep_the_recovery_codes_shown(page, *, heading: str, name: str) -> None:
    """The page showing 10 recovery codes once, checked with axe at both widths (``name``),
    then left with "I have kept my codes"."""
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    checked_at_both_widths(page, name)
    with page.expect_navigation():
        page.get_by_role("button", name="I have kept my codes, continue").click()


def test_an_officer_sets_up_an_app_with_the_qr_codes_key_and_sees_recovery_codes(
    page, writable_base_url
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username="nnc-officer").delete()
    give_password(page, writable_base_url, "nnc-officer")

    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/set-up/\?next=%2F$"))
    expect(page.get_by_test_id("qr-code")).to_be_visible()
    checked_at_both_widths(page, "two-factor-set-up")
    page.get_by_text("I cannot scan the QR code").click()
    key = page.get_by_test_id("setup-key").inner_text()
    page.locator('input[name="code"]').fill(code_for_key(key))
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()

    keep_the_recovery_codes_shown(
        page, heading="Two-factor authentication is set up", name="two-factor-recovery-codes"
    )
    expect(page).to_have_url(f"{writable_base_url}/")
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()


def test_the_code_page_comes_after_the_password_and_is_accessible(page, base_url):
    device = authenticator_app("wnc-officer")
    give_password(page, base_url, "wnc-officer")

    expect(page).to_have_url(re.compile(r"/sign-in/two-factor/\?next=%2F$"))
    checked_at_both_widths(page, "two-factor-verify")
    page.locator('input[name="code"]').fill(current_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()

    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Council officer")


def test_a_warning_comes_before_an_idle_session_ends_and_stay_signed_in_keeps_it(
    page, base_url, settings
):
    # Shortened: the warning 3 seconds after the page loads, the end 30 seconds after.
    settings.SESSION_IDLE_TIMEOUT = 30
    settings.SESSION_IDLE_WARNING = 27
    sign_in(page, base_url, "wnc-scrutiny")
    warning = page.get_by_test_id("session-timeout")
    expect(warning).to_be_hidden()

    expect(warning).to_be_visible(timeout=10_000)
    expect(warning).to_have_attribute("role", "alert")
    with page.expect_response("**/session/keep-alive/") as answer:
        warning.get_by_role("button", name="Stay signed in").click()

    assert answer.value.status == 204
    expect(warning).to_be_hidden()
    expect(page).to_have_url(f"{base_url}/")


def test_an_officer_gets_new_recovery_codes_from_about_your_access(page, writable_base_url):
    sign_in(page, writable_base_url, "nnc-officer")
    device = authenticator_app("nnc-officer")  # ready for another code of this moment
    page.goto(f"{writable_base_url}/about-your-access/")
    with page.expect_navigation():
        page.get_by_role("link", name="Get new recovery codes", exact=True).click()

    expect(page.get_by_role("heading", name="Get new recovery codes")).to_be_visible()
    checked_at_both_widths(page, "new-recovery-codes")
    page.locator('input[name="code"]').fill(current_code(device))
    with page.expect_navigation():
        page.get_by_role("button", name="Get new recovery codes").click()

    keep_the_recovery_codes_shown(
        page, heading="You have new recovery codes", name="new-recovery-codes-shown"
    )
    expect(page).to_have_url(f"{writable_base_url}/about-your-access/")
    expect(page.get_by_test_id("recovery-codes-left")).to_contain_text("10 left")
