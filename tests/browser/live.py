"""A live hub for the browser: a migrated SQLite file with the demo company, served by
werkzeug in a thread, and the machine's Chromium driven by Playwright.

Shared by the browser tests' fixtures and by ``screenshot.py``.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import Browser, Playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from hub import create_app
from hub.demo import create_demo_company, create_demo_organisation
from hub.extensions import db

CHROMIUM = "/usr/bin/chromium"
# Keeps Chromium off the network and quiet: the tests must not depend on anything outside.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
SECRET = "browser-test-secret-" + "x" * 32


def demo_app(workdir: Path, *, company: bool = False):
    """A hub on a fresh SQLite file in ``workdir``, migrated, holding the demo organisation
    (with ``company``, the whole demo company: letters, reports, announcements, talks)."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'hub.sqlite3'}",
        "INSTANCE_PATH": str(workdir / "instance"),
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "DEMO_BOOTSTRAP": False,
        # anonymous filings recorded at once, so the pages show their numbers (the holding
        # and batch release are tested in tests/receipts/test_anonymous_release.py)
        "ANONYMOUS_RELEASE_MINUTES": 0,
        # the index writer runs as in the embedded default: new items are searchable
        "SEARCH_INDEXER": True,
    })
    with app.app_context():
        upgrade()
        if company:
            create_demo_company()
        else:
            create_demo_organisation()
        db.session.commit()
        db.session.remove()
    return app


class QuietRequestHandler(WSGIRequestHandler):
    """No access-log line per request (errors are still logged)."""

    def log_request(self, code="-", size="-") -> None:
        pass


def _closing(app):
    """The app, its response closed even when the browser drops the connection mid-way.

    werkzeug's development server leaves a dropped response unclosed (a static file sent
    while the page navigates away), which Python reports as an unclosed-file ResourceWarning
    — an error in this suite.  The generator's ``finally`` runs when werkzeug lets go of it.
    """
    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()
    return wsgi


@contextmanager
def live_server(workdir: Path, *, company: bool = False) -> Iterator[str]:
    """Serve the demo hub on a free local port; yields its base URL."""
    app = demo_app(workdir, company=company)
    server = make_server("127.0.0.1", 0, _closing(app), threaded=True,
                         request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-hub", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()  # unclosed SQLite connections would be ResourceWarnings


def launch_chromium(playwright: Playwright) -> Browser:
    """The machine's Chromium (Debian's package); Playwright's own download is not used."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)
