from flask import Blueprint

bp = Blueprint("admin", __name__)

from hub.admin import routing, views  # noqa: E402,F401
