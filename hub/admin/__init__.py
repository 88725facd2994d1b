from flask import Blueprint

bp = Blueprint("admin", __name__)

from hub.admin import calendar, routing, timers, views  # noqa: E402,F401
