"""Forms of the GM mailbox pages.

The limits repeat the services' own (``SUBJECT_MAX`` …) so that a person gets the message
next to the field; the services check everything again and have the last word.  Choices
that come from the database (departments, people) are filled by the view.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
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
from hub.directory.forms import PageForm
from hub.extensions import db
from hub.mailbox.services import (
    BODY_MAX,
    CATEGORY_LABELS,
    STATUS_LABELS,
    SUBJECT_MAX,
    TEXT_MAX,
)
from hub.org.models import Department, User
from hub.org.services import department_subtree

NOBODY = 0  # the select value for "no handler by name" / "no filter"


def _options(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


# --- writing ---------------------------------------------------------------------------

class WriteForm(FlaskForm):
    subject = StringField(_l("标题"), validators=[DataRequired(REQUIRED),
                                                 too_long(SUBJECT_MAX)])
    category = SelectField(
        _l("类别"),
        choices=_options(("", _l("请选择…")), *CATEGORY_LABELS.items()),
        validators=[InputRequired(_l("请选择类别。"))],
        validate_choice=False,  # checked below, with a message of our own
    )
    body = TextAreaField(_l("正文"), validators=[DataRequired(REQUIRED), too_long(BODY_MAX)])
    attachments = MultipleFileField(_l("附件"))
    anonymous = RadioField(
        _l("署名方式"),
        choices=_options(("named", _l("署名来信")), ("anonymous", _l("匿名来信"))),
        default="named",
        validators=[InputRequired(_l("请选择署名方式。"))],
        validate_choice=False,
    )
    #: Anonymous only: recorded at once instead of with the next batch (hub.common.holding).
    urgent = BooleanField(_l("紧急：立即登记，不等统一登记"))

    def validate_category(self, field) -> None:
        if field.data not in CATEGORY_LABELS:
            raise ValidationError(_l("请从列表中选择类别。"))

    def validate_anonymous(self, field) -> None:
        if field.data not in ("named", "anonymous"):
            raise ValidationError(_l("请选择署名方式。"))

    @property
    def is_anonymous(self) -> bool:
        return self.anonymous.data == "anonymous"


# --- lists -----------------------------------------------------------------------------

class LetterFilterForm(PageForm):
    """The filters above a letter list (GET, so no CSRF token); a value that is not one of
    the choices is an error on that field and filters nothing."""

    status = SelectField(_l("状态"), default="",
                         choices=_options(("", _l("全部状态")), *STATUS_LABELS.items()))
    category = SelectField(_l("类别"), default="",
                           choices=_options(("", _l("全部类别")), *CATEGORY_LABELS.items()))
    department = SelectField(_l("承办部门"), coerce=int, default=NOBODY)
    overdue = BooleanField(_l("只看超期"))

    def criteria(self) -> dict:
        """The valid filters, as ``filter_letters`` takes them."""
        def ok(field):
            return field.data if not field.errors else None

        return {"status": ok(self.status) or None, "category": ok(self.category) or None,
                "department_id": ok(self.department) or None,
                "overdue": bool(ok(self.overdue))}

    def query_args(self) -> dict:
        """The filters as URL arguments, for page links that keep them."""
        chosen = self.criteria()
        return {"status": chosen["status"], "category": chosen["category"],
                "department": chosen["department_id"],
                "overdue": "y" if chosen["overdue"] else None}


class BulkAcceptForm(FlaskForm):
    letters = SelectMultipleField(coerce=int, validate_choice=False)
    return_to = HiddenField()

    def validate_letters(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("请先勾选要受理的来信。"))
        if any(not 1 <= ident <= MAX_ID for ident in field.data) or len(field.data) > 500:
            raise ValidationError(_l("所选来信无效。"))


# --- actions on a letter -----------------------------------------------------------------

class ActionForm(FlaskForm):
    """One action on a letter; each action's page form says what its text means."""

    text = TextAreaField(_l("说明（可选）"), validators=[Optional(), too_long(TEXT_MAX)])

    def service_fields(self) -> dict:
        """The fields ``services.perform`` takes."""
        return {"text": self.text.data or ""}


def _required_text(label) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(REQUIRED), too_long(TEXT_MAX)])


class AcceptForm(ActionForm):
    text = TextAreaField(_l("受理意见（可选）"), validators=[Optional(), too_long(TEXT_MAX)])


class AssignForm(ActionForm):
    department = SelectField(_l("承办部门"), coerce=int,
                             validators=[InputRequired(_l("请选择承办部门。"))])
    handler = SelectField(_l("承办人"), coerce=int, default=NOBODY, validate_choice=False)
    due_date = DateField(_l("办理期限"), validators=[InputRequired(_l("请填写办理期限。"))])
    text = TextAreaField(_l("交办说明（可选）"), validators=[Optional(), too_long(TEXT_MAX)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Searchable pickers; the handler's offers only the chosen department's people
        # (static/js/pickers.js); the view limits the choices the same way after a submit.
        self.department.render_kw = {"data-picker": "department"}
        self.handler.render_kw = {"data-picker": "person", "data-follows": self.department.id}

    def validate_department(self, field) -> None:
        if field.data == NOBODY:
            raise ValidationError(_l("请选择承办部门。"))

    def validate_handler(self, field) -> None:
        if (not field.data or field.data == NOBODY or self.department.errors
                or self.department.data in (None, NOBODY)):
            return  # no handler chosen, or the department's own error says it
        department = db.session.get(Department, self.department.data)
        person = db.session.get(User, field.data) if 0 < field.data <= MAX_ID else None
        if department is None:
            return
        if person is None or not person.active or person.department_id not in {
                d.id for d in department_subtree(department)}:
            raise ValidationError(_l("承办人必须是承办部门（含下级部门）的在职人员。"))

    def service_fields(self) -> dict:
        handler = db.session.get(User, self.handler.data) if self.handler.data else None
        return {"text": self.text.data or "",
                "department": db.session.get(Department, self.department.data),
                "handler": handler, "due_date": self.due_date.data}


class ResolveForm(ActionForm):
    text = _required_text(_l("办理结果"))


class AnswerForm(ActionForm):
    text = _required_text(_l("答复内容（来信人可见）"))


class RejectForm(ActionForm):
    text = _required_text(_l("不予受理的理由（来信人可见）"))


class ArchiveForm(ActionForm):
    text = TextAreaField(_l("归档说明（可选）"), validators=[Optional(), too_long(TEXT_MAX)])


class ReplyForm(ActionForm):
    text = _required_text(_l("给来信人的留言"))


class NoteForm(ActionForm):
    text = _required_text(_l("内部备注（仅处理人可见）"))


class MessageForm(ActionForm):
    text = _required_text(_l("补充说明"))


class UrgeForm(ActionForm):
    text = TextAreaField(_l("催办说明（可选）"), validators=[Optional(), too_long(TEXT_MAX)])


class ReturnForm(ActionForm):
    text = _required_text(_l("退回理由（总经办可见）"))


class FeedbackForm(ActionForm):
    """The writer's verdict on the answer; also the receipt page's, with the code."""

    satisfied = RadioField(
        _l("您对答复是否满意？"),
        choices=_options(("yes", _l("满意")), ("no", _l("不满意"))),
        validators=[InputRequired(_l("请选择满意或不满意。"))],
        validate_choice=False,
    )
    # no Optional(): it would stop ``validate_reason`` on an empty reason
    reason = TextAreaField(_l("不满意的理由（选“不满意”时必填）"), validators=[too_long(TEXT_MAX)])

    def validate_satisfied(self, field) -> None:
        if field.data not in ("yes", "no"):
            raise ValidationError(_l("请选择满意或不满意。"))

    def validate_reason(self, field) -> None:
        if self.satisfied.data == "no" and not (field.data or "").strip():
            raise ValidationError(_l("请说明不满意的理由，总经办会据此重新办理。"))

    def service_fields(self) -> dict:
        return {"satisfied": self.satisfied.data == "yes", "reason": self.reason.data or ""}


#: The page form of each action ``services.perform`` knows.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    "accept": AcceptForm,
    "assign": AssignForm,
    "resolve": ResolveForm,
    "answer": AnswerForm,
    "reject": RejectForm,
    "archive": ArchiveForm,
    "reply": ReplyForm,
    "note": NoteForm,
    "message": MessageForm,
    "urge": UrgeForm,
    "return": ReturnForm,
    "give_feedback": FeedbackForm,
}
