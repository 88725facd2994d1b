"""Jinja set-up: globals and filters every template may use."""
from __future__ import annotations

from collections.abc import Callable

from babel import dates
from flask import Flask
from flask.globals import _cv_app
from flask_babel import get_locale, get_timezone, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from hub.common.i18n import available_languages
from hub.common.time import to_local

# --- the request's locale, timezone and catalogue, looked up once ------------------------
#
# Flask-Babel keeps them per request in ``g._flask_babel`` but reaches them through three
# to ten context-local look-ups per translated string or formatted date (a page has
# hundreds).  These read its namespace directly and fall back to Flask-Babel whenever it
# has not decided yet, so that ``force_locale`` and ``refresh`` keep working: the cache is
# keyed on the very locale and domain objects Flask-Babel holds.


def _babel_namespace() -> dict | None:
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return None
    namespace = app_ctx.g.__dict__.get("_flask_babel")
    return namespace.__dict__ if namespace is not None else None


def request_translations():
    """``flask_babel.get_translations()``, from the request's cache after the first call."""
    babel = _babel_namespace()
    if babel is not None:
        cached = babel.get("hub_translations")
        if cached is not None and cached[0] is babel.get("babel_locale") \
                and cached[1] is babel.get("babel_domain"):
            return cached[2]
    found = get_translations()
    babel = _babel_namespace()
    if babel is not None and babel.get("babel_locale") is not None:
        babel["hub_translations"] = (babel["babel_locale"], babel.get("babel_domain"), found)
    return found


def _locale_and_timezone():
    babel = _babel_namespace()
    if babel is not None:
        locale, tzinfo = babel.get("babel_locale"), babel.get("babel_tzinfo")
        if locale is not None and tzinfo is not None:
            return locale, tzinfo
    return get_locale(), get_timezone()


def localtime(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored (naive UTC) timestamp in the company's timezone (what
    ``flask_babel.format_datetime(to_local(value), fmt)`` gives, without its look-ups)."""
    if value is None:
        return ""
    locale, tzinfo = _locale_and_timezone()
    return dates.format_datetime(to_local(value), fmt, tzinfo=tzinfo, locale=locale)


def _format(rv, variables: dict):
    # Jinja's new-style gettext always formats (``%%`` becomes ``%``); without variables
    # and without a ``%`` that is the string itself, so it is skipped.
    return rv % variables if variables or "%" in rv else rv


def install_gettext(app: Flask) -> None:
    """Jinja's ``_``/``gettext``/``ngettext``/``pgettext``/``npgettext`` as Flask-Babel
    installs them (new style: autoescaped, ``%(name)s`` variables), reading the request's
    catalogue once (``request_translations``)."""
    env = app.jinja_env

    @pass_context
    def gettext(context, string, /, **variables):
        rv = request_translations().ugettext(string)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return _format(rv, variables)

    @pass_context
    def ngettext(context, singular, plural, num, /, **variables):
        variables.setdefault("num", num)
        rv = request_translations().ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    @pass_context
    def pgettext(context, string_ctx, string, /, **variables):
        variables.setdefault("context", string_ctx)
        rv = request_translations().upgettext(string_ctx, string)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    @pass_context
    def npgettext(context, string_ctx, singular, plural, num, /, **variables):
        variables.setdefault("context", string_ctx)
        variables.setdefault("num", num)
        rv = request_translations().unpgettext(string_ctx, singular, plural, num)
        if context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    # ``install_gettext_callables`` first, so that the i18n extension compiles ``{% trans %}``
    # blocks in the new style; then the globals it set are replaced by the functions above.
    env.install_gettext_callables(gettext=lambda s: s, ngettext=lambda s, p, n: s,
                                  pgettext=lambda c, s: s, npgettext=lambda c, s, p, n: s,
                                  newstyle=True)
    env.globals.update(gettext=gettext, ngettext=ngettext, pgettext=pgettext,
                       npgettext=npgettext, _=gettext)


def set_unread_counter(app: Flask, count: Callable[[object], int]) -> None:
    """How many unread notifications the signed-in person has, for the header (the
    notifications feature registers it in ``hub.register_hooks``: ``hub.common`` sits below
    the features and imports none of them)."""
    app.extensions["hub.unread_counter"] = count


def configure_jinja(app: Flask) -> None:
    install_gettext(app)
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
