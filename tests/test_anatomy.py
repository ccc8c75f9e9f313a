"""The URL list and the OpenAPI schema, held against the record in tests/anatomy/.

Issue 12 reshapes the code without changing behaviour; these two tests prove it for URLs and
the API. A deliberate change (a new page, a new API action) is recorded by running
`ANATOMY_RECORD=1 make test PYTEST_ARGS=tests/test_anatomy.py` and committing the difference,
so every change to what the service offers shows in review.
"""

import os
from pathlib import Path

from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

RECORD = Path(__file__).parent / "anatomy"


def url_lines(patterns=None, prefix="", namespace=""):
    """One line per URL: its route and its name (namespaced)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue  # Django's own admin: its URLs follow the registered models
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_lines(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield f"{route}  {namespace}{entry.name or '-'}"


def schema_text():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return OpenApiYamlRenderer().render(schema, renderer_context={}).decode()


def _holds(name, text):
    path = RECORD / name
    if os.environ.get("ANATOMY_RECORD"):
        path.write_text(text)
    recorded = path.read_text()
    assert text == recorded, f"{name} differs from the record: see the docstring to record it"


def test_the_url_list_is_the_recorded_one():
    # Sorted: which module declares a route may change; the set of routes and names may not.
    _holds("urls.txt", "\n".join(sorted(url_lines())) + "\n")


def test_the_api_schema_is_the_recorded_one():
    # Integer fields' limits in the schema are the database's own (PostgreSQL's smallint stops
    # at 32767, SQLite's integers do not), so each database has its record.
    vendor = connection.vendor
    _holds("schema.yml" if vendor == "sqlite" else f"schema.{vendor}.yml", schema_text())
