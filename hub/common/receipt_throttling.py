"""Throttling of wrong receipt codes that keeps no trace of who asked: one count per asker
for every door a code can be typed into (the receipt pages and ``/api/v1/receipts``).

Flask-Limiter stores a counter under a key for every caller.  Here the key is an HMAC of
the remote address under a random secret that lives only in this process's memory and is
replaced every day (company time): the stored keys cannot be turned back into addresses,
nor linked from one day to the next, by anybody — the server's own secrets included.

A consequence: each process counts for itself, which is what the memory storage does
anyway.  With several worker processes the limit applies per process.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import date

from flask import request
from flask_babel import gettext as _

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import limiter

#: Wrong codes a caller may try; only 404 answers count.
WRONG_CODES = "10 per minute"

_lock = threading.Lock()
_secret: tuple[date, bytes] | None = None


def _todays_secret() -> bytes:
    global _secret
    today = local_date(utcnow())
    with _lock:
        if _secret is None or _secret[0] != today:
            _secret = (today, secrets.token_bytes(32))
        return _secret[1]


def anonymised_address() -> str:
    """The rate-limit key of the caller: the address, unrecoverably hashed."""
    address = (request.remote_addr or "").encode()
    return hmac.new(_todays_secret(), address, hashlib.sha256).hexdigest()


def wrong_code(response) -> bool:
    return response.status_code == 404


def _too_many_wrong_codes() -> str:
    return _("查询码错误次数过多，请稍后再试。")


#: For every view that looks a code up: a wrong code on a page and one on the API count
#: together, or guessing would simply go on at the other door.
limit_wrong_codes = limiter.shared_limit(
    WRONG_CODES,
    scope="receipt-codes",
    key_func=anonymised_address,
    methods=["POST"],
    deduct_when=wrong_code,
    error_message=_too_many_wrong_codes,
)
