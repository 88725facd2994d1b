"""Behind a reverse proxy (``HUB_TRUSTED_PROXIES=N``, werkzeug's ProxyFix): the hub sees the
real client, so one noisy client's sign-in attempts and wrong receipt codes lock out that
client, not everybody behind the proxy; without trusted proxies the forwarded headers are
ignored, or any client could pick its own address.  And the Referrer-Policy the anonymous
pages send keeps the form's own POST working over HTTPS."""
from __future__ import annotations

import pytest

from hub import create_app
from hub.config import ConfigError
from hub.demo import wipe_data
from hub.extensions import db
from tests.conftest import HubTestClient, csrf_token, make_config

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # every request reaches the hub from the proxy
CLIENT_A = {"X-Forwarded-For": "198.51.100.1"}
CLIENT_B = {"X-Forwarded-For": "198.51.100.2"}
ATTEMPTS = 3
LOOKUP = "/api/v1/receipts/lookup"
WRONG_CODE = "ZZZZ-ZZZZ-ZZZZ-ZZZZ"


@pytest.fixture
def make_app(database_url, tmp_path):
    """``make_app(**config)``: a hub with these settings (and few sign-in attempts)."""
    made = []

    def make(**config):
        app = create_app(make_config(database_url, tmp_path,
                                     LOGIN_ATTEMPTS_PER_ADDRESS=f"{ATTEMPTS} per minute",
                                     **config))
        app.test_client_class = HubTestClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.rollback()
            wipe_data()
            db.session.commit()
            db.session.remove()
            db.engine.dispose()


def sign_in_attempt(client, headers: dict, referer: str | None = None) -> int:
    token = csrf_token(client)
    if referer:
        headers = {**headers, "Referer": referer}
    response = client.post("/login", data={"username": "nobody", "password": "wrong-password",
                                           "csrf_token": token},
                           headers=headers, environ_base=PROXY)
    return response.status_code


def test_sign_in_attempts_are_counted_per_client_behind_the_proxy(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        client = app.test_client()
        assert [sign_in_attempt(client, CLIENT_A) for _ in range(ATTEMPTS)] == [200] * ATTEMPTS
        assert sign_in_attempt(client, CLIENT_A) == 429
        assert sign_in_attempt(client, CLIENT_B) == 200  # the next person is not locked out


def test_without_trusted_proxies_forwarded_addresses_are_ignored(make_app):
    app = make_app()  # HUB_TRUSTED_PROXIES: 0
    with app.app_context():
        client = app.test_client()
        statuses = [sign_in_attempt(client, {"X-Forwarded-For": f"198.51.100.{n}"})
                    for n in range(ATTEMPTS + 1)]
        assert statuses == [200] * ATTEMPTS + [429]  # a forged header buys no new attempts


def test_only_the_last_n_forwarded_addresses_are_believed(make_app):
    """A client can put anything at the front of X-Forwarded-For; the trusted proxy
    appends the address it saw, which is the one counted."""
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        client = app.test_client()
        statuses = [sign_in_attempt(client, {"X-Forwarded-For": f"192.0.2.{n}, 198.51.100.1"})
                    for n in range(ATTEMPTS + 1)]
        assert statuses == [200] * ATTEMPTS + [429]


def test_wrong_receipt_codes_lock_out_only_the_client_behind_the_proxy(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        client = app.test_client()

        def lookup(headers):
            return client.post(LOOKUP, json={"code": WRONG_CODE}, headers=headers,
                               environ_base=PROXY).status_code

        assert [lookup(CLIENT_A) for _ in range(10)] == [404] * 10
        assert lookup(CLIENT_A) == 429
        assert lookup(CLIENT_B) == 404  # the real filer, behind the same proxy, still may


def test_https_at_the_proxy_keeps_the_forms_working(make_app):
    """The proxy terminates HTTPS: the hub then checks a form's Referer (Flask-WTF), and
    the anonymous pages' policy (``strict-origin``) still sends the origin, which passes;
    ``no-referrer`` would send nothing and be refused."""
    app = make_app(TRUSTED_PROXIES=1)
    https = {**CLIENT_A, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "hub.example.test"}
    with app.app_context():
        client = app.test_client()
        assert client.get("/receipt/", headers=https).headers["Referrer-Policy"] == \
            "strict-origin"
        assert sign_in_attempt(client, https, referer="https://hub.example.test/") == 200
        assert sign_in_attempt(client, https) == 400
        assert sign_in_attempt(client, https, referer="https://elsewhere.test/") == 400


def test_a_proxy_count_that_is_not_a_number_is_refused(make_app):
    for wrong in (-1, "two", True):
        with pytest.raises(ConfigError, match="HUB_TRUSTED_PROXIES"):
            make_app(TRUSTED_PROXIES=wrong)
