"""Language and timezone choice. Chinese unless the person switched to another language;
the browser's Accept-Language is deliberately ignored (the company's language is Chinese)."""
from __future__ import annotations

from flask import current_app, has_request_context, session
from flask_login import current_user


def available_languages() -> dict[str, str]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    languages = available_languages()
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]
