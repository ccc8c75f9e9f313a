"""A contract year for a page: the one ``ContractYear.objects.visible_to`` lets the signed-in
person see (agreed years by every role that may see contracts, draft years only by the roles
that may see drafts), else 404."""

from django.http import Http404

from contracts.models import ContractYear
from trust_portal.accounts.permissions import Action, Kind, arrangement_or_404, require


def contract_year_or_404(request, code, year) -> ContractYear:
    """The arrangement's year, if the signed-in person may see it: 404 when they are not part
    of the arrangement or may not see that year, 403 when their role may not see contracts."""
    arrangement = arrangement_or_404(request.user, code)
    require(request.user, Action.VIEW_APPROVED, Kind.CONTRACT)
    found = (
        ContractYear.objects.visible_to(request.user)
        .for_arrangement(arrangement)
        .filter(financial_year=year)
        .select_related("arrangement__trust")
        .first()
    )
    if found is None:
        raise Http404("No such contract year, or not one you can see.")
    return found
