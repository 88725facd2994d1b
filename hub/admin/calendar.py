"""系统管理 · 工作日历: the admin corrects or extends the Chinese working-day calendar that
every deadline is counted in (holidays and 调休 make-up days the packaged calendar does not
know yet, company days off)."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from hub.admin import bp
from hub.common.time import utcnow
from hub.common.workdays import (
    calendar_overrides,
    clear_calendar_day,
    local_date,
    packaged_covers,
    packaged_special_days,
    set_calendar_day,
)
from hub.extensions import db

MIN_YEAR, MAX_YEAR = 2000, 2100


class CalendarDayForm(FlaskForm):
    day = DateField(_l("日期"), validators=[DataRequired(message=_l("请填写有效的日期。"))])
    kind = RadioField(_l("这一天"), choices=[SelectChoice("off", _l("休息日（节假日）")),
                                          SelectChoice("working", _l("工作日（调休上班）"))],
                      default="off", validators=[InputRequired()])
    note = StringField(_l("说明"), validators=[Length(max=100)])


class ClearDayForm(FlaskForm):
    day = HiddenField(validators=[DataRequired()])


def _year() -> int:
    year = request.args.get("year", type=int)
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        return local_date(utcnow()).year
    return year


def _render(form: CalendarDayForm, year: int):
    return render_template(
        "admin/calendar.html", form=form, year=year, clear_form=ClearDayForm(),
        overrides=calendar_overrides(year), special=packaged_special_days(year),
        covered=packaged_covers(date(year, 1, 1)))


@bp.route("/calendar", methods=["GET", "POST"])
def calendar():
    year = _year()
    form = CalendarDayForm()
    if form.validate_on_submit():
        set_calendar_day(form.day.data, form.kind.data == "working", form.note.data or "")
        db.session.commit()
        flash(_("已保存 %(day)s。", day=form.day.data.isoformat()), "success")
        return redirect(url_for("admin.calendar", year=form.day.data.year))
    return _render(form, year)


@bp.route("/calendar/clear", methods=["POST"])
def calendar_clear():
    form = ClearDayForm()
    try:
        day = date.fromisoformat(form.day.data or "")
    except ValueError:
        day = None
    if form.validate_on_submit() and day is not None:
        clear_calendar_day(day)
        db.session.commit()
        flash(_("已删除 %(day)s 的调整。", day=day.isoformat()), "success")
        return redirect(url_for("admin.calendar", year=day.year))
    flash(_("请求无效，请重试。"), "danger")
    return redirect(url_for("admin.calendar"))
