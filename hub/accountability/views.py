"""Pages of the accountability register (thin: form → service → render).

URLs::

    /accountability/                       the entries I may see (mine; my departments'; all)
    /accountability/<id>                   one entry, its history and my steps
    /accountability/<id>/<action>          one step (POST): excuse, penalise, withdraw,
                                           uphold (HR), appeal (the person)
    /accountability/bulletin?month=        the month's 通报 (GM office, HR)
    /accountability/bulletin.xlsx?month=   its Excel export
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from hub.accountability import bp
from hub.accountability.access import (
    ACTIONS,
    can_view_bulletin,
    entry_view,
    entry_views,
    visible_entries,
)
from hub.accountability.forms import ALL, EntryFilterForm, MonthForm, step_form
from hub.accountability.labels import ACTION_LABELS
from hub.accountability.services import (
    EntryError,
    bulletin,
    bulletin_workbook,
    entry_with_history,
    filter_entries,
    page_of_entries,
    perform,
)
from hub.common.forms import department_choices
from hub.common.months import Month
from hub.common.spreadsheets import workbook, xlsx_response
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.directory import Page

PER_PAGE = 30


@bp.route("/")
def index():
    form = EntryFilterForm(formdata=request.args)
    form.department.choices = [SelectChoice(ALL, _("全部部门"))] + department_choices()
    form.validate()
    stmt = filter_entries(visible_entries(current_user), **form.criteria())
    number = form.page_number()
    items, total = page_of_entries(stmt, number, PER_PAGE)
    return render_template("accountability/index.html", form=form,
                           entries=entry_views(current_user, items),
                           page=Page(items, total, number, PER_PAGE),
                           query_args=form.query_args(),
                           bulletin=can_view_bulletin(current_user))


def _forms(view, failed: str | None = None, form=None) -> dict:
    return {action: (form if action == failed else step_form(action))
            for action in ACTIONS if view.may(action)}


@bp.route("/<id:entry_id>")
def entry(entry_id: int):
    found = entry_with_history(entry_id, current_user)
    view = entry_view(current_user, found)
    return render_template("accountability/entry.html", entry=view, forms=_forms(view),
                           labels=ACTION_LABELS)


@bp.route("/<id:entry_id>/<action>", methods=["POST"])
def act(entry_id: int, action: str):
    found = entry_with_history(entry_id, current_user)
    if action not in ACTIONS:
        abort(404)
    form = step_form(action)
    problem = None
    if form.validate_on_submit():
        try:
            perform(found, current_user, action, form.text.data)
        except EntryError as exc:
            db.session.rollback()
            problem = exc.message
        else:
            db.session.commit()
            flash(_("已%(action)s。", action=ACTION_LABELS[action]), "success")
            return redirect(url_for("accountability.entry", entry_id=entry_id))
    found = entry_with_history(entry_id, current_user)
    view = entry_view(current_user, found)
    return render_template("accountability/entry.html", entry=view,
                           forms=_forms(view, action, form), labels=ACTION_LABELS,
                           problem=problem), 400


def _month() -> tuple[MonthForm, Month]:
    form = MonthForm(formdata=request.args)
    this = Month.of(utcnow())
    if not form.validate() or not form.month.data:
        return form, this
    try:
        return form, Month.parse(form.month.data)
    except ValueError:
        form.month.errors = [_("月份的格式为 YYYY-MM。")]
        return form, this


@bp.route("/bulletin")
def bulletin_page():
    if not can_view_bulletin(current_user):
        abort(404)
    form, month = _month()
    groups = bulletin(month)
    views = {v.id: v for v in entry_views(current_user, [e for g in groups for e in g.entries])}
    return render_template("accountability/bulletin.html", form=form, month=month,
                           groups=groups, views=views)


@bp.route("/bulletin.xlsx")
def bulletin_export():
    if not can_view_bulletin(current_user):
        abort(404)
    _form, month = _month()
    groups = bulletin(month)
    views = {v.id: v for v in entry_views(current_user, [e for g in groups for e in g.entries])}
    data = workbook(bulletin_workbook(month, groups, views))
    return xlsx_response(data, f"accountability-{month}.xlsx", _("责任追究通报-%(m)s.xlsx", m=str(month)))
