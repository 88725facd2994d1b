"""Response headers that make the browser part of the defence."""
from __future__ import annotations

from flask import Response, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CSP)
    if request.endpoint != "static":
        # Pages show personal and confidential items: never keep them in a shared cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def reject_nul_bytes():
    """A NUL character has no place in any text people type, and PostgreSQL refuses it in a
    string: answer such forged input to a page with a 400 before it reaches a form or a
    query.  The API validates its own input and names the offending field."""
    if request.path.startswith("/api/"):
        return None
    for values in (request.args, request.form):
        for value in values.values():
            if "\x00" in value:
                from werkzeug.exceptions import BadRequest

                from hub.common.errors import handle_http_exception

                return handle_http_exception(BadRequest())
    return None
