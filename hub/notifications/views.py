"""The bell: my notifications, newest first."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from hub.extensions import db
from hub.notifications import bp
from hub.notifications.services import (
    get_notification_or_none,
    mark_all_read,
    mark_read,
    notifications_of,
)

PER_PAGE = 30


@bp.route("/")
def index():
    page = request.args.get("page", 1, type=int) or 1
    items, total = notifications_of(current_user, page=page, per_page=PER_PAGE)
    return render_template("notifications/index.html", items=items, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), form=FlaskForm())


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
        mark_all_read(current_user)
        db.session.commit()
    return redirect(url_for("notifications.index"))
