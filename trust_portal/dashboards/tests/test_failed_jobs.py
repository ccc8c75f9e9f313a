"""A recompute whose outbox job was given up on (the broker refused it all day): a change that
joins its waiting run sends it again, and so does the beat job once the broker answers again,
so the dashboards never wait for the nightly run; an email given up on stays for an
administrator, its words perhaps out of date."""

from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from trust_portal.dashboards.models import RecomputeRun
from trust_portal.dashboards.services import RECOMPUTE_TASK, recompute_request
from trust_portal.dashboards.tasks import recompute_task
from trust_portal.outbox import services as outbox
from trust_portal.outbox.models import Job
from trust_portal.outbox.services import EMAIL_TASK, RESENT_AFTER_OUTAGE
from trust_portal.outbox.tasks import outbox_send_task

GAVE_UP = {"state": Job.State.FAILED, "attempts": 150, "last_error": "OperationalError: refused"}


@pytest.fixture
def given_up(arrangement):
    """A waiting run whose job the outbox gave up on."""
    with transaction.atomic():
        run = recompute_request(arrangement_id=arrangement.pk)
    Job.objects.filter(task=RECOMPUTE_TASK).update(**GAVE_UP)
    return run


def failed_email():
    return Job.objects.create(
        task=EMAIL_TASK,
        kwargs={"to": ["a@example.org"]},
        description="Email: S",
        not_before=timezone.now(),
        **GAVE_UP,
    )


def test_a_change_joining_a_waiting_run_whose_job_failed_sends_that_job_again(
    arrangement, given_up, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(recompute_task, "apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        joined = recompute_request(arrangement_id=arrangement.pk)
    assert joined.pk == given_up.pk
    given_up.refresh_from_db()
    assert (given_up.state, given_up.requests) == (RecomputeRun.State.QUEUED, 2)
    job = Job.objects.get()  # the same job, not a second one
    assert (job.state, job.attempts, job.last_error) == (Job.State.SENT, 1, "")
    assert job.resent_because == "A change joined the waiting recompute it starts."
    assert job.resent_at is not None and job.resent_by is None
    sent.assert_called_once_with(args=[arrangement.pk], kwargs={"run_id": given_up.pk})


def test_a_change_joining_a_waiting_run_whose_job_still_waits_adds_nothing(
    arrangement, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        run = recompute_request(arrangement_id=arrangement.pk)
    Job.objects.update(state=Job.State.RETRYING, attempts=3)
    with (
        mock.patch.object(recompute_task, "apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        recompute_request(arrangement_id=arrangement.pk)
    sent.assert_not_called()  # its next try is the beat job's
    job = Job.objects.get()
    assert (job.state, job.attempts, job.resent_at) == (Job.State.RETRYING, 3, None)
    assert job.kwargs == {"run_id": run.pk}


def test_once_a_send_succeeds_the_beat_job_sends_failed_recomputes_again_but_not_emails(
    arrangement, given_up, mailoutbox, django_capture_on_commit_callbacks
):
    email = failed_email()
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        outbox.email_add(subject="New", body="B", to="b@example.org", description="Email: New")
    with mock.patch.object(recompute_task, "apply_async") as sent:
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 2}  # the new email, the run
    sent.assert_called_once_with(args=[arrangement.pk], kwargs={"run_id": given_up.pk})
    job = Job.objects.get(task=RECOMPUTE_TASK)
    assert (job.state, job.attempts, job.resent_because) == (
        Job.State.SENT,
        1,
        RESENT_AFTER_OUTAGE,
    )
    email.refresh_from_db()
    assert (email.state, email.attempts) == (Job.State.FAILED, 150)
    assert [m.to for m in mailoutbox] == [["b@example.org"]]


def test_with_nothing_due_the_beat_job_asks_the_broker_before_sending_failed_jobs_again(
    arrangement, given_up
):
    with (
        mock.patch.object(outbox, "_broker_answers", return_value=False),
        mock.patch.object(recompute_task, "apply_async") as sent,
    ):
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}
    sent.assert_not_called()
    assert Job.objects.get().state == Job.State.FAILED  # still down: left as it was
    with (
        mock.patch.object(outbox, "_broker_answers", return_value=True),
        mock.patch.object(recompute_task, "apply_async") as sent,
    ):
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 1}
    sent.assert_called_once_with(args=[arrangement.pk], kwargs={"run_id": given_up.pk})
    assert Job.objects.get().state == Job.State.SENT


def test_a_recompute_that_failed_for_another_reason_than_the_broker_stays_failed(
    arrangement, given_up
):
    # It would fail again: an administrator looks, rather than the beat job every minute.
    Job.objects.filter(task=RECOMPUTE_TASK).update(last_error="EncodeError: not JSON")
    with (
        mock.patch.object(outbox, "_broker_answers", return_value=True),
        mock.patch.object(recompute_task, "apply_async") as sent,
    ):
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}
    sent.assert_not_called()
    assert Job.objects.get().state == Job.State.FAILED


def test_a_change_joining_a_run_whose_job_failed_otherwise_leaves_it_for_an_administrator(
    arrangement, given_up, django_capture_on_commit_callbacks
):
    Job.objects.filter(task=RECOMPUTE_TASK).update(last_error="EncodeError: not JSON")
    with (
        mock.patch.object(recompute_task, "apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        recompute_request(arrangement_id=arrangement.pk)
    sent.assert_not_called()
    assert Job.objects.get().state == Job.State.FAILED


def test_a_send_refused_this_tick_leaves_failed_recomputes_failed(
    arrangement, given_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        outbox.email_add(subject="New", body="B", to="b@example.org", description="Email: New")
    refused = mock.Mock(apply_async=mock.Mock(side_effect=OSError("Connection refused")))
    with (
        mock.patch.object(outbox, "_task", return_value=refused),
        mock.patch.object(outbox, "_broker_answers", return_value=False),
    ):
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}
    assert Job.objects.get(task=RECOMPUTE_TASK).state == Job.State.FAILED
    assert Job.objects.get(task=EMAIL_TASK).state == Job.State.RETRYING


def test_a_recompute_job_names_the_trust_and_no_internal_id(arrangement, given_up):
    trust = arrangement.trust
    description = Job.objects.get().description
    assert description == f"Recompute the dashboards of {trust.name} ({trust.code})"
