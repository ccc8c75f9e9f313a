"""The administrators' jobs page in a real browser: a job the broker refused for a day is
listed with its error and sent again; the page passes axe and fits 320 px, the table scrolling
in its own region."""

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import checked_at_both_widths, sign_in


def test_an_administrator_sees_a_failed_job_and_sends_it_again(page, writable_base_url):
    from trust_portal.outbox.models import Job

    failed = Job.objects.create(
        task="trust_portal.outbox.tasks.email_send_task",
        kwargs={"subject": "Return approved", "body": "B", "to": ["nct@example.org"]},
        description="Email: Return approved",
        state=Job.State.FAILED,
        attempts=150,
        last_error="OperationalError: Error 111 connecting to 127.0.0.1:6379. Connection refused.",
        not_before=timezone.now(),
    )
    sign_in(page, writable_base_url, "admin")
    page.goto(f"{writable_base_url}/jobs/")
    expect(page.locator("h1")).to_have_text("Jobs waiting for a worker")
    row = page.locator("tbody tr", has_text="Email: Return approved")
    expect(row).to_contain_text("Failed")
    expect(row).to_contain_text("The message broker could not be reached.")
    checked_at_both_widths(page, "jobs")

    row.get_by_role("button", name="Send again").click()

    expect(page.get_by_text("“Email: Return approved” will be sent again now.")).to_be_visible()
    failed.refresh_from_db()
    assert failed.state != Job.State.FAILED
    assert failed.resent_by is not None and failed.resent_by.username == "admin"
