"""Each role's journey starts from its home page: the "Waiting for you" list names the work the
demo leaves in flight for it (the demo reaches the last complete month before the pinned day,
7 December 2026: see the README's "The demo reaches last month"), and one click on the item
reaches the page where that work is done. axe checks every page the journey visits."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, format_violations, sign_in

NCT = "/arrangements/NCT"
# (username, the item's kind, its title, where its link goes, what the page offers there)
JOURNEYS = [
    (
        "wnc-officer",
        "To approve",
        "Budget monitoring for November 2026",
        f"{NCT}/budget-monitoring/2026-11/1/",
        ("button", "Approve WNC's area"),
    ),
    (
        "wnc-officer",
        "Board decision to record",
        "Business case BC12: Digital tools for social workers (synthetic)",
        f"{NCT}/transformation/cases/BC12/decide/",
        ("button", "Record the decision"),
    ),
    (
        "nnc-officer",
        "To approve",
        "Performance return for October 2026",
        f"{NCT}/returns/2026-10/1/",
        ("button", "Approve NNC's area"),
    ),
    (
        "nnc-officer",
        "Your council's answer",
        "Reserved decision: Guarantee of a 10-year lease for a new children's home",
        f"{NCT}/reserved-decisions/2/",
        ("button", "Record NNC's answer"),
    ),
    (
        "nnc-officer",
        "Payment",
        "Pay NNC's instalment 9 of 2026/27: £7,161,358.05",
        f"{NCT}/contract-years/2026/payments/NNC/9/record/",
        ("button", "Record payment"),
    ),
    (
        "nct-manager",
        "Query to answer",
        "Performance return for September 2026",
        f"{NCT}/returns/2026-09/1/",
        ("text", "North Northamptonshire Council: returned with a query"),
    ),
    (
        "nct-manager",
        "To finish and submit",
        "Performance return for November 2026",
        f"{NCT}/returns/2026-11/1/",
        ("button", "Submit to the councils"),
    ),
    (
        "admin",
        "To decide",
        "Variation 2 to 2026/27: add a funding line",
        f"{NCT}/contract-years/2026/variations/2/",
        ("button", "Record the decision"),
    ),
    (
        "wnc-scrutiny",
        "Latest scrutiny committee pack",
        "Scrutiny committee pack: August 2026",
        f"{NCT}/scrutiny-packs/3/",
        ("heading", "Scrutiny committee pack: August 2026"),
    ),
    (
        "dfe-observer",
        "Latest scrutiny committee pack",
        "Scrutiny committee pack: August 2026",
        f"{NCT}/scrutiny-packs/3/",
        ("heading", "Scrutiny committee pack: August 2026"),
    ),
]


@pytest.mark.parametrize(
    ("username", "kind", "title", "href", "offer"),
    JOURNEYS,
    ids=[f"{j[0]}-{j[3].removeprefix(NCT + '/').strip('/')}" for j in JOURNEYS],
)
def test_from_home_one_click_reaches_the_work_waiting(
    page, base_url, username, kind, title, href, offer
):
    sign_in(page, base_url, username)
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)

    item = page.get_by_test_id("waiting-item").filter(has_text=kind).filter(has_text=title)
    expect(item).to_have_count(1)
    link = item.get_by_role("link")
    assert link.get_attribute("href") == href
    with page.expect_navigation():
        link.click()

    expect(page).to_have_url(f"{base_url}{href}")
    how, words = offer
    if how == "text":
        expect(page.get_by_text(words).first).to_be_visible()
    else:
        expect(page.get_by_role(how, name=words)).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)


def test_the_latest_pack_fits_a_narrow_screen(page, base_url):
    # Its PDF's SHA-256 (64 characters, no spaces) wraps; its wide tables scroll in their box.
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, base_url, "wnc-scrutiny")
    page.goto(f"{base_url}{NCT}/scrutiny-packs/3/")
    expect(page.get_by_role("heading", name="Scrutiny committee pack: August 2026")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
