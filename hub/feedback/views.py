"""Pages of the periodic feedback reports (信息反馈).

The views translate HTTP; the rules live in ``hub.feedback.services`` and who sees what in
``hub.feedback.access``.  A report or period the person may not see is a 404.

URLs::

    /feedback/                                   我的信息反馈: owed and filed, and what I receive
    /feedback/<id>                               one report; filing it (POST)
    /feedback/received/<obligation_id>/<period>  a period's reports for their recipient
    /feedback/obligations                        反馈项目设置 (admin, HR)
    /feedback/obligations/new[?preset=code]      a new obligation (from the policy's set)
    /feedback/obligations/<obligation_id>        change one
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from hub.common.forms import department_choices, people_choices, show_error
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.feedback import bp
from hub.feedback.forms import NONE, FileReportForm, ObligationForm
from hub.feedback.models import FeedbackObligation, FeedbackReport
from hub.feedback.periods import Period
from hub.feedback.services import (
    FILER_LABELS,
    FREQUENCY_LABELS,
    PRESETS,
    PRESETS_BY_CODE,
    ROLE_LABELS,
    STATUS_LABELS,
    FeedbackError,
    dates_of,
    get_report_or_404,
    may_manage_obligations,
    obligations,
    own_reports_query,
    period_rows,
    received_overview,
    report_view,
    submit,
)
from hub.org.models import Department, User

MY_ROWS = 60


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "role_labels": ROLE_LABELS,
            "frequency_labels": FREQUENCY_LABELS, "filer_labels": FILER_LABELS}


@bp.route("/")
def index():
    """What the person owes (due first) and has filed, and the periods they receive."""
    rows = list(db.session.scalars(
        own_reports_query(current_user)
        .options(joinedload(FeedbackReport.obligation), joinedload(FeedbackReport.recipient))
        .order_by(FeedbackReport.filed_at.is_not(None), FeedbackReport.due_on.desc(),
                  FeedbackReport.id.desc()).limit(MY_ROWS)))
    today = local_date(utcnow())
    views = [report_view(current_user, row) for row in rows if row.opens_on <= today]
    return render_template("feedback/index.html", views=views,
                           received=received_overview(current_user),
                           manages=may_manage_obligations(current_user), **_labels())


@bp.route("/<id:feedback_id>", methods=["GET", "POST"])
def report(feedback_id: int):
    row = get_report_or_404(feedback_id, current_user)
    view = report_view(current_user, row)
    form = FileReportForm() if view.may("file") else None
    if form is not None and form.validate_on_submit():
        try:
            submit(row, current_user, form.body.data)
        except FeedbackError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("已提交：%(name)s · %(period)s。", name=row.obligation.name,
                    period=view.period_label), "success")
            return redirect(url_for("feedback.report", feedback_id=row.id))
    elif request.method == "POST" and form is None:
        flash(_("这份反馈已提交或现在不能提交。"), "warning")
        return redirect(url_for("feedback.report", feedback_id=row.id))
    return render_template("feedback/report.html", view=view, form=form, **_labels())


@bp.route("/received/<id:obligation_id>/<period>")
def period(obligation_id: int, period: str):
    """A period's reports for their recipient: who has filed, who has not."""
    try:
        chosen = Period.parse(period)
    except ValueError:
        abort(404)
    rows = period_rows(current_user, obligation_id, chosen.key)
    if not rows:
        abort(404)
    views = [report_view(current_user, row) for row in rows]
    reports = [v for v in views if v.role == "report"]
    return render_template(
        "feedback/period.html", obligation=rows[0].obligation, period=chosen,
        reports=reports, summaries=[v for v in views if v.role == "summary"],
        filed=sum(1 for v in reports if v.status in ("filed", "late")),
        dates=dates_of(rows[0].obligation, chosen), **_labels())


# --- the obligations (admin, HR) ------------------------------------------------------------

def _require_manager() -> None:
    if not may_manage_obligations(current_user):
        abort(404)


@bp.route("/obligations")
def obligation_list():
    _require_manager()
    return render_template("feedback/obligations.html", obligations=obligations(),
                           presets=PRESETS, **_labels())


def _fill_choices(form: ObligationForm) -> None:
    people = [SelectChoice(NONE, _("（默认）")), *people_choices()]
    form.department.choices = [SelectChoice(NONE, _("请选择部门")), *department_choices()]
    form.recipient.choices = people
    form.summary_to.choices = people


def _values(form: ObligationForm) -> dict:
    def row(model, row_id):
        return db.session.get(model, row_id) if row_id else None

    return {"name": form.name.data, "clause": form.clause.data or "",
            "department": row(Department, form.department.data), "filers": form.filers.data,
            "frequency": form.frequency.data, "anchor_month": form.anchor_month.data,
            "window_days": form.window_days.data, "due_days": form.due_days.data,
            "recipient": row(User, form.recipient.data),
            "summary_days": form.summary_days.data,
            "summary_to": row(User, form.summary_to.data),
            "starts_on": form.starts_on.data, "active": form.active.data}


def _edit(obligation: FeedbackObligation | None, form: ObligationForm):
    from hub.feedback.services import save_obligation

    _fill_choices(form)
    if form.validate_on_submit():
        try:
            values = _values(form)
            if obligation is None and request.args.get("preset") in PRESETS_BY_CODE:
                values["code"] = request.args["preset"]
            saved = save_obligation(obligation, current_user, **values)
        except FeedbackError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("已保存：%(name)s。", name=saved.name), "success")
            return redirect(url_for("feedback.obligation_list"))
    return render_template("feedback/obligation.html", form=form, obligation=obligation)


@bp.route("/obligations/new", methods=["GET", "POST"])
def new_obligation():
    _require_manager()
    form = ObligationForm()
    preset = PRESETS_BY_CODE.get(request.args.get("preset", ""))
    if request.method == "GET" and preset is not None:
        form.name.data, form.clause.data = preset.name, preset.clause
        form.filers.data, form.frequency.data = preset.filers, preset.frequency
        form.anchor_month.data = preset.anchor_month
        form.window_days.data, form.due_days.data = preset.window_days, preset.due_days
        form.summary_days.data = preset.summary_days
        dept = db.session.scalar(db.select(Department.id).where(
            Department.name == preset.department))
        form.department.data = dept
    elif request.method == "GET":
        form.window_days.data, form.due_days.data = 3, 3
    return _edit(None, form)


@bp.route("/obligations/<id:obligation_id>", methods=["GET", "POST"])
def edit_obligation(obligation_id: int):
    _require_manager()
    obligation = db.session.get(FeedbackObligation, obligation_id)
    if obligation is None:
        abort(404)
    form = ObligationForm(obj=obligation if request.method == "GET" else None)
    if request.method == "GET":
        form.department.data = obligation.department_id
        form.recipient.data = obligation.recipient_id
        form.summary_to.data = obligation.summary_to_id
    return _edit(obligation, form)
