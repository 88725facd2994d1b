"""The accountability register through the API: list and read the entries the caller may
see, take a step.  Everything goes through ``hub.accountability.services`` and ``access``,
the same functions the pages call; an entry the caller may not see is a 404."""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields, validate

from hub.accountability.access import (
    ACTIONS,
    entry_view,
    entry_views,
    visible_entries,
)
from hub.accountability.labels import ACTION_LABELS, KIND_LABELS
from hub.accountability.models import STATUSES
from hub.accountability.services import (
    TEXT_MAX,
    EntryError,
    entry_with_history,
    filter_entries,
    page_of_entries,
    perform,
)
from hub.api.blueprint import Blueprint
from hub.api.schemas import (
    DepartmentSchema,
    PageArgs,
    PersonRef,
    Schema,
    Text,
    Timestamp,
    ViewSchema,
    page_of,
)
from hub.extensions import db

blp = Blueprint("api_accountability", __name__, url_prefix="/accountability",
                description="责任追究")
blp.answers_refusals(EntryError)


class AccountabilitySourceSchema(Schema):
    kind = fields.String(metadata={"enum": ["letter", "report", "rectification",
                                            "talk_obligation", "announcement", "feedback"]})
    id = fields.Integer(allow_none=True, metadata={"description": "计算得出的义务（例行沟通）为 null"})
    number = fields.String(allow_none=True, metadata={
        "description": "登记号；调用者无权查看该事项时为 null"})
    label = fields.String(metadata={"description": "对该事项的说明（调用者可读的范围内）"})


class AccountabilityAppealSchema(Schema):
    text = fields.String()
    at = Timestamp()
    state = fields.String(metadata={"enum": ["pending", "upheld", "withdrawn"]})
    state_label = fields.String()
    answer = fields.String(allow_none=True)
    answered_at = Timestamp(allow_none=True)


class AccountabilityEventSchema(Schema):
    at = Timestamp()
    action = fields.String(metadata={"enum": ["open", *ACTIONS]})
    action_label = fields.Function(lambda e: str(ACTION_LABELS.get(e.action, e.action)))
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    text = fields.String(attribute="shown_text")
    actor = PersonRef()


class AccountabilityEntrySchema(ViewSchema):
    """An entry as ``entry_view`` gives it."""

    id = fields.Integer()
    person = PersonRef()
    department = fields.Nested(DepartmentSchema, allow_none=True)
    kind = fields.String(metadata={"enum": list(KIND_LABELS)})
    kind_label = fields.String()
    source = fields.Nested(AccountabilitySourceSchema)
    since = Timestamp(metadata={"description": "错过的期限"})
    opened_at = Timestamp()
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_label = fields.String()
    decision = fields.String(allow_none=True, metadata={
        "description": "免责或撤销的理由、处罚决定"})
    decided_at = Timestamp(allow_none=True)
    decided_by = PersonRef()
    appeal = fields.Nested(AccountabilityAppealSchema, allow_none=True)
    allowed_actions = fields.List(fields.String())


class AccountabilityEntryDetailSchema(AccountabilityEntrySchema):
    history = fields.List(fields.Nested(AccountabilityEventSchema))


class AccountabilityQuerySchema(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(
        [*STATUSES, "appealed"]), metadata={"description": "appealed：申诉待答复"})
    department_id = fields.Integer(load_default=None, validate=validate.Range(min=1))
    person_id = fields.Integer(load_default=None, validate=validate.Range(min=1))


class AccountabilityActionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS), metadata={
        "description": "excuse 免责 / penalise 处罚 / withdraw 撤销 / uphold 维持原决定"
                       "（答复申诉）：人力资源部；appeal 申诉：本人，限一次"})
    text = Text(required=True, validate=validate.Length(min=1, max=TEXT_MAX), metadata={
        "description": "理由、处罚决定或申诉内容"})


@blp.route("", methods=["GET"])
@blp.arguments(AccountabilityQuerySchema, location="query")
@blp.response(200, page_of(AccountabilityEntrySchema))
def entries(args):
    """The entries the caller may see, newest first: HR and the GM office all, a
    department head those of the departments they head (and below), everybody their own."""
    stmt = filter_entries(visible_entries(current_user), status=args["status"],
                          department_id=args["department_id"], person_id=args["person_id"])
    page, per_page = args["page"], args["per_page"]
    found, total = page_of_entries(stmt, page, per_page)
    return {"items": entry_views(current_user, found), "total": total, "page": page,
            "per_page": per_page}


@blp.route("/<id:entry_id>")
@blp.response(200, AccountabilityEntryDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
def entry(entry_id: int):
    """One entry with its history and the steps the caller may take."""
    return entry_view(current_user, entry_with_history(entry_id, current_user))


@blp.route("/<id:entry_id>/actions", methods=["POST"])
@blp.arguments(AccountabilityActionSchema)
@blp.response(200, AccountabilityEntryDetailSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def act(args, entry_id: int):
    """Take one step.  A step that is not the caller's is a 403 ``forbidden``; one the
    entry's state does not allow (a second appeal, a decision on a withdrawn entry) a 409
    ``conflict``."""
    found = entry_with_history(entry_id, current_user)
    perform(found, current_user, args["action"], args["text"])
    db.session.commit()
    return entry_view(current_user, entry_with_history(entry_id, current_user))


