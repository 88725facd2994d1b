"""How a request finds its user: a server-checked session cookie for pages, a bearer token
for the API (and only there: the API never accepts the cookie, so it needs no CSRF)."""
from __future__ import annotations

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from hub.auth.access import is_anonymous_endpoint
from hub.auth.services import session_user, token_user
from hub.org.models import User

SESSION_KEY = "sid"


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def configure_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("请先登录。")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if is_api_request() or is_anonymous_endpoint(request.endpoint):
            return None
        return session_user(session.get(SESSION_KEY), user_id)

    @login_manager.request_loader
    def load_user_from_request(req) -> User | None:
        if not is_api_request() or is_anonymous_endpoint(request.endpoint):
            return None
        header = req.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return token_user(secret.strip())
