"""Every email of the return life, in one place: to the councils' officers on submit, to the
trust's managers on return (with the query), to both on approval (each sent after the change
commits), and the daily reminder to the trust's managers of months past their due date."""

from django.conf import settings
from django.core.mail import send_mass_mail

from trust_portal.accounts.models import Role, User


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
    return sorted({u.email for u in wanted.filter(is_active=True) if u.email})


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if recipients:
        # One message each, so nobody sees the others' addresses.
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [r]) for r in recipients])


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


def returned(submission, by, query: str) -> None:
    council = by.organisation.name if by.organisation else "A council"
    body = (
        f"{by} ({council}) has returned {submission} with this query:\n\n{query}\n\n"
        "Answer it and submit again:\n"
    )
    _tell(submission, "returned with a query", body, councils=False, trust=True)


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
