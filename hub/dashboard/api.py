"""``GET /api/v1/dashboard``: the series the dashboard's charts draw (see API.md), the same
figures as the page (``hub.dashboard.queries.figures``).  For anybody but the GM office and
HR's head it does not exist (404).  Report counts under 5 are null, as are totals that
would give one away."""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields, validate

from hub.api.blueprint import Blueprint
from hub.api.schemas import Schema
from hub.dashboard.access import require_dashboard
from hub.dashboard.queries import MAX_MONTHS, MONTHS, figures

blp = Blueprint("api_dashboard", __name__, url_prefix="", description="总经理看板")


class DashboardArgs(Schema):
    months = fields.Integer(load_default=MONTHS,
                            validate=validate.Range(min=1, max=MAX_MONTHS),
                            metadata={"description": f"默认 {MONTHS}，至多 {MAX_MONTHS}"})


class DashboardSchema(Schema):
    months = fields.List(fields.String(), metadata={"description": "YYYY-MM，由远及近"})
    letters = fields.Dict(metadata={
        "description": "categories, statuses (key, label); months: month, filed, "
                       "by_category, by_status, overdue, overdue_rate (%)"})
    reports = fields.Dict(metadata={
        "description": "kinds (key, label); months: month, by_kind, total; totals (per "
                       "kind); total — every count under 5, and every total that would "
                       "give one away, is null"})
    talks = fields.Dict(metadata={
        "description": "summarised (months with a monthly summary); departments: id, "
                       "name, months: month, owed, held, rate (% held)"})
    announcements = fields.List(fields.Dict(), metadata={
        "description": "id, number, title, audience, confirmed, rate (%)"})


@blp.route("/dashboard")
@blp.arguments(DashboardArgs, location="query")
@blp.response(200, DashboardSchema)
@blp.alt_response(404, response="NOT_FOUND")
def dashboard(args):
    """The dashboard's figures of the last ``months`` months (GM office, HR's head)."""
    require_dashboard(current_user)
    return figures(current_user, args["months"]).as_dict()
