"""Fixtures for every test.

Each test that touches the database runs twice: on a real SQLite file and on a real
PostgreSQL server (started for the session, see ``support/postgres.py``).  The schema comes
from the migrations, once per backend; after every test all rows are deleted.
"""
from __future__ import annotations

import contextvars
import re

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade

from hub import create_app
from hub.demo import create_demo_organisation, wipe_data
from hub.extensions import db
from tests.support import factories
from tests.support.postgres import postgres_server
from tests.support.smtp import SmtpServer

TEST_SECRET = "test-secret-" + "x" * 32


def make_config(database_url: str, tmp_path, **extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "DEMO_BOOTSTRAP": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 1,  # nothing listens: tests that send mail use the smtp fixture
        # argon2id all the same, with the cheapest parameters: hashing at production cost
        # would take most of the suite's time (tests/auth checks the production profile).
        "PASSWORD_HASH_PROFILE": "CHEAPEST",
        # Anonymous filings recorded within the request; tests of the holding table and
        # its batch release (tests/common/test_holding.py) set a window.
        "ANONYMOUS_RELEASE_MINUTES": 0,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'hub.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    app = create_app(make_config(url, tmp_path_factory.mktemp("migrate")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def backend(database_url) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


class HubTestClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The test itself holds an app context (for factories and checks); Flask would otherwise
    reuse it for requests, sharing ``g`` (the logged-in user, the CSRF token) and the
    database session between requests.  The test's pending work is committed first, which
    also ends its read snapshot so that later checks see what the request wrote.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(make_config(database_url, tmp_path))
    app.test_client_class = HubTestClient
    # Services build links with url_for, as they do in requests and in the worker.
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        yield app
        db.session.rollback()
        wipe_data()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback; the app's mail settings point at it."""
    from hub.extensions import mail

    server = SmtpServer().start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    mail.init_app(app)  # Flask-Mailman reads its settings when bound
    yield server
    server.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    """The demo organisation of SPEC; returns the users by username."""
    from hub.org.models import User

    create_demo_organisation()
    db.session.commit()
    return {u.username: u for u in db.session.scalars(db.select(User))}


@pytest.fixture
def create_user(app):
    return factories.create_user


@pytest.fixture
def create_department(app):
    return factories.create_department


@pytest.fixture
def login(app):
    """``login(client, user)``: a real server-side session for ``user`` in ``client``."""
    return factories.sign_in


@pytest.fixture
def bearer(app):
    """``bearer(user)``: Authorization headers with a fresh API token of ``user``."""
    return factories.bearer


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a page hands out, as a browser would read it."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def get_csrf():
    return csrf_token


@pytest.fixture(scope="session")
def browser():
    """The session's one Chromium (Playwright's sync API allows one running Playwright per
    thread: the browser tests and the production tests share it)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.live import launch_chromium

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
