"""Logging: to stderr, without request bodies or personal data.

Requests to the routes where people write anonymously, or follow an anonymous item by its
receipt, are never written to the access log: a log line with an address and a time next
to an anonymous letter would undo the anonymity.  Nor are the requests such a page causes
(its style sheets, scripts, fonts, the next page clicked), which a browser would send with
the page in their ``Referer``: the anonymous pages send ``Referrer-Policy: strict-origin``
(see ``hub.common.security``) so that browsers leave the path out, and the filter drops a
line whose referer is an anonymous route all the same.  The same filter serves werkzeug's
development server and gunicorn's access log (see ``gunicorn.conf.py``).

What the hub itself logs while it serves an anonymous route (an unexpected error) keeps
its traceback but loses the route, the message and the exception's text, which could
quote what was written (a database error names the values it was given).
"""
from __future__ import annotations

import logging
import threading
import traceback
from urllib.parse import urlsplit

from flask import Flask, has_request_context, request

#: Path prefixes whose requests are never logged (the filing pages' receipt pages,
#: ``/mailbox/write/receipt`` and ``/suggestions/new/receipt``, are covered by theirs).
QUIET_PATH_PREFIXES = (
    "/mailbox/write",
    "/receipt",
    "/api/v1/letters",
    "/api/v1/reports",
    "/api/v1/receipts",
    "/suggestions/new",
    # a survey's answers: the access log's time of the POST would date them (the answers
    # themselves carry none), and so would the pages around it
    "/surveys/",
    "/api/v1/surveys",
    # loaded by the receipt pages only (after an anonymous filing): a log line of its first
    # fetch would date the filing
    "/static/js/receipt.js",
    # browsers ask for the icon again on every page they show, whatever its caching, and
    # without a Referer: a line per page view would date the anonymous pages all the same
    "/favicon.ico",
    "/static/favicon.",
)

#: Whether the request this thread is serving is a quiet one: set by ``QuietRequestMarker``
#: at the start of every request, used up by the filter when the server logs the request
#: afterwards (werkzeug's record holds the request line only, not the referer).
_current = threading.local()


def is_quiet_path(path: str | None) -> bool:
    return bool(path) and any(path.startswith(prefix) for prefix in QUIET_PATH_PREFIXES)


def is_quiet_referer(referer: str | None) -> bool:
    """A referer naming an anonymous route, as a full URL or as a bare path."""
    if not referer or referer == "-":
        return False
    try:
        path = urlsplit(referer).path
    except ValueError:
        return True  # unreadable: rather drop the line than log what it might name
    return is_quiet_path(path)


def is_quiet_request(path: str | None, referer: str | None) -> bool:
    return is_quiet_path(path) or is_quiet_referer(referer)


class QuietRoutesFilter(logging.Filter):
    """Drops access-log records of the quiet routes: by the path or the referer.

    gunicorn hands its access-log atoms as the record's arguments (``U`` the path, ``f`` the
    referer, ``r`` the request line); werkzeug logs the request line, and the referer comes
    from the mark ``QuietRequestMarker`` left for the request this thread served.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(_current, "quiet", False):
            _current.quiet = False  # one request, one line: the mark is used up
            return False
        args = record.args
        if isinstance(args, dict):
            if is_quiet_request(_text(args.get("U")), _text(args.get("f"))):
                return False
            request_line = _text(args.get("r")) or ""
            if any(is_quiet_path(token) for token in request_line.split()):
                return False
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not worth a crash
            return True
        for token in text.replace('"', " ").split():
            if (token.startswith("/") and is_quiet_path(token)) or \
                    (token.startswith("http") and is_quiet_referer(token)):
                return False
        return True


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


class QuietRequestMarker:
    """WSGI middleware: notes for this thread whether the request it is about to serve is
    one of the anonymous routes, or comes from one (referer)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        _current.quiet = is_quiet_request(environ.get("PATH_INFO"),
                                          environ.get("HTTP_REFERER"))
        return self.wsgi_app(environ, start_response)


class AnonymousRequestRedactor(logging.Filter):
    """For the hub's own log records made while an anonymous route is served: the record
    says only that an error happened on an anonymous route, with the exception's type and
    the code lines of its traceback (no values, no message, no path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not has_request_context():
            return True
        if not is_quiet_request(request.path, request.headers.get("Referer")):
            return True
        parts = [f"{logging.getLevelName(record.levelno).lower()} while serving an "
                 "anonymous route (details withheld)"]
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, tb = record.exc_info
            parts.append("Traceback (most recent call last):\n"
                         + "".join(traceback.format_tb(tb)) + kind.__name__)
        record.msg = "\n".join(parts)
        record.args = None
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        app.logger.setLevel(logging.INFO)
    if not any(isinstance(f, AnonymousRequestRedactor) for f in app.logger.filters):
        app.logger.addFilter(AnonymousRequestRedactor())
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, QuietRoutesFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(QuietRoutesFilter())
    app.wsgi_app = QuietRequestMarker(app.wsgi_app)
