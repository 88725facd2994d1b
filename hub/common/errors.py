"""One place that turns errors into responses: HTML pages for people, the JSON error shape
of API.md for ``/api/``.  Nothing reaches the client as a traceback."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
}
PAGES = {400, 403, 404, 429, 500}


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
    }.get(status, _("请求无法完成。"))


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    if status >= 500:
        db.session.rollback()
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
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_exception(InternalServerError())


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
