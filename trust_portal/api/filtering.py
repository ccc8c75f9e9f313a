"""The API lists' filter backend: django-filter's, refusing what it would quietly ignore.

django-filter answers a 400 for a value it cannot read (a date, a number, a choice), but takes
an empty value as no filter at all, and a boolean other than true or false as none either: the
caller would get the whole list and think it filtered. Here each is a 400 naming the parameter,
as the schema says (an enum has no empty value, a boolean is true or false). A text filter may
still be empty."""

from django_filters import BooleanFilter, CharFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

BOOLEANS = ("true", "false")


def unreadable(filterset, params) -> dict:
    """{parameter: [message]} for each of the filterset's parameters given a value it would
    ignore."""
    errors = {}
    for name, found in filterset.filters.items():
        if name not in params:
            continue
        values = params.getlist(name)
        if isinstance(found, BooleanFilter):
            if any(value not in BOOLEANS for value in values):
                errors[name] = ["Give true or false."]
        elif not isinstance(found, CharFilter) and "" in values:
            errors[name] = ["Give a value, or leave the parameter out."]
    return errors


class FilterBackend(DjangoFilterBackend):
    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            errors = unreadable(filterset, request.query_params)
            if errors:
                raise ValidationError(errors)
        return filterset
