"""What the accounts app puts on an administrator's "Waiting for you" list
(``trust_portal.work``), registered by ``AccountsConfig.ready``: invitations not taken up
(an active account whose holder has not yet set a password), oldest first."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.urls import reverse

from trust_portal.accounts.models import Role, User
from trust_portal.accounts.permissions import Action, Kind, role_allows
from trust_portal.work import Item, waiting


@waiting("invitations", roles=(Role.ADMINISTRATOR,), order=60)
def invitations(user, arrangements, *, today, **context):
    if not role_allows(user.role, Kind.USER_ACCOUNT, Action.ADMINISTER):
        return []
    # An invited person has no password until they set one (an unusable one is stored).
    unusable = UNUSABLE_PASSWORD_PREFIX
    # A service account has no password either, and is never invited.
    invited = User.objects.filter(
        is_active=True, is_service_account=False, password__startswith=unusable
    ).order_by("date_joined", "username")
    return [
        Item(
            title=f"Invitation to {person.get_full_name() or person.username} not taken up",
            url=reverse("accounts:user-detail", args=[person.username]),
            kind="Invitation",
            code="",
            since=person.date_joined,
        )
        for person in invited
    ]
