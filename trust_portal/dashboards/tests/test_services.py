"""Computing, queueing and running the dashboards' snapshots, on the root ``world``'s
arrangement (the demo's: test_services_demo.py)."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from trust_portal.accounts.models import Arrangement
from trust_portal.accounts.tests.factories import CouncilOfficerFactory
from trust_portal.dashboards import registry
from trust_portal.dashboards.models import RecomputeRun, Snapshot
from trust_portal.dashboards.services import (
    BuildFailed,
    recompute_request,
    snapshot_queue_recompute,
    snapshot_recompute,
    snapshot_status,
)
from trust_portal.dashboards.tasks import backoff, recompute_all_task, recompute_task


@pytest.fixture
def sent():
    """The messages sent to Celery (none reach a worker in these tests)."""
    with mock.patch.object(recompute_task, "apply_async") as apply_async:
        yield apply_async


def test_the_summary_counts_active_accounts_by_organisation(world, arrangement):
    (snapshot,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    data = snapshot.data
    first, trust = world.councils[0].code, world.trust.code
    assert data["arrangement"] == trust
    assert [c["code"] for c in data["councils"]] == sorted(c.code for c in world.councils)
    # The first council: one officer and one scrutiny member active; the leaver does not count.
    assert data["active_users"][first]["total"] == 2
    assert data["active_users"][first]["by_role"]["council_officer"] == 1
    assert data["active_users"][trust]["by_role"]["trust_manager"] == 1
    assert data["dfe_observers"] == 1


def test_recomputing_the_same_figures_adds_no_version(arrangement):
    (first,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    (second,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    assert Snapshot.objects.filter(arrangement=arrangement, name="summary").count() == 1
    assert (second.pk, second.computed_at) == (first.pk, first.computed_at)


LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)
FRIDAY = datetime(2026, 12, 4, 17, 30, tzinfo=LONDON)


def recompute_at(moment, arrangement):
    with mock.patch("trust_portal.dashboards.services.timezone.now", return_value=moment):
        (snapshot,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    snapshot.refresh_from_db()
    return snapshot


def test_a_new_version_is_confirmed_when_it_is_computed(arrangement):
    first = recompute_at(MONDAY, arrangement)
    assert (first.computed_at, first.confirmed_at) == (MONDAY, MONDAY)
    assert first.confirmed_by() is None  # nothing has confirmed it since


def test_recomputing_the_same_figures_marks_the_version_confirmed_not_computed(arrangement):
    first = recompute_at(MONDAY, arrangement)
    again = recompute_at(FRIDAY, arrangement)
    assert again.pk == first.pk
    assert (again.computed_at, again.confirmed_at) == (MONDAY, FRIDAY)
    assert again.confirmed_by() == FRIDAY


def test_the_version_of_a_past_moment_is_still_chosen_by_when_it_was_computed(world, arrangement):
    first = recompute_at(MONDAY, arrangement)
    recompute_at(FRIDAY - timedelta(days=1), arrangement)  # confirmed on Thursday
    CouncilOfficerFactory(organisation=world.councils[0])
    second = recompute_at(FRIDAY, arrangement)
    assert second.pk != first.pk
    wednesday = MONDAY + timedelta(days=2)
    assert Snapshot.objects.version(arrangement, "summary", at=wednesday) == first
    assert Snapshot.objects.version(arrangement, "summary", at=FRIDAY) == second
    first.refresh_from_db()
    # As of Wednesday the figures had not yet been confirmed (that was on Thursday).
    assert first.confirmed_by(wednesday) is None
    assert first.confirmed_by(FRIDAY) == FRIDAY - timedelta(days=1)


def test_a_snapshot_made_directly_is_confirmed_at_its_computing(arrangement):
    snapshot = Snapshot.objects.create(
        arrangement=arrangement, name="direct", data={}, computed_at=MONDAY
    )
    assert snapshot.confirmed_at == MONDAY


def test_the_migration_confirms_each_version_when_it_was_computed(arrangement):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("trust_portal.dashboards.migrations.0005_snapshot_confirmed_at")
    snapshot = recompute_at(MONDAY, arrangement)
    Snapshot.objects.filter(pk=snapshot.pk).update(confirmed_at=FRIDAY)
    migration.confirmed_when_computed(apps, None)
    snapshot.refresh_from_db()
    assert snapshot.confirmed_at == MONDAY


def test_recomputing_changed_figures_adds_a_version_and_keeps_the_one_before(world, arrangement):
    (first,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    CouncilOfficerFactory(organisation=world.councils[0])
    (second,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    versions = Snapshot.objects.filter(arrangement=arrangement, name="summary")
    assert list(versions.order_by("computed_at")) == [first, second]
    assert second.computed_at > first.computed_at
    council = world.councils[0].code
    assert first.data["active_users"][council]["total"] == 2
    assert second.data["active_users"][council]["total"] == 3
    # The version in force: now, and at any moment between the two.
    assert Snapshot.objects.version(arrangement, "summary") == second
    assert Snapshot.objects.version(arrangement, "summary", at=second.computed_at) == second
    between = first.computed_at + (second.computed_at - first.computed_at) / 2
    assert Snapshot.objects.version(arrangement, "summary", at=between) == first
    before = first.computed_at - timedelta(microseconds=1)
    assert Snapshot.objects.version(arrangement, "summary", at=before) is None
    assert Snapshot.objects.latest_for([arrangement], name="summary", at=between) == {
        arrangement.pk: first
    }


def broken(name="summary"):
    error = RuntimeError("the database went away")
    return registry.Builder(name=name, build=mock.Mock(side_effect=error), source="x")


def test_a_failing_builder_leaves_the_previous_snapshot_untouched(arrangement):
    (before,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    with (
        mock.patch.dict(registry._BUILDERS, {"summary": broken()}),
        pytest.raises(BuildFailed, match="summary: RuntimeError: the database went away"),
    ):
        snapshot_recompute(arrangement=arrangement, names=["summary"])
    after = Snapshot.objects.get(arrangement=arrangement, name="summary")
    assert after.data == before.data
    assert after.computed_at == before.computed_at


def test_a_swap_that_fails_half_way_leaves_the_previous_snapshot_whole(arrangement):
    (before,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    # Figures the database cannot store (a set is not JSON): the swap itself fails.
    odd = registry.Builder(name="summary", build=lambda a: {"title": "x", "rows": {1, 2}},
                           source="x")  # fmt: skip
    with mock.patch.dict(registry._BUILDERS, {"summary": odd}), pytest.raises(TypeError):
        snapshot_recompute(arrangement=arrangement, names=["summary"])
    after = Snapshot.objects.get(arrangement=arrangement, name="summary")
    assert (after.data, after.computed_at) == (before.data, before.computed_at)


def test_one_failing_builder_does_not_stop_the_others(arrangement):
    fine = registry.Builder(name="zz-fine", build=lambda a: {"title": "Fine"}, source="test")
    with (
        mock.patch.dict(registry._BUILDERS, {"summary": broken(), "zz-fine": fine}),
        pytest.raises(BuildFailed) as failure,
    ):
        snapshot_recompute(arrangement=arrangement, names=["summary", "zz-fine"])
    assert failure.value.built == ["zz-fine"]
    assert list(failure.value.errors) == ["summary"]
    assert Snapshot.objects.get(arrangement=arrangement, name="zz-fine").data == {"title": "Fine"}


def test_an_unknown_dashboard_name_is_refused(arrangement):
    with pytest.raises(ValueError, match="No dashboard builder named nonsense"):
        snapshot_recompute(arrangement=arrangement, names=["nonsense"])


def test_two_builders_cannot_share_a_name():
    @registry.builder("test-unique", source="test")
    def first(arrangement):
        return {}

    with pytest.raises(RuntimeError, match="Two dashboard builders"):

        @registry.builder("test-unique", source="test")
        def second(arrangement):
            return {}

    registry._BUILDERS.pop("test-unique")


# --- Queueing: after commit, coalesced --------------------------------------------------------


def test_a_recompute_is_queued_only_after_the_transaction_commits(
    arrangement, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        snapshot_queue_recompute(arrangement=arrangement)
    # Recorded with the change (its run and its outbox job), sent only once it commits.
    assert RecomputeRun.objects.get().state == "queued"
    sent.assert_not_called()
    for callback in callbacks:
        callback()
    run = RecomputeRun.objects.get()
    assert (run.arrangement, run.state, run.trigger) == (arrangement, "queued", "change")
    sent.assert_called_once_with(args=[arrangement.pk], kwargs={"run_id": run.pk}, countdown=60)


def test_a_rolled_back_change_queues_nothing(arrangement, sent, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        snapshot_queue_recompute(arrangement=arrangement)
        raise RuntimeError("the change failed")
    assert not RecomputeRun.objects.exists()
    sent.assert_not_called()


def test_ten_approvals_in_a_minute_cause_one_run(
    arrangement, sent, django_capture_on_commit_callbacks
):
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            snapshot_queue_recompute(arrangement=arrangement)
    run = RecomputeRun.objects.get()
    assert run.requests == 10
    assert sent.call_count == 1


def test_each_arrangement_gets_its_own_run(
    world, arrangement, sent, django_capture_on_commit_callbacks
):
    other = Arrangement.objects.get(councils=world.outsider.organisation)
    for each in (arrangement, other, arrangement, other):
        with django_capture_on_commit_callbacks(execute=True):
            recompute_request(arrangement_id=each.pk)
    assert sorted(RecomputeRun.objects.values_list("arrangement__trust__code", "requests")) == (
        sorted([(arrangement.code, 2), (other.code, 2)])
    )
    assert sent.call_count == 2


def test_a_change_after_the_run_started_queues_a_new_run(
    arrangement, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = recompute_request(arrangement_id=arrangement.pk)
    RecomputeRun.objects.filter(pk=first.pk).update(state="running")
    with django_capture_on_commit_callbacks(execute=True):
        second = recompute_request(arrangement_id=arrangement.pk)
    assert second.pk != first.pk
    assert sent.call_count == 2


def test_asking_for_now_starts_the_waiting_run_at_once(
    arrangement, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waiting = recompute_request(arrangement_id=arrangement.pk)
    with django_capture_on_commit_callbacks(execute=True):
        joined = recompute_request(arrangement_id=arrangement.pk, trigger="administrator", delay=0)
    assert joined.pk == waiting.pk
    assert sent.call_args_list[-1] == mock.call(
        args=[arrangement.pk], kwargs={"run_id": waiting.pk}
    )


# --- The task ---------------------------------------------------------------------------------


def test_the_task_runs_a_queued_run_and_records_how_it_went(arrangement, sent):
    run = recompute_request(arrangement_id=arrangement.pk)
    assert "summary" in recompute_task.run(arrangement.pk, run_id=run.pk)
    run.refresh_from_db()
    assert run.state == "succeeded"
    assert run.attempts == 1
    assert "summary" in run.built
    assert run.duration_ms is not None and run.finished_at is not None
    assert Snapshot.objects.filter(arrangement=arrangement, name="summary").exists()


def test_a_run_delivered_twice_is_run_once(arrangement, sent):
    run = recompute_request(arrangement_id=arrangement.pk)
    recompute_task.run(arrangement.pk, run_id=run.pk)
    with mock.patch("trust_portal.dashboards.tasks.snapshot_recompute") as rebuild:
        assert recompute_task.run(arrangement.pk, run_id=run.pk) == []
    rebuild.assert_not_called()


def test_a_failed_run_is_retried_with_backoff_and_the_page_is_told(arrangement, sent):
    (good,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    run = recompute_request(arrangement_id=arrangement.pk)
    with (
        mock.patch.dict(registry._BUILDERS, {"summary": broken()}),
        mock.patch.object(recompute_task, "retry", side_effect=RuntimeError("retry")) as retry,
        pytest.raises(RuntimeError, match="retry"),
    ):
        recompute_task.run(arrangement.pk, run_id=run.pk, names=["summary"])
    assert retry.call_args.kwargs["countdown"] == backoff(0) == 30
    run.refresh_from_db()
    assert run.state == "retrying"
    assert "the database went away" in run.error
    status = snapshot_status(arrangement, good)
    assert status.updating and not status.failed


def test_after_the_last_retry_the_run_fails_and_the_last_good_figures_stay(arrangement, sent):
    (good,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    run = recompute_request(arrangement_id=arrangement.pk)
    recompute_task.push_request(retries=recompute_task.max_retries)
    try:
        with (
            mock.patch.dict(registry._BUILDERS, {"summary": broken()}),
            pytest.raises(BuildFailed),
        ):
            recompute_task.run(arrangement.pk, run_id=run.pk, names=["summary"])
    finally:
        recompute_task.pop_request()
    run.refresh_from_db()
    assert run.state == "failed"
    good.refresh_from_db()
    status = snapshot_status(arrangement, good)
    assert status.failed and not status.updating
    assert status.computed_at == good.computed_at
    assert "the database went away" in status.error


def test_backoff_waits_longer_each_time():
    assert [backoff(n) for n in range(5)] == [30, 60, 120, 240, 480]


def test_a_failure_before_the_figures_were_made_is_not_reported_against_them(arrangement):
    earlier = timezone.now() - timedelta(hours=1)
    RecomputeRun.objects.create(
        arrangement=arrangement, state="failed", queued_at=earlier, finished_at=earlier, error="x"
    )
    (snapshot,) = snapshot_recompute(arrangement=arrangement, names=["summary"])
    assert not snapshot_status(arrangement, snapshot).failed


def test_the_task_for_a_deleted_arrangement_does_nothing(db):
    assert recompute_task.run(987654) == []


def test_the_task_called_by_hand_records_a_run(arrangement):
    assert "summary" in recompute_task.run(arrangement.pk)
    run = RecomputeRun.objects.get(arrangement=arrangement)
    assert (run.state, run.trigger) == ("succeeded", "administrator")


def test_the_nightly_job_queues_every_arrangement_to_start_now(
    world, sent, django_capture_on_commit_callbacks
):
    # Every arrangement in the database (the world's two among them) gets one nightly run.
    elsewhere = Arrangement.objects.get(councils=world.outsider.organisation)
    every = set(Arrangement.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert recompute_all_task.run() == len(every)
    assert sent.call_count == len(every)
    assert all("countdown" not in c.kwargs or c.kwargs["countdown"] == 0
               for c in sent.call_args_list)  # fmt: skip
    assert set(RecomputeRun.objects.values_list("trigger", flat=True)) == {"nightly"}
    runs = RecomputeRun.objects.values_list("arrangement", flat=True)
    assert sorted(runs) == sorted(every)
    assert {world.arrangement.pk, elsewhere.pk} <= set(runs)


def test_the_nightly_job_forgets_finished_runs_after_90_days(arrangement, sent):
    old = timezone.now() - timedelta(days=91)
    for state in ("succeeded", "failed", "retrying"):
        RecomputeRun.objects.create(arrangement=arrangement, state=state, queued_at=old)
    recent = RecomputeRun.objects.create(arrangement=arrangement, state="succeeded",
                                         queued_at=timezone.now() - timedelta(days=89))  # fmt: skip
    recompute_all_task.run()
    kept = RecomputeRun.objects.filter(arrangement=arrangement).exclude(trigger="nightly")
    assert sorted(kept.values_list("state", flat=True)) == ["retrying", "succeeded"]
    assert recent in kept
