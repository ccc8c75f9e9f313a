"""What the transformation programme puts on people's "Waiting for you" lists
(``trust_portal.work``), registered by ``TransformationConfig.ready``: for a council officer,
the business cases submitted to the T&E Board whose decision is still to be recorded (the
councils' officers record the board's decisions). Read through ``cases_visible``, as the case's
pages are."""

from django.urls import reverse

from transformation.access import cases_visible
from transformation.models import BusinessCase
from trust_portal.accounts.models import Role
from trust_portal.accounts.permissions import Action, Kind, role_allows
from trust_portal.work import Item, waiting


@waiting("business-cases", roles=(Role.COUNCIL_OFFICER,), order=40)
def business_cases(user, arrangements, *, today, **context):
    if not role_allows(user.role, Kind.BUSINESS_CASE, Action.APPROVE):
        return []
    cases = (
        cases_visible(user)
        .filter(project__arrangement__in=arrangements, state=BusinessCase.State.SUBMITTED)
        .select_related("project__arrangement__trust")
        .order_by("submitted_at", "reference")
    )
    return [
        Item(
            title=f"Business case {c.reference}: {c.title}",
            url=reverse(
                "transformation:case-decide", args=[c.project.arrangement.code, c.reference]
            ),
            kind="Board decision to record",
            code=c.project.arrangement.code,
            since=c.submitted_at,
        )
        for c in cases
    ]
