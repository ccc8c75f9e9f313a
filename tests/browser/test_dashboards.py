"""The dashboards in a real browser: the plotly charts draw under the strict CSP (no console
error: a CSP refusal is one), the pages pass axe's WCAG 2.2 A/AA rules, and the scrutiny pack
previews, for the roles that read them."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in

PAGES = [
    ("wnc-officer", "/arrangements/NCT/dashboards/", "Dashboards", 0),
    ("dfe-observer", "/arrangements/NCT/dashboards/overview/", "Performance overview", 0),
    ("nnc-scrutiny", "/arrangements/NCT/dashboards/indicators/CIN_VISIT_IN_TIME/", "", 1),
    ("wnc-scrutiny", "/arrangements/NCT/dashboards/finance/", "Finance", 3),
    ("dfe-observer", "/arrangements/NCT/dashboards/transformation/", "Transformation", 2),
    ("nct-manager", "/arrangements/NCT/dashboards/workforce/", "Workforce", 4),
    ("admin", "/arrangements/NCT/dashboards/runs/", "Recompute runs", 0),
    ("wnc-scrutiny", "/arrangements/NCT/scrutiny-packs/", "", 0),
    ("wnc-officer", "/arrangements/NCT/scrutiny-packs/preview/2019-02/", "", 0),
]


@pytest.mark.parametrize(("username", "path", "heading", "charts"), PAGES)
def test_dashboard_draws_and_is_accessible(page, base_url, username, path, heading, charts):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base_url, username)
    page.goto(base_url + path)
    if heading:
        expect(page.locator("h1")).to_contain_text(heading)
    drawn = page.locator(".tp-plot .main-svg")
    if charts:
        expect(page.locator(".tp-plot.tp-chart--drawn").first).to_be_visible()
        assert page.locator(".tp-plot.tp-chart--drawn").count() >= charts
        assert drawn.count() >= charts
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    assert not errors, errors
    screenshot(page, f"{username}-{path.strip('/').replace('/', '-')}")


@pytest.mark.parametrize("width", [1280, 320])
def test_the_latest_packs_preview_reads_at_1280_and_320_px(page, base_url, width):
    """August 2026's pack (the demo's latest): page one's summary, then the sections; the
    wide matrix scrolls in its own region on a narrow screen, the page does not."""
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, base_url, "nnc-scrutiny")
    page.goto(base_url + "/arrangements/NCT/scrutiny-packs/preview/2026-08/")
    expect(page.locator("#pack-summary")).to_have_text("August 2026 at a glance")
    expect(page.locator(".tp-pack__headline")).to_contain_text("Forecast outturn")
    expect(page.locator(".tp-pack__table--matrix")).to_contain_text("better")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow == 0
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    screenshot(page, f"nnc-scrutiny-pack-preview-2026-08-{width}")
