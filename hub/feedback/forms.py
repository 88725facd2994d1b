"""Forms of the feedback pages: filing a report, and an obligation (admin, HR).  The
services check everything again and have the last word; the choices that come from the
database (departments, people) are filled by the view."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, Optional

from hub.common.forms import REQUIRED, too_long
from hub.feedback.services import BODY_MAX, FILER_LABELS, FREQUENCY_LABELS, NAME_MAX

NONE = ""


def _int_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class FileReportForm(FlaskForm):
    body = TextAreaField(_l("反馈内容"), validators=[InputRequired(REQUIRED), too_long(BODY_MAX)],
                         description=_l("如实填写本期的数据、市场动向、客户意见和建议。"))


class ObligationForm(FlaskForm):
    name = StringField(_l("名称"), validators=[InputRequired(REQUIRED), too_long(NAME_MAX)])
    clause = TextAreaField(_l("制度条款"), validators=[Optional(), too_long(2000)])
    department = SelectField(_l("部门"), coerce=_int_or_none,
                             validators=[InputRequired(REQUIRED)])
    filers = SelectField(_l("由谁提交"), choices=[SelectChoice(k, v)
                                                  for k, v in FILER_LABELS.items()])
    frequency = SelectField(_l("频率"), choices=[SelectChoice(k, v)
                                               for k, v in FREQUENCY_LABELS.items()])
    anchor_month = SelectField(_l("季度中的月份"), coerce=_int_or_none, choices=[
        SelectChoice(NONE, _l("期末（不按月份）")),
        SelectChoice(1, _l("季度第一个月（一、四、七、十月）")),
        SelectChoice(2, _l("季度第二个月")), SelectChoice(3, _l("季度第三个月"))])
    window_days = IntegerField(_l("提交窗口（天）"), validators=[
        InputRequired(REQUIRED), NumberRange(1, 92, _l("请填写 1 到 92 之间的天数。"))],
        description=_l("期末（或所选月份月末）前多少天起可以提交，例如“月末5日内”填 5。"))
    due_days = IntegerField(_l("期末后宽限（天）"), validators=[
        InputRequired(REQUIRED), NumberRange(0, 92, _l("请填写 0 到 92 之间的天数。"))],
        description=_l("期末后多少天内提交算按时；0：期末当天截止。"))
    recipient = SelectField(_l("接收人"), coerce=_int_or_none,
                            description=_l("不选：部门负责人（由负责人提交时为其上级）。"))
    summary_days = IntegerField(_l("汇总期限（天）"), validators=[
        Optional(), NumberRange(1, 92, _l("请填写 1 到 92 之间的天数。"))],
        description=_l("接收人在截止日后多少天内汇总上报（“一周内”填 7）；不填：不汇总。"))
    summary_to = SelectField(_l("汇总上报给"), coerce=_int_or_none,
                             description=_l("不选：接收人的上级（主管副总经理）。"))
    starts_on = DateField(_l("起始日期"), validators=[Optional()],
                          description=_l("截止日在此之前的各期不要求提交。"))
    active = BooleanField(_l("启用"), default=True)
