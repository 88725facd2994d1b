"""Configuration: defaults, then ``HUB_*`` environment variables, then the caller's overrides.

The embedded default (no database URL given) needs no variable at all: a SQLite file,
the search index and a generated secret key all live in the instance folder.  Anything
else counts as production and refuses to start without a real ``HUB_SECRET_KEY``.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "ENV": "embedded",  # "embedded" | "development" | "production"
    "TIMEZONE": "Asia/Shanghai",
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "LANGUAGES": {"zh_CN": "中文", "en": "English"},
    # Mail (used by the notification service).
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "内部沟通中心 <hub@localhost>",
    "MAIL_TIMEOUT": 10,
    "MAIL_BACKEND": "smtp",  # also under TESTING: the tests use a real SMTP server
    # Where people reach the hub; used for links in e-mails.
    "BASE_URL": "http://127.0.0.1:5000",
    # Background worker thread (mail outbox, periodic jobs). None: on for the embedded
    # default; production runs `flask --app app worker` or `tick` from cron instead.
    "BACKGROUND_WORKER": None,
    # Rate limiting (Flask-Limiter). memory:// is per process: use redis:// with gunicorn.
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": False,
    "LOGIN_FAILURES_PER_ACCOUNT": "5 per minute",
    "LOGIN_ATTEMPTS_PER_ADDRESS": "60 per minute",
    # Reverse proxies in front of the hub whose X-Forwarded-For/-Proto/-Host are believed
    # (werkzeug's ProxyFix); 0 believes none.
    "TRUSTED_PROXIES": 0,
    # argon2id parameters: a profile of argon2-cffi (argon2.profiles).
    "PASSWORD_HASH_PROFILE": "RFC_9106_LOW_MEMORY",
    # Sessions: a server-side record behind every cookie, so it can be revoked.
    "SESSION_IDLE_MINUTES": 60,
    "SESSION_ABSOLUTE_HOURS": 12,
    "SESSION_COOKIE_NAME": "hub_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the (server-checked) session
    "MAX_CONTENT_LENGTH": 30 * 1024 * 1024,
    "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "ATTACHMENT_MAX_FILES": 5,
    # Reports (SPEC §2): acknowledge within N days, feedback within M months.  The urgency
    # timers per kind are data the admin edits (hub/suggestions/timers.py).
    "REPORT_ACK_DAYS": 7,
    "REPORT_FEEDBACK_MONTHS": 3,
    # Announcements (SPEC §3): remind people who have not confirmed after N working days,
    # tell their manager after M; the daily digest e-mail goes out after this hour.
    "ANNOUNCEMENT_REMIND_DAYS": 2,
    "ANNOUNCEMENT_ESCALATE_DAYS": 5,
    # 责任追究: working days after the manager was told before an unconfirmed announcement
    # becomes the person's accountability entry.
    "ACCOUNTABILITY_CONFIRM_GRACE_DAYS": 3,
    "ANNOUNCEMENT_DIGEST_HOUR": 8,
    # Satisfaction surveys: who has not answered is reminded this many days before closing.
    "SURVEY_REMIND_DAYS": 2,
    # Anonymous letters and reports wait in a holding table and enter the records in
    # shuffled batches at an unpredictable moment of the next window of this many minutes
    # (hub/common/holding.py); 0 records them within the request.
    "ANONYMOUS_RELEASE_MINUTES": 60,
    # HMAC key for receipt codes; derived from SECRET_KEY when not set.
    "RECEIPT_SECRET": None,
    # hide_parameters: a database error names the statement, never the values it was given
    # (what somebody wrote, anonymously perhaps), in a log or anywhere else.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    # First start of the embedded default on an empty database creates the demo company.
    "DEMO_BOOTSTRAP": None,  # None: only for the embedded default
    # Search (SPEC §5). SEARCH_INDEX_DIR: None = instance/search-index.  SEARCH_INDEXER:
    # the index writer as a thread of the web process (None: when BACKGROUND_WORKER is on);
    # otherwise run `flask --app app search worker`.
    "SEARCH_INDEX_DIR": None,
    "SEARCH_INDEXER": None,
    "SEARCH_POLL_SECONDS": 1.0,
    # Re-open the warm searcher in a background thread every N seconds when the index
    # changed (None: on except under tests, which refresh in the request).
    "SEARCH_BACKGROUND_REFRESH": None,
    "SEARCH_REFRESH_SECONDS": 0.5,
    "SEARCH_REINDEX_PROCS": 2,
    "SEARCH_PER_PAGE": 20,
    # Check every hit shown with its page's own rule as well (belt and braces; costs a few
    # queries per hit, most for reports).
    "SEARCH_RECHECK": True,
    # OpenAPI (flask-smorest)
    "API_TITLE": "内部沟通中心 API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}

MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


def load_config(app: Flask, overrides: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("HUB")
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    embedded = not app.config.get("SQLALCHEMY_DATABASE_URI")
    if embedded:
        instance.mkdir(parents=True, exist_ok=True, mode=0o700)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'hub.sqlite3'}"
    app.config["EMBEDDED_DEFAULT"] = embedded and app.config["ENV"] != "production"
    if not app.config.get("SEARCH_INDEX_DIR"):
        app.config["SEARCH_INDEX_DIR"] = str(instance / "search-index")
    if app.config["DEMO_BOOTSTRAP"] is None:
        app.config["DEMO_BOOTSTRAP"] = app.config["EMBEDDED_DEFAULT"] and not app.testing
    if app.config["BACKGROUND_WORKER"] is None:
        app.config["BACKGROUND_WORKER"] = app.config["EMBEDDED_DEFAULT"] and not app.testing
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["TIMEZONE"])
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    _ensure_secret_key(app, instance)


def _ensure_secret_key(app: Flask, instance: Path) -> None:
    key = app.config.get("SECRET_KEY")
    if key:
        if len(str(key)) < MIN_SECRET_LENGTH and not app.testing:
            raise ConfigError(f"HUB_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters.")
        return
    if not app.config["EMBEDDED_DEFAULT"]:
        raise ConfigError(
            "HUB_SECRET_KEY is not set. Production needs a long random secret, e.g. "
            "HUB_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")


def _instance_secret(path: Path) -> str:
    """Read the embedded default's secret, creating it (mode 0600) on the very first start."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text().strip()
