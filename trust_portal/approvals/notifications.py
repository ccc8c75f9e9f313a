"""Every email of the return life, in one place: to the councils' officers on submit, to the
trust's managers on return (with the query), to the querying council's officers when the trust
answers a query, to both on approval, and the daily reminder to the trust's managers of months
past their due date. Each is called inside the change's transaction and adds one outbox job per
recipient: a worker sends them once the change commits (never the request itself)."""

from django.conf import settings
from django.db import transaction

from trust_portal.accounts.models import Role, User
from trust_portal.outbox.services import email_add


def _people(arrangement, *, councils: bool, trust: bool) -> list[str]:
    wanted = User.objects.none()
    if councils:
        wanted = wanted | User.objects.filter(
            role=Role.COUNCIL_OFFICER, organisation__in=arrangement.councils.all()
        )
    if trust:
        wanted = wanted | User.objects.filter(
            role=Role.TRUST_MANAGER, organisation=arrangement.trust
        )
    # People only: a service account (another system using the API) is not emailed.
    wanted = wanted.filter(is_active=True, is_service_account=False)
    return sorted({u.email for u in wanted if u.email})


@transaction.atomic
def _send(subject: str, body: str, recipients: list[str]) -> None:
    # One message each, so nobody sees the others' addresses.
    for recipient in recipients:
        email_add(subject=subject, body=body, to=recipient, description=f"Email: {subject}")


def _link(submission) -> str:
    return settings.SITE_URL.rstrip("/") + submission.get_absolute_url()


def _tell(submission, what: str, body: str, *, councils: bool, trust: bool) -> None:
    """Email the arrangement's councils' officers or trust's managers (or both) that
    ``submission`` is ``what`` ("approved"): ``body``, then the return's address."""
    _send(
        f"{submission} {what}",
        f"{body}{_link(submission)}\n",
        _people(submission.arrangement, councils=councils, trust=trust),
    )


def submitted(submission, by) -> None:
    body = (
        f"{by} at {submission.arrangement.trust.name} has submitted {submission}.\n\n"
        "Check and approve your council's area, or return it with a query:\n"
    )
    _tell(submission, "submitted for approval", body, councils=True, trust=False)


def returned(submission, by, query) -> None:
    """To the trust's managers: the return is back with ``query`` (a ``Query``), to answer."""
    council = by.organisation.name if by.organisation else "A council"
    body = (
        f"{by} ({council}) has returned {submission} with a query about "
        f"{query.about}:\n\n{query.text}\n\n"
        f"Answer it here:\n{settings.SITE_URL.rstrip('/')}{query.get_absolute_url()}\n\n"
        "Then correct the figures if need be and submit again:\n"
    )
    _tell(submission, "returned with a query", body, councils=False, trust=True)


def answered(answer) -> None:
    """To the officers of the council that raised the query: the trust has answered it."""
    query = answer.query
    submission = query.submission
    recipients = User.objects.filter(
        role=Role.COUNCIL_OFFICER,
        organisation_id=query.council_id,
        is_active=True,
        is_service_account=False,
    )
    body = (
        f"{answer.by} at {submission.arrangement.trust.name} has answered your council's query "
        f"on {submission} about {query.about}:\n\n{answer.text}\n\n"
        f"Read it, and accept the answer or wait for the return to come back:\n"
        f"{settings.SITE_URL.rstrip('/')}{query.get_absolute_url()}\n"
    )
    _send(
        f"{submission}: query answered",
        body,
        sorted({u.email for u in recipients if u.email}),
    )


def approved(submission, by) -> None:
    body = (
        f"Every commissioning council has approved {submission}. It is now locked; a "
        "correction would be a new revision.\n\n"
    )
    _tell(submission, "approved", body, councils=True, trust=True)


def overdue(arrangement, late, *, what: str, link: str) -> int:
    """Remind the trust's managers of the months (``late``: each with ``month`` and ``due``)
    whose ``what`` ("performance return") is past its due date; the number of emails sent."""
    lines = "\n".join(f"- {o.month:%B %Y}: due {o.due:%-d %B %Y}" for o in late)
    recipients = _people(arrangement, councils=False, trust=True)
    _send(
        f"{len(late)} overdue {what}{'s' if len(late) != 1 else ''}",
        f"These monthly {what}s for {arrangement.trust.name} are past their due date and have "
        f"not been submitted:\n\n{lines}\n\nSubmit them here:\n{link}\n",
        recipients,
    )
    return len(recipients)
