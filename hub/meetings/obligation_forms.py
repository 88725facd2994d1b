"""Forms of the talk obligations: the month picker, 协作岗位 pairs, appraisal dates, occasion
talks (面谈) and appeals (申诉)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from hub.common.forms import REQUIRED, MonthForm, too_long
from hub.meetings.kinds import KIND_LABELS, OCCASION_KINDS
from hub.meetings.obligations import APPRAISAL_LABELS, REASON_MAX, TITLE_MAX

NOBODY = 0


def _options(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class DepartmentMonthForm(MonthForm):
    """The month and department picker of the compliance lists."""

    department = SelectField(_l("部门"), coerce=int, default=NOBODY, validate_choice=False)


class PairForm(FlaskForm):
    leading = SelectField(_l("主体部门（发起邀请）"), coerce=int,
                          validators=[InputRequired(_l("请选择主体部门。"))])
    partner = SelectField(_l("协作部门"), coerce=int,
                          validators=[InputRequired(_l("请选择协作部门。"))])

    def validate_leading(self, field) -> None:
        if field.data == NOBODY:
            raise ValidationError(_l("请选择主体部门。"))

    def validate_partner(self, field) -> None:
        if field.data == NOBODY:
            raise ValidationError(_l("请选择协作部门。"))
        if field.data == self.leading.data:
            raise ValidationError(_l("请选择与主体部门不同的部门。"))


class AppraisalForm(FlaskForm):
    day = DateField(_l("日期"), validators=[InputRequired(_l("请填写日期。"))])
    kind = SelectField(_l("类别"), choices=_options(("", _l("请选择…")),
                                                   *APPRAISAL_LABELS.items()),
                       validate_choice=False)
    title = StringField(_l("说明（可选）"), validators=[Optional(), too_long(TITLE_MAX)])

    def validate_kind(self, field) -> None:
        if field.data not in APPRAISAL_LABELS:
            raise ValidationError(_l("请选择日期类别。"))


class OccasionForm(FlaskForm):
    employee = SelectField(_l("面谈对象"), coerce=int, validate_choice=False,  # the service checks
                           validators=[InputRequired(_l("请选择面谈对象。"))])
    kind = SelectField(_l("面谈类别"), validate_choice=False, choices=_options(
        ("", _l("请选择…")), *((k, KIND_LABELS[k]) for k in OCCASION_KINDS)))
    due_date = DateField(_l("面谈期限"), validators=[InputRequired(_l("请填写面谈期限。"))])
    reason = TextAreaField(_l("说明（上级可见）"), validators=[Optional(), too_long(REASON_MAX)])

    def validate_employee(self, field) -> None:
        if field.data == NOBODY:
            raise ValidationError(_l("请选择面谈对象。"))

    def validate_kind(self, field) -> None:
        if field.data not in OCCASION_KINDS:
            raise ValidationError(_l("请选择面谈类别。"))


class AppealForm(FlaskForm):
    reason = TextAreaField(_l("申诉事由"), validators=[DataRequired(REQUIRED),
                                                   too_long(REASON_MAX)])
