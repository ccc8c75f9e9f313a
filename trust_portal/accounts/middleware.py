"""Middleware for signed-in sessions (their time limits, then their second factor), and the
record of writes asked of the API with a token."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import DatabaseError
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from trust_portal.accounts import api_tokens, sessions, two_factor

logger = logging.getLogger(__name__)

_ENDED = {
    "idle": "You were signed out because you had not used the service for {minutes} minutes.",
    "too long": "You were signed out because you had been signed in for {hours} hours.",
    "ended": "You were signed out because your account's sign-in details changed.",
    "service account": (
        "A service account cannot sign in to these pages: it uses the API with its tokens."
    ),
}


class SessionLimitsMiddleware:
    """Signs out a session idle too long, signed in too long, or ended by its person's new
    password or second factor reset; notes activity on the others (at most once a minute), but
    not a page's background poll, which would otherwise keep an unattended session alive."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = sessions.session_end_reason(request)
            if reason:
                logout(request)
                messages.info(
                    request,
                    _ENDED[reason].format(
                        minutes=settings.SESSION_IDLE_TIMEOUT // 60,
                        hours=settings.SESSION_MAX_DURATION // 3600,
                    ),
                )
            elif not sessions.is_background_poll(request):
                sessions.session_touch(request)
        return self.get_response(request)


# What a person whose second factor is still owed may reach: the two-factor pages, signing out,
# and the pages every visitor may read.
OPEN_WHILE_OWED = {
    two_factor.SET_UP,
    two_factor.VERIFY,
    "accounts:two-factor-recovery-codes",
    "accounts:logout",
    "accounts:session-keep-alive",
    "pages:privacy",
    "pages:cookies",
    "pages:accessibility",
}


class TwoFactorMiddleware:
    """Sends a signed-in person who still owes their second factor to the page that takes it
    (setting one up first if they must and have none), whatever page they asked for. The API
    refuses such a session itself (``two_factor.VerifiedSessionAuthentication``), so a call with
    a token is not affected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            step = two_factor.still_to_give(request)
            if step and _view_name(request.path_info) not in OPEN_WHILE_OWED:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(step)}?{query}")
        return self.get_response(request)


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


class ApiTokenUseMiddleware:
    """Records each write asked of the API with a token (which ``ApiTokenAuthentication`` marks
    on the request) with the status it was answered with, refused and failed ones too. Outside
    the view's transaction, so a write that failed and was rolled back is still recorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "api_token_write", None)
        if token is not None:
            try:
                api_tokens.token_use_record(
                    token, method=request.method, path=request.path, status=response.status_code
                )
            except DatabaseError:  # the answer stands; the missing record is logged instead
                logger.exception("The use of API token %s was not recorded", token.pk)
        return response
