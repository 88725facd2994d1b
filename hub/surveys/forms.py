"""Forms of the survey pages: HR's questionnaire builder and the answer form built from a
survey's questions.  Times are typed in the company's timezone; the services check
everything again and have the last word (the answer form has no rules of its own: the
service's refusals are shown next to each question)."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from hub.common.forms import REQUIRED, too_long
from hub.common.time import company_tz, to_local
from hub.surveys.access import Audience
from hub.surveys.models import SCALE
from hub.surveys.services import (
    DESCRIPTION_MAX,
    QUESTION_KIND_LABELS,
    ROLE_LABELS,
    SCALE_LABELS,
    TITLE_MAX,
    QuestionSpec,
)

TIME_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
BAD_TIME = _l("请填写有效的日期和时间。")
#: Empty question rows a new questionnaire starts with, and how many "再加" adds.
BLANK_QUESTIONS = 5


def to_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=company_tz()).astimezone(UTC).replace(tzinfo=None)


def to_form(value: datetime | None) -> datetime | None:
    local = to_local(value)
    return local.replace(tzinfo=None, second=0, microsecond=0) if local else None


def _sane_year(form, field) -> None:
    if field.data is not None and not 2000 <= field.data.year <= 9000:
        raise ValidationError(BAD_TIME)


class QuestionForm(Form):
    text = StringField(_l("题目"), validators=[Optional(), too_long(500)])
    kind = SelectField(_l("题型"), choices=[SelectChoice(k, v) for k, v in
                                          QUESTION_KIND_LABELS.items()],
                       default="scale", validate_choice=False)
    options = TextAreaField(_l("选项（单选题，每行一个）"), validators=[Optional(), too_long(2200)])

    def validate_kind(self, field) -> None:
        if field.data not in QUESTION_KIND_LABELS:
            raise ValidationError(_l("请从列表中选择题型。"))


class SurveyForm(FlaskForm):
    kind = HiddenField(default="standard")
    title = StringField(_l("标题"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])
    description = TextAreaField(_l("说明"), validators=[Optional(), too_long(DESCRIPTION_MAX)],
                                description=_l("可选。写给填写人：调查的目的、匿名方式、结果如何使用。"))
    everyone = BooleanField(_l("全公司"))
    departments = SelectMultipleField(_l("部门（含下级部门）"), coerce=int, choices=[],
                                      validate_choice=False,
                                      render_kw={"data-picker": "departments"})
    roles = SelectMultipleField(_l("角色"), validate_choice=False,
                                choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])
    opens_at = DateTimeLocalField(_l("开始时间"), format=TIME_FORMAT,
                                  validators=[Optional(), _sane_year],
                                  description=_l("可选。不填则立即开始。"))
    closes_at = DateTimeLocalField(_l("截止时间"), format=TIME_FORMAT,
                                   validators=[InputRequired(_l("请填写截止时间。")), _sane_year])
    questions = FieldList(FormField(QuestionForm), min_entries=BLANK_QUESTIONS, max_entries=50)
    more = SubmitField(_l("再加5道题"))

    def validate_roles(self, field) -> None:
        if any(r not in ROLE_LABELS for r in field.data or []):
            raise ValidationError(_l("请从列表中选择角色。"))

    def validate_departments(self, field) -> None:
        allowed = {c.value for c in self.departments.choices}
        if any(d not in allowed for d in field.data or []):
            raise ValidationError(_l("请从列表中选择部门。"))

    def add_blank_questions(self) -> None:
        for _ in range(BLANK_QUESTIONS):
            if len(self.questions.entries) < self.questions.max_entries:
                self.questions.append_entry()

    def question_specs(self) -> list[QuestionSpec]:
        """The filled rows (an empty row is skipped)."""
        specs = []
        for entry in self.questions.entries:
            text = (entry.form.text.data or "").strip()
            if not text:
                continue
            options = (entry.form.options.data or "").splitlines()
            specs.append(QuestionSpec(text, entry.form.kind.data, options))
        return specs

    def fill(self, survey) -> None:
        """A survey's values in the form (the edit page)."""
        from hub.surveys.access import audience_of

        audience = audience_of(survey)
        self.kind.data = survey.kind
        self.title.data, self.description.data = survey.title, survey.description
        self.everyone.data = audience.everyone
        self.departments.data = list(audience.department_ids)
        self.roles.data = list(audience.roles)
        self.opens_at.data, self.closes_at.data = to_form(survey.opens_at), to_form(survey.closes_at)
        self.fill_questions([QuestionSpec(q.text, q.kind, list(q.options or []))
                             for q in survey.questions])

    def fill_questions(self, specs: list[QuestionSpec]) -> None:
        while len(self.questions.entries):
            self.questions.pop_entry()
        for spec in specs:
            self.questions.append_entry({"text": spec.text, "kind": spec.kind,
                                         "options": "\n".join(spec.options)})
        self.add_blank_questions()

    @property
    def chosen_audience(self) -> Audience:
        return Audience(everyone=bool(self.everyone.data),
                        department_ids=tuple(self.departments.data or ()),
                        roles=tuple(self.roles.data or ()))

    def service_fields(self) -> dict:
        return {"title": self.title.data or "", "description": self.description.data or "",
                "questions": self.question_specs(), "audience": self.chosen_audience,
                "opens_at": to_utc(self.opens_at.data), "closes_at": to_utc(self.closes_at.data)}


class CloseForm(FlaskForm):
    """"结束问卷" (only the CSRF token)."""


def answer_form(survey, formdata=None):
    """The answer form of ``survey``: a field ``q<id>`` per question (radio buttons for a
    score or an option, a text area for text)."""

    class AnswerForm(FlaskForm):
        pass

    for question in survey.questions:
        name = f"q{question.id}"
        if question.kind == "scale":
            field = RadioField(question.text, choices=[SelectChoice(str(s), SCALE_LABELS[s]) for s in SCALE],
                               validate_choice=False)
        elif question.kind == "choice":
            field = RadioField(question.text, choices=[SelectChoice(o, o) for o in question.options],
                               validate_choice=False)
        else:
            field = TextAreaField(question.text)
        setattr(AnswerForm, name, field)
    return AnswerForm() if formdata is None else AnswerForm(formdata=formdata)


def answers_of(form, survey) -> dict:
    """The answers of an answer form, question id → value, as the service takes them."""
    found = {}
    for question in survey.questions:
        value = form[f"q{question.id}"].data
        if value not in (None, "", "None"):
            found[question.id] = value
    return found
