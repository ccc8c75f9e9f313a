from celery import shared_task

from trust_portal.webhooks.services import (
    deliveries_forget_old,
    delivery_attempt,
    expired_secrets_clear,
)


@shared_task(acks_late=True)
def webhook_deliver_task(delivery_id: str, attempt: int = 1) -> str:
    """One try at delivering one event to one endpoint. A failure queues the next try through
    the outbox (so it survives a broker that is down), waiting longer each time; the
    delivery's state afterwards."""
    return delivery_attempt(delivery_id=delivery_id, attempt=attempt)


@shared_task
def webhook_secrets_purge_task() -> int:
    """Daily: forget the previous signing secrets whose overlap after a rotation has ended."""
    return expired_secrets_clear()


@shared_task
def webhook_deliveries_forget_task() -> int:
    """Each night (beat): forget deliveries delivered or failed more than
    ``WEBHOOK_KEEP_DELIVERIES_DAYS`` ago; how many were forgotten."""
    return deliveries_forget_old()
