"""Redis stopped, or hung (SIGSTOP), at the moment of a change, and a worker killed (SIGKILL)
in the middle of a job: the change answers as usual and commits, and once a broker and a
worker are back the beat job (``outbox_send_task``) gets every job done, once. Each ends with
the figures as approved and every dashboard snapshot current (the same as building it now)."""

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from contracts.models import BudgetReturn
from performance.models import ExtractUpload, MonthlyReturn
from tests.faults.conftest import database_now, wait_for
from trust_portal.accounts.models import Arrangement
from trust_portal.approvals import services as approvals
from trust_portal.approvals.models import State
from trust_portal.dashboards.models import RecomputeRun, Snapshot
from trust_portal.dashboards.registry import builders
from trust_portal.dashboards.services import snapshot_status
from trust_portal.outbox.models import Job
from trust_portal.outbox.tasks import outbox_send_task

RECOMPUTE = "trust_portal.dashboards.tasks.recompute_task"
EXTRACT = "performance.tasks.extract_import_task"


@pytest.fixture
def nct(committed_cast, settings, tmp_path):
    # A recompute is wanted at once (not a minute later), and the extracts' files go to the
    # test's own folder, which the workers are given too.
    settings.DASHBOARD_RECOMPUTE_DELAY = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    return Arrangement.objects.get(trust__code="NCT")


def beat_once() -> dict:
    """The beat job, run here as the real time (this process's clock is pinned): every job
    that waits to be retried is due by then."""
    with time_machine.travel(database_now() + timedelta(seconds=1), tick=True):
        return outbox_send_task.run()


def assert_every_snapshot_current(arrangement) -> None:
    """Every dashboard's version in force is what building it now gives, and none is said to
    be updating or failed."""
    for name, entry in sorted(builders().items()):
        snapshot = Snapshot.objects.version(arrangement, name)
        assert snapshot is not None, name
        # Built as of the real time, as the workers built it (this process's clock is pinned
        # to the tests' day: a builder that reads today, finance's payments due, would differ).
        with time_machine.travel(database_now(), tick=True):
            built = entry.build(arrangement)
        now = json.loads(json.dumps(built, default=str, sort_keys=True))
        assert json.loads(json.dumps(snapshot.data, sort_keys=True)) == now, name
        status = snapshot_status(arrangement, snapshot)
        assert (status.updating, status.failed) == (False, False), name


def ran_once(worker, task: str) -> None:
    """The worker's log says it received ``task`` once and it succeeded (the log line comes a
    moment after the task's own last write, so it is waited for)."""
    wait_for(
        lambda: f"{task}[" in worker.log() and " succeeded in " in worker.log(),
        within=30,
        what=f"the worker to log {task} succeeded",
        proc=worker,
    )
    lines = [line for line in worker.log().splitlines() if f"{task}[" in line]
    assert [line.split("] ", 2)[-1].split()[0] for line in lines] == ["received", "succeeded"]


def run_done(arrangement) -> bool:
    latest = RecomputeRun.objects.filter(arrangement=arrangement).order_by("-queued_at", "-pk")
    return not latest.first().in_progress


def submitted_budget(nct, committed_cast):
    """The demo's budget month awaiting both councils, approved by West Northamptonshire's
    officer: North Northamptonshire's approval completes it."""
    budget = BudgetReturn.objects.get(arrangement=nct, state=State.SUBMITTED)
    approvals.submission_approve_area(submission=budget, by=committed_cast["wnc-officer"])
    return budget


def approve_page(budget) -> str:
    args = [budget.arrangement.code, f"{budget.period:%Y-%m}", budget.revision]
    return reverse("contracts:budget-approve", args=args)


@pytest.fixture
def held(workers, settings, tmp_path):
    """A worker whose task, once started, waits mid-way (``FAULT_HOLD``), with a lease of a
    second, so what it held is given back at the next beat once it is killed."""
    settings.TASK_LEASE_SECONDS = 1
    return HeldWorker(workers, tmp_path / "hold")


class HeldWorker:
    def __init__(self, workers, hold: Path):
        self.workers, self.hold = workers, hold
        self.first = workers.start(FAULT_HOLD=str(hold))

    def kill_once_started(self, what: str) -> None:
        """Wait for the held worker to start ``what``, then SIGKILL it there."""
        wait_for(
            lambda: Path(f"{self.hold}.entered").exists(),
            within=60,
            what=f"the worker to start {what}",
            proc=self.first,
        )
        self.first.kill9()

    def replace(self):
        """A new worker, and the beat job giving back the one job the dead one held (with a
        new job, sent as the reclaim commits, or by the beat job itself)."""
        second = self.workers.start()
        assert beat_once()["reclaimed"] == 1
        return second


def approval_kept_and_recompute_waiting(budget, response) -> Job:
    """The approval answered as usual and committed; its recompute's job waits to be tried
    again (its send failed), not lost."""
    assert response.status_code == 302
    assert BudgetReturn.objects.get(pk=budget.pk).state == State.APPROVED
    job = Job.objects.get(task=RECOMPUTE)
    assert job.state == Job.State.RETRYING
    return job


def dashboards_catch_up(nct, workers) -> None:
    """With Redis back: a worker and the beat job finish the one recompute, every job is sent
    and every snapshot is current."""
    worker = workers.start()
    assert beat_once()["sent"] >= 1
    wait_for(lambda: run_done(nct), within=90, what="the recompute to finish", proc=worker)

    assert RecomputeRun.objects.filter(arrangement=nct).get().state == RecomputeRun.State.SUCCEEDED
    assert not Job.objects.exclude(state=Job.State.SENT).exists()
    assert_every_snapshot_current(nct)


def test_an_approval_while_redis_is_stopped_commits_and_the_dashboards_catch_up_after(
    nct, committed_cast, client_for, redis, workers
):
    budget = submitted_budget(nct, committed_cast)
    redis.stop()

    response = client_for(committed_cast["nnc-officer"]).post(
        approve_page(budget), {"version": budget.lock_version}
    )

    job = approval_kept_and_recompute_waiting(budget, response)
    assert "Connection refused" in job.last_error or "Error 111" in job.last_error
    redis.start()
    dashboards_catch_up(nct, workers)


def answered_within(seconds: float, request):
    """``request()``'s answer, made in a thread of its own (with its own database connection)
    so that a request hanging on the broker fails the test rather than holding it for ever."""
    answers = []

    def one():
        try:
            answers.append(request())
        finally:
            connection.close()

    thread = threading.Thread(target=one)
    thread.start()
    thread.join(timeout=seconds)
    assert not thread.is_alive(), f"the request did not answer within {seconds} s"
    assert answers, "the request raised instead of answering"
    return answers[0]


def test_an_approval_while_redis_hangs_answers_commits_and_the_dashboards_catch_up_after(
    nct, committed_cast, client_for, redis, workers
):
    budget = submitted_budget(nct, committed_cast)
    client = client_for(committed_cast["nnc-officer"])
    client.raise_request_exception = False  # a 500 is an answer to assert on, as in production
    redis.hang()

    # Each send gives up within the broker's connect and socket timeouts (BROKER_TIMEOUTS):
    # the bound allows for every job the approval makes (its emails and the recompute).
    response = answered_within(
        60, lambda: client.post(approve_page(budget), {"version": budget.lock_version})
    )

    approval_kept_and_recompute_waiting(budget, response)
    redis.resume()
    dashboards_catch_up(nct, workers)


def test_a_worker_killed_mid_recompute_is_replaced_and_the_run_finishes_once(
    nct, committed_cast, client_for, held
):
    budget = submitted_budget(nct, committed_cast)
    client_for(committed_cast["nnc-officer"]).post(
        approve_page(budget), {"version": budget.lock_version}
    )
    run = RecomputeRun.objects.get(arrangement=nct)
    held.kill_once_started("the recompute")
    run.refresh_from_db()
    assert run.state == RecomputeRun.State.RUNNING  # and would stay so, with nobody on it

    second = held.replace()
    wait_for(lambda: run_done(nct), within=90, what="the recompute to finish", proc=second)

    run.refresh_from_db()
    assert run.state == RecomputeRun.State.SUCCEEDED
    assert RecomputeRun.objects.filter(arrangement=nct).count() == 1
    ran_once(second, RECOMPUTE)
    assert_every_snapshot_current(nct)


def draft_and_sample(nct, client):
    draft = MonthlyReturn.objects.get(arrangement=nct, state=State.DRAFT)
    month = f"{draft.period:%Y-%m}"
    sample = client.get(
        reverse("performance:extract-sample", args=[nct.code, "csv"]), {"month": month}
    )
    assert sample.status_code == 200
    return draft, sample.content


def upload(client, draft, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    args = [draft.arrangement.code, f"{draft.period:%Y-%m}", draft.revision]
    file = SimpleUploadedFile("extract.csv", content, content_type="text/csv")
    return client.post(reverse("performance:return-extract", args=args), {"file": file})


def upload_finished(upload_row) -> bool:
    upload_row.refresh_from_db()
    return upload_row.is_finished


def test_an_upload_while_redis_is_stopped_keeps_its_file_and_is_checked_after(
    nct, committed_cast, client_for, redis, workers
):
    client = client_for(committed_cast["nct-manager"])
    draft, content = draft_and_sample(nct, client)
    redis.stop()

    response = upload(client, draft, content)

    assert response.status_code == 302
    row = ExtractUpload.objects.get(monthly_return=draft)
    assert row.state == ExtractUpload.State.QUEUED
    assert default_storage.exists(row.storage_name)
    assert Job.objects.get(task=EXTRACT).state == Job.State.RETRYING

    redis.start()
    worker = workers.start()
    assert beat_once()["sent"] >= 1
    wait_for(lambda: upload_finished(row), within=90, what="the check to finish", proc=worker)

    assert row.state == ExtractUpload.State.DONE, row.message
    assert row.figures_filled > 0
    assert not default_storage.exists(row.storage_name or "-")


def test_a_worker_killed_mid_extract_is_replaced_and_the_check_finishes_once(
    nct, committed_cast, client_for, held
):
    client = client_for(committed_cast["nct-manager"])
    draft, content = draft_and_sample(nct, client)
    assert upload(client, draft, content).status_code == 302
    row = ExtractUpload.objects.get(monthly_return=draft)
    held.kill_once_started("the check")
    row.refresh_from_db()
    assert row.state == ExtractUpload.State.RUNNING

    second = held.replace()
    wait_for(lambda: upload_finished(row), within=90, what="the check to finish", proc=second)

    assert row.state == ExtractUpload.State.DONE, row.message
    assert row.figures_filled > 0
    assert ExtractUpload.objects.filter(monthly_return=draft).count() == 1
    ran_once(second, EXTRACT)
