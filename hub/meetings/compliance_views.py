"""Pages of the talk obligations: what I owe and am owed, compliance, the monthly summary,
the 协作岗位 and appraisal-date configuration, occasion talks and appeals.

Thin: every rule (what is owed, who may see it) lives in ``hub.meetings.obligations``.  A
page the person may not use does not exist for them (404).

URLs::

    /talks/due                      我的沟通待办 (everybody)
    /talks/compliance               执行情况 per manager (managers, heads, GM office)
    /talks/compliance/<user_id>     one person's obligations
    /talks/summary(.xlsx)           月汇总 (GM office)
    /talks/config                   协作部门与考核日期 (admin, HR)
    /talks/occasions/new            发起面谈 (HR, managers)
    /talks/appeal                   申请隔级沟通 (everybody)
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import Undefined
from sqlalchemy.orm import lazyload
from wtforms import SelectChoice

from hub.common.forms import department_choices, people_choices, show_error
from hub.common.months import Month
from hub.common.spreadsheets import workbook, xlsx_response
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.meetings import bp
from hub.meetings import obligations as ob
from hub.meetings.access import may_view_summaries
from hub.meetings.kinds import KIND_LABELS
from hub.meetings.obligation_forms import (
    NOBODY,
    AppealForm,
    AppraisalForm,
    DepartmentMonthForm,
    OccasionForm,
    PairForm,
)
from hub.meetings.obligation_models import AppraisalDate, CrossTeamPair
from hub.org.models import Department, User
from hub.org.permissions import is_hr
from hub.org.services import department_tree, direct_reports, skip_level_of


def _this_month() -> Month:
    return Month.of(utcnow())


def _month_form(tree: list[tuple[Department, int]] | None = None) -> DepartmentMonthForm:
    """The month (and, given the department ``tree``, the department) asked for."""
    form = DepartmentMonthForm(formdata=request.args)
    if tree is not None:  # ``department_choices()``, from the tree the page has already
        form.department.choices = [SelectChoice(NOBODY, _("全部部门"))] + [
            SelectChoice(d.id, "\u3000" * depth + d.name) for d, depth in tree]
    form.validate()
    return form


def _subtree_ids(tree: list[tuple[Department, int]], top: Department) -> set[int]:
    """``top`` and every department under it, from the loaded tree."""
    ids = {top.id}
    for dept, _depth in tree:  # parents come before their children in tree order
        if dept.parent_id in ids:
            ids.add(dept.id)
    return ids


# Jinja globals rather than a context processor: the talk pages' shared tab macro (imported
# without context) sees them too.

@bp.app_template_global("obligation_propose_url")
def propose_url(item, viewer) -> str | None:
    """The meeting-proposal page for an obligation the viewer is the senior side of."""
    if "meetings.new_meeting" not in current_app.view_functions or \
            viewer.id != item.senior.id or item.status in ("held", "scheduled"):
        return None
    return url_for("meetings.new_meeting", kind=item.kind, **{"with": item.junior.id})


@bp.app_template_global("obligation_log_url")
def log_url(item, viewer) -> str | None:
    """The talk-log form for an obligation the viewer is the senior side of."""
    if "meetings.new_talk" not in current_app.view_functions or \
            viewer.id != item.senior.id or item.status == "held":
        return None
    return url_for("meetings.new_talk", kind=item.kind, **{"with": item.junior.id})


@bp.app_template_global("obligation_tabs")
def obligation_tabs(user=None) -> list[tuple[str, str, str]]:
    """The obligation pages ``user`` (the signed-in person by default) may open: (endpoint,
    label, test id); the talk pages' tab row (``talks_tabs`` in ``_talks.html``) adds them
    after its own.  A macro imported without context passes an undefined ``current_user``."""
    if user is None or isinstance(user, Undefined):
        user = current_user
    tabs = [("meetings.due", _("我的沟通待办"), "tab-due")]
    if ob.may_view_compliance(user):
        tabs.append(("meetings.compliance", _("执行情况"), "tab-compliance"))
    if ob.can_view_summary(user):
        tabs.append(("meetings.summary", _("月汇总"), "tab-summary"))
    if may_view_summaries(user):
        tabs.append(("meetings.department_summaries", _("月汇总报审"), "tab-summaries"))
    if ob.can_configure(user):
        tabs.append(("meetings.config", _("协作部门与考核日期"), "tab-config"))
    if ob.may_open_occasions(user):
        tabs.append(("meetings.new_occasion", _("发起面谈"), "tab-occasion"))
    return tabs


# --- my list -------------------------------------------------------------------------------

@bp.route("/due")
def due():
    form = _month_form()
    month = form.chosen_month(_this_month())
    items = ob.due_for(current_user, month)
    mine = [i for i in items if i.senior.id == current_user.id]
    owed_to_me = [i for i in items if i.junior.id == current_user.id]
    return render_template(
        "meetings/due.html", form=form, month=month, this_month=_this_month(), mine=mine,
        owed_to_me=owed_to_me, today=local_date(utcnow()),
        can_open=ob.may_open_occasions(current_user),
        skip_level=skip_level_of(current_user))


# --- compliance ----------------------------------------------------------------------------

@bp.route("/compliance")
def compliance():
    if not ob.may_view_compliance(current_user):
        abort(404)
    tree = department_tree()
    form = _month_form(tree)
    month = form.chosen_month(_this_month())
    department = None
    if form.department.errors:  # not a number: WTForms' own words would be English
        form.department.errors = [_("请从列表中选择部门。")]
    elif form.department.data:
        department = db.session.get(Department, form.department.data)
        if department is None or not ob.can_view_compliance(current_user, department):
            form.department.errors = [_("你不能查看该部门的执行情况。")]
            department = None
    rows = ob.compliance(current_user, month, department,
                         subtree=_subtree_ids(tree, department) if department else None)
    departments = ob.by_department(rows)
    return render_template("meetings/compliance.html", form=form, month=month, rows=rows,
                           departments=departments,
                           linkable={d.department.id for d in departments
                                     if ob.can_view_compliance(current_user, d.department)},
                           department=department, this_month=_this_month(),
                           quarter=ob.quarter_range(month))


@bp.route("/compliance/<id:user_id>")
def compliance_person(user_id: int):
    # Roles are not shown here: no second statement for them.
    person = db.session.get(User, user_id, options=[lazyload(User.role_rows)])
    if person is None or not ob.can_view_compliance(current_user, person):
        abort(404)
    form = _month_form()
    month = form.chosen_month(_this_month())
    owes, due = ob.person_items(person, month)
    owes = ob.visible_items(current_user, owes)
    owed = [i for i in ob.visible_items(current_user, due) if i.junior.id == person.id]
    return render_template("meetings/compliance_person.html", form=form, month=month,
                           person=person, owes=owes, owed=owed, this_month=_this_month(),
                           quarter=ob.quarter_range(month), today=local_date(utcnow()))


# --- the monthly summary -------------------------------------------------------------------

def _summary_month() -> tuple[DepartmentMonthForm, Month]:
    if not ob.can_view_summary(current_user):
        abort(404)
    form = _month_form()
    return form, form.chosen_month(_this_month().previous)


@bp.route("/summary")
def summary():
    form, month = _summary_month()
    rows, _items = ob.summary_rows(month)
    return render_template("meetings/summary.html", form=form, month=month, rows=rows,
                           totals=ob.summary_totals(rows), stored=ob.stored_summary(month),
                           this_month=_this_month())


@bp.route("/summary.xlsx")
def summary_xlsx():
    form, month = _summary_month()
    if form.month.errors:
        abort(400, form.month.errors[0])
    rows, items = ob.summary_rows(month)
    items = [i for i in items if not ob.item_bypasses(current_user, i)]
    data = workbook(ob.summary_workbook(month, rows, items))
    return xlsx_response(data, f"talk-summary-{month}.xlsx",
                         _("沟通月汇总-%(month)s.xlsx", month=month))


@bp.route("/summary/generate", methods=["POST"])
def summary_generate():
    form, month = _summary_month()
    if form.month.errors or month >= _this_month():
        abort(400, _("只能为已结束的月份生成月汇总。"))
    ob.generate_monthly_summary(month)
    db.session.commit()
    flash(_("%(month)s 月汇总已生成并通知总经办。", month=month), "success")
    return redirect(url_for("meetings.summary", month=str(month)))


# --- configuration -------------------------------------------------------------------------

def _config_forms(pair_form=None, appraisal_form=None):
    if not ob.can_configure(current_user):
        abort(404)
    pair_form = pair_form or PairForm()
    choices = [SelectChoice(NOBODY, _("请选择…"))] + department_choices()
    pair_form.leading.choices = choices
    pair_form.partner.choices = choices
    return pair_form, appraisal_form or AppraisalForm()


def _render_config(pair_form, appraisal_form, status=200):
    return render_template("meetings/config.html", pair_form=pair_form,
                           appraisal_form=appraisal_form, pairs=ob.pairs(),
                           appraisals=ob.appraisal_dates(),
                           labels=ob.APPRAISAL_LABELS), status


@bp.route("/config")
def config():
    return _render_config(*_config_forms())


@bp.route("/config/pairs", methods=["POST"])
def add_pair():
    pair_form, appraisal_form = _config_forms()
    if pair_form.validate_on_submit():
        try:
            ob.add_pair(db.session.get(Department, pair_form.leading.data),
                        db.session.get(Department, pair_form.partner.data), by=current_user)
        except ob.ObligationError as exc:
            db.session.rollback()
            show_error(pair_form, exc)
        else:
            db.session.commit()
            flash(_("已添加协作部门。"), "success")
            return redirect(url_for("meetings.config"))
    return _render_config(pair_form, appraisal_form, 400)


@bp.route("/config/pairs/<id:pair_id>/delete", methods=["POST"])
def remove_pair(pair_id: int):
    _config_forms()
    pair = db.session.get(CrossTeamPair, pair_id) or abort(404)
    ob.remove_pair(pair)
    db.session.commit()
    flash(_("已删除协作部门。"), "success")
    return redirect(url_for("meetings.config"))


@bp.route("/config/appraisals", methods=["POST"])
def add_appraisal():
    pair_form, appraisal_form = _config_forms()
    if appraisal_form.validate_on_submit():
        try:
            ob.add_appraisal_date(appraisal_form.day.data, appraisal_form.kind.data,
                                  appraisal_form.title.data or "", by=current_user)
        except ob.ObligationError as exc:
            db.session.rollback()
            show_error(appraisal_form, exc)
        else:
            db.session.commit()
            flash(_("已登记日期。"), "success")
            return redirect(url_for("meetings.config"))
    return _render_config(pair_form, appraisal_form, 400)


@bp.route("/config/appraisals/<id:appraisal_id>/delete", methods=["POST"])
def remove_appraisal(appraisal_id: int):
    _config_forms()
    row = db.session.get(AppraisalDate, appraisal_id) or abort(404)
    ob.remove_appraisal_date(row)
    db.session.commit()
    flash(_("已删除日期。"), "success")
    return redirect(url_for("meetings.config"))


# --- occasion talks and appeals ------------------------------------------------------------

@bp.route("/occasions/new", methods=["GET", "POST"])
def new_occasion():
    if not ob.may_open_occasions(current_user):
        abort(404)
    form = OccasionForm()
    people = None if is_hr(current_user) else direct_reports(current_user)
    form.employee.choices = [SelectChoice(NOBODY, _("请选择…"))] + people_choices(people)
    if request.method == "GET":
        form.due_date.data = local_date(utcnow()) + timedelta(days=ob.ONBOARDING_DAYS)
        form.kind.data = request.args.get("kind", "")
    if form.validate_on_submit():
        employee = db.session.get(User, form.employee.data)
        try:
            if employee is None:
                raise ob.ObligationError(_("请选择面谈对象。"),
                                         {"employee": [_("请选择面谈对象。")]})
            ob.open_occasion(employee, form.kind.data, form.due_date.data,
                             form.reason.data or "", by=current_user)
        except ob.ObligationError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("已发起%(kind)s，%(name)s 的上级会在待办中看到。",
                    kind=str(KIND_LABELS[form.kind.data]), name=employee.name), "success")
            return redirect(url_for("meetings.due"))
    status = 400 if request.method == "POST" else 200
    return render_template("meetings/occasion_new.html", form=form), status


@bp.route("/appeal", methods=["GET", "POST"])
def appeal():
    form = AppealForm()
    superior = skip_level_of(current_user)
    if superior is not None and form.validate_on_submit():
        try:
            filed = ob.file_appeal(current_user, form.reason.data)
        except ob.ObligationError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("申诉已提交，%(name)s 须在 %(day)s 前安排隔级沟通。", name=superior.name,
                    day=local_date(filed.schedule_due_at).isoformat()), "success")
            return redirect(url_for("meetings.due"))
    status = 400 if request.method == "POST" else 200
    return render_template("meetings/appeal.html", form=form, superior=superior,
                           appeals=[a for a in ob.appeals_of(current_user)
                                    if a.employee_id == current_user.id]), status

