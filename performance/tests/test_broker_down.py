"""The broker down at the moment of a change (issue 16): the change still answers as usual and
commits, its jobs wait in the outbox, and the beat job sends them once the broker is back."""

from datetime import date, timedelta
from unittest import mock

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from performance import tasks
from performance.models import ExtractUpload
from performance.services import returns, uploads
from performance.tests.conftest import save
from performance.tests.test_extract_uploads import GOOD
from trust_portal.approvals.models import State
from trust_portal.dashboards.models import RecomputeRun
from trust_portal.dashboards.tasks import recompute_task
from trust_portal.outbox.models import Job
from trust_portal.outbox.services import EMAIL_TASK
from trust_portal.outbox.tasks import outbox_send_task

MONTH = date(2025, 6, 1)
REFUSED = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def broker_down():
    """Every message refused, as kombu refuses them when Redis is stopped."""
    return mock.patch(
        "trust_portal.outbox.services._task",
        return_value=mock.Mock(apply_async=mock.Mock(side_effect=REFUSED)),
    )


@pytest.fixture
def draft(people, arrangement, catalogue):
    monthly_return = returns.return_start(
        by=people["manager"], arrangement=arrangement, month=MONTH
    )
    save(people["manager"], monthly_return)
    monthly_return.refresh_from_db()
    return monthly_return


def page(monthly_return, name):
    args = [monthly_return.arrangement.code, f"{monthly_return.period:%Y-%m}", 1]
    return reverse(f"performance:{name}", args=args)


def test_an_approval_with_the_broker_down_answers_as_usual_and_its_jobs_are_sent_later(
    people, draft, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        submitted = client_for(people["manager"]).post(page(draft, "return-submit"))
        first = client_for(people["officer"]).post(page(draft, "return-approve"))
        second = client_for(people["other-officer"]).post(page(draft, "return-approve"))
    assert (submitted.status_code, first.status_code, second.status_code) == (302, 302, 302)
    draft.refresh_from_db()
    assert draft.state == State.APPROVED  # committed
    assert mailoutbox == []
    run = RecomputeRun.objects.get(arrangement=draft.arrangement)
    assert (run.state, run.requests) == (RecomputeRun.State.QUEUED, 1)
    jobs = Job.objects.order_by("pk")
    # The first job's send was refused; the rest wait, due, for the beat job (each further
    # try would have cost the requests another wait on a broker that may hang).
    tried, *waiting = jobs
    assert (tried.state, tried.attempts) == (Job.State.RETRYING, 1)
    assert tried.last_error.startswith("OperationalError: Error 111")
    assert waiting and {(job.state, job.attempts) for job in waiting} == {(Job.State.WAITING, 0)}
    recompute = jobs.get(task="trust_portal.dashboards.tasks.recompute_task")
    assert (recompute.args, recompute.kwargs) == ([draft.arrangement.pk], {"run_id": run.pk})

    # The broker is back: the next beat job sends every job, and the run completes.
    emails = jobs.filter(task=EMAIL_TASK).count()
    with (
        mock.patch.object(recompute_task, "apply_async") as sent,
        time_machine.travel(timezone.now() + timedelta(minutes=2)),
    ):
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": emails + 1}
    assert not Job.objects.exclude(state=Job.State.SENT).exists()
    assert len(mailoutbox) == emails
    ((call),) = sent.call_args_list
    recompute_task.apply(args=call.kwargs["args"], kwargs=call.kwargs["kwargs"])
    run.refresh_from_db()
    assert run.state == RecomputeRun.State.SUCCEEDED


def test_an_extract_uploaded_with_the_broker_down_keeps_its_file_and_is_checked_later(
    people, draft, area_codes, client_for, django_capture_on_commit_callbacks
):
    first, second = area_codes
    text = GOOD.format(first=first, second=second)
    file = SimpleUploadedFile("june.csv", text.encode(), content_type="text/csv")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["manager"]).post(page(draft, "return-extract"), {"file": file})
    upload = ExtractUpload.objects.get()
    assert response.status_code == 302
    assert response.url == upload.get_absolute_url()
    assert upload.state == ExtractUpload.State.QUEUED
    assert default_storage.exists(upload.storage_name)  # kept for the check to come
    job = Job.objects.get(task="performance.tasks.extract_import_task")
    assert (job.state, job.args) == (Job.State.RETRYING, [upload.pk])

    def worker(args=(), kwargs=None, **options):  # a worker that runs what it is sent
        tasks.extract_import_task.apply(args=args)

    with (
        mock.patch.object(tasks.extract_import_task, "apply_async", side_effect=worker),
        time_machine.travel(timezone.now() + timedelta(minutes=2)),
    ):
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 1}
    upload.refresh_from_db()
    assert upload.state == ExtractUpload.State.DONE
    assert upload.figures_filled > 0


@pytest.fixture
def area_codes(world):
    return [council.code for council in world.councils]


def test_a_check_whose_worker_died_is_given_back_and_finished(
    people, draft, area_codes, settings, django_capture_on_commit_callbacks
):
    settings.TASK_LEASE_SECONDS = 60
    first, second = area_codes
    text = GOOD.format(first=first, second=second)
    file = SimpleUploadedFile("june.csv", text.encode(), content_type="text/csv")
    with mock.patch.object(tasks.extract_import_task, "apply_async"):
        upload = uploads.extract_upload_start(by=people["manager"], monthly_return=draft, file=file)
    # A worker claimed it, then was killed (SIGKILL): it stays "running" with its file.
    started = timezone.now()
    ExtractUpload.objects.filter(pk=upload.pk).update(
        state=ExtractUpload.State.RUNNING, started_at=started, progress=40
    )
    # A second delivery of its message while it runs does nothing.
    assert uploads.extract_upload_run(upload_id=upload.pk).state == ExtractUpload.State.RUNNING
    with mock.patch.object(tasks.extract_import_task, "apply_async") as sent:
        assert outbox_send_task.run()["reclaimed"] == 0  # within its lease
        with time_machine.travel(started + timedelta(seconds=61)):
            assert outbox_send_task.run() == {"reclaimed": 1, "sent": 1}
    assert sent.call_args.kwargs["args"] == [upload.pk]
    upload.refresh_from_db()
    assert (upload.state, upload.progress) == (ExtractUpload.State.QUEUED, 0)
    # The redelivered (or the new) message claims it and finishes the check.
    assert uploads.extract_upload_run(upload_id=upload.pk).state == ExtractUpload.State.DONE


def test_a_check_given_up_on_is_sent_again_once_the_broker_answers_and_finishes(
    people, draft, area_codes, django_capture_on_commit_callbacks
):
    first, second = area_codes
    file = SimpleUploadedFile(
        "june.csv", GOOD.format(first=first, second=second).encode(), content_type="text/csv"
    )
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        upload = uploads.extract_upload_start(by=people["manager"], monthly_return=draft, file=file)
    # The broker refused it all day: given up on.
    Job.objects.update(state=Job.State.FAILED, attempts=150)

    def worker(args=(), kwargs=None, **options):
        tasks.extract_import_task.apply(args=args)

    with mock.patch.object(tasks.extract_import_task, "apply_async", side_effect=worker):
        with mock.patch("trust_portal.outbox.services._broker_answers", return_value=False):
            assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}  # still down
        assert Job.objects.get().state == Job.State.FAILED
        with mock.patch("trust_portal.outbox.services._broker_answers", return_value=True):
            assert outbox_send_task.run() == {"reclaimed": 0, "sent": 1}
    job = Job.objects.get()
    assert (job.state, job.attempts) == (Job.State.SENT, 1)
    assert job.resent_because == "Sent again once the message broker answered again."
    upload.refresh_from_db()
    assert upload.state == ExtractUpload.State.DONE
    assert upload.figures_filled > 0


def test_a_check_is_described_by_the_trust_the_return_and_the_month(
    people, draft, area_codes, django_capture_on_commit_callbacks
):
    file = SimpleUploadedFile("june.csv", b"a,b\n1,2\n", content_type="text/csv")
    with mock.patch.object(tasks.extract_import_task, "apply_async"):
        uploads.extract_upload_start(by=people["manager"], monthly_return=draft, file=file)
    code = draft.arrangement.code
    assert Job.objects.get().description == (
        f"Check the extract uploaded into {code}'s performance return for June 2025"
    )
