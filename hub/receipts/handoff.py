"""Handing a new receipt code from the filing form to the page that shows it, once.

An anonymous filing is a POST; if its reply showed the code, reloading that reply would post
the form again and file the item twice.  So the filing route keeps the code for the next
request and redirects (post → redirect → get), and the receipt page takes it out again:
shown once, and a reload finds nothing and says so.

Where it waits is the signed session cookie, sealed under a key derived from the secret
key, for ``TTL`` at most.  Not in the database: a row written and deleted at the moment of
an anonymous filing would be the very timing trace the holding table avoids
(``hub.common.holding``).  Not in a URL: it would land in access logs and the browser's
history.  The cookie is the filer's own, HttpOnly, and loses the code at the first look.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from flask import current_app, session

SESSION_KEY = "receipt_handoff"
#: How long a code waits for its page: a redirect takes a second, a slow phone a minute.
TTL_SECONDS = 600


def _stream(nonce: bytes, length: int) -> bytes:
    key = hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"hub receipt handoff",
                   hashlib.sha256).digest()
    out = b""
    counter = 0
    while len(out) < length:
        out += hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
    return out[:length]


def _seal(code: str) -> dict:
    nonce = secrets.token_bytes(16)
    data = code.encode()
    box = bytes(a ^ b for a, b in zip(data, _stream(nonce, len(data)), strict=True))
    return {"n": base64.b64encode(nonce).decode(), "b": base64.b64encode(box).decode()}


def _open(sealed: dict) -> str | None:
    try:
        nonce = base64.b64decode(sealed["n"])
        box = base64.b64decode(sealed["b"])
        data = bytes(a ^ b for a, b in zip(box, _stream(nonce, len(box)), strict=True))
        return data.decode()
    except (KeyError, TypeError, ValueError):
        return None


def hand_over(kind: str, code: str, **details: str | None) -> None:
    """Keep ``code`` (and ``details`` such as the number, which are not secret) for the
    receipt page of ``kind`` ("letter" or "report") that the filer is redirected to."""
    session[SESSION_KEY] = {"kind": kind, "code": _seal(code), "details": details,
                            "until": int(time.time()) + TTL_SECONDS}


def take(kind: str) -> tuple[str, dict] | None:
    """The code waiting for the receipt page of ``kind`` and its details, removed from the
    session as it is read; None when there is none (already shown, expired, another kind's)."""
    waiting = session.get(SESSION_KEY)
    if not isinstance(waiting, dict) or waiting.get("kind") != kind:
        return None
    session.pop(SESSION_KEY, None)
    until = waiting.get("until")
    if not isinstance(until, int) or until < time.time():
        return None
    code = _open(waiting.get("code") or {})
    if code is None:
        return None
    details = waiting.get("details")
    return code, details if isinstance(details, dict) else {}
