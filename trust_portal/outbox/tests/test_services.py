"""The outbox: a job recorded with its change, sent after the commit, retried while the broker
is down, never sent twice, and listed for administrators until it is sent."""

import logging
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from trust_portal.outbox import services
from trust_portal.outbox.models import Job
from trust_portal.outbox.services import EMAIL_TASK, email_add, error_in_words, job_add, job_send
from trust_portal.outbox.tasks import outbox_send_task

REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def email_task():
    return current_app.tasks[EMAIL_TASK]


def an_email(capture, *, execute=True):
    with capture(execute=execute), transaction.atomic():
        return email_add(
            subject="Your return", body="It is approved.", to="a@example.org", description="Email"
        )


def test_a_job_needs_the_changes_transaction():
    with pytest.raises(RuntimeError, match="inside the change's transaction"):
        job_add(task=EMAIL_TASK, description="Outside any transaction")


@pytest.mark.django_db
def test_a_job_is_sent_once_its_change_commits_and_its_text_then_forgotten(
    mailoutbox, django_capture_on_commit_callbacks
):
    job = an_email(django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.last_error) == (Job.State.SENT, 1, "")
    assert job.sent_at is not None
    assert (job.args, job.kwargs) == ([], {})  # the email's text is not kept once sent
    assert [m.to for m in mailoutbox] == [["a@example.org"]]


@pytest.mark.django_db
def test_a_job_whose_change_rolls_back_is_never_recorded_or_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        email_add(subject="S", body="B", to="a@example.org", description="Email")
        raise ValueError("the change failed")
    assert not Job.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_broker_that_is_down_is_logged_in_one_line_and_the_job_tried_again(
    caplog, mailoutbox, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="trust_portal.outbox.services")
    with mock.patch.object(email_task(), "apply_async", side_effect=REFUSED):
        job = an_email(django_capture_on_commit_callbacks)  # no exception: the change stands
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.RETRYING, 1)
    assert job.last_error == (
        "OperationalError: Error 111 connecting to 127.0.0.1:6379. Connection refused."
    )
    assert job.kwargs["to"] == ["a@example.org"]  # kept until it is sent
    assert [r.getMessage() for r in caplog.records] == [
        f"Outbox job {job.pk} ({EMAIL_TASK}) not sent, try 1, next try in 30 s: "
        "OperationalError: Error 111 connecting to 127.0.0.1:6379. Connection refused."
    ]
    assert caplog.records[0].exc_info is None  # no traceback
    assert mailoutbox == []
    # Not due yet: the beat job leaves it; once due (and the broker back), it sends it.
    assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 1}
    job.refresh_from_db()
    assert (job.state, job.attempts, job.last_error) == (Job.State.SENT, 2, "")
    assert [m.to for m in mailoutbox] == [["a@example.org"]]


@pytest.mark.django_db
def test_after_a_refusal_a_requests_other_jobs_wait_for_the_beat_job_not_the_broker(
    caplog, mailoutbox, django_capture_on_commit_callbacks
):
    # A broker that hangs costs each try a timeout: a request with three jobs tries once.
    caplog.set_level(logging.WARNING, logger="trust_portal.outbox.services")
    with (
        mock.patch.object(email_task(), "apply_async", side_effect=REFUSED) as sending,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        jobs = [
            email_add(subject="Approved", body="Yes.", to=f"{n}@example.org", description="E")
            for n in range(3)
        ]
    assert sending.call_count == 1
    states = [Job.objects.values_list("state", "attempts").get(pk=job.pk) for job in jobs]
    assert states == [(Job.State.RETRYING, 1), (Job.State.WAITING, 0), (Job.State.WAITING, 0)]
    assert len(caplog.records) == 1  # the one refusal, in one line
    # The beat job sends the two that waited (they are due); the refused one waits its turn.
    assert outbox_send_task.run() == {"reclaimed": 0, "sent": 2}
    assert sorted(m.to[0] for m in mailoutbox) == ["1@example.org", "2@example.org"]
    # The pause passes, and a request's jobs go straight to the broker again.
    services._early_sends_paused_until = 0.0
    an_email(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 3


@pytest.mark.django_db
def test_a_job_refused_for_another_reason_than_the_broker_pauses_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    # One job that cannot be encoded is no reason to leave the next ones to the beat job.
    refused = mock.Mock(side_effect=[ValueError("not JSON"), None])
    with (
        mock.patch.object(email_task(), "apply_async", refused),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        jobs = [email_add(subject="S", body="B", to=f"{n}@e.org", description="E") for n in (1, 2)]
    assert refused.call_count == 2
    states = [Job.objects.values_list("state", flat=True).get(pk=job.pk) for job in jobs]
    assert states == [Job.State.RETRYING, Job.State.SENT]


@pytest.mark.django_db
def test_each_failed_try_waits_longer_and_the_last_gives_up(
    settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_RETRY_MAX_SECONDS = 4, 90
    waits = []
    with (
        mock.patch.object(email_task(), "apply_async", side_effect=REFUSED),
        time_machine.travel(timezone.now(), tick=False) as clock,
    ):
        job = an_email(django_capture_on_commit_callbacks)
        for _ in range(3):
            job.refresh_from_db()
            waits.append(round((job.not_before - timezone.now()).total_seconds()))
            clock.move_to(job.not_before + timedelta(seconds=1))
            outbox_send_task.run()
    job.refresh_from_db()
    assert waits == [30, 60, 90]
    assert (job.state, job.attempts) == (Job.State.FAILED, 4)


@pytest.mark.django_db
def test_a_job_is_never_sent_twice_when_the_beat_job_and_the_commit_race(
    django_capture_on_commit_callbacks,
):
    job = an_email(django_capture_on_commit_callbacks, execute=False)  # committed, not sent
    raced = []

    def meanwhile(*args, **kwargs):
        # While the beat job hands the job over, the request's own send comes in.
        raced.append(job_send(job_id=job.pk, early=True))

    with mock.patch.object(email_task(), "apply_async", side_effect=meanwhile) as sent:
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 1}
        assert job_send(job_id=job.pk, early=True) is False  # and once it is sent
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}
    assert raced == [False]
    assert sent.call_count == 1


@pytest.mark.django_db
def test_a_job_due_later_is_sent_with_the_rest_of_its_countdown(
    django_capture_on_commit_callbacks,
):
    with (
        mock.patch.object(email_task(), "apply_async") as sent,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        job_add(task=EMAIL_TASK, kwargs={"to": ["x"]}, countdown=60, description="Later")
    assert sent.call_args.kwargs["countdown"] == 60


@pytest.mark.django_db
def test_an_unknown_task_fails_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = job_add(task="trust_portal.outbox.tasks.no_such_task", description="Nothing")
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.FAILED, 1)
    assert job.last_error.startswith("ImportError: ")


@pytest.mark.parametrize(
    "recorded, shown",
    [
        ("", ""),
        (
            "OperationalError: Error 111 connecting to 127.0.0.1:6379.",
            "The message broker could not be reached.",
        ),
        ("TimeoutError: timed out", "The message broker could not be reached."),
        (
            "ImportError: No module named 'x'",
            "The workers have no such task: the portal's code may be part-way through an update.",
        ),
        (
            "EncodeError: Object of type set is not JSON serializable",
            "The job could not be handed to the broker "
            "(Object of type set is not JSON serializable).",
        ),
        ("EncodeError: EncodeError()", "The job could not be handed to the broker."),
    ],
)
def test_a_jobs_error_is_said_in_words(recorded, shown):
    assert error_in_words(recorded) == shown


def failed_job(**fields):
    return Job.objects.create(
        task=EMAIL_TASK,
        kwargs={"subject": "S", "body": "B", "to": ["a@example.org"]},
        description="Email: S",
        state=Job.State.FAILED,
        attempts=150,
        last_error="OperationalError: Error 111 connecting to 127.0.0.1:6379.",
        not_before=timezone.now(),
        **fields,
    )


def test_the_jobs_page_lists_what_is_not_sent_with_its_error(world, client_for):
    failed = failed_job()
    Job.objects.create(
        task=EMAIL_TASK, description="Email: sent", state=Job.State.SENT, not_before=timezone.now()
    )
    Job.objects.create(task=EMAIL_TASK, description="Email: waiting", not_before=timezone.now())
    page = client_for(world.admin).get(reverse("outbox:job-list")).content.decode()
    assert "2 jobs not sent." in page
    assert "Email: waiting" in page and "Waiting to send" in page
    assert "The message broker could not be reached." in page and "Failed to send" in page
    assert "OperationalError" not in page and "Error 111" not in page
    assert "Email: sent" not in page
    assert page.count("Send again") == 1  # the failed job only
    assert reverse("outbox:job-resend", args=[failed.pk]) in page


def test_the_jobs_page_says_why_a_job_was_sent_again(world, client_for):
    Job.objects.create(
        task=EMAIL_TASK,
        description="Email: retrying",
        state=Job.State.RETRYING,
        not_before=timezone.now(),
        resent_at=timezone.now(),
        resent_because="Sent again once the message broker answered again.",
    )
    page = client_for(world.admin).get(reverse("outbox:job-list")).content.decode()
    assert "Sent again once the message broker answered again. (" in page


def test_the_jobs_page_says_when_nothing_waits(world, client_for):
    page = client_for(world.admin).get(reverse("outbox:job-list")).content.decode()
    assert "Every job has been sent to the workers" in page


def test_the_jobs_page_is_for_administrators_only(world, client_for):
    for who in ("officer", "manager", "observer", "scrutiny"):
        response = client_for(world.people[who]).get(reverse("outbox:job-list"))
        assert response.status_code == 403


def test_an_administrator_sends_a_failed_job_again_and_it_is_recorded_on_the_job(
    world, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    job = failed_job()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.admin).post(reverse("outbox:job-resend", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.SENT
    assert [m.to for m in mailoutbox] == [["a@example.org"]]
    assert job.resent_by == world.admin
    assert job.attempts == 1  # started over, and sent at the first try
    assert job.resent_at is not None
    name = world.admin.get_full_name() or world.admin.username
    assert job.resent_because == f"Sent again by {name}, an administrator."


def test_only_a_failed_job_is_sent_again_and_only_by_an_administrator(world):
    job = failed_job()
    with pytest.raises(PermissionDenied):
        services.job_resend(by=world.people["officer"], job=job)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RETRYING)
    with pytest.raises(ValidationError, match="Only a job that failed"):
        services.job_resend(by=world.admin, job=job)


def test_sent_jobs_are_forgotten_after_a_week(db, settings):
    settings.OUTBOX_KEEP_SENT_DAYS = 7
    now = timezone.now()
    for name, age, state in (
        ("old", 8, Job.State.SENT),
        ("recent", 6, Job.State.SENT),
        ("failed long ago", 30, Job.State.FAILED),
    ):
        moment = now - timedelta(days=age)
        sent_at = moment if state == Job.State.SENT else None
        Job.objects.create(
            task=EMAIL_TASK, description=name, state=state, sent_at=sent_at, not_before=moment
        )
    outbox_send_task.run()
    remaining = set(Job.objects.values_list("description", flat=True))
    assert remaining == {"recent", "failed long ago"}
