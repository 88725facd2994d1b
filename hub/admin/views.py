"""系统管理 administration: accounts, departments and the organisation import.

Admins only; everybody else gets a 404, so the area does not even show that it exists.
The views translate HTTP: the rules live in ``hub.org.services`` (and the import checks
in ``hub.org.importer``); each state change commits once.
"""
from __future__ import annotations

import io
import secrets

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from hub.admin import bp
from hub.admin.forms import (
    NO_ONE,
    ROLE_LABELS,
    ActionForm,
    DepartmentForm,
    ImportApplyForm,
    ImportUploadForm,
    PasswordResetForm,
    UserForm,
    UserSearchForm,
)
from hub.admin.org_import import (
    apply_plan,
    discard_upload,
    load_upload,
    organisation_snapshot,
    store_upload,
)
from hub.auth.loading import SESSION_KEY
from hub.auth.services import set_password, start_session
from hub.extensions import db
from hub.org.directory import Page, _escape_like, search_people
from hub.org.importer import (
    MAX_BYTES,
    SheetError,
    organisation_csv,
    plan_import,
    read_sheet,
    template_csv,
)
from hub.org.models import Department, HandlingUnit, User
from hub.org.permissions import can_manage_org
from hub.org.services import (
    OrgError,
    add_department,
    add_user,
    deactivate_user,
    delete_department,
    department_headcounts,
    department_subtree,
    department_tree,
    reactivate_user,
    reporting_history,
    set_department_parent,
    set_manager,
    set_roles,
    set_unit_memberships,
)

PER_PAGE = 50
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@bp.before_request
def admins_only():
    if not can_manage_org(current_user):
        abort(404)


@bp.route("/")
def index():
    counts = {
        "active": db.session.scalar(select(func.count()).where(User.active.is_(True))),
        "inactive": db.session.scalar(select(func.count()).where(User.active.is_(False))),
        "departments": db.session.scalar(select(func.count()).select_from(Department)),
    }
    return render_template("admin/index.html", counts=counts)


# --- choices the forms need ------------------------------------------------------------

def department_choices() -> list[SelectChoice]:
    """The department tree as select options, indented by depth."""
    return [SelectChoice(d.id, "\u3000" * depth + d.name) for d, depth in department_tree()]


def person_choices(*, exclude: User | None = None,
                   keep: User | None = None) -> list[SelectChoice]:
    """Active people as select options; ``keep`` stays selectable even after leaving, so
    that a form showing the current value still validates."""
    people = list(db.session.scalars(
        select(User).where(or_(User.active.is_(True), User.id == (keep.id if keep else None)))
        .order_by(User.name, User.id)
    ))
    return [SelectChoice(u.id, f"{u.name}（{u.username}）· {u.department.name}")
            for u in people if exclude is None or u.id != exclude.id]


def fill_user_choices(form: UserForm, user: User | None) -> None:
    form.department.choices = department_choices()
    form.manager.choices = [SelectChoice(NO_ONE, _("（无直属上级）"))] + person_choices(
        exclude=user, keep=user.manager if user else None)
    units = [SelectChoice(u.id, u.name) for u in db.session.scalars(
        select(HandlingUnit).order_by(HandlingUnit.name, HandlingUnit.id))]
    form.units.choices = units
    form.unit_heads.choices = units


def fill_department_choices(form: DepartmentForm, dept: Department | None) -> None:
    form.parent.choices = [SelectChoice(NO_ONE, _("（顶级部门）"))] + department_choices()
    form.head.choices = [SelectChoice(NO_ONE, _("（暂无负责人）"))] + person_choices(
        keep=dept.head if dept else None)


def _get(model, ident: int | None):
    return db.session.get(model, ident) if ident else None


def commit_or_explain(form) -> bool:
    """Commit; a unique clash that slipped past the form's checks (two admins at once)
    becomes a message on the form instead of a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append(_("保存失败：用户名、工号或部门名称已被占用，请检查后重试。"))
        return False
    return True


# --- users -----------------------------------------------------------------------------

#: What the account list shows of each person besides the row: one statement each for the
#: whole page.
ACCOUNT_LIST_LOADS = (selectinload(User.department), selectinload(User.manager))


def search_accounts(q: str, department: Department | None, status: str,
                    page: int) -> Page:
    """The people directory search, plus (for the admin) people who left."""
    if status != "inactive":
        return search_people(current_user, q, department, page=page, per_page=PER_PAGE,
                             include_inactive=status == "all", options=ACCOUNT_LIST_LOADS)
    stmt = select(User).where(User.active.is_(False))
    if q:
        pattern = f"%{_escape_like(q.lower())}%"
        stmt = stmt.where(or_(*(func.lower(column).like(pattern, escape="\\") for column in (
            User.name, User.username, User.title, User.employee_no, User.email))))
    if department is not None:
        stmt = stmt.where(User.department_id.in_([d.id for d in department_subtree(department)]))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = list(db.session.scalars(stmt.order_by(User.name, User.id)
                                    .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
                                    .options(*ACCOUNT_LIST_LOADS)))
    return Page(items=items, total=total, page=page, per_page=PER_PAGE)


@bp.route("/users")
def users():
    choices = [SelectChoice(NO_ONE, _("全部部门"))] + department_choices()
    form = UserSearchForm(request.args)
    form.department.choices = choices
    if not form.validate():  # a hand-edited URL: show the unfiltered list
        form = UserSearchForm(formdata=None)
        form.department.choices = choices
    results = search_accounts(form.q.data or "", _get(Department, form.department.data),
                              form.status.data, form.page.data or 1)
    return render_template("admin/users.html", form=form, results=results,
                           role_labels=ROLE_LABELS)


def _user_form_data(user: User) -> dict:
    return {
        "username": user.username, "employee_no": user.employee_no, "name": user.name,
        "title": user.title, "email": user.email, "department": user.department_id,
        "manager": user.manager_id or NO_ONE, "roles": sorted(user.roles),
        "probation_ends_on": user.probation_ends_on,
        "units": [m.unit_id for m in user.unit_memberships],
        "unit_heads": [m.unit_id for m in user.unit_memberships if m.is_head],
    }


def save_user_form(form: UserForm, user: User) -> bool:
    """Copy the form onto ``user`` through the org services.  False (with the reason on
    the form, the session rolled back) when the organisation refuses the change."""
    user.username, user.name = form.username.data, form.name.data
    user.employee_no = form.employee_no.data or None
    user.title, user.email = form.title.data or "", form.email.data or None
    user.probation_ends_on = form.probation_ends_on.data
    user.department = db.session.get(Department, form.department.data)
    set_roles(user, form.roles.data)
    set_unit_memberships(user, form.unit_memberships())
    try:
        set_manager(user, _get(User, form.manager.data), by=current_user)
    except OrgError as exc:
        db.session.rollback()
        form.manager.errors.append(str(exc))
        return False
    return commit_or_explain(form)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    fill_user_choices(form, None)
    if form.validate_on_submit():
        user = add_user(username=form.username.data, name=form.name.data,
                        department=db.session.get(Department, form.department.data))
        if save_user_form(form, user):
            flash(_("已创建用户 %(name)s。该账号还没有密码，请为其设置一个。", name=user.name),
                  "success")
            return redirect(url_for("admin.reset_password", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


def get_user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = get_user_or_404(user_id)
    form = UserForm(user=user, data=_user_form_data(user))
    fill_user_choices(form, user)
    if form.validate_on_submit() and save_user_form(form, user):
        flash(_("已保存 %(name)s 的资料。", name=user.name), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user,
                           history=reporting_history(user), action_form=ActionForm())


@bp.route("/users/<id:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    user = get_user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("不能停用自己的账号。"), "danger")
    elif not user.active:
        flash(_("%(name)s 已经是停用状态。", name=user.name), "info")
    else:
        successor = user.manager
        moved = deactivate_user(user, by=current_user)
        db.session.commit()
        if moved:
            flash(_("已停用 %(name)s，%(count)d 名直属下级已转给 %(successor)s。",
                    name=user.name, count=len(moved),
                    successor=successor.name if successor else _("（无上级）")), "success")
        else:
            flash(_("已停用 %(name)s，没有需要转移的直属下级。", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<id:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int):
    user = get_user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if user.active:
        flash(_("%(name)s 的账号本来就是启用的。", name=user.name), "info")
    else:
        reactivate_user(user)
        db.session.commit()
        flash(_("已重新启用 %(name)s。之前转走的下级不会自动转回。", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def random_password() -> str:
    """Easy to read aloud and type: no 0/O, 1/l/I; 12 characters in three groups."""
    chars = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


@bp.route("/users/<id:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    user = get_user_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        generated = form.mode.data == "generate"
        password = random_password() if generated else form.new_password.data
        set_password(user, password)
        if user.id == current_user.id:
            # Resetting one's own password ends every other session, not this one.
            session[SESSION_KEY] = start_session(user)
        db.session.commit()
        # Rendered, not redirected: the generated password exists only in this response.
        return render_template("admin/password_done.html", user=user,
                               password=password if generated else None)
    return render_template("admin/password.html", form=form, user=user)


# --- departments -----------------------------------------------------------------------

@bp.route("/departments")
def departments():
    return render_template("admin/departments.html", tree=department_tree(with_heads=True),
                           headcounts=department_headcounts(), action_form=ActionForm())


@bp.route("/departments/new", methods=["GET", "POST"])
def new_department():
    form = DepartmentForm()
    fill_department_choices(form, None)
    if form.validate_on_submit():
        try:
            dept = add_department(form.name.data, _get(Department, form.parent.data),
                                  _get(User, form.head.data))
        except OrgError as exc:
            form.name.errors.append(str(exc))
        else:
            if commit_or_explain(form):
                flash(_("已创建部门 %(name)s。", name=dept.name), "success")
                return redirect(url_for("admin.departments"))
    return render_template("admin/department_form.html", form=form, dept=None)


def get_department_or_404(dept_id: int) -> Department:
    return db.get_or_404(Department, dept_id)


@bp.route("/departments/<id:dept_id>", methods=["GET", "POST"])
def edit_department(dept_id: int):
    dept = get_department_or_404(dept_id)
    form = DepartmentForm(department=dept, data={
        "name": dept.name, "parent": dept.parent_id or NO_ONE, "head": dept.head_id or NO_ONE})
    fill_department_choices(form, dept)
    if form.validate_on_submit():
        try:
            set_department_parent(dept, _get(Department, form.parent.data))
        except OrgError as exc:
            db.session.rollback()
            form.parent.errors.append(str(exc))
        else:
            dept.name, dept.head = form.name.data, _get(User, form.head.data)
            if commit_or_explain(form):
                flash(_("已保存部门 %(name)s。", name=dept.name), "success")
                return redirect(url_for("admin.departments"))
    return render_template("admin/department_form.html", form=form, dept=dept,
                           action_form=ActionForm())


@bp.route("/departments/<id:dept_id>/delete", methods=["POST"])
def remove_department(dept_id: int):
    dept = get_department_or_404(dept_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = dept.name
    try:
        delete_department(dept)
        db.session.commit()
    except OrgError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    except IntegrityError:
        db.session.rollback()
        flash(_("部门“%(name)s”仍被其他内容引用（如公告、统计），不能删除。", name=name), "danger")
    else:
        flash(_("已删除部门 %(name)s。", name=name), "success")
    return redirect(url_for("admin.departments"))


# --- organisation import ---------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
def org_import():
    """Upload → dry run: every problem row is listed and nothing is written.  A clean
    sheet is kept on the server so that "apply" re-checks exactly this file."""
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_BYTES + 1)
        try:
            sheet = read_sheet(data, upload.filename or "")
        except SheetError as exc:
            form.file.errors.append(str(exc))
        else:
            plan = plan_import(sheet, organisation_snapshot())
            token = store_upload(data, current_user) if plan.ok else ""
            return render_template("admin/import_preview.html", plan=plan,
                                   filename=upload.filename,
                                   apply_form=ImportApplyForm(token=token))
    return render_template("admin/import.html", form=form, max_mb=MAX_BYTES // (1024 * 1024))


@bp.route("/import/apply", methods=["POST"])
def apply_import():
    form = ImportApplyForm()
    data = load_upload(form.token.data, current_user) if form.validate_on_submit() else None
    if data is None:
        flash(_("找不到这次试运行的文件（可能已导入或已过期），请重新上传。"), "warning")
        return redirect(url_for("admin.org_import"))
    try:
        plan = plan_import(read_sheet(data), organisation_snapshot())
    except SheetError as exc:  # it was readable a moment ago; be safe anyway
        flash(str(exc), "danger")
        return redirect(url_for("admin.org_import"))
    if not plan.ok:
        flash(_("试运行之后系统中的数据有变化，表格现在有问题，未导入任何内容。"), "warning")
        return render_template("admin/import_preview.html", plan=plan, filename=None,
                               apply_form=form)
    try:
        outcome = apply_plan(plan, by=current_user)
        db.session.commit()
    except (OrgError, IntegrityError):
        db.session.rollback()
        flash(_("导入失败，未写入任何内容：数据在导入过程中被同时修改，请重新上传检查。"), "danger")
        return redirect(url_for("admin.org_import"))
    discard_upload(form.token.data, current_user)
    return render_template("admin/import_done.html", outcome=outcome, plan=plan)


@bp.route("/import/template.csv")
def import_template():
    return send_file(io.BytesIO(template_csv()), mimetype="text/csv", as_attachment=True,
                     download_name="组织架构导入模板.csv")


@bp.route("/import/export.csv")
def export_organisation():
    """Everybody in the hub now, in the import's columns (试用期满日期 included): edit and
    upload it again."""
    return send_file(io.BytesIO(organisation_csv(organisation_snapshot())), mimetype="text/csv",
                     as_attachment=True, download_name="组织架构.csv")
