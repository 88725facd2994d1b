"""Forms of the monthly summary's loop (报送 / 审核 / 退回 / 公布) and of the spot checks."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from hub.common.forms import MonthForm, too_long
from hub.common.months import Month
from hub.meetings.summaries import COMMENT_MAX, SPOT_CHECK_MAX, VERDICT_LABELS


class SummaryMonthForm(MonthForm):
    """The month picker of the summaries list."""


class SummaryStepForm(FlaskForm):
    """One step of a summary; what ``text`` means (the head's comment, the GM's note or
    reason) depends on the step, and the service says whether it is required."""

    text = TextAreaField(_l("说明"), validators=[Optional(), too_long(COMMENT_MAX)])


class SpotCheckForm(FlaskForm):
    month = StringField(_l("抽查月份"), validators=[InputRequired(_l("请填写月份。"))])
    count = StringField(_l("抽查条数"), default="5",
                        validators=[InputRequired(_l("请填写抽查条数。"))])

    def validate_count(self, field) -> None:
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit() and 1 <= int(text) <= SPOT_CHECK_MAX):
            raise ValidationError(_l("抽查数量须在 1 到 %(n)s 之间。", n=SPOT_CHECK_MAX))

    def validate_month(self, field) -> None:
        try:
            Month.parse(field.data)
        except ValueError:
            raise ValidationError(_l("请按“年-月”填写月份，如 2026-03。")) from None


class FindingForm(FlaskForm):
    verdict = RadioField(_l("结论"), choices=[SelectChoice(k, v) for k, v in VERDICT_LABELS.items()],
                         validate_choice=False)
    finding = TextAreaField(_l("发现"), validators=[Optional(), too_long(COMMENT_MAX)])
