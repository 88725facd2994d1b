"""Jinja set-up: globals and filters every template may use."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import format_datetime, get_locale

from hub.common.i18n import available_languages
from hub.common.time import to_local


def localtime(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored (naive UTC) timestamp in the company's timezone."""
    if value is None:
        return ""
    return format_datetime(to_local(value), fmt)


def set_unread_counter(app: Flask, count: Callable[[object], int]) -> None:
    """How many unread notifications the signed-in person has, for the header (the
    notifications feature registers it in ``hub.register_hooks``: ``hub.common`` sits below
    the features and imports none of them)."""
    app.extensions["hub.unread_counter"] = count


def configure_jinja(app: Flask) -> None:
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject_globals():
        from flask import has_request_context
        from flask_login import current_user

        from hub.org import permissions

        signed_in = has_request_context() and current_user and current_user.is_authenticated
        unread_count = app.extensions.get("hub.unread_counter")
        return {
            "unread_notifications": unread_count(current_user)
            if signed_in and unread_count else 0,
            "languages": available_languages(),
            "current_locale": str(get_locale()),
            "perm": permissions,
        }
