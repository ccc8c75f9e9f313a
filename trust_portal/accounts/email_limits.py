"""How many password-reset and invitation emails may be asked for, per client address and
per account, each hour (settings: ``PASSWORD_RESETS_PER_…``, ``INVITATIONS_PER_…``).

An address over its limit is told so and when to try again: its count is of every request it
made, whatever was typed, so the answer says nothing about which accounts exist. An account
over its limit is not told: the reset page answers exactly as it always does and no email
goes, so neither a flood of emails nor the page's answer reveals the account.
"""

from datetime import datetime

from django.conf import settings
from django.utils import formats

from trust_portal import rate_limits

HOUR = 60 * 60


def password_reset_paused_until(*, address: str) -> datetime | None:
    """When this address may ask for a reset again, if it has asked too often this hour."""
    used = rate_limits.count("reset-address", address, window=HOUR)
    if used >= settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR:
        return rate_limits.window_end(window=HOUR)
    return None


def password_reset_note(*, address: str, email: str) -> bool:
    """Count a reset asked for; whether its email may go (the account is within its limit).
    ``email`` is whatever was typed, an account or not, so both take the same path."""
    rate_limits.hit("reset-address", address, window=HOUR)
    sent = rate_limits.hit("reset-account", email.strip().lower(), window=HOUR)
    return sent <= settings.PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR


def invitation_refusal(*, address: str, username: str) -> str | None:
    """Why an invitation to ``username`` may not be sent now, or None (and it is counted)."""
    again = formats.time_format(rate_limits.window_end(window=HOUR), "H:i")
    used = rate_limits.count("invite-address", address, window=HOUR)
    if used >= settings.INVITATIONS_PER_ADDRESS_PER_HOUR:
        return f"Too many invitations sent from your address this hour. Try again after {again}."
    sent = rate_limits.count("invite-account", username, window=HOUR)
    if sent >= settings.INVITATIONS_PER_ACCOUNT_PER_HOUR:
        return f"{username} has had too many invitations this hour. Try again after {again}."
    rate_limits.hit("invite-address", address, window=HOUR)
    rate_limits.hit("invite-account", username, window=HOUR)
    return None
