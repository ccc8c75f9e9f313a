"""DRF permission classes; the decisions themselves are made in permissions.py."""

from rest_framework.permissions import BasePermission

from trust_portal.accounts.permissions import Action, Kind, can, is_active_user


class SignedIn(BasePermission):
    """The default for every endpoint: an active user with a role (token or session)."""

    def has_permission(self, request, view):
        return is_active_user(request.user)


class RoleMay(SignedIn):
    """Reads need ``view approved`` on the view's ``permission_kind``; writes need ``edit``.

    Which rows are visible is decided by the view's queryset (``…_for(user)``), so a user
    never reads an arrangement they are not part of.
    """

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        action = (
            Action.VIEW_APPROVED if request.method in ("GET", "HEAD", "OPTIONS") else Action.EDIT
        )
        return can(request.user, action, Kind(view.permission_kind))
