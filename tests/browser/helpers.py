"""Helpers for the browser tests: signing in, screenshots, axe accessibility checks."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from conftest import DEMO_PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# WCAG 2.0, 2.1 and 2.2 levels A and AA: what the public sector accessibility regulations ask.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}

_axe = Axe()


def sign_in(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Open the sign-in page, fill the form and submit it, then give the code of the person's
    authenticator app (made for them in the test database if they have none) when asked,
    waiting for the page that follows."""
    device = authenticator_app(username)
    page.goto(f"{base_url}/sign-in/")
    page.locator('input[name="username"]').fill(username)
    page.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    if "/sign-in/two-factor/" in page.url:
        page.locator('input[name="code"]').fill(current_code(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue", exact=True).click()


def authenticator_app(username: str):
    """The demo person's confirmed authenticator app (TOTPDevice), made if they have none, and
    ready for a code of this moment: one person may sign in several times within a code's 30
    seconds, and django-otp accepts each code only once."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from trust_portal.accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0, drift=0)
    device.refresh_from_db()
    return device


def current_code(device) -> str:
    """The code the person's app would show now (the test process's clock, which the live
    server shares)."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (WCAG 2.2 A and AA rules) against the page as it is now."""
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def format_violations(violations: list[dict], url: str) -> str:
    """One readable block per violation: rule, impact, what it means, and the nodes it hit."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"\n- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    * {target}")
            lines.append(f"      {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line}" for line in summary.splitlines())
    return "\n".join(lines)


def checked_at_both_widths(page: Page, name: str) -> None:
    """axe finds nothing at 1280 px and at 320 px, where nothing scrolls sideways; a screenshot
    at each (``<name>-1280``, ``<name>-320``); then the window as it was."""
    size = page.viewport_size
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 320, "height": size["height"]})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    screenshot(page, f"{name}-320")
    page.set_viewport_size(size)
