"""Logging: to stderr, without request bodies or personal data.

Requests to the routes where people write anonymously, or follow an anonymous item by its
receipt, are never written to the access log: a log line with an address and a time next
to an anonymous letter would undo the anonymity.  The same filter serves werkzeug's
development server and gunicorn's access log (see ``gunicorn.conf.py``).
"""
from __future__ import annotations

import logging

from flask import Flask

#: Path prefixes whose requests are never logged.
QUIET_PATH_PREFIXES = (
    "/mailbox/write",
    "/receipt",
    "/api/v1/letters",
    "/api/v1/reports",
    "/api/v1/receipts",
    "/suggestions/new",
)


def is_quiet_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in QUIET_PATH_PREFIXES)


class QuietRoutesFilter(logging.Filter):
    """Drops access-log records of the quiet routes."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        for token in text.replace('"', " ").split():
            if token.startswith("/") and is_quiet_path(token):
                return False
        return True


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, QuietRoutesFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(QuietRoutesFilter())
