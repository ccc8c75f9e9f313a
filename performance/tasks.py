from celery import shared_task
from django.utils import timezone

from performance.reminders import reminders_send


@shared_task
def remind_overdue_task() -> int:
    """Daily: email each trust's managers about returns past their due date."""
    return reminders_send(today=timezone.localdate())
