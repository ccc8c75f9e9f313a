"""Overdue-return reminders on the demo, whose two trusts both have overdue months: the
reminders go to every arrangement in the database."""

from datetime import date

from performance.reminders import reminders_send
from performance.tasks import remind_overdue_task


def test_reminders_go_to_each_trusts_managers_only(cast, mailoutbox):
    sent = reminders_send(today=date(2019, 4, 30))
    assert sent == 2
    to = {m.to[0]: m for m in mailoutbox}
    assert set(to) == {"nct-manager@nct.example.org", "oct-manager@oct.example.org"}
    body = to["nct-manager@nct.example.org"].body
    assert "March 2019: due 12 April 2019" in body
    assert "/arrangements/NCT/returns/" in body


def test_the_daily_job_sends_the_reminders(cast, mailoutbox):
    assert remind_overdue_task.run() == len(mailoutbox) == 2
