"""Entering a month's performance figures in a real browser, as the trust's manager: the
figure and its RAG follow what is typed, leaving with unsaved figures asks first (saving does
not), the grid passes axe, stays far shorter than the old one-card-per-indicator form (11,400
px at 1280 px) and never overflows a 320 px screen."""

from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, screenshot, sign_in

EDIT = "/arrangements/NCT/returns/2026-11/1/edit/"  # the demo's November 2026 draft
INDICATOR = "Children in need visited in time"  # target 85%, higher is better
AREA = "North Northamptonshire"


def _cell(page):
    box = page.get_by_label(f"Numerator, {INDICATOR}, {AREA}", exact=True)
    return page.locator("td[data-cell]").filter(has=box)


def test_the_figure_and_its_rating_follow_what_is_typed(page, writable_base_url):
    sign_in(page, writable_base_url, "nct-manager")
    page.goto(writable_base_url + EDIT)
    expect(page.locator("h1")).to_contain_text("Enter the figures")
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    # Measured 3,913 px with the demo's catalogue (the old form: 11,400 px).
    assert page.evaluate("document.documentElement.scrollHeight") <= 4000
    numerator = page.get_by_label(f"Numerator, {INDICATOR}, {AREA}", exact=True)
    denominator = page.get_by_label(f"Denominator, {INDICATOR}, {AREA}", exact=True)
    numerator.click()  # a person's click: the browser then allows the leaving warning
    numerator.fill("500")
    denominator.fill("1,000")
    expect(_cell(page).locator("[data-result]")).to_have_text("50.0%")
    expect(_cell(page).locator("[data-rag]")).to_have_text("Red")
    numerator.fill("850")
    expect(_cell(page).locator("[data-result]")).to_have_text("85.0%")
    expect(_cell(page).locator("[data-rag]")).to_have_text("Green")
    expect(page.locator("[data-unsaved-status]")).to_have_text("You have unsaved changes")
    expect(page.locator(".tp-save-bar")).to_be_in_viewport()  # on screen, though far down
    screenshot(page, "nct-manager-performance-entry-typed")

    asked = []  # the browser's "Leave site?" question, answered "stay"
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Back to the return").click(no_wait_after=True)
    assert asked == ["beforeunload"]
    expect(page).to_have_url(writable_base_url + EDIT)
    expect(numerator).to_have_value("850")

    unexpected = []
    page.on("dialog", lambda dialog: (unexpected.append(dialog.type), dialog.accept()))
    with page.expect_navigation():
        page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Figures saved")
    assert unexpected == []  # saving is leaving on purpose: no warning


# Each cell's figure, rating and small-numbers note as shown; then the same after the script
# has worked each one out again (an input event on each cell): [(indicator, before, after)].
RECOMPUTED = """() => {
  const cells = [...document.querySelectorAll("td[data-cell]")];
  const read = (cell) => ["[data-result]", "[data-rag]:not([hidden])", "[data-small]"]
    .map((part) => cell.querySelector(part)?.textContent ?? "").join(" | ");
  const before = cells.map(read);
  for (const cell of cells) {
    cell.querySelector("input").dispatchEvent(new Event("input", { bubbles: true }));
  }
  return cells.map((cell, i) => [cell.dataset.indicator, before[i], read(cell)]);
}"""


def test_the_script_works_out_what_the_server_did_in_every_cell(page, base_url):
    sign_in(page, base_url, "nct-manager")
    page.goto(base_url + EDIT)
    cells = page.evaluate(RECOMPUTED)
    assert len(cells) == 54  # the demo's 27 indicators entered here, in 2 areas
    assert [c for c in cells if c[1] != c[2]] == []
    assert ["CIN_VISIT_IN_TIME", "90.4% | Green | ", "90.4% | Green | "] in cells


def test_the_grid_fits_a_narrow_screen(page, base_url):
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, base_url, "nct-manager")
    page.goto(base_url + EDIT)
    expect(_cell(page).locator("[data-result]")).to_have_text("90.4%")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    screenshot(page, "nct-manager-performance-entry-320")


def test_budget_and_workforce_entry_fit_and_pass_axe(page, base_url):
    sign_in(page, base_url, "nct-manager")
    for path in (
        "/arrangements/NCT/budget-monitoring/2026-11/1/edit/",
        "/arrangements/NCT/workforce/returns/2026-11/1/edit/",
    ):
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(base_url + path)
            first_box = page.locator("form[data-entry-form] input[type=text]").first
            first_box.scroll_into_view_if_needed()
            expect(page.locator(".tp-save-bar")).to_be_in_viewport()  # while in the figures
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            violations = axe_violations(page)
            assert not violations, format_violations(violations, page.url)
