"""Links built by services, which also run outside requests (the worker, the CLI)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def path_for(endpoint: str, **values) -> str:
    """The site-relative path of ``endpoint``, with or without a request."""
    if has_request_context():
        return url_for(endpoint, **values)
    root = urlsplit(current_app.config["BASE_URL"]).path.rstrip("/") or "/"
    adapter = current_app.url_map.bind("localhost", script_name=root)
    return adapter.build(endpoint, values)
