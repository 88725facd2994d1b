"""Throttling of wrong receipt codes that keeps no trace of who asked: one count per asker
for every door a code can be typed into (the receipt pages and ``/api/v1/receipts``).

Flask-Limiter stores a counter under a key for every caller.  Here the key is an HMAC of
the client's address (the real client's behind ``HUB_TRUSTED_PROXIES`` proxies) under a
random key of the day (company time) that the hub never writes to a file: the stored keys
cannot be turned back into addresses once the day is over, nor linked from one day to the
next, by anybody — the server's own secrets included.

Where the limits are counted in Redis (``HUB_RATELIMIT_STORAGE_URI=redis://…``), the day's
key lives in Redis as well, next to the counters and expiring with the day, so that every
worker process counts the same client under the same key: one count for all workers
(README, "Production": a Redis that keeps nothing on disk).  With ``memory://`` each
process keeps its own key and its own counts.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from datetime import date

from flask import current_app, request
from flask_babel import gettext as _

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import limiter

#: Wrong codes a caller may try; only 404 answers count.
WRONG_CODES = "10 per minute"

#: Name of the Redis key under which the workers agree on the day's random key (no secret
#: in the code: the value is made with secrets.token_hex; the limiter's keys start "LIMITS").
DAY_KEY_REDIS_NAME = "hub:receipt-codes:day-key:{day}"
#: The day's secret outlives the day by a little, for requests around midnight.
SHARED_SECRET_SECONDS = 26 * 3600

_lock = threading.Lock()
#: (day, storage it was agreed in, secret); the storage changes only when an app is made.
_secret: tuple[date, int, bytes] | None = None


def _todays_secret() -> bytes:
    global _secret
    today = local_date(utcnow())
    storage = _shared_storage()
    with _lock:
        if _secret is None or _secret[:2] != (today, id(storage)):
            shared = _agree_on_secret(storage, today) if storage is not None else None
            if shared is None and storage is not None:
                # the store is unreachable (the limiter fails the same way): count in this
                # process for now, and agree on the day's key with the others later
                return _local_secret(today)
            _secret = (today, id(storage), shared or _local_secret(today))
        return _secret[2]


_local: tuple[date, bytes] | None = None


def _local_secret(today: date) -> bytes:
    """This process's own key of the day (called with ``_lock`` held)."""
    global _local
    if _local is None or _local[0] != today:
        _local = (today, secrets.token_bytes(32))
    return _local[1]


def _shared_storage():
    """The limiter's storage when it is shared between processes (Redis and its kin)."""
    limiter_storage = limiter._storage  # noqa: SLF001 - set by init_app; None before
    if limiter_storage is None or not hasattr(limiter_storage, "get_connection"):
        return None
    return limiter_storage


def _agree_on_secret(storage, today: date) -> bytes | None:
    """The day's secret every process uses: the first one to ask stores a random one."""
    key = DAY_KEY_REDIS_NAME.format(day=today.isoformat())
    try:
        client = storage.get_connection()
        client.set(key, secrets.token_hex(32), nx=True, ex=SHARED_SECRET_SECONDS)
        value = client.get(key)
    except Exception:  # noqa: BLE001 - whatever the client raises when Redis is away
        current_app.logger.warning("rate-limit store unreachable: receipt codes are "
                                   "counted per process for now")
        return None
    if value is None:
        return None
    return value.encode() if isinstance(value, str) else bytes(value)


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
