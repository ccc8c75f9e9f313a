from celery import shared_task
from django.utils import timezone

from performance.reminders import reminders_send
from performance.services.uploads import extract_upload_purge, extract_upload_run


@shared_task
def remind_overdue_task() -> int:
    """Daily: email each trust's managers about returns past their due date."""
    return reminders_send(today=timezone.localdate())


@shared_task(acks_late=True)
def extract_import_task(upload_id: int) -> str | None:
    """Check a child-level extract uploaded into a draft and fill the draft's cells. Receives
    the upload's id only: no child-level data travels through the broker."""
    upload = extract_upload_run(upload_id=upload_id)
    return upload.state if upload else None


@shared_task
def purge_extract_uploads_task() -> int:
    """Daily: delete error reports kept 30 days, and files whose job never ran."""
    return extract_upload_purge()
