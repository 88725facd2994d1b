"""Configuration and the first start: ``HUB_*`` variables, the secret key, the demo company.

These tests build their own apps (``hub_app``) in a temporary instance folder, with no
``HUB_*`` variable of the machine running the tests leaking in.
"""
from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hub import create_app
from hub.auth.services import authenticate
from hub.config import DEFAULTS, ConfigError
from hub.extensions import db
from hub.org.models import User
from hub.org.services import manager_of

#: The demo accounts SPEC promises: username → who they report to.
SPEC_DEMO_ACCOUNTS = {
    "admin": None, "gm": None, "gmo": "gm", "hr_head": "gm", "hr1": "hr_head",
    "safety_head": "gm", "cs_head": "gm", "sales_head": "gm", "sales_lead": "sales_head",
    "sales1": "sales_lead", "sales2": "sales_lead", "prod_head": "gm", "prod1": "prod_head",
    "prod2": "prod_head",
}


@pytest.fixture(autouse=True)
def no_hub_variables(monkeypatch):
    for name in list(os.environ):
        if name.startswith("HUB_"):
            monkeypatch.delenv(name)


@pytest.fixture
def instance(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def hub_app(instance):
    """``hub_app(**config)``: an app in the temporary instance folder; engines closed after."""
    apps = []

    def make(**config):
        app = create_app({"INSTANCE_PATH": str(instance), **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def usernames(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.username)))


# Production and the secret key ---------------------------------------------------------------

def test_production_refuses_to_start_without_a_secret_key(hub_app, instance, monkeypatch):
    monkeypatch.setenv("HUB_ENV", "production")
    with pytest.raises(ConfigError, match="HUB_SECRET_KEY"):
        hub_app()
    assert not (instance / "secret_key").exists()


def test_a_real_database_counts_as_production(hub_app, monkeypatch):
    monkeypatch.setenv("HUB_SQLALCHEMY_DATABASE_URI", "postgresql+psycopg://hub@db.invalid/hub")
    with pytest.raises(ConfigError, match="HUB_SECRET_KEY"):
        hub_app()


def test_production_refuses_a_short_secret_key(hub_app, monkeypatch):
    monkeypatch.setenv("HUB_ENV", "production")
    monkeypatch.setenv("HUB_SECRET_KEY", "changeme")
    with pytest.raises(ConfigError, match="32"):
        hub_app()


def test_production_starts_with_a_long_secret_key(hub_app, instance, tmp_path, monkeypatch):
    key = secrets.token_hex(32)
    monkeypatch.setenv("HUB_SECRET_KEY", key)
    monkeypatch.setenv("HUB_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    app = hub_app()
    assert app.config["SECRET_KEY"] == key
    assert app.config["DEMO_BOOTSTRAP"] is False
    assert not (instance / "secret_key").exists()


def test_embedded_default_generates_its_secret_once_and_keeps_it(hub_app, instance):
    first = hub_app(TESTING=True).config["SECRET_KEY"]
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert key_file.read_text().strip() == first

    assert hub_app(TESTING=True).config["SECRET_KEY"] == first


# HUB_* variables ------------------------------------------------------------------------------

def test_hub_variables_are_read_and_parsed(hub_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HUB_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("HUB_RATELIMIT_ENABLED", "false")
    monkeypatch.setenv("HUB_MAIL_SERVER", "smtp.example.com")
    monkeypatch.setenv("HUB_MAIL_PORT", "587")
    monkeypatch.setenv("HUB_MAIL_USE_TLS", "true")
    monkeypatch.setenv("HUB_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("HUB_SEARCH_INDEX_DIR", str(tmp_path / "index"))
    config = hub_app(TESTING=True).config
    assert config["TIMEZONE"] == "Europe/Berlin"
    assert config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Berlin"
    assert config["RATELIMIT_ENABLED"] is False
    assert config["MAIL_SERVER"] == "smtp.example.com"
    assert config["MAIL_PORT"] == 587
    assert config["MAIL_USE_TLS"] is True
    assert config["SESSION_IDLE_MINUTES"] == 15
    assert config["SEARCH_INDEX_DIR"] == str(tmp_path / "index")


def test_the_callers_settings_win_over_hub_variables(hub_app, monkeypatch):
    monkeypatch.setenv("HUB_TIMEZONE", "Europe/Berlin")
    assert hub_app(TESTING=True, TIMEZONE="Asia/Tokyo").config["TIMEZONE"] == "Asia/Tokyo"


def test_embedded_default_keeps_everything_in_the_instance_folder(hub_app, instance):
    config = hub_app(TESTING=True).config
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'hub.sqlite3'}"
    assert config["SEARCH_INDEX_DIR"] == str(instance / "search-index")
    assert config["TIMEZONE"] == "Asia/Shanghai"


#: Settings that belong to the code, not to the people who run the hub.
NOT_FOR_OPERATORS = {
    "LANGUAGES", "API_TITLE", "API_VERSION", "OPENAPI_VERSION", "OPENAPI_URL_PREFIX",
    "OPENAPI_JSON_PATH", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "WTF_CSRF_TIME_LIMIT", "RATELIMIT_HEADERS_ENABLED",
}


def test_readme_documents_every_setting():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    settings = {"SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SEARCH_INDEX_DIR", *DEFAULTS}
    undocumented = sorted(name for name in settings - NOT_FOR_OPERATORS
                          if f"`HUB_{name}`" not in readme)
    assert not undocumented, f"add to the README's configuration table: {undocumented}"


# The first start and the demo company ---------------------------------------------------------

def test_first_start_migrates_and_creates_the_demo_company_once(hub_app, instance, capsys):
    first = hub_app(TESTING=True, DEMO_BOOTSTRAP=True)
    console = capsys.readouterr().out
    assert "hub-demo" in console
    assert all(username in console for username in SPEC_DEMO_ACCOUNTS)
    assert (instance / "hub.sqlite3").exists()
    assert set(SPEC_DEMO_ACCOUNTS) <= usernames(first)
    with first.app_context():
        db.session.add(User(username="newcomer", name="新同事", title="",
                            department=db.session.scalars(select(User)).first().department))
        db.session.commit()

    second = hub_app(TESTING=True, DEMO_BOOTSTRAP=True)
    assert "hub-demo" not in capsys.readouterr().out
    assert "newcomer" in usernames(second)
    with second.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == \
            len(usernames(first))


def test_demo_data_command_recreates_the_demo_company(app, create_user):
    create_user("stranger")
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "hub-demo" in result.output

    db.session.rollback()
    people = {u.username: u for u in db.session.scalars(select(User))}
    assert "stranger" not in people
    assert len(people) >= 30
    for username, manager in SPEC_DEMO_ACCOUNTS.items():
        assert getattr(manager_of(people[username]), "username", None) == manager
    for username in ("admin", "gm", "sales1"):  # argon2 is slow on purpose: a sample
        assert authenticate(username, "hub-demo") == people[username]
