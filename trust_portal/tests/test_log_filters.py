"""Refused requests are logged as one line; server errors keep their tracebacks."""

import logging
import sys

import pytest
from django.urls import reverse

from trust_portal.log_filters import ClientErrorsOnOneLine


def test_a_forbidden_page_is_logged_as_one_line_without_a_traceback(people, client_for, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client_for(people["manager"]).get(reverse("accounts:user-list"))
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.status_code == 403
    assert record.exc_info is None
    assert record.getMessage() == "Forbidden (Permission denied): /users/"
    assert "\n" not in logging.Formatter().format(record)


def record_for(status: int) -> logging.LogRecord:
    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), exc_info)
    record.status_code = status
    return record


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_keeps_its_traceback(status):
    record = record_for(status)
    assert ClientErrorsOnOneLine().filter(record) is True
    assert record.exc_info is not None
    assert "Traceback" in logging.Formatter().format(record)


def test_the_console_drops_the_traceback_of_any_refused_request():
    # django.security.* loggers have no filter of their own: the handler's catches them.
    [handler] = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientErrorsOnOneLine) for f in h.filters)
    ]
    record = record_for(400)
    record.name = "django.security.RequestDataTooBig"
    assert handler.filter(record)
    assert record.exc_info is None
    assert "\n" not in handler.format(record)
