"""Sign in, sign out, change one's own password."""
from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import exists, func, select

from hub.admin.forms import ROLE_LABELS
from hub.auth import bp
from hub.auth.forms import (
    ChangePasswordForm,
    CreateTokenForm,
    LoginForm,
    LogoutForm,
    RevokeTokenForm,
)
from hub.auth.loading import SESSION_KEY
from hub.auth.services import (
    authenticate,
    check_password,
    create_api_token,
    end_session,
    get_token_or_none,
    set_password,
    start_session,
    tokens_of,
)
from hub.auth.services import revoke_token as revoke_api_token  # the view has the name
from hub.auth.throttling import limit_attempts_per_address, limit_failures_per_account
from hub.common.errors import handle_http_exception
from hub.common.models import Setting
from hub.demo import DEMO_FLAG, DEMO_USERNAMES
from hub.extensions import db, limiter
from hub.org.models import Department, User, UserRole


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limit_failures_per_account
@limit_attempts_per_address
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            secret = start_session(user)
            db.session.commit()
            lang = session.get("lang")
            session.clear()  # no state carried over from before sign-in
            if lang:
                session["lang"] = lang
            session[SESSION_KEY] = secret
            session.permanent = True
            login_user(user)
            return redirect(_safe_next(form.next.data))
        flash(_("用户名或密码错误。"), "danger")
    return render_template("auth/login.html", form=form, demo_people=demo_people()), 200


@dataclass(frozen=True)
class DemoPerson:
    """A row of the sign-in page's demo table."""

    username: str
    name: str
    title: str | None
    department_name: str | None
    roles: frozenset[str]


@functools.cache
def _demo_people_query():
    """The demo's people with their departments and roles, if the demo is loaded: one
    statement, built once per process (the sign-in page is the hub's most asked page)."""
    roles = (select(func.aggregate_strings(UserRole.role, ","))
             .where(UserRole.user_id == User.id).scalar_subquery())
    return (select(User.username, User.name, User.title, Department.name, roles)
            .outerjoin(Department, Department.id == User.department_id)
            .where(User.username.in_(DEMO_USERNAMES), User.active.is_(True),
                   exists().where(Setting.key == DEMO_FLAG, Setting.value == "1")))


def demo_people() -> list[DemoPerson]:
    """The demo company's people, in the order SPEC lists them, with their departments and
    roles (for the sign-in page's table); none unless the demo is loaded."""
    order = {name: i for i, name in enumerate(DEMO_USERNAMES)}
    people = [DemoPerson(username, name, title, department,
                         frozenset((roles or "").split(",")) - {""})
              for username, name, title, department, roles
              in db.session.execute(_demo_people_query())]
    return sorted(people, key=lambda person: order[person.username])


def role_summary(person: User) -> str:
    """What a demo person is, in a few words: their title, and the hub's roles they hold."""
    roles = [str(ROLE_LABELS[role]) for role in sorted(person.roles) if role in ROLE_LABELS]
    return " · ".join([person.title or "", *roles]).strip(" ·")


bp.add_app_template_filter(role_summary, "role_summary")


def wait_minutes() -> int | None:
    """How many minutes until the limit this request broke lets the next attempt through,
    from the limiter's reset time; None when it cannot say."""
    current = limiter.current_limit
    if current is None:
        return None
    try:
        seconds = current.reset_at - time.time()
    except Exception:  # noqa: BLE001 - the store may be away; then only say "later"
        return None
    # ``reset_at`` is rounded up to the next whole second: take that second back, or a
    # one-minute window would read "2 minutes" at its very start
    return max(1, math.ceil((seconds - 1) / 60))


@bp.errorhandler(429)
def too_many_attempts(exc):
    """Too many sign-in attempts: the sign-in page stays a sign-in page (the username kept)
    and says how long to wait.  Other throttled pages of this blueprint answer as usual."""
    if request.endpoint != "auth.login":
        return handle_http_exception(exc)
    wait = wait_minutes()
    form = LoginForm(formdata=None, username=request.form.get("username", "")[:64],
                     next=request.form.get("next", "")[:2000])
    message = (_("尝试次数过多，请在 %(n)s 分钟后再试。", n=wait) if wait else
               _("尝试次数过多，请稍后再试。"))
    response = make_response(render_template(
        "errors/429.html", status=429, message=message, form=form, wait_minutes=wait,
        demo_people=demo_people()), 429)
    if wait:
        response.headers["Retry-After"] = str(wait * 60)
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        flash(_("退出失败：页面已过期，请重试。"), "warning")
        return redirect(url_for("main.index"))
    end_session(session.get(SESSION_KEY))
    db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("您已安全退出。"), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_password(current_user, form.current_password.data):
            form.current_password.errors.append(_("当前密码不正确。"))
        else:
            set_password(current_user, form.new_password.data)
            # Every other session has just ended; this browser gets a fresh one.
            session[SESSION_KEY] = start_session(current_user)
            db.session.commit()
            flash(_("密码已修改，其他设备上的登录已全部失效。"), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The signed-in person's API tokens; a POST creates one.

    The new secret is rendered straight into the reply (no redirect): it must never sit in
    the session cookie or anywhere else the hub could show it a second time.
    """
    form = CreateTokenForm()
    secret = None
    if form.validate_on_submit():
        _token, secret = create_api_token(current_user, form.name.data)
        db.session.commit()
        form = CreateTokenForm(formdata=None)
    return render_template("auth/tokens.html", form=form, secret=secret,
                           tokens=tokens_of(current_user))


@bp.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    token = get_token_or_none(current_user, token_id)
    if token is None:
        abort(404)
    if RevokeTokenForm().validate_on_submit():
        revoke_api_token(token)
        db.session.commit()
        flash(_("令牌“%(name)s”已吊销，使用它的程序将无法再访问。",
                name=token.name or token.prefix), "success")
    else:
        flash(_("操作失败：页面已过期，请重试。"), "warning")
    return redirect(url_for("auth.tokens"))
