"""Reminder emails for overdue monthly returns (sent by a daily beat job); the email itself
is the return life's (``trust_portal.approvals.notifications``)."""

from datetime import date

from django.conf import settings
from django.urls import reverse

from performance.deadlines import overdue_returns
from trust_portal.accounts.models import Arrangement
from trust_portal.approvals import notifications


def reminders_send(*, today: date) -> int:
    """Email the trust managers of each arrangement with overdue returns; returns emails sent."""
    sent = 0
    for arrangement in Arrangement.objects.select_related("trust"):
        late = overdue_returns(arrangement, today=today)
        if late:
            link = settings.SITE_URL.rstrip("/") + reverse(
                "performance:return-list", args=[arrangement.code]
            )
            sent += notifications.overdue(arrangement, late, what="performance return", link=link)
    return sent
