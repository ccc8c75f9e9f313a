"""GOV.UK Design System pieces for templates: ``{% load govuk %}``.

``{% table_head "Financial year" "Provision" "Spent" numeric="Provision|Spent" %}`` is a table's
header row; the columns named in ``numeric`` (separated by ``|``) are aligned as numbers.
Named in settings.TEMPLATES (``libraries``): the project package is not an app."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/_table_head.html")
def table_head(*labels, numeric=""):
    right = set(numeric.split("|"))
    return {"columns": [(label, label in right) for label in labels]}
