"""Receipt codes (查询码) for anonymous filers.

A code carries 100 random bits, shown once; the hub keeps only an HMAC-SHA256 of it under a
server secret, so the database alone neither reveals nor lets anyone test codes offline.
Codes are written in Crockford's base32 in groups of four and typed back case-insensitively,
with or without the dashes.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_CHARS = 20  # 20 × 5 bits = 100 bits
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_CHARS, 4))


def normalise(code: str | None) -> str | None:
    """The canonical form of a typed code, or None when it cannot be a code at all."""
    if not code:
        return None
    cleaned = "".join(ch for ch in code.upper() if ch not in "- \t\r\n").translate(_READ_AS)
    if len(cleaned) != CODE_CHARS or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def _key() -> bytes:
    configured = current_app.config.get("RECEIPT_SECRET")
    if configured:
        return str(configured).encode()
    # Derived from the secret key, so that changing one without the other is a choice.
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"hub receipt codes",
                    hashlib.sha256).digest()


def digest(code: str | None) -> str | None:
    canonical = normalise(code)
    if canonical is None:
        return None
    return hmac.new(_key(), canonical.encode(), hashlib.sha256).hexdigest()
