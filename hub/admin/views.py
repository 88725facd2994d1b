"""系统管理 administration (placeholder until built)."""
from flask import abort, render_template
from flask_login import current_user

from hub.admin import bp
from hub.org.permissions import can_manage_org


@bp.before_request
def admins_only():
    if not can_manage_org(current_user):
        abort(404)


@bp.route("/")
def index():
    return render_template("admin/index.html")
