"""Forms of the announcement pages.

Times are typed in the company's timezone (``datetime-local`` inputs) and handed to the
services as naive UTC.  The services check everything again and have the last word; the
choices that come from the database (departments) are filled by the view.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from hub.announcements.services import BODY_MAX, KIND_LABELS, ROLE_LABELS, TITLE_MAX, Audience
from hub.common.forms import REQUIRED, too_long
from hub.common.time import company_tz, to_local
from hub.directory.forms import PageForm

TIME_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
BAD_TIME = _l("请填写有效的日期和时间。")


def _options(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def to_utc(value: datetime | None) -> datetime | None:
    """A company-local time from a form as the naive UTC the database keeps."""
    if value is None:
        return None
    return value.replace(tzinfo=company_tz()).astimezone(timezone.utc).replace(tzinfo=None)


def to_form(value: datetime | None) -> datetime | None:
    """A stored time as the company-local value a form shows."""
    local = to_local(value)
    return local.replace(tzinfo=None, second=0, microsecond=0) if local else None


def _sane_year(form, field) -> None:
    if field.data is not None and not 2000 <= field.data.year <= 9000:
        raise ValidationError(BAD_TIME)


def _time_field(label, description=None) -> DateTimeLocalField:
    return DateTimeLocalField(label, format=TIME_FORMAT, validators=[Optional(), _sane_year],
                              description=description or "")


class _TimesForm(FlaskForm):
    expires_at = _time_field(_l("失效时间"), _l("可选。到期后公告离开公告栏，仍可在归档中查看。"))
    pinned = BooleanField(_l("置顶"))
    pinned_until = _time_field(_l("置顶截止"), _l("可选。不填则一直置顶。"))


class PublishForm(_TimesForm):
    title = StringField(_l("标题"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])
    kind = SelectField(_l("类型"), choices=[], validators=[InputRequired(_l("请选择类型。"))],
                       validate_choice=False)
    body = TextAreaField(_l("正文"), validators=[DataRequired(REQUIRED), too_long(BODY_MAX)])
    attachments = MultipleFileField(_l("附件"))
    everyone = BooleanField(_l("全公司"))
    departments = SelectMultipleField(_l("部门（含下级部门）"), coerce=int, choices=[],
                                      validate_choice=False,
                                      render_kw={"data-picker": "departments"})
    roles = SelectMultipleField(_l("角色"), validate_choice=False,
                                choices=_options(*ROLE_LABELS.items()))
    requires_confirmation = BooleanField(_l("需要确认（每人确认“已阅读并遵守”）"))
    publish_at = _time_field(_l("定时发布"), _l("可选。不填则立即发布；到时才出现在公告栏并通知。"))
    interruption = BooleanField(_l("停水、停电等中断通知（须至少提前 24 小时发布）"))
    event_at = _time_field(_l("事件时间"), _l("中断开始的时间。"))
    urgent = BooleanField(_l("情况特别紧急，不足 24 小时发布"))
    urgent_reason = TextAreaField(_l("紧急原因"), validators=[Optional(), too_long(500)])

    def validate(self, extra_validators=None) -> bool:
        """A notice of an interruption needs its event time, and an urgent one its reason
        (checked here: an empty field stops its own validators at ``Optional()``)."""
        valid = super().validate(extra_validators)
        if not self.interruption.data:
            return valid
        if self.event_at.data is None and not self.event_at.errors:
            self.event_at.errors = [*self.event_at.errors, _l("请填写事件时间。")]
            valid = False
        if self.urgent.data and not (self.urgent_reason.data or "").strip():
            self.urgent_reason.errors = [*self.urgent_reason.errors, _l("请说明紧急原因。")]
            valid = False
        return valid

    def validate_kind(self, field) -> None:
        if field.data not in KIND_LABELS or field.data not in [c.value for c in
                                                                self.kind.choices]:
            raise ValidationError(_l("请从列表中选择类型。"))

    def validate_roles(self, field) -> None:
        if any(r not in ROLE_LABELS for r in field.data or []):
            raise ValidationError(_l("请从列表中选择角色。"))

    def validate_departments(self, field) -> None:
        allowed = {c.value for c in self.departments.choices}
        if any(d not in allowed for d in field.data or []):
            raise ValidationError(_l("请从列表中选择部门。"))

    @property
    def chosen_audience(self) -> Audience:
        return Audience(everyone=bool(self.everyone.data),
                        department_ids=tuple(self.departments.data or ()),
                        roles=tuple(self.roles.data or ()))

    def service_fields(self) -> dict:
        return {"title": self.title.data, "body": self.body.data, "kind": self.kind.data,
                "audience": self.chosen_audience,
                "requires_confirmation": bool(self.requires_confirmation.data),
                "publish_at": to_utc(self.publish_at.data),
                "expires_at": to_utc(self.expires_at.data), "pinned": bool(self.pinned.data),
                "pinned_until": to_utc(self.pinned_until.data),
                "uploads": self.attachments.data,
                "event_at": to_utc(self.event_at.data) if self.interruption.data else None,
                "urgent_reason": self.urgent_reason.data
                if self.interruption.data and self.urgent.data else None}


class EditForm(_TimesForm):
    title = StringField(_l("标题"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])
    body = TextAreaField(_l("正文"), validators=[DataRequired(REQUIRED), too_long(BODY_MAX)])
    publish_at = _time_field(_l("定时发布"), _l("尚未发布时可以修改；不填则保持原定时间。"))

    def service_fields(self) -> dict:
        return {"title": self.title.data, "body": self.body.data,
                "expires_at": to_utc(self.expires_at.data), "pinned": bool(self.pinned.data),
                "pinned_until": to_utc(self.pinned_until.data),
                "publish_at": to_utc(self.publish_at.data)}


class ConfirmForm(FlaskForm):
    """"已阅读并遵守" (only the CSRF token)."""


class RemindForm(FlaskForm):
    """"提醒未确认人员" (only the CSRF token)."""


class DigestForm(FlaskForm):
    digest = BooleanField(_l("每天一封摘要邮件，代替每条公告一封邮件"))


class FeedFilterForm(PageForm):
    kind = SelectField(_l("类型"), default="",
                       choices=_options(("", _l("全部类型")), *KIND_LABELS.items()))
    pending = BooleanField(_l("只看待确认"))
    archive = BooleanField(_l("包括已失效（归档）"))

    def criteria(self) -> dict:
        return {"kind": self.kind.data if not self.kind.errors and self.kind.data else None,
                "pending": bool(self.pending.data), "archive": bool(self.archive.data)}

    def query_args(self) -> dict:
        chosen = self.criteria()
        return {"kind": chosen["kind"], "pending": "y" if chosen["pending"] else None,
                "archive": "y" if chosen["archive"] else None}


class ConfirmationFilterForm(PageForm):
    department = SelectField(_l("部门"), coerce=int, default=0, choices=[])
