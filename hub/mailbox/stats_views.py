"""The GM office's monthly statistics of the mailbox and their Excel export (SPEC §1).

Only the GM office may see them; for everybody else the pages do not exist (404).  Both are
GETs with the month in the URL, so a month's figures are a link one can bookmark or share.
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from hub.common.forms import MonthForm
from hub.common.months import Month
from hub.common.spreadsheets import xlsx_response
from hub.common.time import utcnow
from hub.mailbox import bp
from hub.mailbox.stats import export_workbook, monthly_stats
from hub.org.permissions import is_gm_office


def _month_form() -> MonthForm:
    if not is_gm_office(current_user):
        abort(404)
    form = MonthForm(formdata=request.args)
    form.validate()
    return form


@bp.route("/stats")
def stats():
    form = _month_form()
    month = form.chosen_month()
    return render_template("mailbox/stats.html", form=form, month=month,
                           stats=monthly_stats(month), this_month=Month.of(utcnow()))


@bp.route("/stats.xlsx")
def stats_xlsx():
    form = _month_form()
    if form.month.errors:  # a file of another month than the one asked for would mislead
        abort(400, form.month.errors[0])
    month = form.chosen_month()
    return xlsx_response(export_workbook(monthly_stats(month)), f"gm-mailbox-{month}.xlsx",
                         _("总经理信箱月度统计-%(month)s.xlsx", month=month))
