"""The schema documents every operation's error answers with the bodies the exception handler
gives them (trust_portal/api/schema.py); the bodies below are the handler's own."""

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from trust_portal.api.schema import statuses_of


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_needs_sign_in_and_may_be_refused_to_a_role(schema):
    for path, method, operation in operations(schema):
        assert {"401", "403", "429"} <= set(operation["responses"]), (path, method)


def test_operations_naming_an_object_in_the_path_or_the_body_may_find_nothing(schema):
    for path, method, operation in operations(schema):
        body = method in {"post", "put", "patch", "delete"}
        assert ("404" in operation["responses"]) == ("{" in path or body), (path, method)


def test_operations_with_a_body_or_a_query_may_refuse_it(schema):
    for path, method, operation in operations(schema):
        query = any(p["in"] == "query" for p in operation.get("parameters", []))
        body = method in {"post", "put", "patch", "delete"}
        assert ("400" in operation["responses"]) == (body or query), (path, method)
        assert ("413" in operation["responses"]) == body, (path, method)


def test_an_operation_s_own_answers_are_kept():
    operation = {"responses": {"200": {}}, "security": [{"tokenAuth": []}]}
    assert statuses_of("/api/v1/things/{id}/", "get", operation) == ["401", "403", "404", "429"]
    assert statuses_of("/api/v1/things/", "post", operation) == [
        "400",
        "401",
        "403",
        "404",
        "413",
        "429",
    ]


def test_an_operation_open_to_everyone_has_no_401():
    operation = {"responses": {}, "security": [{"tokenAuth": []}, {}]}
    assert statuses_of("/api/v1/things/", "get", operation) == ["403", "429"]


def resolved(schema, answer):
    """The answer's body schema with its components inline (for jsonschema)."""
    body = answer["content"]["application/json"]["schema"]
    return {**body, "components": schema["components"]}


@pytest.mark.parametrize(
    "body",
    [
        {"amount": ["Enter pounds and pence."]},
        {"non_field_errors": ["The month is locked."]},
        {"line": "Choose a line of this contract year, by its id."},
        {"quarters": [{"target": ["A valid number is required."]}]},
        {"lines": {"0": {"amount": ["Required."]}}},
        {"detail": "JSON parse error - Expecting value: line 1 column 1 (char 0)"},
    ],
)
def test_the_400_body_is_each_field_s_messages_or_a_detail(schema, body):
    answer = schema["paths"]["/api/v1/risks/"]["post"]["responses"]["400"]
    jsonschema.validate(body, resolved(schema, answer))


@pytest.mark.parametrize("status", ["401", "403", "404", "413", "429"])
def test_the_other_errors_bodies_are_a_detail(schema, status):
    answer = schema["paths"]["/api/v1/risks/{key}/close/"]["post"]["responses"][status]
    jsonschema.validate({"detail": "Not found."}, resolved(schema, answer))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"message": "Not found."}, resolved(schema, answer))


def test_only_writes_carrying_the_version_read_may_conflict(schema):
    # Each kind of return's save (its lock_version) and its decisions, approve and return
    # with a query (the version the officer read, optional).
    conflicting = sorted(
        operation["operationId"]
        for _, _, operation in operations(schema)
        if "409" in operation["responses"]
    )
    assert conflicting == [
        "budget_monitoring_approve_create",
        "budget_monitoring_lines_create",
        "budget_monitoring_return_create",
        "returns_approve_create",
        "returns_figures_create",
        "returns_return_create",
        "workforce_returns_approve_create",
        "workforce_returns_figures_create",
        "workforce_returns_return_create",
    ]
