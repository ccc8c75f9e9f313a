from celery import shared_task
from django.core.mail import send_mail

from trust_portal.outbox.services import (
    jobs_forget_sent,
    jobs_rearm_after_outage,
    jobs_reclaim,
    jobs_send_due,
)


@shared_task
def outbox_send_task() -> dict:
    """Every minute (beat): give back what dead workers held, then send every job that is
    due and still unsent (the broker was down when its change committed, or it waits to retry);
    once the broker is back, send again the failed recomputes and extract checks; forget the
    jobs sent a week ago."""
    reclaimed = jobs_reclaim()
    sent = jobs_send_due()
    if jobs_rearm_after_outage(sent=sent):
        sent += jobs_send_due()
    jobs_forget_sent()
    return {"reclaimed": reclaimed, "sent": sent}


@shared_task(bind=True, max_retries=5, acks_late=True)
def email_send_task(self, subject: str, body: str, to: list[str]) -> int:
    """Send one email (one recipient, so nobody sees the others' addresses); a mail server
    that refuses is tried again 1 to 5 minutes later (never longer than the broker's
    visibility timeout, after which Redis would deliver the waiting retry twice)."""
    try:
        return send_mail(subject, body, None, to)
    except OSError as error:
        raise self.retry(exc=error, countdown=60 * (self.request.retries + 1)) from error
