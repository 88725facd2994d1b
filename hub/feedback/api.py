"""信息反馈 through the API (API.md): what the caller owes, filing a report, the reports the
caller may see, one report.

Everything goes through ``hub.feedback.services``, the functions the pages call; what the
caller sees of a report is ``hub.feedback.access.report_view``.  A report the caller may
not see is a 404; filing one twice is a 409; a period not open yet, a kind the caller does
not owe or an empty body a 400 with the fields it concerns.
"""
from __future__ import annotations

from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from hub.api.blueprint import Blueprint
from hub.api.schemas import PageArgs, PersonRef, Schema, Text, Timestamp, ViewSchema, page_of
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.feedback.access import (
    STATUSES,
    get_report_or_404,
    owed_query,
    own_reports_query,
    report_view,
    visible_reports_query,
)
from hub.feedback.models import ROLES, FeedbackObligation, FeedbackReport
from hub.feedback.periods import Period
from hub.feedback.services import BODY_MAX, FeedbackError, file_report

blp = Blueprint("api_feedback", __name__, url_prefix="/feedback", description="信息反馈")
blp.answers_refusals(FeedbackError)


def _valid_period(text: str) -> None:
    try:
        Period.parse(text)
    except ValueError:
        from marshmallow import ValidationError

        raise ValidationError("期间格式：2026-W49（周）、2026-12（月）或 2026-Q4（季度）。") \
            from None


class FeedbackReportSchema(ViewSchema):
    """One report as ``report_view`` lets the caller see it: ``body`` and ``filed_at`` once
    it is filed."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "反馈项目的代码（如 sales_weekly）"})
    name = fields.String(metadata={"description": "反馈项目的名称"})
    period = fields.String(metadata={"description": "2026-W49、2026-12 或 2026-Q4"})
    period_label = fields.String()
    role = fields.String(metadata={"enum": list(ROLES), "description": "report：本人反馈；"
                                   "summary：接收人对本期反馈的汇总"})
    person = PersonRef(metadata={"description": "应提交的人"})
    recipient = PersonRef(metadata={"description": "接收人"})
    opens_on = fields.Date(metadata={"description": "可以提交的第一天"})
    due_date = fields.Date()
    status = fields.String(metadata={"enum": list(STATUSES)})
    filed_at = Timestamp(allow_none=True)
    body = fields.String()


class FeedbackDueQuerySchema(Schema):
    period = fields.String(load_default=None, validate=_valid_period)


class FeedbackDueListSchema(Schema):
    items = fields.List(fields.Nested(FeedbackReportSchema))


class FeedbackListQuerySchema(PageArgs):
    kind = fields.String(load_default=None, validate=validate.Length(max=32))
    period = fields.String(load_default=None, validate=_valid_period)


class NewFeedbackReportSchema(Schema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=32))
    period = fields.String(required=True, validate=_valid_period)
    body = Text(required=True, metadata={"maxLength": BODY_MAX})
    summary = fields.Boolean(load_default=False, metadata={
        "description": "true：提交接收人的本期汇总（上报主管副总经理）"})


def _loaded(stmt):
    return stmt.options(joinedload(FeedbackReport.obligation),
                        joinedload(FeedbackReport.person), joinedload(FeedbackReport.recipient))


def _period_key(text: str | None) -> str | None:
    return Period.parse(text).key if text else None


@blp.route("/due")
@blp.arguments(FeedbackDueQuerySchema, location="query")
@blp.response(200, FeedbackDueListSchema)
def due(args):
    """The reports the caller owes whose window has opened (status owed / overdue), due
    first; with ``period``: that period's, filed ones too."""
    today = local_date(utcnow())
    if args["period"]:
        stmt = own_reports_query(current_user).where(
            FeedbackReport.period == _period_key(args["period"]))
    else:
        stmt = owed_query(current_user).where(FeedbackReport.opens_on <= today)
    rows = db.session.scalars(_loaded(stmt).order_by(FeedbackReport.due_on,
                                                     FeedbackReport.id)).unique()
    return {"items": [report_view(current_user, row) for row in rows]}


@blp.route("", methods=["POST"])
@blp.arguments(NewFeedbackReportSchema)
@blp.response(201, FeedbackReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def file_it(args):
    """File the caller's report of ``kind`` for ``period`` (once)."""
    row = file_report(current_user, kind=args["kind"], period=args["period"],
                      body=args["body"], summary=args["summary"])
    db.session.commit()
    return report_view(current_user, get_report_or_404(row.id, current_user))


@blp.route("", methods=["GET"])
@blp.arguments(FeedbackListQuerySchema, location="query")
@blp.response(200, page_of(FeedbackReportSchema))
def reports(args):
    """The reports the caller may see — their own and those addressed to them, filed or
    not — newest period first."""
    stmt = visible_reports_query(current_user)
    if args["kind"]:
        stmt = stmt.join(FeedbackObligation).where(FeedbackObligation.code == args["kind"])
    if args["period"]:
        stmt = stmt.where(FeedbackReport.period == _period_key(args["period"]))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(_loaded(stmt).order_by(
        FeedbackReport.due_on.desc(), FeedbackReport.id.desc())
        .limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])).unique()
    return {"items": [report_view(current_user, row) for row in rows], "total": total or 0,
            "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<id:feedback_id>")
@blp.response(200, FeedbackReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
def report(feedback_id: int):
    """One report (the page /feedback/<id> shows the same fields)."""
    return report_view(current_user, get_report_or_404(feedback_id, current_user))
