"""Wide data pages in a real browser: at 1280px a data page takes the screen's width (GOV.UK's
full-width layout) so no column of the workforce dashboard's rates scrolls off, and at 320px a
table too wide scrolls inside its own labelled region, never the page; axe finds nothing."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in

WORKFORCE = "/arrangements/NCT/dashboards/workforce/"
# At 1280 and 320px: the page itself never scrolls sideways.
PAGES = [
    ("nct-manager", WORKFORCE, "Workforce"),
    ("nnc-officer", "/arrangements/NCT/workforce/", "Workforce"),
    ("nnc-officer", "/arrangements/NCT/returns/2019-02/1/", "Performance return"),
    ("wnc-officer", "/arrangements/NCT/workforce/returns/2018-12/1/", "December 2018"),
    (
        "nnc-officer",
        "/arrangements/NCT/contract-years/2024/split-calculator/?population_NNC=425700"
        "&population_WNC=406700&month=2019-01&demand_NNC=1791&demand_WNC=2214&weight=50",
        "Split calculator",
    ),
]


def _page_width(page) -> tuple[int, int]:
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def test_the_workforce_dashboards_rag_column_fits_at_1280_px(page, base_url):
    sign_in(page, base_url, "nct-manager")
    page.goto(base_url + WORKFORCE)
    expect(page.locator("h1")).to_contain_text("Workforce")
    assert "tp-wide" in page.locator("body").get_attribute("class")
    assert _page_width(page) == [1280, 1280]
    rag = page.get_by_role("columnheader", name="RAG", exact=True).first
    box = rag.bounding_box()
    assert box["x"] + box["width"] <= 1280
    # The rates' table does not scroll within its region either: all of it is in view.
    region = rag.locator("xpath=ancestor::div[contains(@class, 'tp-scroll')][1]")
    assert region.evaluate("r => r.scrollWidth - r.clientWidth") == 0


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize(("username", "path", "heading"), PAGES)
def test_a_data_page_never_scrolls_sideways_and_is_accessible(
    page, base_url, username, path, heading, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, base_url, username)
    page.goto(base_url + path)
    expect(page.locator("h1")).to_contain_text(heading)
    scroll_width, client_width = _page_width(page)
    assert scroll_width == client_width == width
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    name = path.split("?")[0].strip("/").replace("/", "-")
    screenshot(page, f"wide-{username}-{name}-{width}")
