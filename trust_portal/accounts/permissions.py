"""The only place that decides who may see, edit or approve what.

The rules are written for people in ``docs/permissions.md``; the tests read their expectations
from that table, not from this module, so the two cannot drift apart silently.

Two questions are asked, always together:
1. Is the user part of the arrangement (``arrangements_for``)? If not, the arrangement and
   everything in it does not exist for them (views answer 404, the API filters it out).
2. May the user's role take this action on this kind of object (``can``)? If not, 403.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from trust_portal.accounts.models import Arrangement, Organisation, Role


class Action(StrEnum):
    VIEW_DRAFT = "view draft"
    VIEW_APPROVED = "view approved"
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    ADMINISTER = "administer"


class Kind(StrEnum):
    ORGANISATION = "organisation"
    ARRANGEMENT = "arrangement"
    USER_ACCOUNT = "user account"
    RETURN = "monthly return"
    CONTRACT = "contract"
    BUSINESS_CASE = "business case"
    DASHBOARD = "dashboard"
    INDICATOR = "indicator"
    TARGET = "target"
    QUERY = "query"


A = Action
# Drafts a role sees only once the trust has submitted them.
ONCE_SUBMITTED = "once submitted"

# role -> kind -> the actions allowed. A (view draft) value of ONCE_SUBMITTED limits it to
# objects past the draft state.
_READ = {A.VIEW_APPROVED}
RULES: dict[str, dict[Kind, set]] = {
    Role.COUNCIL_OFFICER: {
        Kind.ORGANISATION: _READ,
        Kind.ARRANGEMENT: _READ,
        Kind.RETURN: {ONCE_SUBMITTED, A.VIEW_APPROVED, A.APPROVE},
        # Approve: raise a query (sending the return back) and close it once answered.
        Kind.QUERY: {ONCE_SUBMITTED, A.VIEW_APPROVED, A.APPROVE},
        Kind.CONTRACT: {A.VIEW_DRAFT, A.VIEW_APPROVED, A.EDIT, A.SUBMIT},
        Kind.BUSINESS_CASE: {ONCE_SUBMITTED, A.VIEW_APPROVED, A.APPROVE},
        # Edit: issue a scrutiny committee pack.
        Kind.DASHBOARD: {A.VIEW_APPROVED, A.EDIT},
        Kind.INDICATOR: _READ,
        Kind.TARGET: {A.VIEW_APPROVED, A.EDIT},
    },
    Role.TRUST_MANAGER: {
        Kind.ORGANISATION: _READ,
        Kind.ARRANGEMENT: _READ,
        Kind.RETURN: {A.VIEW_DRAFT, A.VIEW_APPROVED, A.EDIT, A.SUBMIT},
        # Edit: answer a query.
        Kind.QUERY: {A.VIEW_DRAFT, A.VIEW_APPROVED, A.EDIT},
        Kind.CONTRACT: _READ,
        Kind.BUSINESS_CASE: {A.VIEW_DRAFT, A.VIEW_APPROVED, A.EDIT, A.SUBMIT},
        Kind.DASHBOARD: _READ,
        Kind.INDICATOR: _READ,
        Kind.TARGET: _READ,
    },
    Role.DFE_OBSERVER: {
        Kind.ORGANISATION: _READ,
        Kind.ARRANGEMENT: _READ,
        Kind.RETURN: _READ,
        Kind.QUERY: _READ,
        Kind.CONTRACT: _READ,
        Kind.BUSINESS_CASE: _READ,
        Kind.DASHBOARD: _READ,
        Kind.INDICATOR: _READ,
        Kind.TARGET: _READ,
    },
    Role.SCRUTINY_MEMBER: {
        Kind.ORGANISATION: _READ,
        Kind.ARRANGEMENT: _READ,
        Kind.RETURN: _READ,
        Kind.QUERY: _READ,
        Kind.DASHBOARD: _READ,
        Kind.INDICATOR: _READ,
        Kind.TARGET: _READ,
    },
    Role.ADMINISTRATOR: {
        Kind.ORGANISATION: {A.VIEW_APPROVED, A.EDIT, A.ADMINISTER},
        Kind.ARRANGEMENT: {A.VIEW_APPROVED, A.EDIT, A.ADMINISTER},
        Kind.USER_ACCOUNT: {A.VIEW_APPROVED, A.EDIT, A.ADMINISTER},
        Kind.RETURN: {A.VIEW_APPROVED, A.ADMINISTER},
        Kind.QUERY: _READ,
        Kind.CONTRACT: {A.VIEW_DRAFT, A.VIEW_APPROVED, A.APPROVE, A.ADMINISTER},
        Kind.BUSINESS_CASE: {A.VIEW_APPROVED, A.ADMINISTER},
        Kind.DASHBOARD: {A.VIEW_APPROVED, A.ADMINISTER},
        Kind.INDICATOR: {A.VIEW_APPROVED, A.EDIT, A.ADMINISTER},
        Kind.TARGET: {A.VIEW_APPROVED, A.ADMINISTER},
    },
}


def role_allows(role: str, kind: Kind, action: Action, *, submitted: bool = False) -> bool:
    """The table alone: may this role take this action on this kind of object?"""
    allowed = RULES.get(role, {}).get(kind, set())
    if action == A.VIEW_DRAFT and ONCE_SUBMITTED in allowed:
        return submitted
    return action in allowed


def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role)


def arrangements_for(user) -> QuerySet[Arrangement]:
    """Every arrangement the user is part of or has been granted; nothing for anyone else."""
    arrangements = Arrangement.objects.with_parties()
    if not is_active_user(user):
        return arrangements.none()
    if user.role == Role.ADMINISTRATOR:
        return arrangements.all()
    if user.role == Role.DFE_OBSERVER:
        if user.observes_all_arrangements:
            return arrangements.all()
        return arrangements.filter(grants__user=user)
    if user.organisation_id is None:
        return arrangements.none()
    if user.role == Role.TRUST_MANAGER:
        return arrangements.filter(trust_id=user.organisation_id)
    return arrangements.filter(commission__council_id=user.organisation_id)


def organisations_for(user) -> QuerySet[Organisation]:
    """The organisations a user may see: their own and every party to their arrangements."""
    if not is_active_user(user):
        return Organisation.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Organisation.objects.all()
    arrangement_ids = arrangements_for(user).values("pk")
    return Organisation.objects.filter(
        Q(pk=user.organisation_id)
        | Q(arrangement_as_trust__in=arrangement_ids)
        | Q(commission__arrangement__in=arrangement_ids)
    ).distinct()


def in_arrangement(user, arrangement: Arrangement) -> bool:
    return arrangements_for(user).filter(pk=arrangement.pk).exists()


def can(
    user,
    action: Action,
    kind: Kind,
    arrangement: Arrangement | None = None,
    *,
    submitted: bool = False,
) -> bool:
    """May this user take this action on this kind of object (in this arrangement)?"""
    if not is_active_user(user):
        return False
    if not role_allows(user.role, kind, action, submitted=submitted):
        return False
    return arrangement is None or in_arrangement(user, arrangement)


def require(user, action: Action, kind: Kind, arrangement=None, *, submitted=False) -> None:
    """Raise PermissionDenied unless ``can`` says yes; for services and views."""
    if not can(user, action, kind, arrangement, submitted=submitted):
        raise PermissionDenied(f"You cannot {action} this {kind}.")


def capabilities(user, kinds=tuple(Kind)) -> list[tuple[Kind, list[Action]]]:
    """What the user's role may do, kind by kind (the home page lists it)."""
    result = []
    for kind in kinds:
        actions = [a for a in Action if role_allows(user.role, kind, a, submitted=True)]
        if actions:
            result.append((kind, actions))
    return result


# --- For views ------------------------------------------------------------------------------


def arrangement_or_404(user, code: str) -> Arrangement:
    """The arrangement named by its trust's code, if the user is part of it; else 404."""
    arrangement = arrangements_for(user).filter(trust__code=code.upper()).first()
    if arrangement is None:
        raise Http404("No such arrangement.")
    return arrangement


def permission_required(action: Action, kind: Kind):
    """View decorator: signed in (else to sign-in page), then the role rule (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            require(request.user, action, kind)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
