"""The schema's error answers: every operation documents the statuses it can answer besides its
own, with the bodies ``trust_portal.api.exception_handler`` gives them (a drf-spectacular
postprocessing hook, ``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``).

- 400: a body or query parameter refused: ``FieldErrors`` (each field's messages) or ``Error``
  (a body that is not JSON); only operations with a body or query parameters;
- 401: not signed in (no token, a bad one, or a session without its second factor);
- 403: signed in, but the caller's role may not do this (or not to this object);
- 404: no such object among those the caller may see; only operations with a path parameter
  or a body (a body names the arrangement, or a case, a line... of it);
- 409: someone else saved since the caller read the object; only operations whose body
  carries the ``lock_version`` read;
- 413: a body over the upload limit; only operations with a body;
- 429: too many requests (with ``Retry-After``).
"""

ERROR = {
    "type": "object",
    "description": "Why the request was refused, in plain English.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Why the request was refused, by the body's or query's field: each field's messages "
        "(a list of strings, or a field's own fields' messages for a nested one); "
        "``non_field_errors`` for the request as a whole."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {}},
            {"type": "object", "additionalProperties": {}},
        ]
    },
}

ERROR_REF = {"$ref": "#/components/schemas/Error"}

ANSWERS = {
    "400": "The request's body or query was refused (each field's messages).",
    "401": "Not signed in: no token, an unknown or expired one, or a session without its "
    "second factor.",
    "403": "The caller's role may not do this, or not to this object.",
    "404": "No such object among those the caller may see (named in the path or the body).",
    "409": "Someone else changed this since the lock_version given was read: read it again.",
    "413": "The request body is too large.",
    "429": "Too many requests: try again after the Retry-After header's seconds.",
}

WRITES = {"post", "put", "patch", "delete"}


def _error(status: str) -> dict:
    if status == "400":
        schema = {"anyOf": [{"$ref": "#/components/schemas/FieldErrors"}, ERROR_REF]}
    else:
        schema = ERROR_REF
    answer = {"content": {"application/json": {"schema": schema}}, "description": ANSWERS[status]}
    if status == "429":
        answer["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        }
    return answer


def carries_a_version(operation: dict, schemas: dict) -> bool:
    """Whether the operation's body gives the ``lock_version`` the caller read."""
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    name = body.get("$ref", "").rpartition("/")[2]
    return "lock_version" in schemas.get(name, {}).get("properties", {})


def statuses_of(path: str, method: str, operation: dict, schemas: dict | None = None) -> list[str]:
    """The error statuses an operation can answer (``schemas``: the components')."""
    query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
    has_body = "requestBody" in operation or method in WRITES
    signed_in = {} not in operation.get("security", [{}])
    found = ["401"] if signed_in else []
    found.append("403")
    if "{" in path or has_body:
        found.append("404")
    if has_body or query:
        found.append("400")
    if has_body:
        found.append("413")
    if carries_a_version(operation, schemas or {}):
        found.append("409")
    found.append("429")
    return sorted(found)


def documented_errors(result, generator, request, public):
    """Add the error statuses (and the Error, FieldErrors components) to every operation."""
    components = result.setdefault("components", {})
    schemas = {**components.get("schemas", {}), "Error": ERROR, "FieldErrors": FIELD_ERRORS}
    components["schemas"] = dict(sorted(schemas.items()))
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in statuses_of(path, method, operation, schemas):
                responses.setdefault(status, _error(status))
            operation["responses"] = dict(sorted(responses.items()))
    return result
