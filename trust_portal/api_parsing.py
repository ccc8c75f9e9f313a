"""The API's JSON parser, which keeps to the request body limit and takes figures written only
with the digits 0 to 9.

Outside the ``trust_portal.api`` package: DRF imports its parser classes while defining
``APIView``, and that package imports DRF's router, which needs ``APIView`` defined."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class CappedJSONParser(JSONParser):
    """DRF reads a JSON body as a stream, past the DATA_UPLOAD_MAX_MEMORY_SIZE check that
    Django applies only to ``request.body`` and form data: refuse a longer body unread."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        meta = parser_context["request"].META
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            raise RequestTooLarge()
        data = super().parse(stream, media_type, parser_context)
        where = _number_in_another_script(data)
        if where is not None:
            # Python (and so DRF's number fields) reads "١٢" as 12: a figure must be unambiguous.
            raise exceptions.ParseError(
                f"Write figures with the digits 0 to 9 only ({where or 'the body'} is not)."
            )
        return data


def _number_in_another_script(value, path: str = "") -> str | None:
    """The dotted path of the first string that reads as a number only through digits other
    than 0-9 (Arabic-Indic, Devanagari, full-width...), or None."""
    if isinstance(value, dict):
        items = ((f"{path}.{key}" if path else str(key), item) for key, item in value.items())
    elif isinstance(value, list):
        items = ((f"{path}[{n}]", item) for n, item in enumerate(value))
    elif isinstance(value, str) and not value.isascii():
        try:
            Decimal(value.strip())
        except InvalidOperation:
            return None
        return path
    else:
        return None
    for where, item in items:
        found = _number_in_another_script(item, where)
        if found is not None:
            return found
    return None
