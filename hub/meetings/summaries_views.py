"""Pages of the monthly summary's loop (月汇总报审) and of the GM office's spot checks (抽查).

Thin: the rules are ``hub.meetings.summaries``', who may see and do what
``hub.meetings.access``'.  A page the person may not use does not exist for them (404).

URLs::

    /talks/summaries                          the month's department summaries (heads, GM office)
    /talks/summaries/<id>                     one summary, its history and the steps
    /talks/summaries/<id>/<action>  (POST)    submit / approve / return / publish
    /talks/spot-checks                        the spot checks; start one (GM office)
    /talks/spot-checks/<id>                   the picked talk logs and their findings
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings import access, bp
from hub.meetings import summaries as sm
from hub.meetings.summaries_forms import (
    FindingForm,
    SpotCheckForm,
    SummaryMonthForm,
    SummaryStepForm,
)
from hub.meetings.summaries_models import SpotCheckItem

STEPS = ("submit", "approve", "return", "publish")


def _last_month() -> Month:
    return Month.of(utcnow()).previous


@bp.route("/summaries")
def department_summaries():
    if not access.may_view_summaries(current_user):
        abort(404)
    form = SummaryMonthForm(formdata=request.args)
    form.validate()
    month = form.chosen_month(_last_month())
    found = sm.summaries_for(current_user, month)
    return render_template("meetings/summaries.html", form=form, month=month,
                           this_month=Month.of(utcnow()),
                           views=sm.views_of(current_user, found, month),
                           labels=sm.STATUS_LABELS,
                           may_spot_check=access.may_spot_check(current_user))


def _render_summary(summary, form=None, failed=None, status=200):
    return render_template("meetings/summary_detail.html", view=sm.view_of(current_user, summary),
                           form=form or SummaryStepForm(), failed=failed,
                           action_labels=sm.ACTION_LABELS), status


@bp.route("/summaries/<id:summary_id>")
def department_summary(summary_id: int):
    summary = access.get_summary_or_404(summary_id, current_user)
    form = SummaryStepForm()
    if summary.status == "returned":  # the head edits the comment they sent
        form.text.data = summary.comment
    return _render_summary(summary, form)


@bp.route("/summaries/<id:summary_id>/<action>", methods=["POST"])
def summary_step(summary_id: int, action: str):
    summary = access.get_summary_or_404(summary_id, current_user)
    if action not in STEPS:
        abort(404)
    form = SummaryStepForm()
    if form.validate_on_submit():
        try:
            sm.act(summary, current_user, action, form.text.data or "")
        except sm.SummaryError as exc:
            db.session.rollback()
            summary = access.get_summary_or_404(summary_id, current_user)
            form.text.errors = list(form.text.errors) + [exc.message]
            return _render_summary(summary, form, action, exc.status)
        db.session.commit()
        flash({"submit": _("已报送总经理审核。"), "approve": _("已审核通过，总经办将在月例会上公布。"),
               "return": _("已退回部门负责人修改。"),
               "publish": _("已发布公告，各部门负责人会收到通知。")}[action], "success")
        return redirect(url_for("meetings.department_summary", summary_id=summary.id))
    return _render_summary(summary, form, action, 400)


# --- spot checks ---------------------------------------------------------------------------

def _render_checks(form, status=200):
    return render_template("meetings/summary_spot_checks.html", form=form,
                           checks=sm.spot_checks(current_user),
                           limit=sm.SPOT_CHECK_MAX), status


@bp.route("/spot-checks", methods=["GET", "POST"])
def spot_checks():
    if not access.may_spot_check(current_user):
        abort(404)
    form = SpotCheckForm()
    if request.method == "GET":
        form.month.data = str(_last_month())
        return _render_checks(form)
    if form.validate_on_submit():
        try:
            check = sm.start_spot_check(current_user, Month.parse(form.month.data),
                                        int(form.count.data))
        except sm.SummaryError as exc:
            db.session.rollback()
            field = form.count if "count" in exc.fields else form.month
            field.errors = list(field.errors) + [exc.message]
        else:
            db.session.commit()
            flash(_("已随机抽取 %(n)s 条沟通记录。", n=len(check.items)), "success")
            return redirect(url_for("meetings.spot_check", check_id=check.id))
    return _render_checks(form, 400)


def _render_check(check, forms=None, status=200):
    items = sm.check_items(current_user, check)
    forms = forms or {}
    for item in items:
        if item.id not in forms:  # the recorded finding; a refused one keeps what was sent
            form = FindingForm(prefix=f"i{item.id}", formdata=None)
            form.verdict.data = item.verdict
            form.finding.data = item.finding
            forms[item.id] = form
    return render_template("meetings/summary_spot_check.html", check=check, items=items,
                           forms=forms, verdicts=sm.VERDICT_LABELS), status


@bp.route("/spot-checks/<id:check_id>")
def spot_check(check_id: int):
    return _render_check(access.get_spot_check_or_404(check_id, current_user))


@bp.route("/spot-checks/<id:check_id>/items/<id:item_id>", methods=["POST"])
def spot_check_finding(check_id: int, item_id: int):
    check = access.get_spot_check_or_404(check_id, current_user)
    item = db.session.get(SpotCheckItem, item_id)
    if item is None or item.check_id != check.id or \
            not access.spot_check_talk_ids(current_user, [item.talk_id]):
        abort(404)
    form = FindingForm(prefix=f"i{item.id}")
    if form.validate_on_submit():
        try:
            sm.record_finding(item, current_user, form.verdict.data or "",
                              form.finding.data or "")
        except sm.SummaryError as exc:
            db.session.rollback()
            field = form.verdict if "verdict" in exc.fields else form.finding
            field.errors = list(field.errors) + [exc.message]
        else:
            db.session.commit()
            flash(_("已记录抽查结论。"), "success")
            return redirect(url_for("meetings.spot_check", check_id=check.id))
    check = access.get_spot_check_or_404(check_id, current_user)
    return _render_check(check, {item_id: form}, 400)
