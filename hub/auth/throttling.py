"""Throttling of password guesses, shared by the login form and ``POST /api/v1/auth/token``.

Failures are counted per account in one bucket for both doors, so an attacker gains nothing
by alternating between the page and the API.  Only failures count: somebody who signs in
correctly many times a minute (scripts, shared PCs) is never locked out.
"""
from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _

from hub.extensions import limiter

#: A successful sign-in: the login form redirects, the token endpoint creates a token.
SIGNED_IN_STATUSES = frozenset({201, 302})
MAX_USERNAME_LENGTH = 64


def submitted_username() -> str:
    """The username a sign-in request names, from the form or the JSON body.

    Read before the view validates anything, so it must never fail: a malformed (or
    absurdly nested) JSON body simply names no account.
    """
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:
            body = None
        value = body.get("username") if isinstance(body, dict) else None
    else:
        value = request.form.get("username")
    return value.strip().lower()[:MAX_USERNAME_LENGTH] if isinstance(value, str) else ""


def account_key() -> str:
    """Failures are counted per account, whatever address they come from."""
    return "login:" + submitted_username()


def sign_in_failed(response) -> bool:
    return response.status_code not in SIGNED_IN_STATUSES


def _too_many_attempts() -> str:
    return _("尝试次数过多，请稍后再试。")


#: Decorator for every view that checks a password (one shared counter per account).
limit_failures_per_account = limiter.shared_limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
    scope="sign-in-failures",
    key_func=account_key,
    methods=["POST"],
    deduct_when=sign_in_failed,
    error_message=_too_many_attempts,
)

#: Decorator for the same views: every attempt from one address, successful or not.
limit_attempts_per_address = limiter.shared_limit(
    lambda: current_app.config["LOGIN_ATTEMPTS_PER_ADDRESS"],
    scope="sign-in-attempts",
    methods=["POST"],
    error_message=_too_many_attempts,
)
