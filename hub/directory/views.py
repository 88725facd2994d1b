"""通讯录 people directory (placeholder until built)."""
from flask import render_template

from hub.directory import bp


@bp.route("/")
def index():
    return render_template("directory/index.html")


@bp.route("/<id:user_id>")
def person(user_id: int):
    return render_template("directory/index.html")
