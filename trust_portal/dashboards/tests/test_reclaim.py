"""A recompute whose worker died (killed mid-run: the run stays "running"): once its lease has
passed, the beat job gives it back, and a redelivered message or the new job finishes it."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from trust_portal.dashboards.models import RecomputeRun
from trust_portal.dashboards.services import recompute_request, run_claim
from trust_portal.dashboards.tasks import recompute_task
from trust_portal.outbox.models import Job
from trust_portal.outbox.tasks import outbox_send_task


@pytest.fixture
def lease(settings):
    settings.TASK_LEASE_SECONDS = 60
    return timedelta(seconds=60)


@pytest.fixture
def killed(arrangement):
    """A run a worker claimed, then died in (SIGKILL): "running", with nobody running it."""
    with transaction.atomic():
        run = recompute_request(arrangement_id=arrangement.pk, delay=0)
    Job.objects.update(state=Job.State.SENT)
    assert run_claim(run.pk)
    run.refresh_from_db()
    return run


def test_a_run_stuck_running_past_its_lease_is_given_back_and_completes(arrangement, lease, killed):
    # Its message delivered again (Redis's visibility timeout) before the lease ends: nothing.
    with mock.patch("trust_portal.dashboards.tasks.snapshot_recompute") as rebuild:
        assert recompute_task.run(arrangement.pk, run_id=killed.pk) == []
    rebuild.assert_not_called()
    with mock.patch.object(recompute_task, "apply_async") as sent:
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}  # within its lease
        with time_machine.travel(killed.started_at + lease + timedelta(seconds=1)):
            assert outbox_send_task.run() == {"reclaimed": 1, "sent": 1}
            assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}  # given back once
    sent.assert_called_once_with(args=[arrangement.pk], kwargs={"run_id": killed.pk})
    killed.refresh_from_db()
    assert killed.state == RecomputeRun.State.RETRYING
    assert killed.error == "Its worker stopped before it finished; started again."
    # The redelivered message claims it now; the new job's message then finds it done.
    assert "summary" in recompute_task.run(arrangement.pk, run_id=killed.pk)
    killed.refresh_from_db()
    assert (killed.state, killed.attempts, killed.error) == ("succeeded", 2, "")
    assert recompute_task.run(arrangement.pk, run_id=killed.pk) == []


def test_a_run_that_finished_is_never_given_back(arrangement, lease, killed):
    RecomputeRun.objects.filter(pk=killed.pk).update(state=RecomputeRun.State.SUCCEEDED)
    with time_machine.travel(killed.started_at + lease * 2):
        assert outbox_send_task.run()["reclaimed"] == 0
    killed.refresh_from_db()
    assert killed.state == RecomputeRun.State.SUCCEEDED


def test_the_recompute_is_recorded_with_the_change_and_its_run_claimed_once(
    arrangement, django_capture_on_commit_callbacks
):
    with mock.patch.object(recompute_task, "apply_async") as sent:
        with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
            run = recompute_request(arrangement_id=arrangement.pk)
            # Inside the change's transaction: the waiting run and its job, nothing sent yet.
            assert RecomputeRun.objects.get().state == RecomputeRun.State.QUEUED
            job = Job.objects.get()
            sent.assert_not_called()
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert job.state == Job.State.SENT
    assert job.kwargs == {"run_id": run.pk}
    assert sent.call_args.kwargs["countdown"] == 60
    assert run_claim(run.pk) and not run_claim(run.pk)


def test_a_clash_on_the_one_waiting_run_joins_the_other_and_keeps_the_change(arrangement):
    from django.db.models import QuerySet

    real_update = QuerySet.update
    looked = []

    def look_then_clash(queryset, **fields):
        found = real_update(queryset, **fields)
        if not looked:  # another transaction's waiting run lands between our look and insert
            looked.append(found)
            RecomputeRun.objects.create(arrangement=arrangement, queued_at=timezone.now())
        return found

    with transaction.atomic():  # the change's own transaction
        change = Job.objects.create(task="x", description="the change", not_before=timezone.now())
        with mock.patch.object(QuerySet, "update", autospec=True, side_effect=look_then_clash):
            run = recompute_request(arrangement_id=arrangement.pk)
        # Only the insert was undone (a savepoint): the change's transaction goes on.
        assert Job.objects.filter(pk=change.pk).exists()
    assert looked == [0]
    assert RecomputeRun.objects.get() == run
    run.refresh_from_db()
    assert (run.state, run.requests) == (RecomputeRun.State.QUEUED, 2)


def test_a_run_whose_retry_message_was_lost_is_given_back_once_and_completes(
    arrangement, lease, killed
):
    # It failed and asked to be tried again, but the broker was down: no message will come.
    failed_at = killed.started_at
    RecomputeRun.objects.filter(pk=killed.pk).update(
        state=RecomputeRun.State.RETRYING, finished_at=failed_at, error="OperationalError"
    )
    longest_wait = timedelta(minutes=8)  # the last of the task's own backoffs
    with mock.patch.object(recompute_task, "apply_async") as sent:
        with time_machine.travel(failed_at + lease + longest_wait - timedelta(seconds=1)):
            assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}  # may still come
        with time_machine.travel(failed_at + lease + longest_wait + timedelta(seconds=1)):
            assert outbox_send_task.run() == {"reclaimed": 1, "sent": 1}
            assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}  # given back once
    sent.assert_called_once_with(args=[arrangement.pk], kwargs={"run_id": killed.pk})
    assert "summary" in recompute_task.run(arrangement.pk, run_id=killed.pk)
    killed.refresh_from_db()
    assert (killed.state, killed.error) == (RecomputeRun.State.SUCCEEDED, "")


def test_a_run_whose_worker_died_three_times_is_failed_not_given_back(arrangement, lease, killed):
    RecomputeRun.objects.filter(pk=killed.pk).update(attempts=3)
    with (
        mock.patch.object(recompute_task, "apply_async") as sent,
        time_machine.travel(killed.started_at + lease + timedelta(seconds=1)),
    ):
        assert outbox_send_task.run() == {"reclaimed": 0, "sent": 0}
    sent.assert_not_called()
    killed.refresh_from_db()
    assert killed.state == RecomputeRun.State.FAILED
    assert killed.error == "Its worker stopped before it finished, 3 times."


def test_a_change_whose_clashing_run_was_claimed_meanwhile_gets_a_waiting_run(arrangement):
    from django.db.models import QuerySet

    real_update = QuerySet.update
    other = []

    def clash_then_claim(queryset, **fields):
        if other:  # before we join it, a worker claims the run we clashed with
            real_update(RecomputeRun.objects.filter(pk=other[0].pk), state="running")
        found = real_update(queryset, **fields)
        if not other:  # another transaction's waiting run lands between our look and insert
            waiting = RecomputeRun.objects.create(arrangement=arrangement, queued_at=timezone.now())
            other.append(waiting)
        return found

    with (
        transaction.atomic(),
        mock.patch.object(QuerySet, "update", autospec=True, side_effect=clash_then_claim),
    ):
        run = recompute_request(arrangement_id=arrangement.pk)
    assert run != other[0]
    run.refresh_from_db()
    assert run.state == RecomputeRun.State.QUEUED  # this change is answered by a run to come
