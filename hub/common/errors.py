"""One place that turns errors into responses: HTML pages for people, the JSON error shape
of API.md for ``/api/``.  Nothing reaches the client as a traceback.

A full disk or a database that cannot be reached is not the request's fault nor the
code's: it is a 503 with ``Retry-After`` (``unavailable`` in the API), on a page that needs
nothing from the database, and the request's transaction is rolled back.
"""
from __future__ import annotations

import errno
import sqlite3

from flask import Flask, current_app, jsonify, render_template, request, session
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from hub.extensions import db

API_CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "validation_error",
    415: "validation_error",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}
PAGES = {400, 403, 404, 429, 500, 503}
#: what a 503 tells clients to wait before trying again
RETRY_AFTER_SECONDS = 30


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, message: str, fields: dict | None = None):
    """The JSON error shape of API.md."""
    body = {"error": {"code": API_CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = fields
    # Validation failures are 400 in the contract, whatever the parser said.
    return jsonify(body), 400 if status == 422 else status


def default_message(status: int) -> str:
    return {
        400: _("请求无效。"),
        401: _("请先登录。"),
        403: _("您没有权限执行此操作。"),
        404: _("找不到您要的页面或内容。"),
        405: _("不支持此请求方法。"),
        409: _("该操作与当前状态冲突。"),
        413: _("上传的内容太大。"),
        429: _("尝试次数过多，请稍后再试。"),
        500: _("服务器出错了，我们已记录此问题。"),
        503: _("服务暂时不可用（存储空间已满或数据库无法连接），请稍后再试。"),
    }.get(status, _("请求无法完成。"))


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    if status >= 500:
        _rollback()
    if status == 503:
        return _unavailable_response(exc)
    if wants_json():
        data = getattr(exc, "data", None) or {}
        fields = _webargs_fields(data.get("messages")) if isinstance(data, dict) else None
        message = data.get("message") if isinstance(data, dict) else None
        response = api_error(status, message or _explicit_description(exc) or
                             default_message(status), fields)
        if status == 405 and exc.get_response().headers.get("Allow"):
            response[0].headers["Allow"] = exc.get_response().headers["Allow"]
        return response
    page = status if status in PAGES else (500 if status >= 500 else 400)
    message = _explicit_description(exc) or default_message(status)
    return render_template(f"errors/{page}.html", status=status, message=message), status


def handle_csrf_error(exc: CSRFError):
    if wants_json():
        return api_error(400, _("缺少或无效的 CSRF 令牌。"))
    message = _("页面已过期或缺少安全令牌，请返回刷新后重试。")
    return render_template("errors/400.html", status=400, message=message), 400


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    if is_unavailable(exc):
        current_app.logger.error("Storage unavailable on %s %s: %s", request.method,
                                 request.path, exc, exc_info=exc)
        _rollback()
        return _unavailable_response(ServiceUnavailable())
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    _rollback()
    return handle_http_exception(InternalServerError())


# --- storage unavailable ---------------------------------------------------------------

#: errno values of a disk that takes nothing more
_FULL_DISK = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}
#: SQLite's words for a full disk, a file it cannot open, another writer holding it
_SQLITE_UNAVAILABLE = ("database or disk is full", "disk i/o error",
                       "unable to open database file", "database is locked",
                       "attempt to write a readonly database")
#: PostgreSQL SQLSTATE classes: connection exception, insufficient resources (disk
#: full, out of memory, too many connections), operator intervention (shutdown), system
_PG_UNAVAILABLE = ("08", "53", "57", "58")


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps) says the storage is full or out of reach."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _says_unavailable(exc):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__
    return False


def _says_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, sa_exc.TimeoutError):  # no connection free in the pool
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OSError):
        return exc.errno in _FULL_DISK
    if isinstance(exc, sqlite3.OperationalError):
        return str(exc).lower().startswith(_SQLITE_UNAVAILABLE)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the postgres extra is not installed
        return False
    if isinstance(exc, psycopg.OperationalError):
        # no SQLSTATE: the connection itself failed (refused, closed, timed out)
        state = exc.sqlstate
        return state is None or state.startswith(_PG_UNAVAILABLE)
    return False


def _rollback() -> None:
    """Roll the request's transaction back; with the database away that may fail too."""
    try:
        db.session.rollback()
    except Exception:  # the error being answered is the one that counts
        current_app.logger.warning("rollback failed", exc_info=True)


def _unavailable_response(exc: HTTPException):
    with force_locale(_locale_without_database()):
        message = _explicit_description(exc) or default_message(503)
        if wants_json():
            response = api_error(503, message)[0]
            response.status_code = 503
        else:
            # A page of its own, rendered without the context processors: base.html and
            # they would ask the database for the signed-in person and the header's
            # counts.
            locale = str(get_locale())
            html = current_app.jinja_env.get_template("errors/503.html").render(
                message=message, retry_after=RETRY_AFTER_SECONDS,
                lang="zh-CN" if locale.startswith("zh") else locale)
            response = current_app.response_class(html, 503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _locale_without_database() -> str:
    """The request's language when it is known already or can be known; else the one the
    session chose or the default (the signed-in person's comes from the database)."""
    try:
        return str(get_locale())
    except (sa_exc.SQLAlchemyError, OSError):  # the person's language is in the database
        _rollback()
        chosen = session.get("lang")
        from hub.common.i18n import available_languages

        languages = available_languages()
        return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _explicit_description(exc: HTTPException) -> str | None:
    """A description given at the raise site (``abort(404, "…")``), not werkzeug's English
    default text."""
    default = type(exc).description
    return exc.description if exc.description and exc.description != default else None


def _webargs_fields(messages) -> dict | None:
    """webargs nests messages by location (``{"json": {"field": [...]}}``): flatten it."""
    if not isinstance(messages, dict):
        return None
    fields: dict = {}
    for location, per_field in messages.items():
        if isinstance(per_field, dict):
            fields.update(per_field)
        else:
            fields[location] = per_field
    return fields or None


def register_error_handlers(app: Flask) -> None:
    # Registered after flask-smorest, whose own handler would answer HTML pages with JSON.
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
