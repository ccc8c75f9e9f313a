"""DRF permission classes; the decisions themselves are made in permissions.py."""

from rest_framework.permissions import BasePermission

from trust_portal.accounts.permissions import Action, Kind, can, is_active_user


class SignedIn(BasePermission):
    """The default for every endpoint: an active user with a role (token or session)."""

    def has_permission(self, request, view):
        return is_active_user(request.user)


class RoleMay(SignedIn):
    """Reads need ``view approved`` on the view's ``permission_kind``; writes need ``edit``,
    or the action the view's ``write_actions`` names for them (``approve``, ``submit``).

    Which rows are visible is decided by the view's queryset (``…_for(user)``), so a user
    never reads an arrangement they are not part of.
    """

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            action = Action.VIEW_APPROVED
        else:
            # A view names the rule each of its writes needs; otherwise a write is an edit.
            action = getattr(view, "write_actions", {}).get(getattr(view, "action", None))
            action = action or Action.EDIT
        return can(request.user, action, Kind(view.permission_kind))
