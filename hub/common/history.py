"""History entries (a letter's or a report's timeline) in the reader's language.

A step the hub words itself — "设置紧急程度：特急", "超期：来信 … 尚未受理" — is stored with
a message key and its parameters (``params``, JSON) next to the text written at the time;
pages render it from the key with gettext when it is shown, so an English reader reads
English whatever language the actor used.  What people typed stays as they typed it.  Rows
written before the key existed (``params`` empty) or with an unknown key show their stored
text, as before.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: key → a function of the parameters that returns the text in the current language.
Messages = Mapping[str, Callable[[dict], Any]]


def message(key: str, **params) -> dict:
    """The ``params`` of an event whose text is ``key`` rendered with ``params``."""
    return {"key": key, **params}


def shown_text(text: str, params: dict | None, messages: Messages) -> str:
    """The event's text in the current language (``text`` as stored when it cannot be
    rendered from ``params``)."""
    if params:
        render = messages.get(params.get("key"))
        if render is not None:
            try:
                return str(render(params))
            except (KeyError, TypeError, ValueError):
                pass
    return text
