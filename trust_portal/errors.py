"""Error pages in the service's own layout (400, 403, 404, 500, 503), and JSON for the API.

Every error under /api/ is answered as JSON with a ``detail``, as DRF answers its own: a client
of the API parses JSON, and an HTML page would be read as a malformed answer.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DATABASE_TROUBLE = (
    "The service is having trouble reaching its database. Try again in a few minutes."
)
# How long a client should wait before trying again after a 503, in seconds.
RETRY_AFTER = 60


def for_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request, exception=None):
    if for_api(request):
        return api_error(400, "Bad request.")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if for_api(request):
        return api_error(403, "You do not have permission to perform this action.")
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    if for_api(request):
        return api_error(404, "Not found.")
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Called inside Django's handler of the uncaught exception, wherever it was raised (a view
    # or a middleware), so the exception is at hand: a lost database connection is a 503.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    if for_api(request):
        return api_error(500, "A server error occurred.")
    # Rendered without a request context: whatever failed may be what the context needs.
    return HttpResponseServerError(loader.get_template("errors/500.html").render())


def database_unavailable(request):
    """503 when the database connection failed (dropped, restarting, failed over): the next
    request is likely to work, so the answer says to try again rather than report a fault."""
    close_broken_connections()
    if for_api(request):
        response = api_error(503, DATABASE_TROUBLE)
    else:
        # No request context either: it would read the session, from the database.
        page = loader.get_template("errors/503.html").render()
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def close_broken_connections() -> None:
    """Close each connection the server has ended, so that the next request on this thread
    opens a fresh one (Django does it at the end of a request too, but not under the test
    client, and a connection reused without a health check would fail again)."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.is_usable():
            logger.warning("Closing database connection %r: the server ended it", conn.alias)
            conn.close()
