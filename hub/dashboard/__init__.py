"""总经理看板 GM dashboard: the hub's figures of the last 12 months as charts and tables, for
the GM office and the head of HR (``hub.dashboard.access``)."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from hub.dashboard import views  # noqa: F401
