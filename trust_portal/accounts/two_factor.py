"""Two-factor sign-in (django-otp): who must give a second factor, their devices (an
authenticator app, and recovery codes for when it is lost), and the checks that keep a session
whose second factor is still to come out of everything else, pages and API alike.

A person signs in with their password as before (SignInView); until they give a code from their
app, or a recovery code, ``TwoFactorMiddleware`` keeps them on the two-factor pages. A verified
session holds django-otp's device id (``DEVICE_ID_SESSION_KEY``), set by ``django_otp.login``.
"""

from __future__ import annotations

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.crypto import salted_hmac
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed

from trust_portal.accounts.models import ApiToken, Role, User
from trust_portal.accounts.permissions import Action, Kind, require

# Roles that may change figures, approve them or administer accounts must give a second factor
# (when REQUIRE_TWO_FACTOR is on); scrutiny members and DfE observers may choose to.
REQUIRED_ROLES = {Role.ADMINISTRATOR, Role.COUNCIL_OFFICER, Role.TRUST_MANAGER}
RECOVERY_CODE_COUNT = 10
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
# Set once a session's person is found to have no second factor and not to need one, so the
# local demo's people do not cost a query on every page.
NONE_NEEDED = "two_factor_none_needed"

SET_UP = "accounts:two-factor-set-up"
VERIFY = "accounts:two-factor-verify"


def is_required(user: User) -> bool:
    return bool(settings.REQUIRE_TWO_FACTOR) and user.role in REQUIRED_ROLES


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def still_to_give(request) -> str | None:
    """The page a signed-in person must go through before any other (``VERIFY`` or
    ``SET_UP``), or None when nothing is owed."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return None
    if request.session.get(NONE_NEEDED) and not is_required(user):
        return None
    if has_second_factor(user):
        return VERIFY
    if is_required(user):
        return SET_UP
    request.session[NONE_NEEDED] = True
    return None


SERVICE_ACCOUNT_NO_SIGN_IN = (
    "A service account cannot sign in: it uses the API with a token its administrators make."
)


class VerifiedSessionAuthentication(SessionAuthentication):
    """DRF's session authentication, refusing a session whose second factor is still owed (an
    API token is not affected: it is made by someone who signed in fully)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and result[0].is_service_account:
            raise AuthenticationFailed(SERVICE_ACCOUNT_NO_SIGN_IN)
        if result is not None and still_to_give(request._request):
            raise AuthenticationFailed("Finish signing in with your second factor first.")
        return result


class VerifiedSessionScheme(SessionScheme):
    """The API schema describes it as the session cookie it is (drf-spectacular)."""

    target_class = "trust_portal.accounts.two_factor.VerifiedSessionAuthentication"


# --- The authenticator app ---------------------------------------------------------------------


@transaction.atomic
def app_being_set_up(*, user: User, device_id: int | None) -> TOTPDevice:
    """The app this set-up (``device_id``, kept in its session) is confirming, so reloading the
    page keeps the key the person's app may already hold. A set-up without one gets a fresh key
    and every other unconfirmed key of the person's is deleted: a key shown to another session
    (someone else who had the password, say) can never be the one confirmed later."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()
    if device_id is not None and device is not None:
        return device
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)


def key_text(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, drawn here (no network), for an <img src="data:">
    (the CSP allows img-src data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


@transaction.atomic
def two_factor_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with a code it shows; it replaces any app the person had before. Returns
    new recovery codes (the old ones stop working), to be shown once."""
    if device.user_id != user.pk or not device.verify_token(_digits(code)):
        raise ValidationError("The code is not right. Enter the 6 digits your app shows now.")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=user)


# --- Recovery codes ----------------------------------------------------------------------------
#
# Kept only as a keyed hash (an HMAC-SHA256 with a key derived from SECRET_KEY, in hex cut to the
# 16 characters django-otp's StaticToken.token holds), so that a copy of the database gives no
# working code. Every recovery code typed is checked by ``two_factor_verify`` alone, which
# hashes it; django-otp then finds, deletes (one use each) and throttles as before.
RECOVERY_HASH_SALT = "trust_portal.accounts.two_factor.recovery_code"


def recovery_code_hash(code: str, secret: str | None = None) -> str:
    """What is stored for a recovery code (``secret``: SECRET_KEY unless given)."""
    digest = salted_hmac(RECOVERY_HASH_SALT, _digits(code), secret=secret, algorithm="sha256")
    return digest.hexdigest()[:16]


def _is_app_code(code: str) -> bool:
    # A recovery code is 8 letters and digits (rarely all digits); an app's code is 6 digits.
    return len(code) == 6 and code.isascii() and code.isdigit()


def _stored_form(device: StaticDevice, code: str) -> str:
    """The hash of ``code`` as the device holds it: made with SECRET_KEY, or with one of
    SECRET_KEY_FALLBACKS while a key is being rotated (so codes survive a rotation, as sessions
    do). A code that matches none gives the current key's hash, which django-otp then refuses."""
    hashes = [
        recovery_code_hash(code, secret)
        for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    ]
    held = device.token_set.filter(token__in=hashes).values_list("token", flat=True).first()
    return held or hashes[0]


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes, stored hashed; the old ones stop working. Returns the codes in clear,
    to be shown once and never again."""
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=static, token=recovery_code_hash(code)) for code in codes
    )
    return codes


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code``: the app for 6 digits, else the recovery codes (a code
    used is deleted). Each device throttles wrong guesses (django-otp). The only place a code
    typed by someone is checked."""
    code = _digits(code)
    is_app_code = _is_app_code(code)
    model = TOTPDevice if is_app_code else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        token = code if is_app_code else _stored_form(device, code)
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def recovery_codes_replace(*, user: User, app_code: str) -> list[str]:
    """ "Get new recovery codes": the person gives a code from their app now (a session left
    open is not enough; nor is a recovery code), the old codes stop working, and the change goes
    in their account's history. Returns the new codes, to be shown once. The code is checked
    before the change's transaction, so a wrong one stays counted by django-otp's throttling."""
    code = _digits(app_code)
    device = two_factor_verify(user=user, code=code) if _is_app_code(code) else None
    if device is None:
        raise ValidationError("The code is not right. Enter the 6 digits your app shows now.")
    with transaction.atomic():
        codes = recovery_codes_renew(user=user)
        _history_note(user, by=user, reason="New recovery codes made")
    return codes


def _history_note(user: User, *, by: User, reason: str) -> None:
    """A row in the account's history (simple_history writes one on every save) saying what was
    done to its second factor and by whom; no field of the account itself changes."""
    user._history_user = by
    user._change_reason = reason
    user.save(update_fields=["username"])


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_reset(*, by: User, user: User, reason: str) -> None:
    """A lost device: the person's app and recovery codes are removed and their sessions end;
    they set up a new app at their next sign-in. The reason goes in the account's history."""
    require(by, Action.ADMINISTER, Kind.USER_ACCOUNT)
    if not reason.strip():
        raise ValidationError("Enter the reason.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.session_generation += 1
    # simple_history reads these when it writes the historical row.
    user._history_user = by
    user._change_reason = f"Second factor reset: {reason.strip()}"
    user.save(update_fields=["session_generation"])
    ApiToken.objects.filter(user=user).revoke(
        by=by, reason="API token revoked: two-factor authentication reset"
    )
