"""Deny by default: every endpoint needs a signed-in user unless it is named here; and
which role-dependent entries of the header a person sees (``navigation``)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.common.access import ItemView

#: Pages for anonymous filers (receipt look-ups).  They never load the signed-in user, so
#: following an anonymous item leaves no trace on anybody's session, and they are public.
ANONYMOUS_ENDPOINTS = frozenset({
    "receipts.lookup",
    "receipts.message",
    "receipts.feedback",
    "api_receipts.lookup",
    "api_receipts.message",
})

#: Where a signed-in employee may file anonymously.  They need the signed-in user (only
#: employees file) but never write to the session or token row: no activity time, not even
#: the end of an idle session, is stamped at the moment somebody files anonymously.
NO_ACTIVITY_ENDPOINTS = frozenset({
    "mailbox.write",
    "mailbox.write_receipt",
    "suggestions.new",
    "suggestions.new_receipt",
    "api_letters.write",
    "api_reports.submit",
    # a survey's answers: the "has answered" marker is all that ties the moment to a person
    "surveys.answer_page",
    "api_surveys.respond",
})

#: The short allowlist of endpoints that work without signing in.
PUBLIC_ENDPOINTS = ANONYMOUS_ENDPOINTS | frozenset({
    "static",
    "favicon",
    "auth.login",
    "main.set_language",
    "main.healthz",
    "api_auth.create_token",
    # the anonymous writer's verdict with the receipt code in the body (a token otherwise)
    "api_letters.feedback",
    "api-docs.openapi_json",
})


def is_anonymous_endpoint(endpoint: str | None) -> bool:
    return endpoint in ANONYMOUS_ENDPOINTS


def leaves_no_activity(endpoint: str | None) -> bool:
    return endpoint in NO_ACTIVITY_ENDPOINTS


def is_public(endpoint: str | None) -> bool:
    # endpoint None: no route matched; the 404 handler answers without revealing anything.
    return endpoint is None or endpoint in PUBLIC_ENDPOINTS


def navigation(user) -> ItemView:
    """The role-dependent entries of the header that ``user`` (the signed-in person) sees,
    as a view: ``navigation(current_user).shows("manage_org")`` for 系统管理 (users, departments,
    roles, imports).  The feature desks (来信处理, 事项处理) ask their own access modules."""
    from hub.org.permissions import can_manage_org

    shown = set()
    if user is not None and user.is_authenticated and user.active and can_manage_org(user):
        shown.add("manage_org")
    if user is not None and user.is_authenticated and user.active:
        shown.add("surveys")  # 满意度调查: everybody may be asked; no query per page
        shown.add("feedback")  # 信息反馈: anybody may owe or receive reports; no query
    if user is not None and user.is_authenticated and user.active:
        from hub.accountability.access import may_see_register

        if may_see_register(user):
            shown.add("accountability")
    return ItemView(user, shown)


def require_login():
    if is_public(request.endpoint) or current_user.is_authenticated:
        return None
    if request.path.startswith("/api/"):
        from hub.common.errors import api_error

        return api_error(401, _("需要有效的访问令牌（Authorization: Bearer …）。"))
    if request.endpoint != "main.index":  # a deep link: say why the sign-in page came
        flash(_("请先登录。"), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
