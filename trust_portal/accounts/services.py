"""Every change to people and their access, with its audit record (django-simple-history)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from trust_portal.accounts.models import (
    ApiToken,
    Arrangement,
    ObserverGrant,
    Organisation,
    Role,
    User,
)
from trust_portal.accounts.permissions import Action, Kind, require
from trust_portal.outbox.services import email_add


def _save(user: User, *, by: User | None, reason: str) -> None:
    # simple_history reads these when it writes the historical row.
    user._history_user = by
    user._change_reason = reason
    user.full_clean()
    user.save()


def _sync_admin_flags(user: User) -> None:
    # Administrators are platform staff and use Django's admin for reference data.
    is_admin = user.role == Role.ADMINISTRATOR
    user.is_staff = is_admin
    user.is_superuser = is_admin


def invitation_link(*, user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("accounts:set-password", args=[uid, token])


@transaction.atomic
def user_send_invitation(*, user: User, by: User, base_url: str) -> None:
    """Email a link with which the person sets their own password (an outbox job, sent by a
    worker once this commits)."""
    require(by, Action.ADMINISTER, Kind.USER_ACCOUNT)
    if user.is_service_account:
        raise ValidationError(f"{user} is a service account: it has no password to set.")
    if user.has_usable_password():
        raise ValidationError(f"{user} has already set a password; use password reset instead.")
    context = {"user": user, "by": by, "link": invitation_link(user=user, base_url=base_url)}
    email_add(
        subject="You have been invited to Trust Portal",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=user.email,
        description=f"Email: invitation to {user.username}",
    )


@transaction.atomic
def user_invite(
    *,
    by: User,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organisation: Organisation | None,
    observes_all_arrangements: bool = False,
    observed_arrangements: Iterable[Arrangement] = (),
    base_url: str,
) -> User:
    require(by, Action.ADMINISTER, Kind.USER_ACCOUNT)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        organisation=organisation,
        observes_all_arrangements=observes_all_arrangements,
    )
    user.set_unusable_password()
    _sync_admin_flags(user)
    _save(user, by=by, reason="Invited")
    _set_grants(user=user, arrangements=observed_arrangements, by=by)
    # In the outbox with the account: the email goes only once the account certainly exists.
    user_send_invitation(user=user, by=by, base_url=base_url)
    return user


@transaction.atomic
def user_change_access(
    *,
    by: User,
    user: User,
    role: str,
    organisation: Organisation | None,
    observes_all_arrangements: bool = False,
    observed_arrangements: Iterable[Arrangement] = (),
    reason: str = "",
) -> User:
    require(by, Action.ADMINISTER, Kind.USER_ACCOUNT)
    if user.pk == by.pk and role != Role.ADMINISTRATOR:
        # Otherwise the last administrator could lock everyone out of user management.
        raise ValidationError({"role": "You cannot remove your own administrator role."})
    user.role = role
    user.organisation = organisation
    user.observes_all_arrangements = observes_all_arrangements and role == Role.DFE_OBSERVER
    _sync_admin_flags(user)
    _save(user, by=by, reason=reason or "Role or access changed")
    _set_grants(
        user=user,
        arrangements=observed_arrangements if role == Role.DFE_OBSERVER else (),
        by=by,
    )
    return user


def _set_grants(*, user: User, arrangements: Iterable[Arrangement], by: User) -> None:
    wanted = {a.pk for a in arrangements}
    if wanted and user.role != Role.DFE_OBSERVER:
        raise ValidationError({"observed_arrangements": "Only DfE observers have an access list."})
    for grant in user.grants.exclude(arrangement_id__in=wanted):
        grant._history_user = by
        grant.delete()
    existing = set(user.grants.values_list("arrangement_id", flat=True))
    for arrangement_id in wanted - existing:
        grant = ObserverGrant(user=user, arrangement_id=arrangement_id, granted_by=by)
        grant._history_user = by
        grant.save()


@transaction.atomic
def user_deactivate(*, by: User, user: User, reason: str) -> User:
    """A leaver: never deleted, so everything they did stays attributed to them."""
    require(by, Action.ADMINISTER, Kind.USER_ACCOUNT)
    if user.pk == by.pk:
        raise PermissionDenied("You cannot deactivate your own account.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the account is being deactivated."})
    user.is_active = False
    _save(user, by=by, reason=f"Deactivated: {reason.strip()}")
    # Revoked, not just refused while deactivated: reactivating does not bring them back.
    ApiToken.objects.filter(user=user).revoke(
        by=by, reason="API token revoked: account deactivated"
    )
    return user


@transaction.atomic
def user_reactivate(*, by: User, user: User, reason: str) -> User:
    require(by, Action.ADMINISTER, Kind.USER_ACCOUNT)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the account is being reactivated."})
    user.is_active = True
    _save(user, by=by, reason=f"Reactivated: {reason.strip()}")
    return user
