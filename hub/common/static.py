"""Static files under a name that changes with their content, cached for a year.

``url_for('static', filename=…)`` adds ``?v=`` and a digest of the file, so a browser may
keep the file as long as it likes (``immutable``): a changed file has a new URL.  The web
fonts the icon style sheet loads carry their own digest in the query the same way.

Besides sparing every page a round of revalidations, this keeps the anonymous pages out
of the logs: their style sheets and scripts come from the browser's cache — the sign-in
page loaded them — so no request for them reaches the server (or the reverse proxy) while
somebody writes anonymously, and no burst of asset requests without a page marks the
moment (hub.common.logging leaves the anonymous pages themselves out).
"""
from __future__ import annotations

import hashlib
import os
import threading

from flask import Flask, Response, current_app, request, send_from_directory

#: A year: what browsers take as "forever".
MAX_AGE = 365 * 24 * 3600
#: ``/favicon.ico`` has no version in its URL: browsers ask again after a week.
FAVICON_MAX_AGE = 7 * 24 * 3600
DIGEST_LENGTH = 12

_lock = threading.Lock()
#: path -> (mtime_ns, size, digest)
_digests: dict[str, tuple[int, int, str]] = {}


def file_digest(path: str) -> str | None:
    """The first characters of the file's SHA-256, or None for a file that is not there."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    with _lock:
        known = _digests.get(path)
    if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()[:DIGEST_LENGTH]
    with _lock:
        _digests[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def version_static_urls(app: Flask) -> None:
    @app.url_defaults
    def _add_version(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values or not values.get("filename"):
            return
        folder = app.static_folder
        path = os.path.normpath(os.path.join(folder, values["filename"]))
        if not path.startswith(os.path.normpath(folder) + os.sep):
            return
        digest = file_digest(path)
        if digest:
            values["v"] = digest

    app.after_request(cache_versioned_files)
    # Pages link the versioned icon (templates/base.html); browsers and tools that ask for
    # /favicon.ico anyway get it there rather than a 404.
    app.add_url_rule("/favicon.ico", "favicon", favicon)


def favicon() -> Response:
    response = send_from_directory(current_app.static_folder, "favicon.ico",
                                   mimetype="image/vnd.microsoft.icon", max_age=FAVICON_MAX_AGE)
    response.cache_control.public = True
    return response


def cache_versioned_files(response: Response) -> Response:
    """A static file asked for by its current versioned URL may be kept for a year; so may
    a vendored file asked for with a query (its own digest, as the icon fonts are)."""
    if request.endpoint != "static" or response.status_code != 200 or \
            not request.query_string:
        return response
    filename = (request.view_args or {}).get("filename") or ""
    version = request.args.get("v")
    if version is not None:
        path = os.path.join(current_app.static_folder, filename)
        lasting = version == file_digest(path)
    else:
        lasting = filename.startswith("vendor/")
    if lasting:
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response
