"""Adding jobs inside a change's transaction, and sending them to the broker after it commits.

``job_add`` records the job with the change and asks for it to be sent once the transaction
commits. ``job_send`` claims the job with one conditional UPDATE (so the request's own send
and the beat job's never both send it), hands it to the broker, and marks it sent; a broker
that cannot be reached is logged in one line and the job waits for its next try (backing off
up to ``OUTBOX_RETRY_MAX_SECONDS``). Nothing here raises into the request that made the change.

A job given up on (``OUTBOX_MAX_ATTEMPTS`` refusals) waits for an administrator's "Send
again", unless its task is safe to send late (``OUTBOX_SAFE_TO_RESEND``: a recompute, an
extract check; never an email, whose words may be out of date): the outbox sends that again
itself once the broker is back (``jobs_rearm_after_outage``), and so does a change that joins a
waiting recompute whose job failed (``jobs_rearm``).
"""

import logging
import math
import re
import time
from datetime import timedelta
from functools import reduce
from operator import or_

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.outbox.models import Job

logger = logging.getLogger(__name__)

EMAIL_TASK = "trust_portal.outbox.tasks.email_send_task"
# How long one process may hold a job it is sending before another may try it.
CLAIM_SECONDS = 60
# After a send from a request fails, this process's requests leave their jobs to the beat job
# for this long: a broker that hangs costs a request one timeout, not one for each of its jobs.
EARLY_SENDS_PAUSE_SECONDS = 30
_early_sends_paused_until = 0.0
# What a broker that cannot be reached raises (``Job.last_error`` starts with its name). A job
# that failed otherwise (a task that cannot be imported, arguments that cannot be encoded)
# would fail again: it waits for an administrator, and is not sent again every minute.
BROKER_ERRORS = (
    "OperationalError:",
    "ConnectionError:",
    "ConnectionRefusedError:",
    "ConnectionResetError:",
    "TimeoutError:",
    "OSError:",
)


def job_add(
    *,
    task: str,
    args: list | tuple = (),
    kwargs: dict | None = None,
    countdown: int = 0,
    description: str,
    erase_when_sent: bool = False,
) -> Job:
    """Record a job in the current transaction; it is sent once (and only if) that commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("job_add must be called inside the change's transaction.atomic().")
    job = Job.objects.create(
        task=task,
        args=list(args),
        kwargs=kwargs or {},
        description=description[:200],
        not_before=timezone.now() + timedelta(seconds=countdown),
        erase_when_sent=erase_when_sent,
    )
    job_id = job.pk
    transaction.on_commit(lambda: _send_quietly(job_id))
    return job


def email_add(*, subject: str, body: str, to: str, description: str) -> Job:
    """An email to one address, sent by a worker once the change commits."""
    return job_add(
        task=EMAIL_TASK,
        kwargs={"subject": subject, "body": body, "to": [to]},
        description=description,
        erase_when_sent=True,
    )


def _send_quietly(job_id: int) -> None:
    # After the commit, inside the request: whatever goes wrong, the beat job tries again.
    global _early_sends_paused_until  # noqa: PLW0603 - this process's pause, nothing shared
    if time.monotonic() < _early_sends_paused_until:
        return  # the broker failed a moment ago: the job waits, due, for the beat job
    try:
        job_send(job_id=job_id, early=True)
    except BrokerRefused:  # logged, and counted on the job, by job_send
        _early_sends_paused_until = time.monotonic() + EARLY_SENDS_PAUSE_SECONDS
    except Exception as error:  # noqa: BLE001 - the change committed; never a 500 for it
        logger.warning("Outbox job %s not sent: %s", job_id, _one_line(error))


class BrokerRefused(Exception):
    """A request's send failed (already counted on the job)."""


def error_in_words(last_error: str) -> str:
    """A job's last error (``_one_line``: the exception's name, then its text) as the jobs page
    says it: the broker unreachable, the task unknown, or else what was recorded, after a
    plain sentence."""
    if not last_error:
        return ""
    if last_error.startswith(BROKER_ERRORS):
        return "The message broker could not be reached."
    if last_error.startswith(("ImportError:", "ModuleNotFoundError:")):
        return "The workers have no such task: the portal's code may be part-way through an update."
    detail = last_error.split(": ", 1)[-1]
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*\(\)", detail):
        return "The job could not be handed to the broker."  # an error with no text of its own
    return f"The job could not be handed to the broker ({detail})."


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or repr(error)
    return f"{type(error).__name__}: {text}"[:300]


def _task(name: str):
    try:
        return current_app.tasks[name]
    except KeyError:
        return import_string(name)  # a task module not imported yet in this process


def job_send(*, job_id: int, early: bool = False) -> bool:
    """Send one unsent job to the broker; True if this call sent it.

    ``early`` (the send right after the commit) sends a job before its time, with the rest of
    its countdown; the beat job sends only jobs that are due.
    """
    now = timezone.now()
    if early:
        claimable = Job.objects.filter(pk=job_id).unsent().exclude(claimed_until__gte=now)
    else:
        claimable = Job.objects.due(now).filter(pk=job_id)
    if not claimable.update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS)):
        return False  # sent already, being sent by another process, or not due
    job = Job.objects.get(pk=job_id)
    options = {}
    wait = (job.not_before - now).total_seconds()
    if wait > 0:
        options["countdown"] = math.ceil(wait)
    try:
        _task(job.task).apply_async(args=job.args, kwargs=job.kwargs, **options)
    except Exception as error:  # noqa: BLE001 - any failure to hand it over: try again later
        _failed_to_send(job, error)
        if early and _one_line(error).startswith(BROKER_ERRORS):
            # From a request, the broker away: its next jobs leave it to the beat job.
            raise BrokerRefused(_one_line(error)) from error
        return False
    sent = {"state": Job.State.SENT, "sent_at": timezone.now(), "claimed_until": None}
    if job.erase_when_sent:
        sent.update(args=[], kwargs={})
    Job.objects.filter(pk=job_id).update(attempts=F("attempts") + 1, last_error="", **sent)
    return True


def _failed_to_send(job: Job, error: BaseException) -> None:
    attempts = job.attempts + 1
    line = _one_line(error)
    gives_up = attempts >= settings.OUTBOX_MAX_ATTEMPTS or isinstance(error, ImportError)
    wait = min(30 * 2 ** (attempts - 1), settings.OUTBOX_RETRY_MAX_SECONDS)
    Job.objects.filter(pk=job.pk).update(
        attempts=attempts,
        last_error=line,
        claimed_until=None,
        state=Job.State.FAILED if gives_up else Job.State.RETRYING,
        not_before=timezone.now() + timedelta(seconds=wait),
    )
    then = "gave up" if gives_up else f"next try in {wait} s"
    logger.warning(
        "Outbox job %s (%s) not sent, try %s, %s: %s", job.pk, job.task, attempts, then, line
    )


def jobs_send_due(*, limit: int = 500) -> int:
    """The beat job's half: send every job that is due and still unsent; how many were sent."""
    ids = list(
        Job.objects.due(timezone.now()).order_by("not_before").values_list("pk", flat=True)[:limit]
    )
    return sum(job_send(job_id=job_id) for job_id in ids)


def jobs_forget_sent() -> int:
    """Forget jobs sent more than ``OUTBOX_KEEP_SENT_DAYS`` ago: their work is the workers'
    (and the recompute runs' and uploads' own records) now."""
    cutoff = timezone.now() - timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS)
    deleted, _ = Job.objects.filter(state=Job.State.SENT, sent_at__lt=cutoff).delete()
    return deleted


def jobs_reclaim() -> int:
    """The beat job's other half: give back to the queue whatever a dead worker was running
    (each app's reclaimer, named in ``OUTBOX_RECLAIMERS``); how many were given back."""
    lease = timedelta(seconds=settings.TASK_LEASE_SECONDS)
    cutoff = timezone.now() - lease
    total = 0
    for path in settings.OUTBOX_RECLAIMERS:
        try:
            total += import_string(path)(cutoff=cutoff)
        except Exception as error:  # noqa: BLE001 - one app's fault must not stop the others
            logger.warning("Reclaiming with %s failed: %s", path, _one_line(error))
    return total


@transaction.atomic
def job_resend(*, by, job: Job) -> Job:
    """An administrator sends a failed job again (recorded on the job with their name)."""
    require(by, Action.ADMINISTER, Kind.ORGANISATION)
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.state != Job.State.FAILED:
        raise ValidationError("Only a job that failed to send can be sent again.")
    because = f"Sent again by {by.get_full_name() or by.username}, an administrator."
    _rearm(Job.objects.filter(pk=job.pk), by=by, because=because)
    logger.info("Outbox job %s (%s) sent again by %s", job.pk, job.task, by.username)
    job_id = job.pk
    transaction.on_commit(lambda: _send_quietly(job_id))
    job.refresh_from_db()
    return job


RESENT_AFTER_OUTAGE = "Sent again once the message broker answered again."


def _rearm(jobs, *, because: str, by=None) -> list[int]:
    """Failed jobs among ``jobs`` back to waiting, due now and started over (a broker still
    down gets the whole round of tries again), with who or what did it and why; their ids."""
    now = timezone.now()
    ids = list(jobs.filter(state=Job.State.FAILED).values_list("pk", flat=True))
    Job.objects.filter(pk__in=ids, state=Job.State.FAILED).update(
        state=Job.State.WAITING,
        not_before=now,
        claimed_until=None,
        attempts=0,
        resent_by=by,
        resent_at=now,
        resent_because=because[:200],
    )
    return ids


def jobs_rearm(jobs, *, because: str) -> int:
    """Send again the failed jobs among ``jobs`` (a queryset), once the current transaction
    commits: for a task safe to send late, when something needs it done after all (a change
    joined the waiting recompute the job starts). How many were failed."""
    ids = _rearm(jobs.filter(_failed_for_the_broker()), because=because)
    for job_id in ids:
        transaction.on_commit(lambda job_id=job_id: _send_quietly(job_id))
    if ids:
        logger.info("Outbox jobs %s sent again: %s", ", ".join(map(str, ids)), because)
    return len(ids)


def _broker_answers() -> bool:
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)  # one try, within the connect timeout
    except Exception:  # noqa: BLE001 - any failure means it does not answer yet
        return False
    return True


def _failed_for_the_broker() -> Q:
    return reduce(or_, (Q(last_error__startswith=name) for name in BROKER_ERRORS))


def jobs_rearm_after_outage(*, sent: int) -> int:
    """The beat job's third part: once the broker is back (a job was sent this tick, or none
    was and the broker answers), the failed jobs whose task is safe to send late
    (``OUTBOX_SAFE_TO_RESEND``) wait to be sent again, so every recompute and extract check
    finishes after an outage however long; how many. Emails stay failed for an administrator."""
    failed = Job.objects.filter(
        _failed_for_the_broker(), state=Job.State.FAILED, task__in=settings.OUTBOX_SAFE_TO_RESEND
    )
    if not failed.exists() or not (sent or _broker_answers()):
        return 0
    ids = _rearm(failed, because=RESENT_AFTER_OUTAGE)
    logger.info("Outbox: %s failed jobs sent again, the broker answers again", len(ids))
    return len(ids)
