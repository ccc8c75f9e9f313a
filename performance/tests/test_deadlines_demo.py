"""Overdue-return reminders on the demo, whose two trusts both have overdue months: the
reminders go to every arrangement in the database. The demo's NCT has every month to October
2026 submitted (September 2026's sent back with a query, which counts as submitted) and
November 2026 in draft, due on 14 December 2026 (its due working day, the 10th)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from performance.reminders import reminders_send
from performance.tasks import remind_overdue_task

NCT_MANAGER = "nct-manager@nct.example.org"
OCT_MANAGER = "oct-manager@oct.example.org"


def test_reminders_go_to_each_trusts_managers_only(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    # Each email is an outbox job, sent once the reminders' transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders_send(today=date(2026, 12, 15))
    assert sent == 2
    to = {m.to[0]: m for m in mailoutbox}
    assert set(to) == {NCT_MANAGER, OCT_MANAGER}
    body = to[NCT_MANAGER].body
    assert "\n\n- November 2026: due 14 December 2026\n\nSubmit them here:" in body
    assert body.count("\n- ") == 1  # only November: every earlier month is submitted
    assert "/arrangements/NCT/returns/" in body


def test_the_county_councils_months_are_not_overdue_once_approved(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    # As of 30 April 2019: NCT's last 12 months are late from April to September 2018, which
    # the county's figures (October 2018 to March 2019, all approved) do not cover.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=date(2019, 4, 30)) == 2
    body = next(m.body for m in mailoutbox if m.to == [NCT_MANAGER])
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert lines == [
        "- April 2018: due 15 May 2018",
        "- May 2018: due 14 June 2018",
        "- June 2018: due 13 July 2018",
        "- July 2018: due 14 August 2018",
        "- August 2018: due 14 September 2018",
        "- September 2018: due 12 October 2018",
    ]


def test_the_daily_job_sends_the_reminders(cast, mailoutbox, django_capture_on_commit_callbacks):
    # On the pinned day (7 December 2026) NCT's November is not due yet: OCT's manager only.
    with django_capture_on_commit_callbacks(execute=True):
        sent = remind_overdue_task.run()
    assert sent == len(mailoutbox) == 1
    assert mailoutbox[0].to == [OCT_MANAGER]
    with (
        time_machine.travel(datetime(2026, 12, 15, 7, 30, tzinfo=ZoneInfo("Europe/London"))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert remind_overdue_task.run() == 2
    assert len(mailoutbox) == 3
    assert {m.to[0] for m in mailoutbox[1:]} == {NCT_MANAGER, OCT_MANAGER}
