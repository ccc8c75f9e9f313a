"""Old webhook deliveries are forgotten by the nightly purge: delivered and failed ones after
``WEBHOOK_KEEP_DELIVERIES_DAYS``; those still waiting or retrying are kept."""

import uuid
from datetime import timedelta

from django.utils import timezone

from trust_portal.webhooks.models import Delivery, Event
from trust_portal.webhooks.tasks import webhook_deliveries_forget_task


def delivery(endpoint, state, *, days_ago: int, replayed_days_ago: int | None = None):
    """A delivery made ``days_ago`` days ago, and delivered then if ``state`` says so."""
    then = timezone.now() - timedelta(days=days_ago)
    made = Delivery.objects.create(
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event=Event.RETURN_APPROVED,
        body="{}",
        state=state,
        delivered_at=then if state == Delivery.State.DELIVERED else None,
        replayed_at=(
            None
            if replayed_days_ago is None
            else timezone.now() - timedelta(days=replayed_days_ago)
        ),
    )
    Delivery.objects.filter(pk=made.pk).update(created_at=then)  # auto_now_add otherwise
    return made


def test_the_purge_forgets_delivered_and_failed_deliveries_older_than_the_setting(
    endpoint, settings
):
    settings.WEBHOOK_KEEP_DELIVERIES_DAYS = 90
    state = Delivery.State
    kept = [
        delivery(endpoint, state.DELIVERED, days_ago=89),
        delivery(endpoint, state.FAILED, days_ago=89),
        delivery(endpoint, state.FAILED, days_ago=120, replayed_days_ago=10),
        delivery(endpoint, state.PENDING, days_ago=120),
        delivery(endpoint, state.RETRYING, days_ago=120),
    ]
    delivery(endpoint, state.DELIVERED, days_ago=91)
    delivery(endpoint, state.FAILED, days_ago=91)

    forgotten = webhook_deliveries_forget_task()

    assert forgotten == 2
    assert set(Delivery.objects.values_list("pk", flat=True)) == {d.pk for d in kept}


def test_the_setting_decides_how_long_deliveries_are_kept(endpoint, settings):
    settings.WEBHOOK_KEEP_DELIVERIES_DAYS = 7
    delivery(endpoint, Delivery.State.DELIVERED, days_ago=8)
    recent = delivery(endpoint, Delivery.State.DELIVERED, days_ago=6)

    assert webhook_deliveries_forget_task() == 1
    assert list(Delivery.objects.all()) == [recent]


def test_the_purge_runs_each_night(settings):
    job = settings.CELERY_BEAT_SCHEDULE["forget-old-webhook-deliveries"]

    assert job["task"] == "trust_portal.webhooks.tasks.webhook_deliveries_forget_task"
    assert (job["schedule"].hour, job["schedule"].minute) == ({3}, {50})
