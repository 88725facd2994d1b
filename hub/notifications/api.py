"""``GET /api/v1/notifications`` and ``POST /api/v1/notifications/read-all``: the caller's
notifications, in the caller's language, with the page's filters."""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields, validate

from hub.api.blueprint import Blueprint
from hub.api.schemas import PageArgs, Schema, Timestamp, page_of
from hub.extensions import db
from hub.notifications.services import KIND_LABELS, STATES, mark_all_read, notifications_of

blp = Blueprint("api_notifications", __name__, url_prefix="/notifications",
                description="通知")


class NotificationQuerySchema(PageArgs):
    unread = fields.Boolean(load_default=None, allow_none=True)
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    kind = fields.String(load_default=None, validate=validate.OneOf(list(KIND_LABELS)))


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    url = fields.String(allow_none=True)
    item = fields.String(allow_none=True)
    created_at = Timestamp()
    read = fields.Boolean()
    done = fields.Boolean()
    done_at = Timestamp(allow_none=True)


class ReadAllSchema(Schema):
    marked = fields.Integer()


@blp.route("", methods=["GET"])
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, page_of(NotificationSchema))
def list_notifications(args):
    """The caller's notifications, newest first: ``unread=true`` (neither read nor done),
    ``state`` (unread / all / done), ``kind`` (letter, report, announcement, meeting,
    talk).  ``done``: the task the notification asked for is finished."""
    state = args["state"] or ("unread" if args["unread"] else "all")
    items, total = notifications_of(current_user, args["page"], args["per_page"],
                                    state=state, kind=args["kind"])
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/read-all", methods=["POST"])
@blp.response(200, ReadAllSchema)
def read_all():
    """Mark every notification of the caller read."""
    marked = mark_all_read(current_user)
    db.session.commit()
    return {"marked": marked}
