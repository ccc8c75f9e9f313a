"""Emails about a submission: to the councils' officers on submit, to the trust's managers on
return (with the query), to both on approval. Sent after the change commits."""

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
