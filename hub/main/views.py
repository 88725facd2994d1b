"""The home page, the language switch and the health check."""
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
    from hub.announcements.services import marks_for, paginate, visible_announcements_query
    from hub.org.services import direct_reports, management_line

    announcements, _total = paginate(visible_announcements_query(current_user), 1, 5)
    return render_template(
        "main/index.html",
        managers=management_line(current_user),
        reports=direct_reports(current_user),
        announcements=announcements,
        announcement_marks=marks_for(current_user, announcements),
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
