"""``{{ record|made_by }}``: who made a history row, naming the API token when one was used."""

from django import template

from trust_portal.accounts.attribution import made_by as _made_by

register = template.Library()


@register.filter
def made_by(record) -> str:
    return _made_by(record)
