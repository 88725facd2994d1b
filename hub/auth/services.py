"""Passwords, sessions and API tokens.

Passwords are hashed with argon2id.  A signed-in browser holds a random session secret;
the server keeps its digest with the times needed for idle and absolute time-outs, so
logout, a password change or deactivation end every copy of the cookie at once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import argon2.profiles
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select, update

from hub.auth.models import ApiToken, UserSession
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import User
from hub.org.services import find_user



def _hasher() -> PasswordHasher:
    """argon2id with the parameters of the configured profile (``PASSWORD_HASH_PROFILE``:
    RFC 9106's low-memory profile by default; the test suite uses the cheapest one)."""
    hasher = current_app.extensions.get("hub.password_hasher")
    if hasher is None:
        profile = getattr(argon2.profiles, current_app.config["PASSWORD_HASH_PROFILE"])
        hasher = PasswordHasher.from_parameters(profile)
        current_app.extensions["hub.password_hasher"] = hasher
        # Verified when the username is unknown, so both failures take the same time.
        current_app.extensions["hub.dummy_hash"] = hasher.hash(secrets.token_hex(16))
    return hasher
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "hub_"
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def set_password(user: User, password: str) -> None:
    """Set a new password and end every session and API token the user had: whoever knew
    the old password may have made either.  The browser that changed its own password is
    given a fresh session by the caller (``start_session``)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符。")
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    revoke_all_credentials(user)
    db.session.flush()


def check_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None — without saying which part failed."""
    user = find_user(username or "")
    if user is None or not user.password_hash:
        try:
            _hasher().verify(current_app.extensions["hub.dummy_hash"], password or "")
        except VerificationError:
            pass
        return None
    if not check_password(user, password or "") or not user.active:
        return None
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- browser sessions ------------------------------------------------------------------

def start_session(user: User) -> str:
    """Record a new session for ``user``; returns the secret to put into the cookie."""
    secret = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(secret)))
    db.session.flush()
    return secret


def session_user(secret: str | None, user_id: str | None) -> User | None:
    """The user behind a cookie's session secret, if the session is still alive.

    Refreshes ``last_seen_at`` (at most once a minute) and commits that bookkeeping itself,
    because it happens while loading the user, before any view runs.
    """
    if not secret or not user_id:
        return None
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == _digest(secret)))
    if row is None or row.revoked_at is not None or str(row.user_id) != str(user_id):
        return None
    now = utcnow()
    cfg = current_app.config
    idle = timedelta(minutes=cfg["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"])
    if now - row.last_seen_at > idle or now - row.created_at > absolute or not row.user.active:
        row.revoked_at = now
        db.session.commit()
        return None
    if now - row.last_seen_at > LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
        db.session.commit()
    return row.user


def end_session(secret: str | None) -> None:
    if not secret:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _digest(secret), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_all_credentials(user: User) -> None:
    """End every session and every API token of ``user``."""
    now = utcnow()
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


# --- API tokens ------------------------------------------------------------------------

def create_api_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token; the plain secret is returned once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:100], token_hash=_digest(secret),
                     prefix=secret[: len(TOKEN_PREFIX) + 6])
    db.session.add(token)
    db.session.flush()
    return token, secret


def token_user(secret: str | None) -> User | None:
    if not secret:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_SEEN_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    ))


def get_token_or_none(user: User, token_id: int) -> ApiToken | None:
    """The owner's token; somebody else's token is as good as missing."""
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()
