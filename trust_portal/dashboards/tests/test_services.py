from unittest import mock

import pytest

from trust_portal.accounts.models import Arrangement
from trust_portal.dashboards import registry
from trust_portal.dashboards.models import Snapshot
from trust_portal.dashboards.services import snapshot_queue_recompute, snapshot_recompute
from trust_portal.dashboards.tasks import recompute_all_task, recompute_task


@pytest.fixture
def nct(cast):
    return Arrangement.objects.get(trust__code="NCT")


def test_the_summary_counts_active_accounts_by_organisation(nct):
    (snapshot,) = snapshot_recompute(arrangement=nct, names=["summary"])
    data = snapshot.data
    assert data["arrangement"] == "NCT"
    assert [c["code"] for c in data["councils"]] == ["NNC", "WNC"]
    # WNC: one officer and one scrutiny member active; the leaver does not count.
    assert data["active_users"]["WNC"]["total"] == 2
    assert data["active_users"]["WNC"]["by_role"]["council_officer"] == 1
    assert data["active_users"]["NCT"]["by_role"]["trust_manager"] == 1
    assert data["dfe_observers"] == 1


def test_recomputing_replaces_the_snapshot_rather_than_adding_one(nct):
    snapshot_recompute(arrangement=nct)
    snapshot_recompute(arrangement=nct)
    assert Snapshot.objects.filter(arrangement=nct, name="summary").count() == 1


def test_a_failing_builder_leaves_the_previous_snapshot_untouched(nct):
    (before,) = snapshot_recompute(arrangement=nct, names=["summary"])
    broken = registry.Builder(name="summary", build=mock.Mock(side_effect=RuntimeError), source="x")
    with mock.patch.dict(registry._BUILDERS, {"summary": broken}), pytest.raises(RuntimeError):
        snapshot_recompute(arrangement=nct, names=["summary"])
    after = Snapshot.objects.get(arrangement=nct, name="summary")
    assert after.data == before.data
    assert after.computed_at == before.computed_at


def test_an_unknown_dashboard_name_is_refused(nct):
    with pytest.raises(ValueError, match="No dashboard builder named nonsense"):
        snapshot_recompute(arrangement=nct, names=["nonsense"])


def test_two_builders_cannot_share_a_name():
    @registry.builder("test-unique", source="test")
    def first(arrangement):
        return {}

    with pytest.raises(RuntimeError, match="Two dashboard builders"):

        @registry.builder("test-unique", source="test")
        def second(arrangement):
            return {}

    registry._BUILDERS.pop("test-unique")


def test_a_recompute_is_queued_only_after_the_transaction_commits(
    nct, django_capture_on_commit_callbacks
):
    with mock.patch.object(recompute_task, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            snapshot_queue_recompute(arrangement=nct)
        delay.assert_not_called()
        for callback in callbacks:
            callback()
        delay.assert_called_once_with(nct.pk)


def test_the_task_rebuilds_by_id(nct):
    assert recompute_task.run(nct.pk) == ["summary"]
    assert Snapshot.objects.filter(arrangement=nct).exists()


def test_the_task_for_a_deleted_arrangement_does_nothing(db):
    assert recompute_task.run(987654) == []


def test_the_nightly_job_queues_every_arrangement(cast):
    with mock.patch.object(recompute_task, "delay") as delay:
        assert recompute_all_task.run() == 2
    assert delay.call_count == 2
