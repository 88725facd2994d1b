"""Pages of the GM mailbox (being built)."""
from flask import render_template
from flask_login import current_user

from hub.mailbox import bp
from hub.mailbox.services import get_letter_or_404


@bp.route("/")
def inbox():
    return render_template("main/index.html")


@bp.route("/letters/<id:letter_id>")
def letter(letter_id: int):
    get_letter_or_404(letter_id, current_user)
    return render_template("main/index.html")
