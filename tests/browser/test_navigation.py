"""The arrangement's sections in the header's service navigation, in a real browser: at 320 px
the list folds behind a "Menu" button (govuk-frontend's own script, the only one the CSP lets
run) that opens it; axe finds nothing, open or closed."""

from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in


def test_the_menu_opens_at_320_px_and_is_accessible(page, base_url):
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, base_url, "wnc-scrutiny")
    page.goto(base_url + "/arrangements/NCT/workforce/")
    nav = page.get_by_role("navigation", name="Menu")
    toggle = nav.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Packs")).to_be_hidden()
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    links = nav.locator('[data-testid="arrangement-section"] a')
    expect(links).to_have_text(["Overview", "Performance", "Workforce", "Packs"])
    expect(nav.get_by_role("link", name="Workforce")).to_have_attribute("aria-current", "page")
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "wnc-scrutiny-navigation-open-320")

    with page.expect_navigation():
        nav.get_by_role("link", name="Packs").click()
    expect(page.locator("h1")).to_contain_text("Scrutiny committee packs")


def test_the_returns_list_at_320_px_is_accessible_and_fits(page, base_url):
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, base_url, "nct-manager")
    page.goto(base_url + "/arrangements/NCT/returns/")
    expect(page.get_by_role("table", name="The last 12 months")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # Any Start button is on screen, not scrolled off (the demo may have started every month).
    for button in page.locator('[data-testid="last-year"] button').all():
        box = button.bounding_box()
        assert box["x"] + box["width"] <= 320


def test_the_arrangement_overview_shows_its_headline_and_fits_at_1280_and_320_px(page, base_url):
    sign_in(page, base_url, "nnc-officer")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base_url + "/arrangements/NCT/")
        tiles = page.locator('[data-testid="headline"] > section h3')
        expect(tiles).to_have_count(5)
        expect(page.get_by_role("table", name="Indicators by RAG rating")).to_be_visible()
        violations = axe_violations(page)
        assert not violations, format_violations(violations, page.url)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"nnc-officer-arrangement-overview-{width}")
    with page.expect_navigation():
        page.get_by_role("link", name="Workforce overview").click()
    expect(page.locator("h1")).to_contain_text("Workforce")


def test_a_scrutiny_members_overview_leaves_out_money_and_transformation(page, base_url):
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, base_url, "wnc-scrutiny")
    page.goto(base_url + "/arrangements/NCT/")
    titles = page.locator('[data-testid="headline"] > section h3')
    expect(titles).to_have_count(3)
    assert page.locator('[data-testid="tile-money"]').count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "wnc-scrutiny-arrangement-overview-320")
