"""Submitting and approving with a check, in a real browser on the demo: the trust's manager
opens November 2026's performance return, goes to "Check your return", follows the error
summary's link to the missing figure, and once it is back submits; North Northamptonshire's
officer approves the return for their own area from a confirmation that asks once. Every page
passes axe's WCAG 2.2 A/AA rules and fits a 320 px screen without sideways scrolling."""

from playwright.sync_api import expect

from tests.browser.helpers import (
    checked_at_both_widths,
    sign_in,
)

RETURN = "/arrangements/NCT/returns/2026-11/1/"
CELL = ("CIN_VISIT_IN_TIME", "NNC")  # the figure taken out and put back


def take_out_one_figure():
    from performance.models import Measurement

    cell = Measurement.objects.get(
        monthly_return__arrangement__trust__code="NCT",
        monthly_return__period="2026-11-01",
        indicator__code=CELL[0],
        area=CELL[1],
    )
    saved = (cell.numerator, cell.denominator)
    cell.numerator = None
    cell.save(update_fields=["numerator"])
    return cell, saved


def test_the_trust_checks_and_submits_and_an_officer_confirms_the_approval(page, writable_base_url):
    base_url = writable_base_url
    cell, saved = take_out_one_figure()
    sign_in(page, base_url, "nct-manager")
    page.goto(base_url + RETURN)
    with page.expect_navigation():
        page.get_by_role("button", name="Submit to the councils").click()
    expect(page.locator("h1")).to_contain_text("Check your return")
    summary = page.get_by_test_id("check-summary")
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(page.get_by_role("button", name="Submit to the councils")).to_have_count(0)
    checked_at_both_widths(page, "return-check-missing")

    link = summary.get_by_role("link")
    expect(link).to_contain_text(f"({CELL[1]}): enter the figure.")
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"{RETURN}edit/#id_n__{CELL[0]}__{CELL[1]}")
    expect(page.locator(f"#id_n__{CELL[0]}__{CELL[1]}")).to_be_visible()

    cell.numerator = saved[0]
    cell.save(update_fields=["numerator"])  # put back, as the trust would type it
    page.goto(base_url + RETURN + "submit/")
    expect(page.get_by_test_id("check-summary")).to_have_count(0)
    checked_at_both_widths(page, "return-check")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit to the councils").click()
    assert page.url == base_url + RETURN
    expect(page.get_by_text("Submitted. The councils' officers have been told")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, base_url, "nnc-officer")
    page.goto(base_url + RETURN)
    with page.expect_navigation():
        page.get_by_role("button", name="Approve NNC's area").click()
    expect(page.locator("h1")).to_contain_text(
        "Approve the figures for North Northamptonshire Council"
    )
    checked_at_both_widths(page, "return-approve-confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve for North Northamptonshire Council").click()
    assert page.url == base_url + RETURN
    expect(page.get_by_text("Your council's area is approved.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve NNC's area")).to_have_count(0)
