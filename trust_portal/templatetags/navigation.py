"""``{% arrangement_sections as nav_sections %}``: the sections of the page's arrangement that the
signed-in person may open (trust_portal/navigation.py), for the header's service navigation;
empty on a page that belongs to no arrangement."""

from django import template

from trust_portal.navigation import arrangement_of_page, sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def arrangement_sections(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    arrangement = arrangement_of_page(request, context.get("arrangement"))
    return sections_for(request, arrangement) if arrangement else []
