"""Every route × anonymous / employee / admin → the status each of them gets.

``ROUTES`` names the access rule of every endpoint in ``app.url_map``; ``RULES`` says what
each rule means for each kind of caller.  A new route without an entry fails
``test_every_route_has_a_rule`` (deny by default is only as good as the list of exceptions),
and so does an entry whose route is gone.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import url_for

from hub.common.converters import IdConverter

TO_LOGIN = "302 /login"


@dataclass(frozen=True)
class Rule:
    """What a GET gets for each caller, and what an anonymous write (POST, PUT, DELETE …)
    gets: on pages with a valid CSRF token, so that the refusal is the sign-in check's and
    not the CSRF check's; on the API with no token at all.  ``None``: the write is open to
    anonymous callers and would really happen, so it is not tried here."""

    anonymous: str
    employee: str
    admin: str
    anonymous_write: str | None


RULES = {
    # Pages anyone may open, signed in or not.
    "public": Rule("200", "200", "200", None),
    # The sign-in page: people who are signed in already go home.
    "sign-in": Rule("200", "302 /", "302 /", None),
    # Every signed-in employee.
    "login": Rule(TO_LOGIN, "200", "200", TO_LOGIN),
    # The admin only; everyone else gets a 404, as if the page did not exist.
    "admin": Rule(TO_LOGIN, "404", "200", TO_LOGIN),
    # The GM office only (总经办): for everyone else, the admin included, it does not exist.
    "gm-office": Rule(TO_LOGIN, "404", "404", TO_LOGIN),
    # API without a token (the token exchange, the OpenAPI document, receipts): an empty
    # request body is a validation error.
    "api-public": Rule("200", "200", "200", "400 validation_error"),
    # API with a bearer token.
    "api-token": Rule("401 unauthorized", "200", "200", "401 unauthorized"),
    # API for the admin only.
    "api-admin": Rule("401 unauthorized", "404 not_found", "200", "401 unauthorized"),
}

#: Every endpoint of the hub and its rule.
ROUTES = {
    # Public pages, the sign-in page and the API without a token (hub.auth.access allowlist).
    "static": "public",
    "main.healthz": "public",
    "main.set_language": "public",
    "auth.login": "sign-in",
    "api-docs.openapi_json": "api-public",
    "api_auth.create_token": "api-public",
    "api_receipts.lookup": "api-public",
    "api_receipts.message": "api-public",
    # Every signed-in employee.
    "main.index": "login",
    "auth.logout": "login",
    "auth.change_password": "login",
    "auth.tokens": "login",
    "auth.revoke_token": "login",
    "notifications.index": "login",
    "notifications.open_notification": "login",
    "notifications.read_all": "login",
    "directory.index": "login",
    "directory.person": "login",
    "directory.department": "login",
    "mailbox.inbox": "login",
    "mailbox.letter": "login",
    # 总经办 only.
    "mailbox.stats": "gm-office",
    "mailbox.stats_xlsx": "gm-office",
    # 系统管理: the admin only.
    "admin.index": "admin",
    "admin.users": "admin",
    "admin.new_user": "admin",
    "admin.edit_user": "admin",
    "admin.reset_password": "admin",
    "admin.deactivate": "admin",
    "admin.reactivate": "admin",
    "admin.departments": "admin",
    "admin.new_department": "admin",
    "admin.edit_department": "admin",
    "admin.remove_department": "admin",
    "admin.org_import": "admin",
    "admin.apply_import": "admin",
    "admin.import_template": "admin",
    # /api/v1 with a bearer token.
    "api_auth.list_tokens": "api-token",
    "api_auth.delete_token": "api-token",
    "api_org.me": "api-token",
    "api_org.departments": "api-token",
    "api_org.users": "api-token",
    "api_org.user": "api-token",
    "api_letters.write": "api-token",
    "api_letters.letters": "api-token",
    "api_letters.letter": "api-token",
    "api_letters.act": "api-token",
}


def own_letter(user) -> int:
    """A letter ``user`` wrote: the writer may always open it."""
    from hub.mailbox.services import file_letter

    return file_letter(user, subject="权限矩阵", body="测试来信", category="other").letter.id


#: How to fill a URL's arguments for the caller: ids of things the caller may see.
ARGUMENTS = {
    "filename": lambda user: "css/hub.css",
    "user_id": lambda user: user.id,
    "dept_id": lambda user: user.department_id,
    "department_id": lambda user: user.department_id,
    "letter_id": own_letter,
}

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def is_api(rule) -> bool:
    return rule.rule.startswith("/api/")


def rule_of(rule) -> str:
    """The route's rule; a route missing from ROUTES (its own test fails) gets what deny by
    default gives it."""
    return ROUTES.get(rule.endpoint) or ("api-token" if is_api(rule) else "login")


def url_of(rule, user, *, for_reading: bool) -> str:
    """The rule's URL with ids the caller may see.  An anonymous write is refused before any
    lookup, so any well-formed id will do there."""
    values = {}
    for name in rule.arguments:
        if name in ARGUMENTS:
            values[name] = ARGUMENTS[name](user)
        elif for_reading:
            pytest.fail(f"{rule.endpoint}: add to ARGUMENTS how to fill <{name}> with an "
                        "id the caller may see")
        else:
            values[name] = 1 if isinstance(rule._converters[name], IdConverter) else "x"
    return url_for(rule.endpoint, **values)


def outcome(response) -> str:
    """``"200"``, ``"302 /login"``, ``"401 unauthorized"`` (an API error with its code)."""
    status = str(response.status_code)
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{status} {urlsplit(response.headers['Location']).path}"
    if response.is_json and isinstance(response.get_json(silent=True), dict):
        code = (response.get_json().get("error") or {}).get("code")
        if code:
            return f"{status} {code}"
    return status


def request(client, method, url, headers=None) -> str:
    response = client.open(url, method=method, headers=headers or {})
    try:
        return outcome(response)
    finally:
        response.close()


def check_reads(app, client, user, role: str, headers=None) -> list[str]:
    """GET every readable route as ``role``; returns the routes that answer unexpectedly."""
    problems = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint not in ROUTES:
            continue
        expected = getattr(RULES[ROUTES[rule.endpoint]], role)
        url = url_of(rule, user, for_reading=True)
        got = request(client, "GET", url, headers if is_api(rule) else None)
        if got != expected:
            problems.append(f"{role} GET {url} ({rule.endpoint}): expected {expected}, got {got}")
    return problems


@pytest.fixture
def employee(demo):
    return demo["sales1"]


@pytest.fixture
def admin(demo):
    return demo["admin"]


def test_every_route_has_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    without_rule = sorted(endpoints - set(ROUTES))
    gone = sorted(set(ROUTES) - endpoints)
    assert (without_rule, gone) == ([], []), (
        f"routes without an access rule in ROUTES: {without_rule}; "
        f"ROUTES entries whose endpoint no longer exists: {gone}")
    assert set(ROUTES.values()) <= set(RULES)


def test_anonymous(app, client, employee):
    with app.test_request_context():
        problems = check_reads(app, client, employee, "anonymous")
    assert not problems, "\n".join(problems)


def test_employee(app, client, employee, login, bearer):
    login(client, employee)
    with app.test_request_context():
        problems = check_reads(app, client, employee, "employee", bearer(employee))
    assert not problems, "\n".join(problems)


def test_admin(app, client, admin, login, bearer):
    login(client, admin)
    with app.test_request_context():
        problems = check_reads(app, client, admin, "admin", bearer(admin))
    assert not problems, "\n".join(problems)


def write_routes(app):
    """(rule, method) for every route that changes something."""
    for rule in app.url_map.iter_rules():
        for method in sorted(set(WRITE_METHODS) & rule.methods):
            yield rule, method


def test_anonymous_writes_are_refused(app, client, employee, get_csrf):
    token = get_csrf(client, "/login")
    problems = []
    with app.test_request_context():
        for rule, method in write_routes(app):
            expected = RULES[rule_of(rule)].anonymous_write
            if expected is None:
                continue
            url = url_of(rule, employee, for_reading=False)
            got = request(client, method, url, None if is_api(rule) else {"X-CSRFToken": token})
            if got != expected:
                problems.append(f"anonymous {method} {url}: expected {expected}, got {got}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "employee"])
def test_page_writes_without_csrf_token_are_refused(app, client, employee, login, signed_in):
    if signed_in:
        login(client, employee)
    problems = []
    with app.test_request_context():
        for rule, method in write_routes(app):
            if is_api(rule):
                continue  # bearer tokens, never cookies: nothing for a forged form to ride on
            url = url_of(rule, employee, for_reading=False)
            got = request(client, method, url)
            if got != "400":
                problems.append(f"{method} {url} without CSRF token: expected 400, got {got}")
    assert not problems, "\n".join(problems)
