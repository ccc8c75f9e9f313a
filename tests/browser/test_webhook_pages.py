"""The webhook pages in a real browser: an administrator registers an endpoint, sees its secret
once, and finds its failed delivery on its page to send again; each page passes axe and fits
320 px."""

from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.helpers import checked_at_both_widths, sign_in


@override_settings(WEBHOOK_ALLOW_LOOPBACK=True)
def test_an_administrator_registers_an_endpoint_and_replays_a_failed_delivery(
    page, writable_base_url
):
    from trust_portal.webhooks.models import Delivery, Endpoint

    sign_in(page, writable_base_url, "admin")
    page.goto(f"{writable_base_url}/webhooks/")
    expect(page.locator("h1")).to_have_text("Webhook endpoints")
    checked_at_both_widths(page, "webhook-list-empty")

    page.get_by_role("button", name="Register an endpoint").click()
    page.get_by_label("Arrangement").select_option(index=1)
    page.get_by_label("Address").fill("http://127.0.0.1:9/hooks/in")
    page.get_by_label("A monthly performance return approved").check()
    page.get_by_label("Description (optional)").fill("The councils' finance system")
    checked_at_both_widths(page, "webhook-form")
    page.get_by_role("button", name="Register endpoint").click()

    endpoint = Endpoint.objects.get()
    expect(page.locator("h1")).to_have_text("Endpoint registered")
    expect(page.locator("code")).to_have_text(endpoint.secret)
    checked_at_both_widths(page, "webhook-secret")

    Delivery.objects.create(
        endpoint=endpoint,
        event_id="3f2b8c1e-0d6a-4c55-9a51-1c1d3b0e9d21",
        event="return.approved",
        body="{}",
        state=Delivery.State.FAILED,
        attempts=6,
        last_error="The receiver refused the connection.",
    )
    page.get_by_role("link", name="Go to the endpoint's page").click()
    expect(page.locator("h1")).to_have_text("http://127.0.0.1:9/hooks/in")
    expect(page.locator("body")).not_to_contain_text(endpoint.secret)
    row = page.locator("tbody tr", has_text="The receiver refused the connection.")
    expect(row).to_contain_text("Failed")
    checked_at_both_widths(page, "webhook-detail")

    row.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("The delivery will be sent again, with the same id.")).to_be_visible()
