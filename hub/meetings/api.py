"""沟通与会议 through the API (see API.md): propose and answer meetings, their calendar files,
log talks and list the ones the caller may see; the talks a person owes (``GET /talks/due``)
and the compliance figures (``GET /compliance``).

Thin: every rule goes through ``hub.meetings.services`` and ``hub.meetings.obligations``,
the functions the pages call, and who may see what through ``hub.meetings.access``.  A
meeting, talk, person or department the caller may not see is a 404 (never a 403), a state
that does not allow the step a 409, any other refusal a 400 with the fields it concerns.
A talk is dumped from its per-viewer view (``access.talk_view``): ``private_note`` is in the
answer only for its author, for everybody else the key is absent.

Times without an offset are company time (Asia/Shanghai); answers carry the offset.
"""
from __future__ import annotations

from datetime import datetime

from flask import Response
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from marshmallow import ValidationError, fields, validate, validates_schema

from hub.api.blueprint import Blueprint
from hub.api.schemas import (
    DepartmentSchema,
    PageArgs,
    PersonRef,
    Schema,
    Text,
    Timestamp,
    ViewSchema,
    page_from_list,
    page_of,
)
from hub.common.converters import MAX_ID
from hub.common.months import Month
from hub.common.time import utcnow
from hub.common.urls import path_for
from hub.extensions import db
from hub.meetings import obligations as ob
from hub.meetings.access import (
    can_view_compliance,
    get_meeting_or_404,
    get_talk_or_404,
    may_view_compliance,
    meeting_view,
    talk_view,
    visible_items,
    visible_talks_query,
)
from hub.meetings.ics import MIMETYPE, filename_of, meeting_calendar
from hub.meetings.kinds import TALK_KINDS
from hub.meetings.models import MEETING_STATUSES
from hub.meetings.services import (
    AGENDA_MAX,
    COMMENT_MAX,
    DEFAULT_DURATION,
    ITEM_MAX,
    LOCATION_MAX,
    RESPONSES,
    STATUS_LABELS,
    TALK_API_OPTIONS,
    TEXT_MAX,
    NewActionItem,
    TalkError,
    acknowledge,
    as_utc,
    filter_talks,
    log_talk,
    paginate_talks,
    propose_meeting,
    respond,
)
from hub.org.models import Department, User

blp = Blueprint("api_talks", __name__, url_prefix="", description="沟通与会议")


blp.answers_refusals(TalkError)


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


# --- schemas ---------------------------------------------------------------------------

class MeetingParticipantSchema(Schema):
    user = PersonRef()
    response = fields.String(metadata={"enum": ["pending", "accepted", "declined",
                                                "proposed"]})
    proposed_start = Timestamp(attribute="proposed_start_at", allow_none=True,
                               metadata={"description": "response 为 proposed 时建议的新时间"})
    responded_at = Timestamp(allow_none=True)


class MeetingSchema(ViewSchema):
    """A meeting as ``access.meeting_view`` shows it to the caller."""

    computed = {
        "status_label": lambda m: str(STATUS_LABELS[m.status]),
        "ics_url": lambda m: path_for("api_talks.meeting_ics", meeting_id=m.id),
    }

    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(TALK_KINDS)})
    kind_label = fields.String()
    status = fields.String(metadata={"enum": list(MEETING_STATUSES)})
    status_label = fields.String()
    organizer = PersonRef()
    start = Timestamp()
    duration_minutes = fields.Integer()
    location = fields.String()
    agenda = fields.String()
    sequence = fields.Integer(metadata={"description": "日历文件的 SEQUENCE，每次改期或取消加一"})
    participants = fields.List(fields.Nested(MeetingParticipantSchema),
                               metadata={"description": "包括发起人"})
    ics_url = fields.String()
    makeup = fields.Boolean(metadata={"description": "补谈：为已错过的窗口安排，在窗口之外"})
    created_at = Timestamp()
    updated_at = Timestamp()


class _WithPeople(Schema):
    with_user_id = fields.Integer(load_default=None, metadata={"description": "沟通对象（一人）"})
    with_user_ids = fields.List(fields.Integer(), load_default=None,
                                metadata={"description": "沟通对象（多人时）"})

    @validates_schema
    def _someone(self, data, **_kwargs):
        if data.get("with_user_id") is None and not data.get("with_user_ids"):
            raise ValidationError("请给出 with_user_id 或 with_user_ids。", "with_user_ids")


def people_of(args: dict) -> list[int]:
    ids = list(args.pop("with_user_ids", None) or [])
    one = args.pop("with_user_id", None)
    return ([one] if one is not None else []) + ids


class NewMeetingSchema(_WithPeople):
    kind = fields.String(required=True, validate=validate.OneOf(TALK_KINDS))
    start = fields.DateTime(required=True, metadata={
        "description": "ISO 8601；不带时区时按公司时间（Asia/Shanghai）"})
    duration_minutes = fields.Integer(load_default=DEFAULT_DURATION,
                                      metadata={"minimum": 5, "maximum": 240})
    location = Text(load_default="", metadata={"maxLength": LOCATION_MAX})
    agenda = Text(load_default="", metadata={"maxLength": AGENDA_MAX})


class RespondSchema(Schema):
    response = fields.String(required=True, validate=validate.OneOf(RESPONSES), metadata={
        "description": "accept / decline / propose（须带 start）。发起人 accept 表示同意对方建议的"
                       "时间，propose 表示改期，decline 表示取消"})
    start = fields.DateTime(load_default=None)


class TalkParticipantSchema(Schema):
    user = PersonRef()
    acknowledged_at = Timestamp(allow_none=True)
    comment = fields.String()
    commented_at = Timestamp(allow_none=True)


class ActionItemSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    owner = PersonRef()
    due_date = fields.Date(allow_none=True)
    done_at = Timestamp(allow_none=True)
    talk_id = fields.Integer()


class TalkSchema(ViewSchema):
    """A talk log as ``access.talk_view`` shows it to the caller: ``private_note`` only when
    the caller wrote it."""

    id = fields.Integer()
    number = fields.String(metadata={"description": "登记编号 GT-YYYY-NNNNNN"})
    kind = fields.String(metadata={"enum": list(TALK_KINDS)})
    kind_label = fields.String()
    author = PersonRef()
    held_at = Timestamp()
    duration_minutes = fields.Integer()
    topics = fields.String()
    agreements = fields.String()
    participants = fields.List(fields.Nested(TalkParticipantSchema))
    action_items = fields.List(fields.Nested(ActionItemSchema))
    meeting_id = fields.Integer(allow_none=True)
    private_note = fields.String(metadata={"description": "个人备注：只在记录人本人调用时出现"})
    created_at = Timestamp()


class NewActionItemSchema(Schema):
    text = Text(required=True, metadata={"maxLength": ITEM_MAX})
    owner_id = fields.Integer(required=True, metadata={"description": "负责人：参加沟通的人"})
    due_date = fields.Date(load_default=None)


class NewTalkSchema(_WithPeople):
    kind = fields.String(required=True, validate=validate.OneOf(TALK_KINDS))
    held_at = fields.DateTime(required=True, metadata={
        "description": "沟通时间，不能在将来；不带时区时按公司时间"})
    duration_minutes = fields.Integer(required=True, metadata={
        "minimum": 5, "maximum": 240, "description": "制度建议 15—20 分钟"})
    topics = Text(required=True, metadata={"maxLength": TEXT_MAX})
    agreements = Text(load_default="", metadata={"maxLength": TEXT_MAX})
    action_items = fields.List(fields.Nested(NewActionItemSchema), load_default=list)
    private_note = Text(load_default="", metadata={
        "maxLength": TEXT_MAX, "description": "个人备注：只有记录人本人看得到"})
    meeting_id = fields.Integer(load_default=None)
    done_item_ids = fields.List(fields.Integer(), load_default=list, metadata={
        "description": "以前沟通中留下、这次确认已完成的待办事项"})


class TalkQuerySchema(PageArgs):
    user_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_ID),
                             metadata={"description": "参加沟通的人"})
    kind = fields.String(load_default=None, validate=validate.OneOf(TALK_KINDS))
    from_ = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "起始日期（含）"})
    to = fields.Date(load_default=None, metadata={"description": "截止日期（含）"})


class AcknowledgeSchema(Schema):
    comment = Text(load_default="", metadata={"maxLength": COMMENT_MAX})


# --- meetings ----------------------------------------------------------------------------

@blp.route("/meetings", methods=["POST"])
@blp.arguments(NewMeetingSchema)
@blp.response(201, MeetingSchema)
def propose(args):
    """Propose a talk: the senior side invites, inside the policy's window for 上下级 and
    协作岗位 talks.  The invitees get a notification and the calendar file."""
    meeting = propose_meeting(current_user, kind=args["kind"], with_user_ids=people_of(args),
                              start_at=_utc(args["start"]),
                              duration_minutes=args["duration_minutes"],
                              location=args["location"], agenda=args["agenda"])
    db.session.commit()
    return meeting_view(current_user, meeting)


@blp.route("/meetings/<id:meeting_id>")
@blp.response(200, MeetingSchema)
@blp.alt_response(404, response="NOT_FOUND")
def meeting(meeting_id: int):
    """A meeting the caller takes part in."""
    return meeting_view(current_user, get_meeting_or_404(meeting_id, current_user))


@blp.route("/meetings/<id:meeting_id>/respond", methods=["POST"])
@blp.arguments(RespondSchema)
@blp.response(200, MeetingSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def respond_to(args, meeting_id: int):
    """Answer: accept, decline or propose another time (``start``).  Anybody not invited
    gets a 404; a cancelled or past meeting a 409."""
    meeting = get_meeting_or_404(meeting_id, current_user)
    respond(meeting, current_user, args["response"], _utc(args["start"]))
    db.session.commit()
    return meeting_view(current_user, meeting)


@blp.route("/meetings/<id:meeting_id>.ics")
@blp.alt_response(200, schema={"type": "string"}, content_type="text/calendar",
                  description="iCalendar 文件", success=True)
@blp.alt_response(404, response="NOT_FOUND")
def meeting_ics(meeting_id: int):
    """The meeting's calendar file (text/calendar, TZID Asia/Shanghai)."""
    meeting = get_meeting_or_404(meeting_id, current_user)
    return Response(meeting_calendar(meeting, current_user), mimetype=MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{filename_of(meeting)}"'})


# --- talk logs ---------------------------------------------------------------------------

@blp.route("/talks", methods=["POST"])
@blp.arguments(NewTalkSchema)
@blp.response(201, TalkSchema)
def log(args):
    """Log a talk that was held (not in the future).  Open action items of earlier talks
    between the same people are carried over to it."""
    talk = log_talk(
        current_user, kind=args["kind"], with_user_ids=people_of(args),
        held_at=_utc(args["held_at"]), duration_minutes=args["duration_minutes"],
        topics=args["topics"], agreements=args["agreements"],
        action_items=[NewActionItem(i["text"], i["owner_id"], i["due_date"])
                      for i in args["action_items"]],
        private_note=args["private_note"], meeting_id=args["meeting_id"],
        done_item_ids=args["done_item_ids"])
    db.session.commit()
    return talk_view(current_user, talk)


@blp.route("/talks", methods=["GET"])
@blp.arguments(TalkQuerySchema, location="query")
@blp.response(200, page_of(TalkSchema))
def talks(args):
    """The talk logs the caller may see (their own, their people's up the line; all for HR
    and the GM office), newest first; private notes only to their author."""
    stmt = filter_talks(visible_talks_query(current_user), user_id=args["user_id"],
                        kind=args["kind"], date_from=args["from_"], date_to=args["to"])
    items, total = paginate_talks(stmt, args["page"], args["per_page"], TALK_API_OPTIONS)
    return {"items": [talk_view(current_user, t) for t in items], "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/talks/<id:talk_id>")
@blp.response(200, TalkSchema)
@blp.alt_response(404, response="NOT_FOUND")
def talk(talk_id: int):
    return talk_view(current_user, get_talk_or_404(talk_id, current_user))


@blp.route("/talks/<id:talk_id>/acknowledge", methods=["POST"])
@blp.arguments(AcknowledgeSchema)
@blp.response(200, TalkSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def acknowledge_talk(args, talk_id: int):
    """The other participant confirms the shared part, optionally with a comment."""
    talk = get_talk_or_404(talk_id, current_user)
    acknowledge(talk, current_user, args["comment"])
    db.session.commit()
    return talk_view(current_user, talk)


# --- obligations and compliance (GET /talks/due, GET /compliance) -------------------------

compliance_blp = Blueprint("api_compliance", __name__, url_prefix="", description="沟通义务与执行情况")


class Period(fields.String):
    """A month ``YYYY-MM``; loads as ``Month``."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return Month.parse(text)
        except ValueError:
            raise ValidationError(_("请按“年-月”填写月份，如 2026-03。")) from None


class DueQuerySchema(PageArgs):
    user_id = fields.Integer(load_default=None, metadata={"description": "默认为调用者本人"})
    period = Period(load_default=None, metadata={"description": "YYYY-MM，默认本月"})


class DueItemSchema(Schema):
    computed = {
        "counterpart": lambda pair: pair[0].counterpart(pair[1]),
        "role": lambda pair: "senior" if pair[0].senior.id == pair[1].id else "junior",
    }

    def get_attribute(self, obj, attr, default):
        if attr in self.computed:
            return self.computed[attr](obj)
        return super().get_attribute(obj[0], attr, default)

    kind = fields.String(metadata={"enum": list(TALK_KINDS)})
    kind_label = fields.String()
    source = fields.String(metadata={"enum": ["routine", "occasion", "appeal"]})
    role = fields.String(metadata={"enum": ["senior", "junior"],
                                   "description": "senior：该人员应主动邀请"})
    counterpart = PersonRef()
    senior = PersonRef()
    junior = PersonRef()
    window_start = fields.Date()
    window_end = fields.Date()
    status = fields.String(metadata={"enum": list(ob.STATUS_LABELS)})
    status_label = fields.String()
    late = fields.Boolean(metadata={"description": "在窗口之后补谈（计入当期，标为逾期）"})
    early = fields.Boolean(metadata={"description": "在窗口之前进行（提前，计入该窗口，不算逾期）"})
    held_on = fields.Date(allow_none=True)
    talk_id = fields.Integer(allow_none=True)
    talk_number = fields.String(allow_none=True)
    meeting_on = fields.Date(allow_none=True)
    meeting_id = fields.Integer(allow_none=True)
    on_days_off = fields.Boolean(metadata={"description": "窗口全部落在节假日或周末"})
    days_off = fields.List(fields.Date())


class CountsSchema(Schema):
    """Obligations whose window ends in the period, by status."""

    owed = fields.Integer(metadata={"description": "应谈（合计）"})
    held = fields.Integer(metadata={"description": "已谈（含逾期补谈）"})
    late = fields.Integer(metadata={"description": "其中在窗口外补谈"})
    overdue = fields.Integer(metadata={"description": "超期未谈"})
    due = fields.Integer(metadata={"description": "未到期、未约定"})
    scheduled = fields.Integer(metadata={"description": "已约定时间"})
    pending = fields.Integer(metadata={"description": "due + scheduled"})


class ComplianceRowSchema(Schema):
    computed = {"department": lambda row: row.manager.department}

    manager = PersonRef()
    department = fields.Nested(DepartmentSchema)
    month = fields.Nested(CountsSchema)
    quarter = fields.Nested(CountsSchema)
    unacknowledged = fields.Integer(metadata={
        "description": "本月由该上级记录、对方尚未确认的沟通记录数"})


class ComplianceQuerySchema(PageArgs):
    period = Period(load_default=None, metadata={"description": "YYYY-MM，默认本月"})
    department_id = fields.Integer(load_default=None)


@compliance_blp.route("/talks/due")
@compliance_blp.arguments(DueQuerySchema, location="query")
@compliance_blp.response(200, page_of(DueItemSchema))
@compliance_blp.alt_response(404, response="NOT_FOUND")
def talks_due(args):
    """The talks a person owes (``role`` senior) and is owed (junior) in the period: the
    policy's windows, occasion talks and appeals, each with its status (due / scheduled /
    held / overdue).  Another person's list only for those who may follow them."""
    person = current_user
    if args["user_id"] is not None:
        person = db.session.get(User, args["user_id"]) if 1 <= args["user_id"] < 2**31 \
            else None
        if person is None or not can_view_compliance(current_user, person):
            abort(404)
    month = args["period"] or Month.of(utcnow())
    items = visible_items(current_user, ob.due_for(person, month))
    return page_from_list([(i, person) for i in items], args["page"], args["per_page"])


@compliance_blp.route("/compliance")
@compliance_blp.arguments(ComplianceQuerySchema, location="query")
@compliance_blp.response(200, page_of(ComplianceRowSchema))
@compliance_blp.alt_response(404, response="NOT_FOUND")
def compliance(args):
    """Per manager the caller may follow: talks owed / held / overdue in the period and its
    quarter.  Managers, department heads and the GM office; nobody else (404)."""
    if not may_view_compliance(current_user):
        abort(404)
    department = None
    if args["department_id"] is not None:
        department = db.session.get(Department, args["department_id"]) \
            if 1 <= args["department_id"] < 2**31 else None
        if department is None or not can_view_compliance(current_user, department):
            abort(404)
    month = args["period"] or Month.of(utcnow())
    rows = ob.compliance(current_user, month, department)
    return page_from_list(rows, args["page"], args["per_page"])
