"""Suggestions, complaints and reports through the API: file one, list and read what the
caller may see, move a report through its lifecycle, exchange messages with the filer.

Everything goes through ``hub.suggestions.services``, the same functions the pages call.  A
report the caller may not see is a 404 everywhere (never a 403), and it counts in no total;
an illegal transition is a 409; any other refusal a 400 with the fields it concerns.

What a caller sees of the filer is ``filer_label`` only: an anonymous report has no person
at all, and the identity of a named filer is never in the API for anybody but the filer
(handlers reveal it on the report page, one audited click at a time) — not even as the
actor of the filer's own steps, which read ``actor_label: "filer"``.  Every read of a
report is written to the audit log (``record_view``).
"""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy import select

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
from hub.common.markdown import render_markdown
from hub.extensions import db
from hub.org.models import Department, User
from hub.suggestions.access import (
    LIST_OPTIONS,
    get_report_or_404,
    is_filer,
    page_of_reports,
    report_view,
    summary_views,
    visible_stmt,
)
from hub.suggestions.labels import ACTION_LABELS, KIND_LABELS, STATUS_LABELS, URGENCY_LABELS
from hub.suggestions.models import KINDS, STATUSES, URGENCIES, Report, ReportEvent
from hub.suggestions.services import (
    ACTIONS,
    BODY_MAX,
    SUBJECT_MAX,
    TEXT_MAX,
    ReportError,
    add_filer_message,
    file_report,
    filter_reports,
    perform,
    record_view,
    reply,
)

blp = Blueprint("api_reports", __name__, url_prefix="/reports",
                description="合理化建议、投诉与举报")

#: The actions of ``POST …/actions``; the filer's messages have their own endpoint.
ACTION_NAMES = [action for action in ACTIONS if action != "message"]
MAX_NAMED = 20


blp.answers_refusals(ReportError)


# --- what the caller may see ---------------------------------------------------------------
#
# Every report the API returns is a ``report_view`` (hub.suggestions.access): the schemas
# below dump the fields that view shows and nothing else, exactly as the report page does.

def _label(labels: dict, key: str | None) -> str | None:
    return str(labels[key]) if key in labels else None


# --- schemas ---------------------------------------------------------------------------

class UnitSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class ReportEventSchema(Schema):
    """One step, message, comment or note, as ``event_views`` gives it.  ``actor`` is null
    where no person may be shown: ``actor_label`` then says ``filer`` or ``system``
    (reminders)."""

    computed = {"action_label": lambda event: _label(ACTION_LABELS, event.action)}

    id = fields.Integer()
    at = Timestamp(metadata={"description": "匿名提交人的步骤只精确到日"})
    action = fields.String(metadata={"enum": list(ACTION_LABELS)})
    action_label = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    text = fields.String(attribute="shown_text", metadata={
        "description": "系统生成的步骤按读者的语言显示"})
    visibility = fields.String(metadata={
        "enum": ["filer", "reviewers", "handlers"],
        "description": "filer：提交人可见；reviewers：部门意见（承办人与提交人部门负责人）；"
                       "handlers：内部，仅承办人"})
    actor = PersonRef()
    actor_label = fields.String(allow_none=True, metadata={"enum": ["filer", "system"]})


class RectificationSchema(ViewSchema):
    """A rectification as ``rectification_view`` gives it."""

    id = fields.Integer()
    department = fields.Nested(DepartmentSchema)
    request_text = fields.String()
    requested_at = Timestamp()
    due_at = Timestamp()
    status = fields.String(metadata={"enum": ["requested", "done"]})
    overdue = fields.Boolean()
    done_at = Timestamp(allow_none=True)
    done_text = fields.String(allow_none=True)


class TimersSchema(Schema):
    """The promises to the filer and how they stand (the handling deadline and what ran
    out: for the handlers only)."""

    ack_due_at = Timestamp(metadata={"description": "受理期限（7 天）"})
    feedback_due_at = Timestamp(metadata={"description": "反馈期限（3 个月）"})
    handle_due_at = Timestamp(allow_none=True, metadata={
        "description": "按紧急程度的办理期限（仅承办人）"})
    handle_rule = fields.String(allow_none=True, metadata={
        "enum": ["minutes", "end_of_day", "working_days"],
        "description": "办理期限的规则：minutes 分钟内首次响应、end_of_day 当日或约定时间内首次"
                       "响应（客户意见）、working_days 工作日内办结（仅承办人）"})
    handle_met_at = Timestamp(allow_none=True, metadata={
        "description": "办理期限何时达成：首次响应或办结的时间（仅承办人）"})
    overdue = fields.List(fields.String(metadata={"enum": ["ack", "feedback", "urgency"]}),
                          metadata={"description": "已超过的期限（仅承办人）"})


class ReportSummarySchema(ViewSchema):
    """A list row: ``report_view(…, summary=True)``."""

    computed = {
        "kind_label": lambda view: _label(KIND_LABELS, view.kind),
        "status_label": lambda view: _label(STATUS_LABELS, view.status),
        "urgency_label": lambda view: _label(URGENCY_LABELS, view.urgency),
    }

    id = fields.Integer()
    number = fields.String(metadata={"description": "登记编号，如 JY-2026-000045"})
    kind = fields.String(metadata={"enum": list(KINDS)})
    kind_label = fields.String()
    subject = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    status_label = fields.String()
    urgency = fields.String(metadata={"enum": list(URGENCIES)})
    urgency_label = fields.String()
    anonymous = fields.Boolean()
    filer_label = fields.String(metadata={
        "description": "提交人的显示方式：匿名、身份已隐藏，或（仅提交人本人）姓名"})
    mine = fields.Boolean(metadata={"description": "调用者是实名提交人"})
    unit = fields.Nested(UnitSchema, metadata={"description": "受理单位"})
    handler = PersonRef(metadata={"description": "承办人（仅承办人可见）"})
    filed_on = fields.Date()
    overdue = fields.Boolean(metadata={"description": "有期限已超过（仅承办人可见）"})


class ReportSchema(ReportSummarySchema):
    """A report with what the caller may read of it (``report_view``) and what the caller
    may do."""

    computed = {
        **ReportSummarySchema.computed,
        "body_html": lambda view: str(render_markdown(view.body)),
    }

    body = fields.String(metadata={"description": "Markdown 原文"})
    body_html = fields.String(metadata={"description": "渲染并净化后的 HTML"})
    filed_at = Timestamp(metadata={"description": "匿名提交只精确到日"})
    accepted_at = Timestamp(allow_none=True)
    timers = fields.Nested(TimersSchema)
    named = fields.List(PersonRef(), metadata={
        "description": "被反映人（仅承办人和实名提交人本人可见）"})
    decision_reason = fields.String(allow_none=True, metadata={
        "description": "采纳或不采纳的理由（仅承办人；提交人在处理记录中看到）"})
    expected_benefit = fields.String(allow_none=True)
    reward_amount = fields.Float(allow_none=True, metadata={"description": "奖励金额（元）"})
    reward_note = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True, metadata={"description": "处理结果（内部，仅承办人）"})
    answer = fields.String(allow_none=True, metadata={"description": "答复（承办人和提交人）"})
    answered_at = Timestamp(allow_none=True)
    close_reason = fields.String(allow_none=True)
    closed_at = Timestamp(allow_none=True)
    history = fields.List(fields.Nested(ReportEventSchema), metadata={
        "description": "调用者可见的全部记录（内部备注仅承办人）"})
    messages = fields.List(fields.Nested(ReportEventSchema), metadata={
        "description": "提交人与承办人之间的留言"})
    allowed_actions = fields.List(fields.String(), metadata={
        "description": "调用者现在可执行的操作（POST …/actions 的 action；message 即留言）"})
    rectifications = fields.List(fields.Nested(RectificationSchema), metadata={
        "description": "整改（仅承办人）"})
    attachments = fields.List(fields.Nested(AttachmentInfoSchema))


class ReportQuerySchema(PageArgs):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    urgency = fields.String(load_default=None, validate=validate.OneOf(URGENCIES))
    overdue = fields.Boolean(load_default=False, metadata={"description": "只列出已超期的事项"})


class NewReportSchema(Schema):
    # Lengths are the service's rules (checked there, with its messages); listed here for
    # the OpenAPI document.
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    subject = Text(required=True, metadata={"maxLength": SUBJECT_MAX})
    body = Text(required=True, metadata={"maxLength": BODY_MAX, "description": "Markdown"})
    anonymous = fields.Boolean(load_default=True, metadata={
        "description": "默认匿名：不保存提交人，回复中给出一次查询码"})
    urgent = fields.Boolean(load_default=False, metadata={
        "description": "紧急：匿名提交立即登记，不等下一批（更容易从时间上被推断出是谁提交的）；"
                       "安全隐患（safety）总是立即登记"})
    named_users = fields.List(RowId(User), data_key="named_user_ids", load_default=list,
                              validate=validate.Length(max=MAX_NAMED), metadata={
                                  "description": "被反映人的用户 id：他们及其上级看不到此事项"})


class FiledReportSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    kind = fields.String()
    status = fields.String(metadata={
        "description": "submitted；匿名提交等待下一批登记时为 received（此时没有 id 和登记号）"})
    anonymous = fields.Boolean()
    receipt_code = fields.String(metadata={
        "description": "仅匿名提交，且只在这一次回复中出现：凭它查询进展、答复和留言"})


class ReportActionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTION_NAMES), metadata={
        "description": "accept / assign / set_urgency / request_rectification / adopt / "
                       "decline / resolve / answer / close，以及 note（内部备注）、"
                       "comment（部门意见）、reply（回复提交人）、exclude（回避）"})
    handler = RowId(User, data_key="handler_id", load_default=None,
                    metadata={"description": "assign：承办人"})
    urgency = fields.String(load_default=None, validate=validate.OneOf(URGENCIES), metadata={
        "description": "set_urgency：urgent 特急 / high 急 / normal 一般"})
    agreed_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={
        "description": "set_urgency：与客户约定的时间（仅“当日或约定时间内”的时限），ISO 8601 带时区"})
    department = RowId(Department, data_key="department_id", load_default=None,
                       metadata={"description": "request_rectification：整改部门"})
    due_date = fields.Date(load_default=None,
                           metadata={"description": "request_rectification：整改期限 YYYY-MM-DD"})
    text = Text(load_default="", metadata={
        "maxLength": TEXT_MAX,
        "description": "说明、理由或答复；adopt、decline、resolve、answer、close、note、"
                       "comment、reply、request_rectification 必填"})
    expected_benefit = Text(load_default="", metadata={"description": "adopt：预期效益"})
    reward_amount = fields.Decimal(load_default=None, allow_none=True,
                                   metadata={"description": "adopt：奖励金额（元）"})
    reward_note = Text(load_default="", metadata={"maxLength": 200,
                                                  "description": "adopt：奖励说明"})
    person = RowId(User, data_key="user_id", load_default=None,
                   metadata={"description": "exclude：回避的承办人"})

    @validates_schema
    def _exclude_names_somebody(self, data, **kwargs):
        if data.get("action") == "exclude" and data.get("person") is None:
            raise ValidationError({"user_id": [_("请选择回避的承办人。")]})


class ReportMessageSchema(Schema):
    text = Text(required=True, metadata={"maxLength": TEXT_MAX})


# --- routes ----------------------------------------------------------------------------

@blp.route("", methods=["POST"])
@blp.arguments(NewReportSchema)
@blp.response(201, FiledReportSchema)
def submit(args):
    """File a suggestion, complaint or report (anonymous unless ``anonymous`` is false).

    An anonymous report keeps no trace of its filer; the reply carries its receipt code,
    shown this once and never again (the filer cannot open it with the token).  Unless
    ``urgent`` or a safety hazard, it waits for the next batch release into the records: the
    reply then says ``status: "received"`` and has no id or number."""
    filed = file_report(current_user, **args)
    db.session.commit()
    report = filed.report
    if report is None:  # held back until the next release (hub.common.holding)
        return {"kind": args["kind"], "status": "received", "anonymous": True,
                "receipt_code": filed.receipt_code}
    result = {"id": report.id, "number": report.number, "kind": report.kind,
              "status": report.status, "anonymous": report.anonymous}
    if filed.receipt_code:
        result["receipt_code"] = filed.receipt_code
    return result


@blp.route("", methods=["GET"])
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, page_of(ReportSummarySchema))
def reports(args):
    """The reports the caller may see (own named reports, the department's suggestions for
    its head, what the caller's handling unit handles), newest first.  ``total`` counts only
    these."""
    stmt = visible_stmt(current_user, filter_reports(
        select(Report), kind=args["kind"], status=args["status"], urgency=args["urgency"],
        overdue=args["overdue"]))
    page, per_page = args["page"], args["per_page"]
    found, total = page_of_reports(stmt, page, per_page, options=LIST_OPTIONS)
    return {"items": summary_views(current_user, found), "total": total, "page": page,
            "per_page": per_page}


@blp.route("/<id:report_id>")
@blp.response(200, ReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
def report(report_id: int):
    """One report with its history as the caller may read it (internal notes for handlers,
    comments for the filer's department head), messages, timers, rectifications and the
    actions the caller may take.  The read is written to the audit log."""
    found = get_report_or_404(report_id, current_user)
    record_view(current_user, found)
    db.session.commit()
    return report_view(current_user, found)


@blp.route("/<id:report_id>/actions", methods=["POST"])
@blp.arguments(ReportActionSchema)
@blp.response(200, ReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def act(args, report_id: int):
    """Take one step: accept, assign (handler_id), set_urgency (urgency),
    request_rectification (department_id, due_date, text), adopt (text, expected_benefit,
    reward_amount, reward_note), decline, resolve, answer, close (text), or add a note, a
    comment or a reply; the head of the unit may exclude a handler (user_id).

    An action the report's state does not allow is a 409 ``conflict``."""
    found = get_report_or_404(report_id, current_user)
    perform(found, current_user, args.pop("action"), args)
    db.session.commit()
    return report_view(current_user, found) or abort(404)


@blp.route("/<id:report_id>/messages", methods=["POST"])
@blp.arguments(ReportMessageSchema)
@blp.response(201, ReportEventSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def message(args, report_id: int) -> ReportEvent:
    """A message: from the named filer to the handlers, or a handler's reply to the filer
    (an anonymous filer reads it on the receipt).  A closed report takes no more (409)."""
    found = get_report_or_404(report_id, current_user)
    if is_filer(current_user, found):
        event = add_filer_message(found, args["text"], current_user)
    else:
        event = reply(found, current_user, args["text"])
    db.session.commit()
    return event
