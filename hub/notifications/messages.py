"""Notification texts kept untranslated, so each reader sees them in their own language.

A feature passes ``notify`` its title and body as lazy strings (``_l("来信 %(number)s 待受理",
number=...)``); the message id and its parameters are stored as JSON and translated when
somebody reads the notification — on the page, in the API, in the e-mail (rendered in the
recipient's language when it is queued).  Parameters may be lazy strings themselves (a
status word); anything else is stored as its text.  A plain string (a letter's subject)
is stored as it is and shown as it is.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask_babel import gettext
from flask_babel.speaklater import LazyString

#: JSON keys of one message: its id and its parameters.
MSGID, PARAMS = "m", "p"


def is_message(value: Any) -> bool:
    """A lazy ``gettext`` string (``_l``) whose id and parameters can be stored."""
    return isinstance(value, LazyString) and value._func is gettext and len(value._args) == 1


def _encode(value: Any) -> Any:
    if is_message(value):
        return {MSGID: value._args[0],
                PARAMS: {key: _encode(param) for key, param in value._kwargs.items()}}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and MSGID in value:
        params = {key: _decode(param) for key, param in (value.get(PARAMS) or {}).items()}
        return gettext(value[MSGID], **params) if params else gettext(value[MSGID])
    return value


def encode(title: Any, body: Any) -> str | None:
    """The JSON stored with a notification, or None when neither part is a message."""
    if not is_message(title) and not is_message(body):
        return None
    return json.dumps({"title": _encode(title), "body": _encode(body)}, ensure_ascii=False)


def render(stored: str | None, part: str, fallback: str) -> str:
    """``part`` ("title" or "body") of a stored message in the current language; the stored
    ``fallback`` text for rows without one (or one that cannot be read)."""
    if not stored:
        return fallback
    try:
        value = json.loads(stored)[part]
        return str(_decode(value)) if value is not None else fallback
    except (ValueError, KeyError, TypeError):
        return fallback
