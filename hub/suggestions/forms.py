"""Forms of the suggestion and report pages.

The limits repeat the services' own (``SUBJECT_MAX`` …) so that a person gets the message
next to the field; the services check everything again and have the last word.  Choices
that come from the database (people, departments, the handling team) are filled by the
view.  Every action form on the report page carries the action as its prefix, so that the
forms on one page have their own field ids.
"""
from __future__ import annotations

from datetime import timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from hub.common.converters import MAX_ID
from hub.common.forms import REQUIRED, too_long
from hub.common.time import company_tz
from hub.directory.forms import PageForm
from hub.extensions import db
from hub.org.models import Department, User
from hub.suggestions.services import (
    BODY_MAX,
    KIND_LABELS,
    STATUS_LABELS,
    SUBJECT_MAX,
    TEXT_MAX,
    URGENCY_LABELS,
)

#: What each kind is for, in one line, next to its choice on the filing form.
KIND_HELP = {
    "suggestion": _l(
        "改进工作、节约成本的想法；实名提交的，部门负责人可提意见，采纳的年终酌情奖励。"),
    "complaint": _l("对工作安排、待遇、服务或某人做法的不满。您的部门负责人看不到。"),
    "whistleblowing": _l("违规、违纪、舞弊、收受好处等行为。被举报的人及其各级上级都看不到。"),
    "issue": _l("影响公司经营或员工切身利益、需要公司层面解决的重要问题。"),
    "safety": _l("车间、设备、消防、环保等方面的安全隐患。"),
    "customer": _l("转达客户对产品或服务的意见和投诉。"),
}
#: At most this many people may be named in one report.
NAMED_MAX = 20


def _options(labels: dict, first: str | None = None) -> list[SelectChoice]:
    """A select's options from a label table, after an optional empty "all / choose" one."""
    head = [SelectChoice("", first)] if first is not None else []
    return head + [SelectChoice(value, label) for value, label in labels.items()]


def _as_id(value) -> int:
    """A posted id, or 0 (never a valid choice) for anything that is not a plausible id, so
    that nonsense gets the field's own message instead of a conversion error."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID else 0


def _required_text(label, limit: int = TEXT_MAX) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(REQUIRED), too_long(limit)])


def _optional_text(label, limit: int = TEXT_MAX) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), too_long(limit)])


# --- filing --------------------------------------------------------------------------------

class FileForm(FlaskForm):
    kind = RadioField(_l("类别"), choices=_options(KIND_LABELS), validate_choice=False,
                      validators=[InputRequired(_l("请选择类别。"))])
    subject = StringField(_l("标题"), validators=[DataRequired(REQUIRED), too_long(SUBJECT_MAX)])
    body = TextAreaField(_l("内容"), validators=[DataRequired(REQUIRED), too_long(BODY_MAX)])
    attachments = MultipleFileField(_l("附件"))
    # a search box with remove buttons when scripts run (static/js/pickers.js)
    named = SelectMultipleField(_l("涉及的人员（可选）"), coerce=_as_id, validate_choice=False,
                                render_kw={"data-picker": "people"})
    anonymous = RadioField(
        _l("署名方式"),
        choices=_options({"anonymous": _l("匿名提交"), "named": _l("实名提交")}),
        default="anonymous", validate_choice=False,
        validators=[InputRequired(_l("请选择署名方式。"))])
    #: Anonymous only: recorded at once instead of with the next batch (hub.common.holding).
    urgent = BooleanField(_l("紧急：立即登记，不等统一登记"))

    def validate_kind(self, field) -> None:
        if field.data not in KIND_LABELS:
            raise ValidationError(_l("请从列表中选择类别。"))

    def validate_anonymous(self, field) -> None:
        if field.data not in ("anonymous", "named"):
            raise ValidationError(_l("请选择署名方式。"))

    def validate_named(self, field) -> None:
        offered = {choice.value for choice in field.choices}
        if any(ident not in offered for ident in field.data or []):
            raise ValidationError(_l("请从列表中选择人员。"))
        if len(field.data) > NAMED_MAX:
            raise ValidationError(_l("最多选择 %(n)s 人。", n=NAMED_MAX))

    @property
    def is_anonymous(self) -> bool:
        return self.anonymous.data == "anonymous"

    def named_users(self) -> list[User]:
        ids = set(self.named.data or [])
        return [db.session.get(User, ident) for ident in sorted(ids)]


# --- lists ---------------------------------------------------------------------------------

#: The lists of 我的建议: what I filed, and (for a department head) the department's
#: suggestions.
LISTS = {"mine": _l("我实名提交的"), "department": _l("本部门的合理化建议")}


class IndexForm(PageForm):
    show = SelectField(default="mine", choices=_options(LISTS))

    def showing(self) -> str:
        return self.show.data if not self.show.errors else "mine"


#: The orders of the triage queue: newest first, oldest first, most urgent first.
SORTS = {"newest": _l("最新提交在前"), "oldest": _l("最早提交在前"), "urgency": _l("紧急程度")}


class QueueFilterForm(PageForm):
    """The filters above the triage queue (GET, so no CSRF token); a value that is not one
    of the choices is an error on that field and filters nothing."""

    kind = SelectField(_l("类别"), default="", choices=_options(KIND_LABELS, _l("全部类别")))
    status = SelectField(_l("状态"), default="",
                         choices=_options(STATUS_LABELS, _l("全部状态")))
    urgency = SelectField(_l("紧急程度"), default="",
                          choices=_options(URGENCY_LABELS, _l("全部")))
    overdue = BooleanField(_l("只看超期"))
    sort = SelectField(_l("排序"), default="newest", choices=_options(SORTS))

    def _valid(self, field):
        return field.data if not field.errors else None

    def criteria(self) -> dict:
        """The valid filters, as ``filter_reports`` takes them."""
        return {"kind": self._valid(self.kind) or None,
                "status": self._valid(self.status) or None,
                "urgency": self._valid(self.urgency) or None,
                "overdue": bool(self._valid(self.overdue))}

    def order(self) -> str:
        return self._valid(self.sort) or "newest"

    def query_args(self) -> dict:
        """The filters as URL arguments, for page links that keep them."""
        chosen = self.criteria()
        return {"kind": chosen["kind"], "status": chosen["status"],
                "urgency": chosen["urgency"], "overdue": "y" if chosen["overdue"] else None,
                "sort": None if self.order() == "newest" else self.order()}

    @property
    def has_invalid(self) -> bool:
        return any(f.errors for f in (self.kind, self.status, self.urgency, self.sort))


# --- actions on a report ---------------------------------------------------------------------

class ActionForm(FlaskForm):
    """One action on a report; each action's form says what its text means and who reads
    it."""

    text = _optional_text(_l("说明（可选）"))

    def service_fields(self) -> dict:
        """The fields ``services.perform`` takes."""
        return {"text": self.text.data or ""}


class AcceptForm(ActionForm):
    text = _optional_text(_l("受理意见（可选，提交人可见）"))


class AssignForm(ActionForm):
    handler = SelectField(_l("承办人"), coerce=_as_id, render_kw={"data-picker": "person"},
                          validators=[InputRequired(_l("请选择承办人。"))])
    text = _optional_text(_l("交办说明（可选，仅处理人可见）"))

    def service_fields(self) -> dict:
        return {"text": self.text.data or "",
                "handler": db.session.get(User, self.handler.data)}


class UrgencyForm(ActionForm):
    """The urgency; the view names each level's timer for the report's kind and keeps the
    agreed time only where a same-day timer can take one (a customer complaint)."""

    urgency = SelectField(_l("紧急程度"), choices=_options(URGENCY_LABELS))
    agreed_at = DateTimeLocalField(
        _l("与客户约定的时间"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description=_l("可选，仅“当日或与客户约定时间内”：不填则当日 24 点前首次响应。"))
    text = None

    def service_fields(self) -> dict:
        agreed = self.agreed_at.data if "agreed_at" in self else None
        if agreed is not None:
            agreed = agreed.replace(tzinfo=company_tz()).astimezone(timezone.utc).replace(
                tzinfo=None)
        return {"urgency": self.urgency.data, "agreed_at": agreed}


class RectificationForm(ActionForm):
    department = SelectField(
        _l("整改部门"), coerce=_as_id, validators=[InputRequired(_l("请选择整改部门。"))],
        description=_l("部门负责人会收到整改要求。请勿选择被举报人或其上级负责的部门。"))
    due_date = DateField(_l("整改期限"), validators=[InputRequired(_l("请填写整改期限。"))])
    text = _required_text(_l("整改要求（整改部门负责人可见，看不到事项本身）"))

    def service_fields(self) -> dict:
        return {"text": self.text.data, "due_date": self.due_date.data,
                "department": db.session.get(Department, self.department.data)}


class AdoptForm(ActionForm):
    text = _required_text(_l("采纳理由（提交人可见）"))
    expected_benefit = _optional_text(_l("预期效益（可选）"))
    reward_amount = StringField(_l("奖励金额（元，可选）"), validators=[Optional(), too_long(20)])
    reward_note = StringField(_l("奖励说明（可选）"), validators=[Optional(), too_long(200)])

    def service_fields(self) -> dict:
        return {"text": self.text.data, "expected_benefit": self.expected_benefit.data or "",
                "reward_amount": (self.reward_amount.data or "").strip() or None,
                "reward_note": self.reward_note.data or ""}


class DeclineForm(ActionForm):
    text = _required_text(_l("不采纳的理由（提交人可见）"))


class ResolveForm(ActionForm):
    text = _required_text(_l("处理结果（仅处理人可见）"))


class AnswerForm(ActionForm):
    text = _required_text(_l("答复内容（提交人可见）"))


class CloseForm(ActionForm):
    text = _required_text(_l("关闭理由（提交人可见）"))


class ReplyForm(ActionForm):
    text = _required_text(_l("给提交人的留言（匿名提交人凭查询码阅读）"))


class NoteForm(ActionForm):
    text = _required_text(_l("内部备注（仅处理人可见）"))


class CommentForm(ActionForm):
    text = _required_text(_l("部门意见（分析应用；处理人和提交人所在部门负责人可见）"))


class ExcludeForm(ActionForm):
    person = SelectField(_l("回避的处理人"), coerce=_as_id,
                         validators=[InputRequired(_l("请选择处理人。"))])
    text = _optional_text(_l("回避原因（可选，仅处理人可见）"), limit=500)

    def service_fields(self) -> dict:
        return {"text": self.text.data or "", "person": db.session.get(User, self.person.data)}


class MessageForm(ActionForm):
    text = _required_text(_l("补充说明（处理人可见）"))


#: The page form of each action ``services.perform`` knows.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": AcceptForm,
    "assign": AssignForm,
    "set_urgency": UrgencyForm,
    "request_rectification": RectificationForm,
    "adopt": AdoptForm,
    "decline": DeclineForm,
    "resolve": ResolveForm,
    "answer": AnswerForm,
    "close": CloseForm,
    "reply": ReplyForm,
    "note": NoteForm,
    "comment": CommentForm,
    "exclude": ExcludeForm,
    "message": MessageForm,
}


class RevealForm(FlaskForm):
    """The "显示提交人身份" button: nothing but the CSRF token."""


class RectificationDoneForm(FlaskForm):
    text = _required_text(_l("整改完成情况"))
