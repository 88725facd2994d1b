"""Oversight pages of the report inbox: statistics (HR and the heads of handling units), the
year-end reward list, and each unit's audit log (its head only), each with an Excel export.

For anybody else these pages do not exist (404).  They are GETs with the year or the unit
in the URL, so a page is a link one can bookmark; the exports of the audit log and of the
reward list are written to the audit log themselves.

URLs::

    /suggestions/stats?year=          统计 (by kind, month, status, the filer's department)
    /suggestions/stats.xlsx?year=
    /suggestions/rewards?year=        年终奖励名单
    /suggestions/rewards.xlsx?year=
    /suggestions/audit?unit=&page=    审计日志 of a unit (its code)
    /suggestions/audit.xlsx?unit=
"""
from __future__ import annotations

from decimal import Decimal

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func
from sqlalchemy.orm import joinedload, lazyload
from wtforms import StringField
from wtforms.validators import Optional, ValidationError

from hub.common.spreadsheets import xlsx_response
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.org.directory import Page
from hub.org.models import HandlingUnit
from hub.suggestions import bp
from hub.suggestions.access import audit_stmt, can_view_rewards, report_desk
from hub.suggestions.models import Report, ReportAudit
from hub.suggestions.services import SMALL_CELL, can_view_report_stats, rewards_stmt
from hub.suggestions.stats import (
    AUDIT_ACTIONS,
    FIRST_YEAR,
    LAST_YEAR,
    audit_detail,
    audit_workbook,
    readable_audit_units,
    report_numbers,
    report_stats,
    rewards_workbook,
    stats_workbook,
)

AUDIT_PER_PAGE = 100
REWARDS_PER_PAGE = 100

#: Which oversight tabs a person sees (the pages themselves check again).
bp.add_app_template_global(can_view_report_stats, "report_stats_allowed")
bp.add_app_template_global(lambda user: bool(readable_audit_units(user)),
                           "report_audit_allowed")
bp.add_app_template_global(can_view_rewards, "report_rewards_allowed")
#: Where the navigation's 事项处理 leads (the queue, the GM office's statistics, nowhere).
bp.add_app_template_global(report_desk, "report_desk_page")


def _valid_year(form, field) -> None:
    text = (field.data or "").strip()
    if not (text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise ValidationError(_l("请填写 %(first)s 至 %(last)s 之间的年份，如 2026。",
                                 first=FIRST_YEAR, last=LAST_YEAR))


class YearForm(FlaskForm):
    """The year picker: a GET form, so it carries no CSRF token."""

    class Meta:
        csrf = False

    year = StringField(_l("年度"), validators=[Optional(), _valid_year])

    def chosen_year(self) -> int:
        """The year asked for; this year when none (or nonsense) was asked for."""
        if self.year.data and not self.year.errors:
            return int(self.year.data.strip())
        return local_date(utcnow()).year


def _year_form(allowed=can_view_report_stats) -> YearForm:
    if not allowed(current_user):
        abort(404)
    form = YearForm(formdata=request.args)
    form.validate()
    return form


def _export_year(form: YearForm) -> int:
    if form.year.errors:  # a file of another year than the one asked for would mislead
        abort(400, form.year.errors[0])
    return form.chosen_year()


# --- statistics --------------------------------------------------------------------------------

@bp.route("/stats")
def stats():
    form = _year_form()
    year = form.chosen_year()
    return render_template("suggestions/stats.html", form=form, year=year,
                           stats=report_stats(current_user, year),
                           this_year=local_date(utcnow()).year, small_cell=SMALL_CELL)


@bp.route("/stats.xlsx")
def stats_xlsx():
    year = _export_year(_year_form())
    return xlsx_response(stats_workbook(report_stats(current_user, year)),
                         f"report-stats-{year}.xlsx",
                         _("建议与举报统计-%(year)s.xlsx", year=year))


# --- the reward list -----------------------------------------------------------------------------

@bp.route("/rewards")
def rewards():
    """The year's adopted suggestions and their rewards.  Filers' names are in the export
    only, which is audited."""
    form = _year_form(can_view_rewards)
    year = form.chosen_year()
    stmt = rewards_stmt(current_user, year)
    # The count and the sum of the whole list in SQL, and one page of it.
    count, total = db.session.execute(stmt.with_only_columns(
        func.count(Report.id), func.coalesce(func.sum(Report.reward_amount), 0))
        .order_by(None)).one()
    number = max(1, min(request.args.get("page", 1, type=int), 10_000))
    rows = db.session.scalars(stmt.order_by(Report.number).limit(REWARDS_PER_PAGE)
                              .offset((number - 1) * REWARDS_PER_PAGE).options(lazyload("*")))
    page = Page(list(rows), count, number, REWARDS_PER_PAGE)
    return render_template("suggestions/rewards.html", form=form, year=year,
                           reports=page.items, page=page, total=Decimal(total),
                           this_year=local_date(utcnow()).year)


@bp.route("/rewards.xlsx")
def rewards_xlsx():
    year = _export_year(_year_form(can_view_rewards))
    data = rewards_workbook(current_user, year)
    db.session.commit()
    return xlsx_response(data, f"suggestion-rewards-{year}.xlsx",
                         _("合理化建议年终奖励-%(year)s.xlsx", year=year))


# --- the audit log -------------------------------------------------------------------------------

def _audit_unit() -> tuple[HandlingUnit, list[HandlingUnit]]:
    """The unit asked for (by code; the first one the person heads when none) and every unit
    whose log the person may read; 404 for anybody who heads none of them."""
    units = readable_audit_units(current_user)
    code = request.args.get("unit")
    unit = next((u for u in units if u.code == code), None) if code else \
        (units[0] if units else None)
    if unit is None:
        abort(404)
    return unit, units


@bp.route("/audit")
def audit_log():
    unit, units = _audit_unit()
    stmt = audit_stmt(current_user, unit)
    number = max(1, min(request.args.get("page", 1, type=int), 10_000))
    total = db.session.scalar(stmt.with_only_columns(func.count()).order_by(None))
    rows = db.session.scalars(stmt.options(joinedload(ReportAudit.actor).lazyload("*"))
                              .limit(AUDIT_PER_PAGE).offset((number - 1) * AUDIT_PER_PAGE))
    page = Page(list(rows), total, number, AUDIT_PER_PAGE)
    return render_template("suggestions/audit.html", unit=unit, units=units, page=page,
                           numbers=report_numbers(page.items), actions=AUDIT_ACTIONS,
                           detail=audit_detail)


@bp.route("/audit.xlsx")
def audit_xlsx():
    unit, _units = _audit_unit()
    data = audit_workbook(current_user, unit)
    db.session.commit()
    return xlsx_response(data, f"report-audit-{unit.code}.xlsx",
                         _("审计日志-%(unit)s.xlsx", unit=unit.name))
