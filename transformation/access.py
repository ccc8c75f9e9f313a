"""Which business cases, projects and board meetings a person may see (docs/permissions.md,
kind "business case"), for the pages and the API alike.

- the trust's managers (view draft): every case, drafts included;
- council officers (view draft once submitted): every case past the draft, so submitted and
  deferred ones too (a deferred case is back with the trust, as a returned return is);
- DfE observers and administrators (view approved): approved cases only;
- scrutiny members: nothing (403); people outside the arrangement: nothing (404).
"""

from django.db.models import QuerySet
from django.http import Http404

from contracts.models import ContractYear
from transformation.models import BusinessCase
from trust_portal.accounts.permissions import (
    Action,
    Kind,
    arrangement_or_404,
    arrangements_for,
    is_active_user,
    require,
    role_allows,
)

State = BusinessCase.State


def visible_states(user) -> list[str]:
    """The states of business case the user's role may see."""
    if not is_active_user(user):
        return []
    role, kind = user.role, Kind.BUSINESS_CASE
    states = []
    if role_allows(role, kind, Action.VIEW_APPROVED):
        states.append(State.APPROVED)
    if role_allows(role, kind, Action.VIEW_DRAFT, submitted=True):
        states += [State.SUBMITTED, State.DEFERRED, State.REJECTED]
    if role_allows(role, kind, Action.VIEW_DRAFT, submitted=False):
        states.append(State.DRAFT)
    return states


def cases_visible(user, arrangement=None) -> QuerySet[BusinessCase]:
    """Business cases of the user's arrangements (or of one) in the states they may see."""
    arrangements = arrangements_for(user)
    if arrangement is not None:
        arrangements = arrangements.filter(pk=arrangement.pk)
    return BusinessCase.objects.filter(
        project__arrangement__in=arrangements.values("pk"), state__in=visible_states(user)
    )


def programme_or_404(request, code):
    """The arrangement, if the signed-in person is part of it (else 404) and may read its
    transformation programme (else 403)."""
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.BUSINESS_CASE)  # membership: just checked
    return arrangement


def case_or_404(request, code, reference) -> BusinessCase:
    arrangement = programme_or_404(request, code)
    case = (
        cases_visible(request.user, arrangement)
        .filter(reference__iexact=reference)
        .select_related("project__arrangement__trust", "meeting", "block2_line__contract_year")
        .first()
    )
    if case is None:
        raise Http404("No such business case, or not one you can see.")
    return case


def ledger_years(arrangement) -> QuerySet[ContractYear]:
    """The years with a Block 3 fund to draw on: agreed ones (a draft year's provision is not
    settled, and only the roles that see draft contract years may see it at all)."""
    return (
        ContractYear.objects.filter(arrangement=arrangement, state=ContractYear.State.AGREED)
        .select_related("arrangement__trust")
        .order_by("-financial_year")
    )
