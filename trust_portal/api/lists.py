"""What every API list shares: ``?format=csv`` (the whole filtered list as a streamed CSV
file), strict ``?ordering=``, and the filters of months, financial years, council areas and
yes-or-no questions (``StrictBooleanFilter``).

Every list viewset has ``ListsEveryWay`` among its bases (tests/test_api_lists.py checks each
routed one). Its CSV has the JSON's fields as columns: a nested object's fields as dotted names
(``split.basis``); a list of plain values as one cell, the values joined by "; "; a list of
objects, or an object whose keys vary, as one cell of compact JSON. Text a spreadsheet would
read as a formula is neutralised as every download's is (``trust_portal.exports``); numbers,
which the JSON gives as text ("-120.50"), stay numbers.
"""

import csv
import json
import re
from datetime import date
from decimal import Decimal

import django_filters
from django import forms
from django.http import Http404, StreamingHttpResponse
from drf_spectacular.utils import extend_schema_field
from rest_framework import renderers, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.utils.encoders import JSONEncoder

from trust_portal.exports import _safe
from trust_portal.periods import month_problem, next_month, parse_month

# Rows read and serialised at a time: the prefetches run once per chunk, so a CSV of up to this
# many rows reads in the same number of queries as one of a single row.
CHUNK = 500
FORMATS = ["json", "csv"]
# A number as the JSON gives it (a decimal as text): kept as it is, a minus sign and all.
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$", re.ASCII)
# A month as a query gives it: 2024-07, or a day of it, 2024-07-15 (digits 0 to 9 only).
_MONTH_TEXT = re.compile(r"^\d{4}-\d{2}(-\d{2})?$", re.ASCII)


_ENCODER = JSONEncoder()


class CSVRenderer(renderers.BaseRenderer):
    """Chooses ``?format=csv`` (or ``Accept: text/csv``) on a list; the list's ``list`` writes
    the file itself, streamed (``ListsEveryWay``)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("A list streams its CSV itself.")


def columns(serializer, prefix: str = "") -> list[tuple[str, tuple[str, ...]]]:
    """(dotted name, path into a row's JSON) of each column: a nested object's fields in turn."""
    found = []
    for name, field in serializer.fields.items():
        if getattr(field, "write_only", False):
            continue
        if isinstance(field, serializers.Serializer):
            found += [(f"{name}.{dotted}", (name, *path)) for dotted, path in columns(field)]
        else:
            found.append((name, (name,)))
    return [(f"{prefix}{dotted}", path) for dotted, path in found]


def _text(value) -> str:
    """A plain value as the JSON writes it (a moment as 2026-12-07T09:00:00Z)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    return str(_ENCODER.default(value))


def cell(value) -> str:
    """One value of a row's JSON as a CSV cell, formula-safe."""
    if isinstance(value, list) and all(not isinstance(item, dict | list) for item in value):
        return _safe("; ".join(_text(item) for item in value))
    if isinstance(value, list | dict):
        value = json.dumps(value, cls=JSONEncoder, separators=(",", ":"), ensure_ascii=False)
    value = _text(value)
    if _NUMBER.match(value):
        return value
    return _safe(value)


def _at(row, path):
    for name in path:
        if not isinstance(row, dict):
            return None
        row = row.get(name)
    return row


class _Line:
    """What csv.writer writes to: hands the line back."""

    def write(self, text):
        return text


class ListsEveryWay:
    """A list's ``?format=csv``: the whole filtered list (the rows the JSON pages show, in the
    same order), streamed a chunk at a time; other formats but json and csv are a 400."""

    def get_renderers(self):
        found = super().get_renderers()
        if getattr(self, "action", None) == "list":
            found.append(CSVRenderer())
        return found

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            # DRF answers an unknown ?format= with a 404; it is a bad parameter.
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
            formats = [r.format for r in self.get_renderers() if r.format in FORMATS]
            raise ValidationError({"format": [f"Choose one of: {', '.join(formats)}."]}) from None

    def finalize_response(self, request, response, *args, **kwargs):
        # An error of a CSV request (a bad filter) is JSON, as every error is.
        if isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
            return self.csv_list()
        return super().list(request, *args, **kwargs)

    def csv_filename(self) -> str:
        """The list's address's last part and today: payments-2026-12-07.csv."""
        name = self.request.path.rstrip("/").rsplit("/", 1)[-1] or "list"
        return f"{name}-{date.today():%Y-%m-%d}.csv"

    def csv_list(self) -> StreamingHttpResponse:
        # DRF's reverse() would carry ?format=csv into every link the rows give (their url).
        query = self.request._request.GET.copy()
        query.pop("format", None)
        self.request._request.GET = query
        if self.paginator is not None:  # the whole list: a page's parameters are checked, unused
            self.paginator.get_page_size(self.request)
            self.paginator.get_page_number(self.request, None)
        rows = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(self.csv_lines(rows), content_type="text/csv")
        response["Content-Type"] = "text/csv; charset=utf-8"
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename()}"'
        return response

    def csv_lines(self, rows):
        header = columns(self.get_serializer())
        writer = csv.writer(_Line())
        yield "\ufeff" + writer.writerow([dotted for dotted, _ in header])
        chunk = []
        for row in rows.iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield from self._csv_chunk(writer, header, chunk)
                chunk = []
        yield from self._csv_chunk(writer, header, chunk)

    def _csv_chunk(self, writer, header, chunk):
        for data in self.get_serializer(chunk, many=True).data:
            yield writer.writerow([cell(_at(data, path)) for _, path in header])


class StrictOrdering(OrderingFilter):
    """``?ordering=`` on the list's ``ordering_fields`` (a "-" first for descending), given as
    names or as {the API's name: the model's path}; any other field is a 400 naming the
    parameter, not silently ignored. A list with no ``ordering_fields`` takes no ``ordering``."""

    def get_valid_fields(self, queryset, view, context=None):
        return list(_orderings(view).items())

    def get_ordering(self, request, queryset, view):
        given = request.query_params.get(self.ordering_param)
        allowed = _orderings(view)
        if not given or not allowed:
            return self.get_default_ordering(view)
        terms = [term.strip() for term in given.split(",")]
        if any(term.lstrip("-") not in allowed for term in terms):
            raise ValidationError(
                {self.ordering_param: [f"Order by one of: {', '.join(allowed)}."]}
            )
        paths = [("-" if t.startswith("-") else "") + allowed[t.lstrip("-")] for t in terms]
        # The list's own order breaks ties, so pages never overlap.
        return [*paths, *(queryset.query.order_by or ["pk"])]

    def get_schema_operation_parameters(self, view):
        fields = list(_orderings(view))
        if not fields:
            return []
        choices = [term for name in fields for term in (name, f"-{name}")]
        description = (
            "Order by these fields, comma-separated; a minus sign first for descending "
            "(-month). Any other field is refused (400)."
        )
        schema = {"type": "array", "items": {"type": "string", "enum": choices}}
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": description,
                "schema": schema,
                "style": "form",
                "explode": False,
            }
        ]

    def get_schema_fields(self, view):  # pragma: no cover (coreapi, unused)
        return []


def month_problem_of(text: str) -> str | None:
    """``periods.month_problem`` of a month's text, once it is a real month; else None."""
    try:
        return month_problem(date(int(text[:4]), int(text[5:7]), 1))
    except ValueError:
        return None


def _orderings(view) -> dict:
    fields = getattr(view, "ordering_fields", None) or {}
    return dict(fields) if isinstance(fields, dict) else {name: name for name in fields}


def _documented(found: django_filters.Filter, pattern: str) -> None:
    """The schema of a filter read from text: a string of the pattern, with its help text."""
    schema = {"type": "string", "pattern": pattern}
    if found.extra.get("help_text"):
        schema["description"] = found.extra["help_text"]
    extend_schema_field(schema)(found)


class MonthField(forms.CharField):
    """A "YYYY-MM" month (or a date in it, "YYYY-MM-DD") within the months anything may be
    entered for (``periods.month_problem``)."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        problem = "Enter a month as YYYY-MM, for example 2024-07."
        if not _MONTH_TEXT.match(value):
            raise forms.ValidationError(problem)
        try:
            return parse_month(value)
        except ValueError as error:
            # Out of range says which months may be given; anything else (2024-13) is no month.
            raise forms.ValidationError(month_problem_of(value) or problem) from error


class MonthFilter(django_filters.Filter):
    """A month as ``YYYY-MM``: with ``lookup_expr`` "gte" the month and after, "lte" the month
    and before (a date field up to the month's last day), "exact" that month's."""

    field_class = MonthField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _documented(self, r"^[0-9]{4}-(0[1-9]|1[0-2])(-[0-9]{2})?$")

    def filter(self, qs, value):
        if value is None:
            return qs
        name = self.field_name
        if self.lookup_expr == "gte":
            return qs.filter(**{f"{name}__gte": value})
        if self.lookup_expr == "lte":
            return qs.filter(**{f"{name}__lt": next_month(value)})
        return qs.filter(**{f"{name}__gte": value, f"{name}__lt": next_month(value)})


# What a yes-or-no filter accepts: true or false, as the schema's booleans are written in a
# query (trust_portal/api/filtering.py refuses anything else before the filter runs).
_BOOLEANS = {"true": True, "false": False}


class StrictBooleanField(forms.CharField):
    """true or false; anything else is refused, never ignored."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        found = _BOOLEANS.get(value)
        if found is None:
            raise forms.ValidationError("Give true or false.")
        return found


class StrictBooleanFilter(django_filters.BooleanFilter):
    """A yes-or-no filter of every API list: ``?paid=true``, ``?paid=false``;
    a bad value (``?paid=maybe``) answers 400 naming the parameter, as every other filter
    does (django-filter's own would ignore it and give the whole list)."""

    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schema = {"type": "boolean"}
        if self.extra.get("help_text"):
            schema["description"] = self.extra["help_text"]
        extend_schema_field(schema)(self)


class FinancialYearField(forms.CharField):
    """A financial year, "2024-25" (or "2024/25", or 2024 alone): the year it starts in."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        found = re.fullmatch(r"(\d{4})(?:[-/](\d{2}))?", value.strip(), re.ASCII)
        start = int(found[1]) if found else None
        if found and found[2] is not None and int(found[2]) != (start + 1) % 100:
            start = None
        if start is None or month_problem(date(start, 4, 1)):
            raise forms.ValidationError(
                "Enter a financial year such as 2024-25, from 2000-01 to next year's."
            )
        return start


class FinancialYearFilter(django_filters.Filter):
    """``year``: a financial year as ``2024-25``; ``field_name`` holds the year it starts in
    (as a contract year does) or, with ``months=True``, a month or a day in it."""

    field_class = FinancialYearField

    def __init__(self, *args, months: bool = False, **kwargs):
        kwargs.setdefault("help_text", "A financial year, for example 2024-25.")
        self.months = months
        super().__init__(*args, **kwargs)
        _documented(self, r"^[0-9]{4}([-/][0-9]{2})?$")

    def filter(self, qs, value):
        if value is None:
            return qs
        if not self.months:
            return qs.filter(**{self.field_name: value})
        first, after = date(value, 4, 1), date(value + 1, 4, 1)
        return qs.filter(**{f"{self.field_name}__gte": first, f"{self.field_name}__lt": after})


class OneYearForm(forms.Form):
    """The form of a list's filters that has both ``year`` and ``financial_year`` (its older,
    integer name): given together, they name the same year, or ``year`` is refused."""

    def clean(self):
        data = super().clean()
        given = {data.get("year"), data.get("financial_year")} - {None}
        if len({int(year) for year in given}) > 1:
            self.add_error("year", "Give one financial year: year and financial_year differ.")
        return data


def month_range(field_name: str, what: str = ""):
    """(month_from, month_to) filters of ``field_name`` (a month, the first of the month, or a
    day); ``what`` ("Submitted") begins their help text when the field is not plain."""
    first, last = "From this month", "Up to this month"
    if what:
        first, last = f"{what} in this month or after", f"{what} in this month or before"
    return (
        MonthFilter(field_name=field_name, lookup_expr="gte", help_text=f"{first}, YYYY-MM."),
        MonthFilter(field_name=field_name, lookup_expr="lte", help_text=f"{last}, YYYY-MM."),
    )


def financial_year_given(text: str) -> int | None:
    """The year a ``year`` query's financial year starts in, or None when it names none (the
    filter itself then answers 400)."""
    try:
        return FinancialYearField(required=False).clean(text)
    except forms.ValidationError:
        return None


def code_filter(field_name: str, help_text: str):
    """A filter on an organisation's code, in any case: ``trust=NCT``, ``council=WNC``."""
    return django_filters.CharFilter(
        field_name=field_name, lookup_expr="iexact", help_text=help_text
    )


TRUST_HELP = "The trust's code, for example NCT: that arrangement's only."
COUNCIL_HELP = "A council's code, for example WNC: that council area's only."


def add_csv_to_schema(result, generator, request, public):
    """drf-spectacular postprocessing hook: every list (an operation that may answer text/csv)
    documents ``format`` and its CSV answer as text."""
    for path in result.get("paths", {}).values():
        operation = path.get("get")
        if not operation:
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {})
        if "text/csv" not in content:
            continue
        content["text/csv"] = {"schema": {"type": "string"}}
        # drf-spectacular names the renderers' formats already; this says what each gives.
        others = [p for p in operation.get("parameters", []) if p["name"] != "format"]
        operation["parameters"] = sorted(
            others
            + [
                {
                    "in": "query",
                    "name": "format",
                    "schema": {"type": "string", "enum": FORMATS, "default": "json"},
                    "description": (
                        "csv: the whole filtered list (not one page) as a CSV file, UTF-8 with a "
                        "byte order mark: the JSON's fields as columns, a nested object's as "
                        'dotted names (split.basis), a list of values joined by "; ", a list of '
                        "objects as JSON text."
                    ),
                }
            ],
            key=lambda parameter: (parameter["in"], parameter["name"]),
        )
    return result
