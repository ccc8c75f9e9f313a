"""Money and percentages in templates: ``{% load money %}`` then ``{{ amount|pounds }}``
(£1,234,567.89, a negative with a true minus sign), ``{{ share|percent }}`` (56%, 44.72%) and
``{{ target|number }}`` (80.00 as 80, never 8E+1), ``{{ cases|count }}`` (1,783, never 1783.0),
``{{ fte|grouped }}`` (1,032.50), and an indicator's value or change by its unit:
``{{ rating.value|figure:indicator.unit }}`` (85.3%, 1,783) and
``{{ change|change:indicator.unit }}`` (+1.2 points, +14). All from ``trust_portal/numbers.py``.
Named in settings.TEMPLATES (``libraries``): the project package is not an app."""

from decimal import Decimal

from django import template

from trust_portal.numbers import (
    change_text,
    count_text,
    figure_text,
    grouped_text,
    money_text,
    number_text,
    percentage_text,
)

register = template.Library()


def _or_dash(text_of):
    """A filter showing ``text_of(value)``, or "–" where there is no value."""

    def shown(value):
        return "–" if value is None or value == "" else text_of(value)

    return shown


register.filter("pounds", _or_dash(lambda value: money_text(Decimal(value))))
register.filter("percent", _or_dash(lambda value: percentage_text(Decimal(value))))
register.filter("number", _or_dash(lambda value: number_text(Decimal(value))))
register.filter("count", _or_dash(count_text))
register.filter("grouped", _or_dash(grouped_text))


@register.filter
def figure(value, unit):
    return figure_text(value, unit)


@register.filter
def change(value, unit):
    return change_text(value, unit)
