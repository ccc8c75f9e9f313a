"""A query's thread in a real browser: NNC's officer returns a submitted performance return
with a query about one row, its figures in view; the trust's manager sees it at the top of the
entry page and answers it, then corrects the figure and submits again; the officer reads the
answer and what changed since the query. Each page passes axe and fits 320 px."""

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    checked_at_both_widths,
    sign_in,
)

ROW = "OPEN_CIN:NNC"


def as_person(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base_url, username)


def test_a_query_on_a_row_is_answered_and_its_change_shown(page, writable_base_url):
    from performance.models import MonthlyReturn

    base_url = writable_base_url
    # The demo's month approved by West's officer only: North's still to decide.
    month = MonthlyReturn.objects.get(arrangement__trust__code="NCT", state="submitted")
    before = month.measurements.get(indicator__code="OPEN_CIN", area="NNC").numerator
    address = base_url + month.get_absolute_url()

    as_person(page, base_url, "nnc-officer")
    page.goto(address)
    page.get_by_role("button", name="Return with a query").click()
    expect(page.get_by_test_id("query-figures")).to_contain_text("Open children in need (NNC)")
    page.get_by_label("What is your query about?").select_option(ROW)
    page.get_by_label("Your query for the trust").fill("Open CIN looks high: please check.")
    checked_at_both_widths(page, "nnc-officer-query-send-back")
    with page.expect_navigation():
        page.get_by_role("button", name="Return to the trust").click()
    expect(page.get_by_text("Returned to the trust with your query.")).to_be_visible()

    as_person(page, base_url, "nct-manager")
    page.goto(address + "edit/")
    banner = page.get_by_test_id("open-queries")
    expect(banner).to_contain_text("NNC, about Open children in need (NNC)")
    checked_at_both_widths(page, "nct-manager-query-entry")
    with page.expect_navigation():
        banner.get_by_role("link", name="Answer the query").click()
    page.get_by_label("Your answer").fill("A duplicate case was counted twice; corrected.")
    checked_at_both_widths(page, "nct-manager-query-answer")
    with page.expect_navigation():
        page.get_by_role("button", name="Send answer").click()
    page.goto(address + "edit/")
    page.locator("#id_n__OPEN_CIN__NNC").fill(str(before - 1))
    with page.expect_navigation():
        page.get_by_role("button", name="Save as draft").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit to the councils").click()

    as_person(page, base_url, "nnc-officer")
    page.goto(address)
    query = page.get_by_test_id("query").filter(has_text="Open children in need (NNC)")
    expect(query).to_contain_text("A duplicate case was counted twice; corrected.")
    expect(query).to_contain_text("Changed since your query")
    expect(query.locator("tbody th")).to_have_text(["Open children in need (NNC)"])
    expect(query.locator("tbody td")).to_have_text([f"{before:,}", f"{before - 1:,}"])
    checked_at_both_widths(page, "nnc-officer-query-review")
