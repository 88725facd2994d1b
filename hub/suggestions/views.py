"""Pages of the suggestion and report inbox (being built)."""
from flask import render_template
from flask_login import current_user

from hub.suggestions import bp
from hub.suggestions.services import get_report_or_404


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/reports/<id:report_id>")
def report(report_id: int):
    get_report_or_404(report_id, current_user)
    return render_template("main/index.html")


@bp.route("/queue")
def queue():
    return render_template("main/index.html")


@bp.route("/rectifications/<id:rectification_id>")
def rectification(rectification_id: int):
    return render_template("main/index.html")
