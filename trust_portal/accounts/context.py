"""Template context shared by every page: the service name and the signed-in person's place."""

from django.conf import settings

from trust_portal.accounts.sessions import idle_seconds_left


def service(request):
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        # For the warning before an idle session ends (templates/includes/session_timeout.html).
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_warn_after": max(settings.SESSION_IDLE_TIMEOUT - settings.SESSION_IDLE_WARNING, 0),
        # The seconds this session actually has left: its last activity is written at most once
        # a minute, so it may be older than this page.
        "session_idle_left": idle_seconds_left(request),
    }
