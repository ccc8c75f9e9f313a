"""The API's JSON parser, which keeps to the request body limit.

Outside the ``trust_portal.api`` package: DRF imports its parser classes while defining
``APIView``, and that package imports DRF's router, which needs ``APIView`` defined."""

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
        return super().parse(stream, media_type, parser_context)
