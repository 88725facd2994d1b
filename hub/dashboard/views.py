"""The dashboard page: the figures as tables (they work without JavaScript and are what a
screen reader reads) and the same figures as JSON in the page, from which
``static/js/dashboard.js`` draws a chart above each table.

URL: ``/dashboard?months=`` (12 by default, at most 24).
"""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from hub.dashboard import bp
from hub.dashboard.access import can_view_dashboard, require_dashboard
from hub.dashboard.queries import MAX_MONTHS, MONTHS, figures

#: Whether the header links the dashboard for this person.
bp.add_app_template_global(can_view_dashboard, "dashboard_allowed")


def months_asked() -> int:
    """``?months=``: 1 to 24; anything else gives the default 12."""
    months = request.args.get("months", MONTHS, type=int)
    return months if 1 <= months <= MAX_MONTHS else MONTHS


@bp.route("/dashboard")
def index():
    require_dashboard(current_user)
    found = figures(current_user, months_asked())
    return render_template("dashboard/index.html", figures=found, data=found.as_dict())
