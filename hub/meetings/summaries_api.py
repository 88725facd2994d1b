"""The monthly 沟通记录 summaries and the spot checks through the API (API.md
``/api/v1/compliance/summaries…``; the spot checks ``/api/v1/compliance/spot-checks…``).

Thin: the steps are ``hub.meetings.summaries``', who may see and do what
``hub.meetings.access``'.  A summary or check the caller may not see is a 404; a step the
caller may never take a 403; a step the state does not allow a 409.
"""
from __future__ import annotations

from flask_login import current_user
from flask_smorest import abort
from marshmallow import fields, validate

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
from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings import access
from hub.meetings import summaries as sm
from hub.meetings.api import Period
from hub.meetings.summaries_models import FINDINGS, SUMMARY_STATUSES, SpotCheckItem

blp = Blueprint("api_summaries", __name__, url_prefix="/compliance",
                description="沟通记录月汇总报审与抽查")
blp.answers_refusals(sm.SummaryError)


class SummaryEventSchema(Schema):
    action = fields.String(metadata={"enum": ["open", "submit", "approve", "return",
                                              "publish"]})
    actor = PersonRef()
    text = fields.String()
    at = Timestamp(attribute="created_at")


class SummarySchema(ViewSchema):
    id = fields.Integer()
    period = fields.String(metadata={"description": "YYYY-MM"})
    department = fields.Nested(DepartmentSchema)
    status = fields.String(metadata={"enum": list(SUMMARY_STATUSES)})
    status_label = fields.String()
    head = PersonRef(metadata={"description": "部门负责人"})
    comment = fields.String(metadata={"description": "部门负责人报送时的说明"})
    return_reason = fields.String(metadata={"description": "总经理最近一次退回的原因"})
    review_note = fields.String(metadata={"description": "总经理审核意见"})
    owed = fields.Integer(metadata={"description": "应谈（草稿为实时统计）"})
    held = fields.Integer(metadata={"description": "已谈（含逾期补谈）"})
    late = fields.Integer(metadata={"description": "其中逾期补谈"})
    overdue = fields.Integer(metadata={"description": "超期未谈"})
    talks_logged = fields.Integer(metadata={"description": "沟通记录数"})
    minutes = fields.Integer(metadata={"description": "沟通时长合计（分钟）"})
    submitted_at = Timestamp()
    reviewed_at = Timestamp()
    published_at = Timestamp()
    announcement_id = fields.Integer(metadata={"description": "公布时发出的公告"})
    history = fields.List(fields.Nested(SummaryEventSchema))


class SummaryQuerySchema(PageArgs):
    period = Period(load_default=None, metadata={"description": "YYYY-MM，默认上月"})


class SummaryActionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(
        ["submit", "approve", "return", "publish"]))
    text = Text(load_default="", metadata={
        "maxLength": sm.COMMENT_MAX,
        "description": "submit：部门负责人的说明（必填）；return：退回原因（必填）；approve：审核意见"})


@blp.route("/summaries")
@blp.arguments(SummaryQuerySchema, location="query")
@blp.response(200, page_of(SummarySchema))
@blp.alt_response(404, response="NOT_FOUND")
def summaries(args):
    """The month's department summaries the caller may see (the GM office all, a head their
    departments'), each with its status: draft / submitted / returned / approved /
    published.  Other callers: 404."""
    if not access.may_view_summaries(current_user):
        abort(404)
    month = args["period"] or Month.of(utcnow()).previous
    views = sm.views_of(current_user, sm.summaries_for(current_user, month), month)
    return page_from_list(views, args["page"], args["per_page"])


@blp.route("/summaries/<id:summary_id>")
@blp.response(200, SummarySchema)
@blp.alt_response(404, response="NOT_FOUND")
def summary(summary_id: int):
    return sm.view_of(current_user, access.get_summary_or_404(summary_id, current_user))


@blp.route("/summaries/<id:summary_id>/actions", methods=["POST"])
@blp.arguments(SummaryActionSchema)
@blp.response(200, SummarySchema)
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def summary_action(args, summary_id: int):
    """submit (the department head, ``text`` required), approve (the GM, optional ``text``),
    return (the GM, ``text`` the reason), publish (the GM office: every approved summary of
    the month in one announcement to the department heads)."""
    summary = access.get_summary_or_404(summary_id, current_user)
    sm.act(summary, current_user, args["action"], args["text"])
    db.session.commit()
    return sm.view_of(current_user, summary)


# --- spot checks ---------------------------------------------------------------------------

class TalkRefSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    kind = fields.String()
    held_at = Timestamp()
    duration_minutes = fields.Integer()


class SpotCheckItemSchema(Schema):
    id = fields.Integer()
    talk = fields.Nested(TalkRefSchema)
    verdict = fields.String(allow_none=True, metadata={"enum": list(FINDINGS)})
    finding = fields.String()
    checked_by = PersonRef()
    checked_at = Timestamp(allow_none=True)


class SpotCheckSchema(Schema):
    id = fields.Integer()
    period = fields.String(attribute="month")
    checker = PersonRef()
    requested = fields.Integer()
    created_at = Timestamp()
    items = fields.List(fields.Nested(SpotCheckItemSchema))


class SpotCheckSummarySchema(Schema):
    computed = {"id": lambda row: row[0].id, "period": lambda row: row[0].month,
                "checker": lambda row: row[0].checker,
                "created_at": lambda row: row[0].created_at,
                "picked": lambda row: row[1], "checked": lambda row: row[2]}

    id = fields.Integer()
    period = fields.String()
    checker = PersonRef()
    created_at = Timestamp()
    picked = fields.Integer()
    checked = fields.Integer(metadata={"description": "已记录结论的条数"})


class NewSpotCheckSchema(Schema):
    period = Period(required=True, metadata={"description": "YYYY-MM"})
    count = fields.Integer(required=True, validate=validate.Range(1, sm.SPOT_CHECK_MAX))


class FindingSchema(Schema):
    verdict = fields.String(required=True, validate=validate.OneOf(list(FINDINGS)))
    finding = Text(load_default="", metadata={"maxLength": sm.COMMENT_MAX,
                                              "description": "issue 时必填"})


def _check_answer(check) -> dict:
    return {"id": check.id, "month": check.month, "checker": check.checker,
            "requested": check.requested, "created_at": check.created_at,
            "items": sm.check_items(current_user, check)}


@blp.route("/spot-checks")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(SpotCheckSummarySchema))
@blp.alt_response(404, response="NOT_FOUND")
def spot_checks(args):
    """The GM office's spot checks, newest first (404 for everybody else)."""
    if not access.may_spot_check(current_user):
        abort(404)
    return page_from_list(sm.spot_checks(current_user, limit=1000), args["page"],
                          args["per_page"])


@blp.route("/spot-checks", methods=["POST"])
@blp.arguments(NewSpotCheckSchema)
@blp.response(201, SpotCheckSchema)
@blp.alt_response(404, response="NOT_FOUND")
def start_spot_check(args):
    """Pick ``count`` talk logs of ``period`` at random among those the caller may read."""
    if not access.may_spot_check(current_user):
        abort(404)
    check = sm.start_spot_check(current_user, args["period"], args["count"])
    db.session.commit()
    return _check_answer(check)


@blp.route("/spot-checks/<id:check_id>")
@blp.response(200, SpotCheckSchema)
@blp.alt_response(404, response="NOT_FOUND")
def spot_check(check_id: int):
    return _check_answer(access.get_spot_check_or_404(check_id, current_user))


@blp.route("/spot-checks/<id:check_id>/items/<id:item_id>", methods=["POST"])
@blp.arguments(FindingSchema)
@blp.response(200, SpotCheckItemSchema)
@blp.alt_response(404, response="NOT_FOUND")
def record_finding(args, check_id: int, item_id: int):
    """The finding on one picked talk log: ``ok`` or ``issue`` (with ``finding``)."""
    check = access.get_spot_check_or_404(check_id, current_user)
    item = db.session.get(SpotCheckItem, item_id)
    if item is None or item.check_id != check.id or \
            not access.spot_check_talk_ids(current_user, [item.talk_id]):
        abort(404)
    sm.record_finding(item, current_user, args["verdict"], args["finding"])
    db.session.commit()
    return item
