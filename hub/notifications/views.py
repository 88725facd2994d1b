"""The bell: my notifications, newest first, grouped by the item they are about, in my
language; filters 未读 / 全部 / 已完成 and by kind; "全部标为已读"."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from hub.extensions import db
from hub.notifications import bp
from hub.notifications.services import (
    KIND_LABELS,
    STATES,
    get_notification_or_none,
    grouped,
    mark_all_read,
    mark_read,
    notifications_of,
)

PER_PAGE = 30


def _filters() -> tuple[str, str | None]:
    state = request.args.get("state", "all")
    kind = request.args.get("kind") or None
    return (state if state in STATES else "all"), (kind if kind in KIND_LABELS else None)


@bp.route("/")
def index():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    state, kind = _filters()
    items, total = notifications_of(current_user, page=page, per_page=PER_PAGE, state=state,
                                    kind=kind)
    return render_template("notifications/index.html", groups=grouped(items), total=total,
                           page=page, pages=max(1, -(-total // PER_PAGE)), form=FlaskForm(),
                           state=state, kind=kind, kinds=KIND_LABELS)


@bp.route("/<id:notification_id>/open", methods=["POST"])
def open_notification(notification_id: int):
    note = get_notification_or_none(current_user, notification_id)
    if note is None or not FlaskForm().validate_on_submit():
        abort(404)
    mark_read(note)
    db.session.commit()
    target = note.url if note.url and note.url.startswith("/") and not note.url.startswith("//") \
        else url_for("notifications.index")
    return redirect(target)


@bp.route("/read-all", methods=["POST"])
def read_all():
    if FlaskForm().validate_on_submit():
        marked = mark_all_read(current_user)
        db.session.commit()
        flash(_("已将 %(n)s 条通知标为已读。", n=marked), "success")
    state, kind = _filters()
    return redirect(url_for("notifications.index", state=state, kind=kind))
