"""Filters for the logging configuration in settings.py."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """A refused request (4xx) logged as one line, without the traceback Django attaches.

    Django logs every 403 and 400 with the exception that caused it; a traceback per refused
    request buries the log and says nothing the status line does not. Server errors (5xx)
    keep theirs: those are the ones to read.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
