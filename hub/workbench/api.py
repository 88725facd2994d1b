"""``GET /api/v1/me/todo``: the caller's 工作台, from the same source as the home page."""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields

from hub.api.blueprint import Blueprint
from hub.api.schemas import Schema, Timestamp
from hub.workbench.services import workbench_of

blp = Blueprint("api_workbench", __name__, url_prefix="/me", description="工作台")


class TodoSchema(Schema):
    computed = {"label": lambda item: item.label}

    kind = fields.String()
    label = fields.String()
    item_id = fields.Integer(allow_none=True)
    number = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    url = fields.String()
    due_at = Timestamp(allow_none=True)
    overdue = fields.Boolean()


class KindCountSchema(Schema):
    kind = fields.String()
    label = fields.String()
    count = fields.Integer()


class WorkbenchSchema(Schema):
    items = fields.List(fields.Nested(TodoSchema))
    counts = fields.List(fields.Nested(KindCountSchema))
    total = fields.Integer()
    overdue = fields.Integer()


@blp.route("/todo", methods=["GET"])
@blp.response(200, WorkbenchSchema)
def my_todo():
    """Everything waiting for the caller across the hub, overdue first, then by deadline:
    kind, the title the caller may see, number, due_at, overdue and the page's url."""
    workbench = workbench_of(current_user)
    return {"items": workbench.items, "total": workbench.total, "overdue": workbench.overdue,
            "counts": [{"kind": kind, "label": label, "count": count}
                       for kind, label, count in workbench.counts()]}
