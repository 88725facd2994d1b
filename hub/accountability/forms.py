"""Forms of the register's pages: the list's filters, one form per step, the 通报's month."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, Regexp

from hub.accountability.labels import STATUS_LABELS
from hub.accountability.services import TEXT_MAX
from hub.common.forms import REQUIRED, too_long
from hub.directory.forms import PageForm

ALL = 0


class EntryFilterForm(PageForm):
    """The filters above the list (GET, no CSRF token); a wrong value filters nothing."""

    status = SelectField(_l("状态"), default="", choices=[
        SelectChoice("", _l("全部状态")), *(SelectChoice(k, v) for k, v in STATUS_LABELS.items()),
        SelectChoice("appealed", _l("申诉待答复"))])
    department = SelectField(_l("部门"), coerce=int, default=ALL)

    def criteria(self) -> dict:
        def ok(field):
            return field.data if not field.errors else None

        return {"status": ok(self.status) or None, "department_id": ok(self.department) or None}

    def query_args(self) -> dict:
        chosen = self.criteria()
        return {"status": chosen["status"], "department": chosen["department_id"]}


#: The step → the label of its text field.
TEXT_LABELS = {
    "excuse": _l("免责理由"),
    "penalise": _l("处罚决定"),
    "withdraw": _l("撤销理由"),
    "uphold": _l("答复申诉（维持原决定的理由）"),
    "appeal": _l("申诉理由"),
}


class StepForm(FlaskForm):
    text = TextAreaField(_l("说明"), validators=[DataRequired(REQUIRED), too_long(TEXT_MAX)])


def step_form(action: str, **kwargs) -> StepForm:
    form = StepForm(prefix=action, **kwargs)
    form.text.label.text = TEXT_LABELS[action]
    return form


class MonthForm(FlaskForm):
    class Meta:
        csrf = False

    month = StringField(_l("月份"), validators=[Optional(), Regexp(
        r"^\d{4}-\d{2}$", message=_l("月份的格式为 YYYY-MM。"))])
