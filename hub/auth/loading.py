"""How a request finds its user: a server-checked session cookie for pages, a bearer token
for the API (and only there: the API never accepts the cookie, so it needs no CSRF).

The signed-in person is loaded once per request, in one statement: the session (or token)
row joined with the user, the user's department and roles, so that no page pays for them
again.  Activity times (``last_seen_at``, ``last_used_at``) are kept to
``ACTIVITY_RESOLUTION`` (15 minutes): they are written only when that changes them, so a
request rarely writes at all, and a stored time never tells when within those 15 minutes
somebody was active.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import cache

from flask import Flask, current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from hub.auth.access import is_anonymous_endpoint, leaves_no_activity
from hub.auth.models import ApiToken, UserSession
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import User

SESSION_KEY = "sid"
#: The precision of stored activity times, and how stale one may be before it is written.
ACTIVITY_RESOLUTION = timedelta(minutes=15)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def activity_time(now: datetime) -> datetime:
    """``now`` cut down to the start of its ``ACTIVITY_RESOLUTION`` slot."""
    step = int(ACTIVITY_RESOLUTION.total_seconds())
    seconds = int((now - datetime(2000, 1, 1)).total_seconds())
    return datetime(2000, 1, 1) + timedelta(seconds=seconds - seconds % step)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _with_person(stmt, owner):
    """``stmt`` on a credential row, joined with its user, department and roles."""
    return (stmt.join(owner.user)
            .options(contains_eager(owner.user).joinedload(User.department),
                     contains_eager(owner.user).joinedload(User.role_rows)))


@cache
def _by_token_hash(owner):
    """The credential row with its person, by ``:token_hash`` (built once per process: the
    statement is the same for every request)."""
    return _with_person(select(owner).where(owner.token_hash == bindparam("token_hash")),
                        owner)


def _one(owner, secret: str):
    return db.session.execute(_by_token_hash(owner), {"token_hash": _digest(secret)}) \
        .unique().scalar_one_or_none()


def load_session_user(secret: str | None, user_id: str | None, *,
                      touch: bool = True) -> User | None:
    """The user behind a cookie's session secret, if the session is still alive; the
    session ends after ``SESSION_IDLE_MINUTES`` without activity (counted from the stored,
    rounded-down activity time, so never later) or ``SESSION_ABSOLUTE_HOURS`` after
    sign-in.  Commits its own bookkeeping: it happens before any view runs.  Without
    ``touch`` (the anonymous filing pages) it writes nothing at all."""
    if not secret or not user_id:
        return None
    row = _one(UserSession, secret)
    if row is None or row.revoked_at is not None or str(row.user_id) != str(user_id):
        return None
    now = utcnow()
    cfg = current_app.config
    idle = timedelta(minutes=cfg["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"])
    if now - row.last_seen_at > idle or now - row.created_at > absolute or not row.user.active:
        if not touch:
            return None
        row.revoked_at = now
        db.session.commit()
        return None
    seen = activity_time(now)
    if touch and row.last_seen_at < seen:
        row.last_seen_at = seen
        db.session.commit()
    return row.user


def load_token_user(secret: str | None, *, touch: bool = True) -> User | None:
    """The user of a live API token (``last_used_at`` kept like a session's; not written
    without ``touch``)."""
    if not secret:
        return None
    token = _one(ApiToken, secret)
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    used = activity_time(utcnow())
    if touch and (token.last_used_at is None or token.last_used_at < used):
        token.last_used_at = used
        db.session.commit()
    return token.user


def configure_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if is_api_request() or is_anonymous_endpoint(request.endpoint):
            return None
        return load_session_user(session.get(SESSION_KEY), user_id,
                                 touch=not leaves_no_activity(request.endpoint))

    @login_manager.request_loader
    def load_user_from_request(req) -> User | None:
        if not is_api_request() or is_anonymous_endpoint(request.endpoint):
            return None
        header = req.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return load_token_user(secret.strip(),
                               touch=not leaves_no_activity(request.endpoint))
