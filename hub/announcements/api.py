"""公告 through the API (see API.md): publish, the caller's feed, one announcement, confirm,
the confirmation list.

Everything goes through ``hub.announcements.services``, the same functions the pages call:
an announcement the caller may not see is a 404; publishing to an audience the caller may
not address is a 403 with a message that says why; confirming what needs no confirmation
is a 409; bad input a 400 with the fields it concerns.
"""
from __future__ import annotations

from datetime import timezone

from flask_login import current_user
from marshmallow import ValidationError as SchemaError
from marshmallow import fields, validate, validates_schema

from hub.announcements.access import announcement_view
from hub.announcements.models import AUDIENCE_ROLES, KINDS, Announcement
from hub.announcements.services import (
    BODY_MAX,
    KIND_LABELS,
    TITLE_MAX,
    AnnouncementError,
    Audience,
    audience_of,
    confirm,
    confirmation_status,
    edit,
    filter_announcements,
    get_announcement_or_404,
    get_confirmable_or_404,
    is_expired,
    is_pinned,
    is_published,
    managed_announcements_query,
    marks_for,
    paginate,
    prefers_digest,
    publish,
    remind_unconfirmed,
    set_digest,
    visible_announcements_query,
)
from hub.api.blueprint import Blueprint
from hub.api.schemas import (
    AttachmentInfoSchema,
    DepartmentSchema,
    PageArgs,
    PersonRef,
    RowId,
    Schema,
    Text,
    Timestamp,
    ViewSchema,
    page_of,
)
from hub.common.access import ItemView
from hub.common.markdown import render_markdown
from hub.extensions import db
from hub.org.models import Department

blp = Blueprint("api_announcements", __name__, url_prefix="/announcements", description="公告")


blp.answers_refusals(AnnouncementError)


# --- schemas ---------------------------------------------------------------------------

class Moment(fields.AwareDateTime):
    """An ISO 8601 time with its offset (API.md), loaded as the naive UTC the database
    keeps; times outside the years 2000–9000 are a validation error, not an overflow."""

    def __init__(self, **kwargs):
        super().__init__(load_default=None, allow_none=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= moment.year <= 9000:
            raise SchemaError("时间超出范围。")
        return moment.astimezone(timezone.utc).replace(tzinfo=None)


class AudienceSchema(Schema):
    """Whom it is for: ``all`` (the whole company), departments (each with its
    sub-departments) and roles; resolved when people read, not when published."""

    all = fields.Boolean(load_default=False)
    department_ids = fields.List(fields.Integer(validate=validate.Range(1, 2**31 - 1)),
                                 load_default=list, validate=validate.Length(max=200))
    roles = fields.List(fields.String(validate=validate.OneOf(AUDIENCE_ROLES)),
                        load_default=list, validate=validate.Length(max=len(AUDIENCE_ROLES)))


def _audience_out(announcement) -> dict:
    audience = audience_of(announcement)
    return {"all": audience.everyone, "department_ids": list(audience.department_ids),
            "roles": list(audience.roles)}


class AnnouncementSummarySchema(Schema):
    computed = {
        "kind_label": lambda a: str(KIND_LABELS[a.kind]),
        "audience": _audience_out,
        "published": lambda a: is_published(a),
        "expired": lambda a: is_expired(a),
        "pinned_now": lambda a: is_pinned(a),
    }

    id = fields.Integer()
    number = fields.String(metadata={"description": "登记编号 GG-YYYY-NNNNNN"})
    title = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    kind_label = fields.String()
    author = PersonRef()
    audience = fields.Nested(AudienceSchema)
    requires_confirmation = fields.Boolean()
    version = fields.Integer(metadata={"description": "当前版本；修订需确认的公告会生成新版本"})
    publish_at = Timestamp()
    expires_at = Timestamp(allow_none=True)
    pinned = fields.Boolean()
    pinned_until = Timestamp(allow_none=True)
    pinned_now = fields.Boolean(metadata={"description": "现在是否置顶"})
    published = fields.Boolean()
    expired = fields.Boolean()


class FeedItemSchema(AnnouncementSummarySchema):
    unread = fields.Boolean()
    needs_confirmation = fields.Boolean(metadata={"description": "调用者尚未确认当前版本"})


class ChangesSchema(Schema):
    since = fields.Integer(metadata={"description": "调用者确认过的版本"})
    title_before = fields.String(allow_none=True, metadata={"description": "原标题（标题未改为 null）"})
    diff = fields.String(metadata={"description": "正文差异，HTML（<del>/<ins>，已转义）"})


class AnnouncementSchema(ViewSchema, AnnouncementSummarySchema):
    """One announcement as ``hub.announcements.access.announcement_view`` lets the caller
    see it: ``confirmed_by_me``, ``confirmed_at`` and ``changes`` only for a reader who is
    asked to confirm it."""

    computed = {
        "kind_label": lambda view: str(KIND_LABELS[view.kind]),
        "audience": lambda view: _audience_out(view.item),
        "body_html": lambda view: str(render_markdown(view.body)),
        "changes": lambda view: view.changes and {
            "since": view.changes.since, "title_before": view.changes.title_before,
            "diff": str(view.changes.diff)},
    }

    body = fields.String(metadata={"description": "Markdown 原文"})
    body_html = fields.String()
    attachments = fields.List(fields.Nested(AttachmentInfoSchema))
    confirmed_by_me = fields.Boolean(allow_none=True, metadata={
        "description": "调用者是否已确认当前版本；无需确认的公告为 null"})
    confirmed_at = Timestamp(allow_none=True)
    in_audience = fields.Boolean()
    can_view_confirmations = fields.Boolean()
    event_at = Timestamp(allow_none=True, metadata={
        "description": "停水、停电等中断通知：事件（中断开始）的时间；其他公告为 null"})
    urgent_reason = fields.String(allow_none=True, metadata={
        "description": "不足 24 小时发布中断通知的紧急原因"})
    changes = fields.Nested(ChangesSchema, allow_none=True, metadata={
        "description": "调用者确认过旧版本时：与那一版相比的修改"})


class EditAnnouncementSchema(Schema):
    title = Text(required=True, metadata={"maxLength": TITLE_MAX})
    body = Text(required=True, metadata={"maxLength": BODY_MAX})
    expires_at = Moment()
    pinned = fields.Boolean(load_default=False)
    pinned_until = Moment()
    publish_at = Moment(metadata={"description": "只在尚未发布时可改"})


class EditedSchema(AnnouncementSchema):
    new_version = fields.Boolean(metadata={
        "description": "修改生成了新版本（需确认的公告已发布后修改了标题或正文）"})


class RemindedSchema(Schema):
    reminded = fields.Integer(metadata={"description": "收到提醒的未确认人数"})


class DigestSchema(Schema):
    digest = fields.Boolean(required=True, metadata={
        "description": "true：每天一封公告摘要邮件，代替每条公告一封邮件"})


class NewAnnouncementSchema(Schema):
    title = Text(required=True, metadata={"maxLength": TITLE_MAX})
    body = Text(required=True, metadata={"maxLength": BODY_MAX, "description": "Markdown"})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    audience = fields.Nested(AudienceSchema, required=True)
    requires_confirmation = fields.Boolean(load_default=False)
    publish_at = Moment(metadata={"description": "定时发布（带时区）；不填或已过去则立即发布"})
    expires_at = Moment()
    pinned = fields.Boolean(load_default=False)
    pinned_until = Moment()
    event_at = Moment(metadata={
        "description": "停水、停电等中断通知：事件时间（带时区）；须至少提前 24 小时发布，"
                       "否则需填 urgent_reason"})
    urgent_reason = Text(load_default=None, allow_none=True, metadata={
        "maxLength": 500, "description": "情况特别紧急、不足 24 小时发布的原因"})

    @validates_schema
    def _known_departments(self, data, **kwargs):
        ids = (data.get("audience") or {}).get("department_ids") or []
        if ids:
            found = set(db.session.scalars(db.select(Department.id).where(
                Department.id.in_(ids))))
            if set(ids) - found:
                raise SchemaError({"audience": ["所选部门不存在。"]})


class FeedQuerySchema(PageArgs):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    archive = fields.Boolean(load_default=False, metadata={"description": "包括已失效的公告"})
    pending = fields.Boolean(load_default=False, metadata={"description": "只列出待我确认的"})
    managed = fields.Boolean(load_default=False, metadata={
        "description": "我发布的（总经办：全部），含尚未发布的定时公告，按发布时间倒序"})


class ConfirmationSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    confirmed_at = Timestamp()


class ConfirmedPersonSchema(Schema):
    person = PersonRef()
    confirmed_at = Timestamp(allow_none=True)
    confirmed_version = fields.Integer(allow_none=True, metadata={
        "description": "此人确认过的最新版本（可能是旧版本）"})


class DepartmentCountSchema(Schema):
    department = fields.Nested(DepartmentSchema)
    total = fields.Integer()
    confirmed = fields.Integer()
    percent = fields.Integer()


class ConfirmationListSchema(Schema):
    version = fields.Integer()
    total = fields.Integer()
    confirmed_count = fields.Integer()
    percent = fields.Integer()
    confirmed = fields.List(fields.Nested(ConfirmedPersonSchema))
    not_confirmed = fields.List(fields.Nested(ConfirmedPersonSchema))
    departments = fields.List(fields.Nested(DepartmentCountSchema))


class ConfirmationQuerySchema(Schema):
    department = RowId(Department, data_key="department_id", load_default=None,
                       metadata={"description": "只看该部门（含下级部门）"})


# --- routes ----------------------------------------------------------------------------

@blp.route("", methods=["POST"])
@blp.arguments(NewAnnouncementSchema)
@blp.response(201, AnnouncementSchema)
@blp.alt_response(403, response="FORBIDDEN")
def create(args):
    """Publish an announcement (or schedule it with ``publish_at``).

    The GM office may publish to anyone; a department head to departments they head (and
    below); HR ``policy`` and ``notice`` to anyone; anybody else gets a 403."""
    audience = args["audience"]
    announcement = publish(
        current_user, title=args["title"], body=args["body"], kind=args["kind"],
        audience=Audience(everyone=audience["all"],
                          department_ids=tuple(audience["department_ids"]),
                          roles=tuple(audience["roles"])),
        requires_confirmation=args["requires_confirmation"],
        publish_at=args["publish_at"], expires_at=args["expires_at"],
        pinned=args["pinned"], pinned_until=args["pinned_until"],
        event_at=args["event_at"], urgent_reason=args["urgent_reason"])
    db.session.commit()
    return announcement_view(current_user, announcement)


@blp.route("", methods=["GET"])
@blp.arguments(FeedQuerySchema, location="query")
@blp.response(200, page_of(FeedItemSchema))
def feed(args):
    """The caller's feed: published announcements addressed to the caller, pinned first,
    then newest first, each marked unread / needing confirmation."""
    if args["managed"]:
        stmt = managed_announcements_query(current_user)
        order = (Announcement.publish_at.desc(), Announcement.id.desc())
    else:
        stmt = visible_announcements_query(current_user, include_expired=args["archive"])
        order = None
    stmt = filter_announcements(stmt, kind=args["kind"],
                                unconfirmed_for=current_user if args["pending"] else None)
    items, total = paginate(stmt, args["page"], args["per_page"], order=order)
    marks = marks_for(current_user, items)
    for item in items:
        item.unread = marks.unread(item)
        item.needs_confirmation = marks.needs_confirmation(item)
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<id:announcement_id>")
@blp.response(200, AnnouncementSchema)
@blp.alt_response(404, response="NOT_FOUND")
def announcement(announcement_id: int):
    """One announcement with ``confirmed_by_me`` (for who is asked to confirm it)."""
    return announcement_view(current_user, get_announcement_or_404(announcement_id,
                                                                   current_user))


@blp.route("/<id:announcement_id>/confirm", methods=["POST"])
@blp.response(200, ConfirmationSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def confirm_it(announcement_id: int):
    """"已阅读并遵守" for the current version; idempotent (the first time is kept)."""
    item = get_announcement_or_404(announcement_id, current_user)
    row = confirm(item, current_user)
    db.session.commit()
    return row


@blp.route("/<id:announcement_id>/confirmations")
@blp.arguments(ConfirmationQuerySchema, location="query")
@blp.response(200, ConfirmationListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def confirmations(args, announcement_id: int):
    """Who has and has not confirmed the current version, among the people the caller may
    see: the whole audience for the GM office and the author, the departments they head
    for a department head; a 404 for everybody else."""
    item = get_confirmable_or_404(announcement_id, current_user)
    status = confirmation_status(current_user, item, args["department"])
    return {
        "version": item.version, "total": len(status.people),
        "confirmed_count": len(status.confirmed), "percent": status.percent,
        "confirmed": [vars(s) for s in status.confirmed],
        "not_confirmed": [vars(s) for s in status.not_confirmed],
        "departments": [{"department": d.department, "total": d.total,
                         "confirmed": d.confirmed, "percent": d.percent}
                        for d in status.departments],
    }


@blp.route("/<id:announcement_id>", methods=["PATCH"])
@blp.arguments(EditAnnouncementSchema)
@blp.response(200, EditedSchema)
@blp.alt_response(404, response="NOT_FOUND")
def change(args, announcement_id: int):
    """Change an announcement (its author or the GM office).  Changing the text of a
    published announcement that must be confirmed makes a new version: everybody confirms
    again, and who confirmed the old one sees the difference (``changes``)."""
    item = get_announcement_or_404(announcement_id, current_user)
    new_version = edit(item, current_user, title=args["title"], body=args["body"],
                       expires_at=args["expires_at"], pinned=args["pinned"],
                       pinned_until=args["pinned_until"],
                       publish_at=args["publish_at"])
    db.session.commit()
    view = announcement_view(current_user, item)
    return ItemView(item, view.fields | {"new_version"}, actions=view.actions,
                    new_version=new_version, **view._values)


@blp.route("/<id:announcement_id>/remind", methods=["POST"])
@blp.response(200, RemindedSchema)
@blp.alt_response(404, response="NOT_FOUND")
def remind(announcement_id: int):
    """"提醒未确认人员": remind the people in the caller's confirmation list who have not
    confirmed the current version (in the hub and by e-mail)."""
    item = get_confirmable_or_404(announcement_id, current_user)
    count = remind_unconfirmed(item, current_user)
    db.session.commit()
    return {"reminded": count}


@blp.route("/digest", methods=["GET"])
@blp.response(200, DigestSchema)
def digest():
    """Whether the caller takes the daily digest e-mail instead of one e-mail each."""
    return {"digest": prefers_digest(current_user)}


@blp.route("/digest", methods=["PUT"])
@blp.arguments(DigestSchema)
@blp.response(200, DigestSchema)
def set_digest_preference(args):
    """Choose the daily digest e-mail (true) or one e-mail per announcement (false); the
    in-app notification comes at once either way."""
    set_digest(current_user, args["digest"])
    db.session.commit()
    return {"digest": prefers_digest(current_user)}
