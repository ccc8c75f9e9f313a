"""Limits on signing in that a proxy or an attacker cannot turn against someone else.

Three limits, each keyed on the true client address (trust_portal/client_address.py):

- one user name from one address: django-axes locks that pair for ``AXES_COOLOFF_TIME`` after
  ``AXES_FAILURE_LIMIT`` wrong passwords (settings.py). Someone elsewhere is not affected.
- one address, any user names: ``SIGN_IN_ADDRESS_FAILURE_LIMIT`` wrong passwords in
  ``SIGN_IN_WINDOW`` pause that address for ``SIGN_IN_ADDRESS_PAUSE``, so one address cannot try
  a few passwords against every user name.
- one user name, any addresses: after ``SIGN_IN_USERNAME_FAILURE_LIMIT`` wrong passwords in the
  window, each further attempt must wait, starting at ``SIGN_IN_USERNAME_FIRST_DELAY`` and
  doubling with each further wrong password up to ``SIGN_IN_USERNAME_MAX_DELAY``. Slowed, never
  locked: a browser that has signed in to that user name before carries a device cookie
  (``DEVICE_COOKIE``, signed, naming a hash of the user name, kept a year) and is not made to
  wait, so an attacker spread over many addresses keeping the user name paused slows only
  browsers the owner has never used (OWASP, "Slow Down Online Guessing Attacks with Device
  Cookies"). The cookie spares that pause only: axes's lock and the address's pause still apply.

A refused attempt is answered without checking the password, by the lockout page saying when
to try again (``lockout_response``), and counts towards nothing. The counters are in the cache
(trust_portal/rate_limits.py), keyed on any user name typed, known or not, so the answers say
nothing about which accounts exist.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from trust_portal import rate_limits
from trust_portal.client_address import client_address

ADDRESS = "sign-in-address"
USERNAME = "sign-in-username"
DEVICE_COOKIE = "sign_in_device"
DEVICE_COOKIE_SALT = "trust_portal.accounts.sign_in_limits.device"
DEVICE_COOKIE_AGE = 365 * 24 * 60 * 60


@dataclass(frozen=True)
class Refusal:
    reason: str  # "address", "username", or "account" (django-axes: user name and address)
    until: datetime


class SignInLimitsBackend:
    """Refuses an attempt while its address or user name is paused; signs nobody in (and has
    no ``get_user``, so a session is never tied to it).

    Listed after django-axes's backend and before AccountBackend (ModelBackend's), so it runs
    only when axes has let the attempt through, and the password is checked only when this lets
    it through too.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None:
            return None
        refusal = refusal_for(
            address=client_address(request),
            username=username,
            known_device=is_known_device(request, username=username),
        )
        if refusal is None:
            # Only an attempt whose password is then checked counts (note_failure).
            request.sign_in_checked = True
            return None
        request.sign_in_refusal = refusal
        # django-axes's flag: not counted as a failure, answered by the lockout page.
        request.axes_locked_out = True
        raise PermissionDenied("Sign-in paused.")


def refusal_for(*, address: str, username: str, known_device: bool = False) -> Refusal | None:
    until = rate_limits.paused_until(ADDRESS, address)
    if until:
        return Refusal("address", until)
    until = None if known_device else rate_limits.paused_until(USERNAME, username)
    if until:
        return Refusal("username", until)
    return None


def _device_name(username: str) -> str:
    # A hash: the cookie does not show whose browser this is to someone reading it.
    return hashlib.sha256(username.encode()).hexdigest()[:32]


def is_known_device(request, *, username: str) -> bool:
    """Whether the browser carries a device cookie, made by this site, for ``username``."""
    named = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_AGE
    )
    return named is not None and named == _device_name(username)


def device_cookie_set(response, *, username: str) -> None:
    """After a successful sign-in: this browser is one the person uses (``is_known_device``)."""
    response.set_signed_cookie(
        DEVICE_COOKIE,
        _device_name(username),
        salt=DEVICE_COOKIE_SALT,
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def note_failure(sender, credentials, request=None, **kwargs):
    """A wrong password (django's ``user_login_failed``): count it against the address and
    the user name, and pause either once it passes its limit."""
    if request is None or not getattr(request, "sign_in_checked", False):
        return
    window = settings.SIGN_IN_WINDOW
    address = client_address(request)
    if rate_limits.hit(ADDRESS, address, window=window) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
        rate_limits.pause(ADDRESS, address, seconds=settings.SIGN_IN_ADDRESS_PAUSE)
    username = credentials.get("username") or ""
    failures = rate_limits.hit(USERNAME, username, window=window)
    beyond = failures - settings.SIGN_IN_USERNAME_FAILURE_LIMIT
    if beyond >= 0:
        delay = settings.SIGN_IN_USERNAME_FIRST_DELAY * 2 ** min(beyond, 20)
        rate_limits.pause(
            USERNAME, username, seconds=min(delay, settings.SIGN_IN_USERNAME_MAX_DELAY)
        )


def note_success(sender, request, user, **kwargs):
    """Signed in: the user name's count starts again (the address's does not, or an attacker
    could clear it by signing in to their own account)."""
    username = user.get_username()
    rate_limits.clear(USERNAME, username, window=settings.SIGN_IN_WINDOW)
    rate_limits.unpause(USERNAME, username)


def lockout_response(request, original_response=None, credentials=None):
    """The page for a refused attempt (``AXES_LOCKOUT_CALLABLE``): why, and when to try again."""
    refusal = getattr(request, "sign_in_refusal", None)
    if refusal is None:
        refusal = Refusal("account", _axes_until(request, credentials or {}))
    until = timezone.localtime(refusal.until)
    today = timezone.localdate().isoformat()
    context = {"reason": refusal.reason, "until": until, "today": today}
    return render(request, "accounts/locked_out.html", context, status=429)


def _axes_until(request, credentials: dict) -> datetime:
    # django-axes locks a user name and address for its cool-off after the last failure.
    last = AccessAttempt.objects.filter(
        username=credentials.get("username"), ip_address=client_address(request)
    ).aggregate(last=Max("attempt_time"))["last"]
    cool_off = get_cool_off(request) or timedelta(0)
    return (last or timezone.now()) + cool_off
