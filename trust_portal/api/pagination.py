"""The API lists' pages: ``?page=`` (from 1) and ``?page_size=`` (1 to ``MAX_PAGE_SIZE``, 50
unless given). A value out of bounds, or not a whole number, is a 400 naming the parameter
(DRF's own answers a 404 "Invalid page" or quietly uses the default size)."""

from django.core.paginator import InvalidPage
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def whole_number(request, name: str, default: int, maximum: int | None = None) -> int:
    """The query parameter ``name`` as a whole number from 1 (to ``maximum``): a 400 naming it
    otherwise; ``default`` when it is not given."""
    given = request.query_params.get(name)
    if given is None:
        return default
    bounds = f"from 1 to {maximum}" if maximum else "from 1"
    number = int(given) if given.isascii() and given.isdigit() else 0
    if number < 1 or (maximum is not None and number > maximum):
        raise ValidationError({name: [f"Give a whole number {bounds}."]})
    return number


class Pages(pagination.PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # Only numbers: the schema says the page is a whole number ("last" would not be one).
    last_page_strings = ()

    def get_page_size(self, request):
        return whole_number(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_page_number(self, request, paginator):
        return whole_number(request, self.page_query_param, 1)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            last = paginator.num_pages
            pages = "1 page" if last == 1 else f"{last} pages"
            raise ValidationError(
                {self.page_query_param: [f"There is no page {number}: the list has {pages}."]}
            ) from None
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page, from 1 (a page past the last is a 400).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"How many to a page, from 1 to {self.max_page_size} "
                    f"({self.page_size} unless given)."
                ),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]
