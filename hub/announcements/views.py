"""Pages of the announcements (公告): the feed, publishing, one announcement with its
confirmation, the confirmation list with its export and reminder.

The views translate HTTP; every rule lives in ``hub.announcements.services``.  An
announcement the person may not see is a 404 on every route that names it.

URLs::

    /announcements/                         公告栏: my feed (filters, archive)
    /announcements/mine                     我发布的 (the GM office: all), scheduled ones too
    /announcements/new                      发布公告
    /announcements/<id>                     an announcement; confirm; what changed
    /announcements/<id>/edit                修改 (a new version when it must be confirmed)
    /announcements/<id>/confirmations       确认情况 (+ .xlsx, and POST …/remind)
"""
from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from hub.announcements import bp
from hub.announcements.access import announcement_view, manages_every_announcement
from hub.announcements.forms import (
    ConfirmationFilterForm,
    ConfirmForm,
    DigestForm,
    EditForm,
    FeedFilterForm,
    PublishForm,
    RemindForm,
    to_form,
)
from hub.announcements.models import Announcement
from hub.announcements.services import (
    KIND_LABELS,
    ROLE_LABELS,
    AnnouncementError,
    audience_of,
    can_manage,
    can_view_announcement,
    confirm,
    confirmation_rows,
    confirmation_status,
    edit,
    filter_announcements,
    followed_up_query,
    get_announcement_or_404,
    get_confirmable_or_404,
    is_published,
    managed_announcements_query,
    mark_read,
    marks_for,
    paginate,
    preselected_department_ids,
    prefers_digest,
    publish,
    publishable_department_ids,
    publishable_kinds,
    remind_unconfirmed,
    reminder_targets,
    set_digest,
    visible_announcements_query,
)
from hub.common.attachments import AttachmentError, download_response
from hub.common.forms import attachment_limits, show_error
from hub.common.markdown import render_markdown
from hub.common.spreadsheets import workbook, xlsx_response
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.directory import Page
from hub.org.models import Department
from hub.org.services import department_tree, heads_of

PER_PAGE = 20


# --- what every page may use -------------------------------------------------------------

@bp.app_template_filter("announcement_kind")
def announcement_kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


@bp.app_template_global("may_publish_announcements")
def may_publish_announcements(user) -> bool:
    return bool(user.is_authenticated and publishable_kinds(user))


#: Whether the announcement tabs read 全部公告 (the GM office) or 我发布的.
bp.add_app_template_global(manages_every_announcement, "manages_every_announcement")


def audience_labels(announcement: Announcement) -> list[str]:
    audience = audience_of(announcement)
    labels = [_("全公司")] if audience.everyone else []
    labels += [r.department.name + _("（含下级）") for r in announcement.audience
               if r.kind == "department" and r.department]
    labels += [str(ROLE_LABELS.get(role, role)) for role in audience.roles]
    return labels


def may_publish() -> bool:
    return bool(publishable_kinds(current_user))


# --- the feed ------------------------------------------------------------------------------

@bp.route("/")
def index():
    form = FeedFilterForm(formdata=request.args)
    form.validate()
    criteria = form.criteria()
    stmt = visible_announcements_query(current_user, include_expired=criteria["archive"])
    stmt = filter_announcements(stmt, kind=criteria["kind"],
                                unconfirmed_for=current_user if criteria["pending"] else None)
    items, total = paginate(stmt, form.page_number(), PER_PAGE)
    page = Page(items=items, total=total, page=form.page_number(), per_page=PER_PAGE)
    return render_template(
        "announcements/index.html", form=form, page=page, query_args=form.query_args(),
        marks=marks_for(current_user, items), now=utcnow(), may_publish=may_publish(),
        digest_form=DigestForm(digest=prefers_digest(current_user)))


@bp.route("/digest", methods=["POST"])
def digest():
    form = DigestForm()
    if form.validate_on_submit():
        set_digest(current_user, bool(form.digest.data))
        db.session.commit()
        flash(_("已改为每天一封公告摘要邮件。") if form.digest.data
              else _("已改为每条公告一封邮件。"), "success")
    return redirect(url_for("announcements.index"))


@bp.route("/mine")
def mine():
    if not may_publish():
        abort(404)
    form = FeedFilterForm(formdata=request.args)
    form.validate()
    stmt = filter_announcements(managed_announcements_query(current_user),
                                kind=form.criteria()["kind"])
    items, total = paginate(stmt, form.page_number(), PER_PAGE,
                            order=(Announcement.publish_at.desc(), Announcement.id.desc()))
    page = Page(items=items, total=total, page=form.page_number(), per_page=PER_PAGE)
    followed, _total = paginate(followed_up_query(current_user), 1, 20,
                                order=(Announcement.publish_at.desc(), Announcement.id.desc()))
    return render_template("announcements/mine.html", form=form, page=page,
                           query_args=form.query_args(), now=utcnow(), followed=followed)


# --- publishing ----------------------------------------------------------------------------

def department_options() -> list[SelectChoice]:
    """The departments the person may address, indented by depth."""
    allowed = publishable_department_ids(current_user)
    return [SelectChoice(d.id, "\u3000" * depth + d.name) for d, depth in department_tree()
            if allowed is None or d.id in allowed]


def _fix_time_errors(form) -> None:
    for name in ("publish_at", "expires_at", "pinned_until"):
        f = getattr(form, name, None)
        if f is not None and f.errors and f.raw_data and f.raw_data[0]:
            f.errors = [_("请填写有效的日期和时间。")]


@bp.route("/new", methods=["GET", "POST"])
def new():
    kinds = publishable_kinds(current_user)
    if not kinds:
        abort(404)
    form = PublishForm()
    form.kind.choices = [SelectChoice("", _("请选择…"))] + [
        SelectChoice(k, KIND_LABELS[k]) for k in kinds]
    form.departments.choices = department_options()
    if not form.is_submitted():
        form.departments.data = preselected_department_ids(current_user)
    if form.validate_on_submit():
        try:
            announcement = publish(current_user, **form.service_fields())
        except (AnnouncementError, AttachmentError) as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            if is_published(announcement):
                flash(_("公告已发布，登记号 %(number)s。", number=announcement.number), "success")
            else:
                flash(_("公告已定时，将于 %(at)s 发布，登记号 %(number)s。",
                        at=to_form(announcement.publish_at).strftime("%Y-%m-%d %H:%M"),
                        number=announcement.number), "success")
            return redirect(url_for("announcements.view", announcement_id=announcement.id))
    _fix_time_errors(form)
    status = 400 if form.is_submitted() else 200
    return render_template("announcements/new.html", form=form, limits=attachment_limits(),
                           heads_only=publishable_department_ids(current_user) is not None
                           and bool(heads_of(current_user))), status


@bp.route("/<id:announcement_id>/edit", methods=["GET", "POST"])
def edit_page(announcement_id: int):
    announcement = get_announcement_or_404(announcement_id, current_user)
    if not can_manage(current_user, announcement):
        abort(404)
    published = is_published(announcement)
    if request.method == "POST":
        form = EditForm()
    else:
        form = EditForm(formdata=None, title=announcement.title, body=announcement.body,
                        expires_at=to_form(announcement.expires_at),
                        pinned=announcement.pinned,
                        pinned_until=to_form(announcement.pinned_until),
                        publish_at=None if published else to_form(announcement.publish_at))
    if form.validate_on_submit():
        try:
            new_version = edit(announcement, current_user, **form.service_fields())
        except AnnouncementError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("已修改并生成第 %(v)s 版，已确认旧版本的人员需要重新确认。",
                    v=announcement.version) if new_version else _("已保存修改。"), "success")
            return redirect(url_for("announcements.view", announcement_id=announcement.id))
    _fix_time_errors(form)
    status = 400 if form.is_submitted() else 200
    return render_template("announcements/edit.html", form=form, announcement=announcement,
                           published=published), status


# --- one announcement ----------------------------------------------------------------------

@bp.route("/<id:announcement_id>")
def view(announcement_id: int):
    announcement = get_announcement_or_404(announcement_id, current_user)
    shown = announcement_view(current_user, announcement)
    if shown.published and shown.in_audience:
        mark_read(current_user, announcement)
        db.session.commit()
    return render_template(
        "announcements/view.html", announcement=announcement, view=shown,
        body=render_markdown(shown.body), audience=audience_labels(announcement),
        confirm_form=ConfirmForm())


@bp.route("/<id:announcement_id>/confirm", methods=["POST"])
def confirm_page(announcement_id: int):
    announcement = get_announcement_or_404(announcement_id, current_user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        confirm(announcement, current_user)
    except AnnouncementError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("已确认：已阅读并遵守。"), "success")
    return redirect(url_for("announcements.view", announcement_id=announcement.id))


@bp.route("/<id:announcement_id>/attachments/<id:attachment_id>")
def attachment(announcement_id: int, attachment_id: int):
    announcement = get_announcement_or_404(announcement_id, current_user)
    found = next((a for a in announcement.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    return download_response(found)


# --- confirmation lists ---------------------------------------------------------------------

def _scope_department(form: ConfirmationFilterForm) -> Department | None:
    if form.department.errors or not form.department.data:
        return None
    return db.session.get(Department, form.department.data)


@bp.route("/<id:announcement_id>/confirmations")
def confirmations(announcement_id: int):
    announcement = get_confirmable_or_404(announcement_id, current_user)
    form = ConfirmationFilterForm(formdata=request.args)
    status_all = confirmation_status(current_user, announcement)
    dept_ids = {s.department.id for s in status_all.departments}
    form.department.choices = [SelectChoice(0, _("全部部门"))] + [
        SelectChoice(d.id, "\u3000" * depth + d.name) for d, depth in department_tree()
        if d.id in dept_ids]
    form.validate()
    department = _scope_department(form)
    status = confirmation_status(current_user, announcement, department) \
        if department else status_all
    return render_template("announcements/confirmations.html", announcement=announcement,
                           status=status, form=form, department=department,
                           remind_form=RemindForm(), published=is_published(announcement),
                           remind_count=len(reminder_targets(status_all, current_user))
                           if is_published(announcement) else 0,
                           readable=can_view_announcement(current_user, announcement))


@bp.route("/<id:announcement_id>/confirmations.xlsx")
def confirmations_xlsx(announcement_id: int):
    announcement = get_confirmable_or_404(announcement_id, current_user)
    form = ConfirmationFilterForm(formdata=request.args)
    form.department.choices = [SelectChoice(0, "")] + [
        SelectChoice(d.id, d.name) for d, _depth in department_tree()]
    form.validate()
    status = confirmation_status(current_user, announcement, _scope_department(form))
    data = workbook([(_("确认情况"), confirmation_rows(status))])
    return xlsx_response(data, f"{announcement.number}-confirmations.xlsx",
                         f"{announcement.number} 确认情况.xlsx")


@bp.route("/<id:announcement_id>/remind", methods=["POST"])
def remind(announcement_id: int):
    announcement = get_confirmable_or_404(announcement_id, current_user)
    form = RemindForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        count = remind_unconfirmed(announcement, current_user)
    except AnnouncementError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("已提醒 %(n)s 名未确认人员。", n=count) if count
              else _("没有需要提醒的人员。"), "success" if count else "info")
    return redirect(url_for("announcements.confirmations", announcement_id=announcement.id))
