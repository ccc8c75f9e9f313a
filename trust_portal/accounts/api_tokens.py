"""API tokens people and service accounts manage, and the API's authentication by them.

A token's key is 32 random bytes (``tp_`` and 43 URL-safe characters), shown once when it is
made; the database keeps only its SHA-256, looked up by that hash. A token expires (at most a
year after it is made), may be read-only, and is revoked rather than deleted, so its history
stays. Its ``last_used_at`` is written at most once an hour, by a conditional UPDATE, so reading
the API does not write the database each time; every write asked with it is recorded with its
answer's status once that is known, refused ones too (``ApiTokenUse``, by
``ApiTokenUseMiddleware``), and listed on the token's "Changes made with it" page.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import SAFE_METHODS

from trust_portal.accounts.models import ApiToken, ApiTokenUse, Organisation, User
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.history import audited, audited_save

KEY_START = "tp_"
PREFIX_LENGTH = 11  # "tp_" and 8 characters of the key
DEFAULT_DAYS = 90
MAX_DAYS = 365
LAST_USED_EVERY = timedelta(hours=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_START + secrets.token_urlsafe(32)


def expiry_days_check(days) -> int:
    """``days`` as a whole number from 1 to 365, or a ValidationError on ``expires_in_days``."""
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"expires_in_days": f"Enter a number of days from 1 to {MAX_DAYS} (at most a year)."}
        )
    return days


# --- Services -------------------------------------------------------------------------------


def _may_manage(by: User, owner: User) -> None:
    """People manage their own tokens; administrators manage service accounts' tokens."""
    if owner.is_service_account:
        require(by, Action.ADMINISTER, Kind.USER_ACCOUNT)
    elif by.pk != owner.pk:
        raise ValidationError("You can only manage your own API tokens.")


def _within_the_cap(by: User | None, user: User, now) -> None:
    """Refuse a token past ``API_TOKENS_PER_USER_MAX`` active ones: each token has its own
    throttle, so many tokens would multiply one account's rate. The account's row is locked
    first, so two requests at once cannot both slip under the cap."""
    most = settings.API_TOKENS_PER_USER_MAX
    User.objects.select_for_update().filter(pk=user.pk).exists()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    if active.count() >= most:
        who = "You already have" if by is not None and by.pk == user.pk else "This account has"
        raise ValidationError(
            f"{who} {most} active API tokens, the most allowed. "
            "Revoke one that is no longer used before making another."
        )


@transaction.atomic
def api_token_create(
    *, by: User | None, user: User, name: str, days: int = DEFAULT_DAYS, read_only: bool = False
) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key (shown once; only its hash is kept). ``by`` None:
    an operator at the command line."""
    if by is not None:
        _may_manage(by, user)
    if not user.is_active:
        raise ValidationError("This account is deactivated: it cannot be given a token.")
    days = expiry_days_check(days)
    now = timezone.now()
    _within_the_cap(by, user, now)
    key = new_key()
    token = ApiToken(
        user=user,
        name=(name or "").strip(),
        prefix=key[:PREFIX_LENGTH],
        key_hash=key_hash(key),
        read_only=read_only,
        created_at=now,
        created_by=by,
        expires_at=now + timedelta(days=days),
    )
    audited_save(token, by=by, reason="API token made")
    return token, key


@transaction.atomic
def api_token_revoke(*, by: User, token: ApiToken) -> ApiToken:
    _may_manage(by, token.user)
    if token.revoked_at is None:
        token.revoked_at, token.revoked_by = timezone.now(), by
        audited(token, by=by, reason="API token revoked").save()
    return token


@transaction.atomic
def service_account_create(
    *, by: User, username: str, first_name: str, email: str, organisation: Organisation, role: str
) -> User:
    """A machine user of ``organisation`` with ``role``: no password, no sign-in to the pages;
    it uses the API with tokens its administrators make."""
    require(by, Action.ADMINISTER, Kind.USER_ACCOUNT)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "Someone already has this username."})
    account = User(
        username=username,
        first_name=first_name,
        email=email,
        organisation=organisation,
        role=role,
        is_service_account=True,
    )
    account.set_unusable_password()
    audited_save(account, by=by, reason="Service account made")
    return account


# --- Authentication -------------------------------------------------------------------------


def _expired_message(token: ApiToken) -> str:
    when = formats.date_format(timezone.localtime(token.expires_at), "j F Y")
    return f"This token expired on {when}. Make a new one on your API tokens page."


def token_used(token: ApiToken, *, now=None) -> None:
    """Note that ``token`` was used: one conditional UPDATE, which writes only when the last
    note is an hour old (so at most one write an hour, whichever process gets there first)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY), pk=token.pk
    ).update(last_used_at=now)


def token_use_record(token: ApiToken, *, method: str, path: str, status: int) -> ApiTokenUse:
    """Record a write asked with ``token`` and the HTTP status it was answered with."""
    # Any method a client sends is recorded, cut to the column's size (a made-up one too).
    return ApiTokenUse.objects.create(
        token=token, at=timezone.now(), method=method[:10], path=path[:300], status=status
    )


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``, looked up by the key's hash. An unknown, revoked or
    expired token, or a deactivated account's, is refused (401, saying which); a read-only token
    asking to change anything is refused (403). ``request.auth`` is the ``ApiToken``."""

    model = ApiToken

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if request.method not in SAFE_METHODS:
            # Recorded with its answer by ApiTokenUseMiddleware, once the answer is known.
            request._request.api_token_write = token
            if token.read_only:
                raise exceptions.PermissionDenied(
                    "This token is read-only: it can read the API but not change anything."
                )
        return result

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not known.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_expired_message(token))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token's account is deactivated.")
        token_used(token)
        return token.user, token
