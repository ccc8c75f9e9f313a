"""The nightly recompute on the demo's own arrangements (moved unchanged from
test_services.py): the demo has two, NCT and OCT."""

from unittest import mock

import pytest

from trust_portal.dashboards.models import RecomputeRun
from trust_portal.dashboards.tasks import recompute_all_task, recompute_task


@pytest.fixture
def sent():
    """The messages sent to Celery (none reach a worker in these tests)."""
    with mock.patch.object(recompute_task, "apply_async") as apply_async:
        yield apply_async


def test_the_nightly_job_queues_every_arrangement_to_start_now(
    cast, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # sent once the jobs are committed
        assert recompute_all_task.run() == 2
    assert sent.call_count == 2
    assert all("countdown" not in c.kwargs or c.kwargs["countdown"] == 0
               for c in sent.call_args_list)  # fmt: skip
    assert set(RecomputeRun.objects.values_list("trigger", flat=True)) == {"nightly"}
