"""API conventions shared by every app: the exception handler and the v1 router's class (the
JSON parser is in ``trust_portal.api_parsing``)."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from trust_portal.api_parsing import RequestTooLarge
from trust_portal.api_throttling import refused_anonymous_throttled


class Conflict(exceptions.APIException):
    """409: what the caller acted on changed since they read it (its words say what to do)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this since you read it."
    default_code = "conflict"


def exception_handler(exc, context):
    """Map the services' Django exceptions to DRF's, so a service can be called from both."""
    from trust_portal.approvals.services import ConcurrentChange  # (it imports the models)

    if isinstance(exc, ConcurrentChange):
        # A save from an older version than the one stored: 409, so a client can read again.
        exc = Conflict(detail=" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        # Django would answer 400 (it is a SuspiciousOperation); the client needs to know why.
        exc = RequestTooLarge()
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # Refused before DRF's throttles run: an anonymous address's refusals count against
        # its rate too, so guessing tokens or flooding with bad ones is throttled as well.
        exc = refused_anonymous_throttled(context["request"], context["view"]) or exc
    if isinstance(exc, exceptions.Throttled):
        # DRF's own message says "Request was throttled"; its Retry-After header stays.
        wait = max(int(exc.wait or 1), 1)
        exc.detail = exceptions.ErrorDetail(
            f"Too many requests. Try again in {wait} second{'s' if wait != 1 else ''}.",
            code="throttled",
        )
    return drf_exception_handler(exc, context)


class Router(DefaultRouter):
    """The /api/v1/ router. Each app declares its viewsets as ``routes`` in its ``api``
    module; trust_portal/urls.py registers them here."""

    include_format_suffixes = False

    def register_routes(self, routes) -> None:
        """Register (prefix, viewset, basename) routes, in order."""
        for prefix, viewset, basename in routes:
            self.register(prefix, viewset, basename=basename)
