"""How long a signed-in session lasts, and ending a person's sessions.

A session ends after ``SESSION_IDLE_TIMEOUT`` without a request and ``SESSION_MAX_DURATION``
after signing in, whatever the activity. Its last-activity time is written at most once every
``SESSION_ACTIVITY_REFRESH`` seconds, so reading pages does not write the session each time. A
session also remembers the person's ``session_generation`` when it began: raising that number
(a second factor reset, a new password) ends every session begun before.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.db.models import F

from trust_portal.accounts.models import ApiToken, User

SIGNED_IN_AT = "signed_in_at"
LAST_ACTIVITY = "last_activity"
GENERATION = "session_generation"


def _now() -> int:
    return int(time.time())


def session_begin(request, user: User) -> None:
    """Stamp a session as it is signed in (Django's ``user_logged_in``)."""
    now = _now()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now
    request.session[GENERATION] = user.session_generation


def session_end_reason(request) -> str | None:
    """Why the signed-in session must end now ("idle", "too long", "ended"), or None."""
    session = request.session
    if request.user.is_service_account:
        return "service account"
    if SIGNED_IN_AT not in session:
        session_begin(request, request.user)  # a session begun before these stamps existed
        return None
    if session.get(GENERATION) != request.user.session_generation:
        return "ended"
    now = _now()
    if now - session[LAST_ACTIVITY] > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    if now - session[SIGNED_IN_AT] > settings.SESSION_MAX_DURATION:
        return "too long"
    return None


def idle_seconds_left(request) -> int:
    """How long this session has before it ends idle, from its stored last activity (which may
    be up to ``SESSION_ACTIVITY_REFRESH`` older than this request), so the page's warning is on
    time."""
    last = getattr(request, "session", {}).get(LAST_ACTIVITY)
    if last is None:
        return settings.SESSION_IDLE_TIMEOUT
    return max(settings.SESSION_IDLE_TIMEOUT - (_now() - last), 0)


def is_background_poll(request) -> bool:
    """A request a page's script makes by itself (extract-progress.mjs asking how a job is
    getting on), not the person: it must not keep the session alive."""
    return request.headers.get("X-Requested-By") == "poll"


def session_touch(request, *, force: bool = False) -> None:
    """Note activity, writing the session only when the last note is a minute old (or when the
    person asks to stay signed in)."""
    now = _now()
    if force or now - request.session.get(LAST_ACTIVITY, 0) >= settings.SESSION_ACTIVITY_REFRESH:
        request.session[LAST_ACTIVITY] = now


def end_other_sessions(*, user: User, request=None) -> None:
    """End every session of the person's but ``request``'s (when it is theirs)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    if request is not None and request.user.is_authenticated and request.user.pk == user.pk:
        request.session[GENERATION] = user.session_generation


@transaction.atomic
def password_changed(*, user: User, request=None) -> None:
    """A new password (changed, reset or set from an invitation): the person's API tokens are
    revoked and every other session of theirs ends; ``request``'s session, when it is theirs,
    stays signed in."""
    ApiToken.objects.filter(user=user).revoke()
    end_other_sessions(user=user, request=request)
