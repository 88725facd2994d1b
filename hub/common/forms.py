"""What the feature pages' forms share: limits said next to a field, a service's refusal
put next to the fields it names, and selects of departments and people that work without
JavaScript."""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import Form, SelectChoice, StringField
from wtforms.validators import Length, Optional, ValidationError

from hub.common.attachments import ALLOWED, AttachmentError
from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import User
from hub.org.services import department_tree

REQUIRED = _l("请填写此项。")
#: Services name some fields by their column (``department_id``); the forms by the object.
FIELD_ALIASES = {"department_id": "department", "handler_id": "handler"}


def _valid_month(form, field) -> None:
    try:
        Month.parse(field.data)
    except ValueError:
        raise ValidationError(_l("请按“年-月”填写月份，如 2026-03。")) from None


class MonthForm(FlaskForm):
    """A month picker (statistics, compliance): a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    month = StringField(_l("月份"), validators=[Optional(), _valid_month])

    def chosen_month(self, default: Month | None = None) -> Month:
        """The month asked for; ``default`` (this month) when none or nonsense was asked."""
        if self.month.data and not self.month.errors:
            return Month.parse(self.month.data)
        return default or Month.of(utcnow())


def too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("不能超过 %(n)s 个字符。", n=limit))


def show_error(form: Form, error: Exception) -> None:
    """Put a service's refusal next to the fields it names, or above the form.

    ``error`` is an ``AttachmentError`` (its text is the message) or a feature's own error
    with ``message`` and ``fields`` (``LetterError``, ``ReportError``)."""
    if isinstance(error, AttachmentError):
        form.attachments.errors = [str(error)]
        return
    placed = False
    for name, messages in getattr(error, "fields", {}).items():
        field = getattr(form, FIELD_ALIASES.get(name, name), None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def attachment_limits() -> dict:
    """What an attachment field accepts, to say so next to it."""
    types = sorted(ALLOWED)
    return {"files": current_app.config["ATTACHMENT_MAX_FILES"],
            "mb": current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024),
            "types": types, "accept": ",".join("." + t for t in types)}


def department_choices() -> list[SelectChoice]:
    """The department tree as options, indented by depth."""
    return [SelectChoice(d.id, "\u3000" * depth + d.name) for d, depth in department_tree()]


def people_choices(people: Iterable[User] | None = None) -> list[SelectChoice]:
    """``people`` (everybody active when None) as options grouped by department
    (``市场部 · 华东销售组``) in tree order, so that a plain select is easy to find one's way
    in without a search box."""
    if people is None:
        people = db.session.scalars(select(User).where(User.active.is_(True)))
    by_department: dict[int, list[User]] = {}
    for person in sorted(people, key=lambda p: (p.name, p.id)):
        by_department.setdefault(person.department_id, []).append(person)
    choices: list[SelectChoice] = []
    path: list[str] = []
    line: list[str] = []
    for dept, depth in department_tree():
        path[depth:] = [dept.name]
        line[depth:] = [str(dept.id)]
        group = " · ".join(path)
        # data-departments: the department line, so a picker can offer only the people of a
        # chosen department and its sub-departments (static/js/pickers.js)
        departments = " ".join(reversed(line))
        choices += [SelectChoice(p.id, f"{p.name}（{p.title}）" if p.title else p.name,
                                 render_kw={"data-departments": departments,
                                            # pinyin keys, when the directory keeps them
                                            "data-keys": getattr(p, "name_keys", None) or ""},
                                 optgroup=group) for p in by_department.pop(dept.id, [])]
    return choices
