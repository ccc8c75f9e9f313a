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


def submitted(submission, by) -> None:
    _send(
        f"{submission} submitted for approval",
        f"{by} at {submission.arrangement.trust.name} has submitted {submission}.\n\n"
        f"Check and approve your council's area, or return it with a query:\n{_link(submission)}\n",
        _people(submission.arrangement, councils=True, trust=False),
    )


def returned(submission, by, query: str) -> None:
    council = by.organisation.name if by.organisation else "A council"
    _send(
        f"{submission} returned with a query",
        f"{by} ({council}) has returned {submission} with this query:\n\n{query}\n\n"
        f"Answer it and submit again:\n{_link(submission)}\n",
        _people(submission.arrangement, councils=False, trust=True),
    )


def approved(submission, by) -> None:
    _send(
        f"{submission} approved",
        f"Every commissioning council has approved {submission}. It is now locked; a "
        f"correction would be a new revision.\n\n{_link(submission)}\n",
        _people(submission.arrangement, councils=True, trust=True),
    )


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
