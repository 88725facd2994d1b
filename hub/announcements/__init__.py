"""公告 announcements (SPEC §3): targeted broadcasts people confirm reading."""
from flask import Blueprint

bp = Blueprint("announcements", __name__)

from hub.announcements import jobs, search, views  # noqa: E402,F401
