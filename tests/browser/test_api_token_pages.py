"""API tokens in a real browser: a person makes a token from About your access, sees its key
once, finds it listed and revokes it; an administrator makes a service account and a token on
its page. Each page passes axe and fits 320 px."""

from playwright.sync_api import expect

from tests.browser.helpers import checked_at_both_widths, sign_in


def test_a_person_makes_a_token_sees_it_once_and_revokes_it(page, writable_base_url):
    from trust_portal.accounts.models import ApiToken

    sign_in(page, writable_base_url, "nnc-officer")
    page.goto(f"{writable_base_url}/about-your-access/")
    page.get_by_role("link", name="Manage your API tokens").click()
    expect(page.locator("h1")).to_have_text("API tokens")
    page.get_by_role("button", name="Make a token").click()
    checked_at_both_widths(page, "api-token-create")

    page.get_by_label("Name").fill("Finance nightly import")
    page.get_by_label("Read-only").check()
    page.get_by_role("button", name="Make token").click()

    key = page.get_by_test_id("api-token-key").input_value()
    assert key.startswith("tp_")
    checked_at_both_widths(page, "api-token-made")
    page.get_by_role("button", name="I have copied it").click()
    row = page.locator("tbody tr", has_text="Finance nightly import")
    expect(row).to_contain_text("Read-only")
    expect(row).to_contain_text("Active")
    assert key not in page.content()
    checked_at_both_widths(page, "api-tokens")

    row.get_by_role("link", name="Revoke").click()
    checked_at_both_widths(page, "api-token-revoke")
    page.get_by_role("button", name="Revoke token").click()

    expect(page.get_by_text("The token 'Finance nightly import' is revoked")).to_be_visible()
    expect(page.locator("tbody tr", has_text="Finance nightly import")).to_contain_text("Revoked")
    assert ApiToken.objects.get(name="Finance nightly import").revoked_at is not None


def test_an_administrator_makes_a_service_account_and_its_token(page, writable_base_url):
    sign_in(page, writable_base_url, "admin")
    page.goto(f"{writable_base_url}/users/")
    page.get_by_role("button", name="Make a service account").click()
    checked_at_both_widths(page, "service-account-create")

    page.get_by_label("Name of the system").fill("NNC finance system")
    page.get_by_label("Username").fill("nnc-finance")
    page.get_by_label("Contact email address").fill("finance.systems@nnc.example.org")
    page.get_by_label("Organisation").select_option(label="North Northamptonshire Council (NNC)")
    page.get_by_label("Council officer").check()
    page.get_by_role("button", name="Make service account").click()

    expect(page.get_by_text("Service account nnc-finance made.")).to_be_visible()
    page.get_by_role("button", name="Make a token").click()
    page.get_by_label("Name").fill("Ledger export")
    page.get_by_role("button", name="Make token").click()
    assert page.get_by_test_id("api-token-key").input_value().startswith("tp_")
    page.get_by_role("button", name="I have copied it").click()
    expect(page.locator("h1")).to_contain_text("NNC finance system")
    expect(page.locator("tbody tr", has_text="Ledger export")).to_contain_text("Active")
    checked_at_both_widths(page, "service-account")


def test_a_person_sees_the_changes_asked_with_their_token_and_the_answers(page, writable_base_url):
    from trust_portal.accounts import api_tokens
    from trust_portal.accounts.models import User

    officer = User.objects.get(username="nnc-officer")
    _, key = api_tokens.api_token_create(by=officer, user=officer, name="Budget loader")
    answer = page.request.post(
        f"{writable_base_url}/api/v1/organisations/",
        headers={"Authorization": f"Token {key}"},
        data={"code": "ZZZ"},
    )
    assert answer.status == 403

    sign_in(page, writable_base_url, "nnc-officer")
    page.goto(f"{writable_base_url}/about-your-access/api-tokens/")
    row = page.locator("tbody tr", has_text="Budget loader")
    row.get_by_role("link", name="Changes made with it (1)").click()

    expect(page.locator("h1")).to_have_text("Changes made with this API token")
    use = page.get_by_test_id("api-token-uses").locator("tbody tr")
    expect(use).to_have_count(1)
    expect(use).to_contain_text("/api/v1/organisations/")
    expect(use).to_contain_text("Refused (403)")
    checked_at_both_widths(page, "api-token-uses")
