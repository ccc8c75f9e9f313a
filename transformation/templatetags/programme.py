"""``{% load programme %}``: ``{% if user|sees_programme:arrangement %}`` for links to the
transformation programme, decided by trust_portal/accounts/permissions.py like everything else
(business case: view approved, in the arrangement)."""

from django import template

from trust_portal.accounts.permissions import Action, Kind, can

register = template.Library()


@register.filter
def sees_programme(user, arrangement) -> bool:
    return can(user, Action.VIEW_APPROVED, Kind.BUSINESS_CASE, arrangement)
