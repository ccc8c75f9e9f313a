"""Money and percentages in templates: ``{% load money %}`` then ``{{ amount|pounds }}``
(£1,234,567.89, a negative with a true minus sign), ``{{ share|percent }}`` (56%, 44.72%) and
``{{ target|number }}`` (80.00 as 80, never 8E+1).
Named in settings.TEMPLATES (``libraries``): the project package is not an app."""

from decimal import Decimal

from django import template

from trust_portal.numbers import money_text, number_text, percentage_text

register = template.Library()


@register.filter
def pounds(value):
    if value is None or value == "":
        return "–"
    return money_text(Decimal(value))


@register.filter
def percent(value):
    if value is None or value == "":
        return "–"
    return percentage_text(Decimal(value))


@register.filter
def number(value):
    if value is None or value == "":
        return "–"
    return number_text(Decimal(value))
