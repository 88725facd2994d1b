"""Forms of the talk pages: proposing a meeting, answering it, logging a talk, confirming it.

Times in forms are company time (``datetime-local``); the views turn them into naive UTC.
The services check everything again and have the last word; the limits here only put the
message next to the field.  People selects are filled by the view.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from hub.common.forms import REQUIRED, too_long
from hub.meetings.kinds import KIND_LABELS
from hub.meetings.services import (
    AGENDA_MAX,
    COMMENT_MAX,
    DEFAULT_DURATION,
    DURATION_MAX,
    DURATION_MIN,
    ITEM_MAX,
    LOCATION_MAX,
    TEXT_MAX,
)

NOBODY = 0
TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class LocalTimeField(DateTimeLocalField):
    """A ``datetime-local`` input with a message of our own for what does not parse."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("请按“年-月-日 时:分”填写时间。")) from error


def kind_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("请选择…"))] + [SelectChoice(k, v) for k, v in KIND_LABELS.items()]


def _duration() -> IntegerField:
    return IntegerField(
        _l("时长（分钟）"), default=DEFAULT_DURATION,
        validators=[InputRequired(_l("请填写时长。")),
                    NumberRange(DURATION_MIN, DURATION_MAX,
                                _l("时长应在 %(min)s 到 %(max)s 分钟之间。"))])


class _PersonKindForm(FlaskForm):
    kind = SelectField(_l("沟通类别"), choices=kind_choices, validate_choice=False,
                       validators=[InputRequired(_l("请选择沟通类别。"))])
    with_user = SelectField(_l("沟通对象"), coerce=int, default=NOBODY, validate_choice=False,
                            render_kw={"data-picker": "person"})

    def validate_kind(self, field) -> None:
        if field.data not in KIND_LABELS:
            raise ValidationError(_l("请从列表中选择沟通类别。"))

    def validate_with_user(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("请选择沟通对象。"))


class MeetingForm(_PersonKindForm):
    start = LocalTimeField(_l("开始时间"), format=TIME_FORMATS,
                               validators=[InputRequired(_l("请填写开始时间。"))])
    duration_minutes = _duration()
    location = StringField(_l("地点（可选）"), validators=[Optional(), too_long(LOCATION_MAX)])
    agenda = TextAreaField(_l("议题（可选，双方可见）"),
                           validators=[Optional(), too_long(AGENDA_MAX)])
    #: a free slot's button (the free-time look-up lists them): a look-up, never saved;
    #: its value fills the start time (one that does not parse is ignored)
    slot = StringField()

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        if self.slot.data:
            try:
                self.start.process_formdata([self.slot.data])
            except ValueError:
                return
            self.start.raw_data = [self.slot.data]


class RespondForm(FlaskForm):
    """Accept / decline / another time: the buttons carry ``response``."""

    response = StringField()
    start = LocalTimeField(_l("建议的新时间"), format=TIME_FORMATS, validators=[Optional()])

    def validate_response(self, field) -> None:
        if field.data not in ("accept", "decline", "propose"):
            raise ValidationError(_l("请选择接受、谢绝或建议其他时间。"))

    def validate(self, extra_validators=None) -> bool:
        # Not an inline validator: Optional() stops the field's chain when it is empty.
        valid = super().validate(extra_validators)
        if valid and self.response.data == "propose" and self.start.data is None:
            self.start.errors = [_l("请填写建议的新时间。")]
            return False
        return valid


class ActionItemForm(Form):
    text = StringField(_l("待办事项"), validators=[Optional(), too_long(ITEM_MAX)])
    # 负责人 of an action item is its owner, not a department's head
    owner = SelectField(lazy_pgettext("待办事项", "负责人"),
                        choices=[SelectChoice("other", _l("对方")),
                                 SelectChoice("me", _l("我"))],
                        default="other")
    due_date = DateField(_l("完成期限"), validators=[Optional()])


class TalkForm(_PersonKindForm):
    held_at = LocalTimeField(_l("沟通时间"), format=TIME_FORMATS,
                                 validators=[InputRequired(_l("请填写沟通时间。"))])
    duration_minutes = _duration()
    topics = TextAreaField(_l("沟通内容"), validators=[InputRequired(REQUIRED),
                                                     too_long(TEXT_MAX)])
    agreements = TextAreaField(_l("达成的共识（可选）"), validators=[Optional(),
                                                               too_long(TEXT_MAX)])
    items = FieldList(FormField(ActionItemForm), min_entries=3, max_entries=20)
    done_items = SelectMultipleField(_l("以前的待办事项：已完成的请勾选"), coerce=int,
                                     validate_choice=False)
    private_note = TextAreaField(_l("个人备注（仅自己可见）"),
                                 validators=[Optional(), too_long(TEXT_MAX)])
    meeting = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(1, 2**31 - 1)])


class AcknowledgeForm(FlaskForm):
    comment = TextAreaField(_l("意见（可选）"), validators=[Optional(), too_long(COMMENT_MAX)])


class CompleteItemForm(FlaskForm):
    """Only the CSRF token: the item is in the URL."""
