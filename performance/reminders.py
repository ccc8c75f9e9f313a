"""Reminder emails for overdue monthly returns (sent by a daily beat job)."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from performance.deadlines import overdue_returns
from trust_portal.accounts.models import Arrangement, Role, User


def reminders_send(*, today: date) -> int:
    """Email the trust managers of each arrangement with overdue returns; returns emails sent."""
    messages = []
    for arrangement in Arrangement.objects.select_related("trust"):
        late = overdue_returns(arrangement, today=today)
        if not late:
            continue
        managers = User.objects.filter(
            role=Role.TRUST_MANAGER, organisation=arrangement.trust, is_active=True
        ).exclude(email="")
        lines = "\n".join(f"- {o.month:%B %Y}: due {o.due:%-d %B %Y}" for o in late)
        link = settings.SITE_URL.rstrip("/") + reverse(
            "performance:return-list", args=[arrangement.code]
        )
        body = (
            f"These monthly performance returns for {arrangement.trust.name} are past their "
            f"due date and have not been submitted:\n\n{lines}\n\nSubmit them here:\n{link}\n"
        )
        subject = f"{len(late)} overdue performance return{'s' if len(late) != 1 else ''}"
        messages += [(subject, body, settings.DEFAULT_FROM_EMAIL, [m.email]) for m in managers]
    if messages:
        send_mass_mail(messages)
    return len(messages)
