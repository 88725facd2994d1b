"""What talks are owed and whether they are kept, through the API: ``GET /talks/due`` and
``GET /compliance`` (API.md).  The same services as the pages (``hub.meetings.obligations``):
a person or department the caller may not follow is a 404."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort
from marshmallow import ValidationError, fields

from hub.api.blueprint import Blueprint
from hub.api.schemas import DepartmentSchema, PageArgs, PersonRef, Schema, page_from_list, \
    page_of
from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings import obligations as ob
from hub.meetings.kinds import TALK_KINDS
from hub.org.models import Department, User

blp = Blueprint("api_compliance", __name__, url_prefix="", description="沟通义务与执行情况")


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
    late = fields.Boolean(metadata={"description": "在窗口外进行（计入当期，标为逾期）"})
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


class ComplianceQuerySchema(PageArgs):
    period = Period(load_default=None, metadata={"description": "YYYY-MM，默认本月"})
    department_id = fields.Integer(load_default=None)


@blp.route("/talks/due")
@blp.arguments(DueQuerySchema, location="query")
@blp.response(200, page_of(DueItemSchema))
@blp.alt_response(404, response="NOT_FOUND")
def talks_due(args):
    """The talks a person owes (``role`` senior) and is owed (junior) in the period: the
    policy's windows, occasion talks and appeals, each with its status (due / scheduled /
    held / overdue).  Another person's list only for those who may follow them."""
    person = current_user
    if args["user_id"] is not None:
        person = db.session.get(User, args["user_id"]) if 1 <= args["user_id"] < 2**31 \
            else None
        if person is None or not ob.can_view_compliance(current_user, person):
            abort(404)
    month = args["period"] or Month.of(utcnow())
    items = ob.visible_items(current_user, ob.due_for(person, month))
    return page_from_list([(i, person) for i in items], args["page"], args["per_page"])


@blp.route("/compliance")
@blp.arguments(ComplianceQuerySchema, location="query")
@blp.response(200, page_of(ComplianceRowSchema))
@blp.alt_response(404, response="NOT_FOUND")
def compliance(args):
    """Per manager the caller may follow: talks owed / held / overdue in the period and its
    quarter.  Managers, department heads and the GM office; nobody else (404)."""
    if not ob.may_view_compliance(current_user):
        abort(404)
    department = None
    if args["department_id"] is not None:
        department = db.session.get(Department, args["department_id"]) \
            if 1 <= args["department_id"] < 2**31 else None
        if department is None or not ob.can_view_compliance(current_user, department):
            abort(404)
    month = args["period"] or Month.of(utcnow())
    rows = ob.compliance(current_user, month, department)
    return page_from_list(rows, args["page"], args["per_page"])
