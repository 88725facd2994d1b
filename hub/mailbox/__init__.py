"""总经理信箱 GM mailbox (SPEC §1)."""
from flask import Blueprint

bp = Blueprint("mailbox", __name__)

from hub.mailbox import jobs, search, stats_views, views  # noqa: E402,F401
