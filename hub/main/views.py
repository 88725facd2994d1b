"""The home page (工作台), the language switch and the health check."""
from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField

from hub.extensions import db
from hub.main import bp


class LanguageForm(FlaskForm):
    lang = SelectField(choices=[])
    next = HiddenField()


@bp.route("/")
def index():
    """工作台: what is waiting for me, then my profile and the latest announcements."""
    from hub.announcements.services import feed_order, visible_announcements_query
    from hub.org.services import management_line
    from hub.workbench.services import workbench_of

    workbench = workbench_of(current_user)
    announcements = db.session.scalars(
        visible_announcements_query(current_user).order_by(*feed_order()).limit(5)).all()
    return render_template(
        "main/index.html",
        workbench=workbench,
        # The latest announcements' "待确认" mark is the workbench's own answer.
        to_confirm=workbench.item_ids("announcement_confirm"),
        managers=management_line(current_user),
        announcements=announcements,
    )


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    form.lang.choices = [SelectChoice(code, label)
                         for code, label in current_app.config["LANGUAGES"].items()]
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    target = form.next.data or request.referrer or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)


@bp.route("/healthz")
def healthz():
    """For load balancers and monitoring: the process answers and the database too."""
    db.session.execute(db.text("SELECT 1"))
    return jsonify(status="ok")
