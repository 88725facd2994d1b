"""Response headers that make the browser part of the defence, and the reverse proxies
the hub believes about who its clients are."""
from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from hub.common.logging import is_quiet_path
from hub.config import ConfigError

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


#: The anonymous pages and the static files: a browser sends no path of theirs in the
#: ``Referer`` of the requests they cause (their style sheets, scripts, fonts, the next page
#: clicked), so no log of those requests names the page an anonymous filer was on.  Only
#: the origin is sent: ``no-referrer`` would also remove the ``Referer`` of the form's own
#: POST, which Flask-WTF requires over HTTPS (``WTF_CSRF_SSL_STRICT``), and the anonymous
#: forms would stop working behind an HTTPS proxy.
ANONYMOUS_REFERRER_POLICY = "strict-origin"
#: Every other page: the full URL within the hub, nothing to other sites.
REFERRER_POLICY = "same-origin"


def referrer_policy() -> str:
    if request.endpoint == "static" or is_quiet_path(request.path):
        return ANONYMOUS_REFERRER_POLICY
    return REFERRER_POLICY


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", referrer_policy())
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


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, take the client's address, the scheme and
    the host from the ``X-Forwarded-For`` / ``-Proto`` / ``-Host`` headers those proxies
    add (werkzeug's ProxyFix), so that rate limits, logs and sessions see the real client.

    0 (the default) believes no such header: a client could forge any of them.  N counts
    the proxies in front of the hub, each of which appends to ``X-Forwarded-For``; only
    the last N values are believed.
    """
    count = app.config["TRUSTED_PROXIES"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ConfigError("HUB_TRUSTED_PROXIES must be a whole number of proxies (0: none).")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
