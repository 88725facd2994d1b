from flask import Blueprint

bp = Blueprint("directory", __name__)

from hub.directory import views  # noqa: E402,F401
