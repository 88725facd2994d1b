"""Pages of the 合理化建议与举报 inbox: filing, my items, the triage queue, a report with its
timeline and actions, and a rectification request.

The views translate HTTP: every rule (who may see or do what, the lifecycle, anonymity,
the audit) lives in ``hub.suggestions.services``; a view reads a form, calls a service,
commits once and renders.  A report the person may not see is a 404 on every route that
names it, and is in none of their lists or counts: every list starts from
``visible_report_ids``.

URLs::

    /suggestions/new                        提交 (never access-logged, see hub.common.logging)
    /suggestions/                           我的建议; a head's 本部门的合理化建议; 整改任务
    /suggestions/queue                      事项处理: the reports I handle
    /suggestions/reports/<id>               a report, its history and my actions
    /suggestions/reports/<id>/actions/<a>   one action (POST)
    /suggestions/reports/<id>/reveal        a named filer's identity, one audited click (POST)
    /suggestions/rectifications/<id>        a rectification request (not the report behind it)
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, select
from wtforms import SelectChoice

from hub.common.attachments import AttachmentError, cleaning_summary, download_response
from hub.common.forms import attachment_limits, department_choices, people_choices, show_error
from hub.common.markdown import render_markdown
from hub.common.time import utcnow
from hub.common.workdays import add_working_days, local_date
from hub.extensions import db
from hub.org.directory import Page
from hub.org.services import heads_of
from hub.receipts import handoff
from hub.suggestions import bp, timers
from hub.suggestions.forms import (
    ACTION_FORMS,
    KIND_HELP,
    LISTS,
    ActionForm,
    FileForm,
    IndexForm,
    QueueFilterForm,
    RectificationDoneForm,
    RevealForm,
)
from hub.suggestions.access import (
    LIST_OPTIONS,
    NEWEST_FIRST,
    count_reports,
    get_report_or_404,
    handled_clause,
    handles_reports,
    handling_team,
    next_step,
    page_of_reports,
    rectification_view,
    report_view,
    reviewed_clause,
    summary_views,
    visible_stmt,
)
from hub.suggestions.labels import ACTION_LABELS, KIND_LABELS, STATUS_LABELS, URGENCY_LABELS
from hub.suggestions.models import URGENCIES, Rectification, Report
from hub.suggestions.services import (
    ReportError,
    complete_rectification,
    file_report,
    filter_reports,
    get_rectification_or_404,
    perform,
    record_view,
    rectifications_for,
    reveal_filer,
    route_for,
)

PER_PAGE = 20
QUEUE_PER_PAGE = 50
#: The deadline a rectification form suggests: a working week.
SUGGESTED_RECTIFICATION_DAYS = 5
OVERDUE_LABELS = {"ack": _l("受理超期"), "feedback": _l("反馈超期"), "urgency": _l("办理超期")}
#: The queue's orders, as ORDER BY clauses.
ORDERS = {
    "newest": NEWEST_FIRST,
    "oldest": (Report.filed_on, Report.id),
    "urgency": (case({u: i for i, u in enumerate(URGENCIES)}, value=Report.urgency),
                Report.handle_due_at.is_(None), Report.handle_due_at, Report.filed_on,
                Report.id),
}


# --- helpers every template may use ----------------------------------------------------------

@bp.app_template_filter("report_kind")
def report_kind(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


@bp.app_template_filter("report_status")
def report_status(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@bp.app_template_filter("report_urgency")
def report_urgency(urgency: str) -> str:
    return URGENCY_LABELS.get(urgency, urgency)


@bp.app_template_filter("report_action")
def report_action(action: str) -> str:
    return ACTION_LABELS.get(action, action)


@bp.app_template_filter("report_overdue")
def report_overdue(reason: str) -> str:
    return OVERDUE_LABELS.get(reason, reason)


#: Whether the navigation offers "事项处理" (the triage queue) to a person.
bp.add_app_template_global(handles_reports, "report_desk")


# --- filing ------------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
def new():
    form = FileForm()
    form.named.choices = people_choices()
    if form.validate_on_submit():
        try:
            filed = file_report(current_user, kind=form.kind.data, subject=form.subject.data,
                                body=form.body.data, anonymous=form.is_anonymous,
                                urgent=form.urgent.data, named_users=form.named_users(),
                                uploads=form.attachments.data)
        except (ReportError, AttachmentError) as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            if filed.receipt_code:
                cleaned = cleaning_summary(form.attachments.data)
                if cleaned:
                    flash(cleaned, "info")
                # Post → redirect → get: the code waits (sealed, in the session cookie) for
                # the one page that shows it, so a reload files nothing a second time.
                handoff.hand_over("report", filed.receipt_code, report_kind=form.kind.data,
                                  number=filed.report.number if filed.report else None)
                return redirect(url_for("suggestions.new_receipt"))
            flash(_("已提交，登记号 %(number)s。受理部门将在 %(days)s 天内受理。",
                    number=filed.report.number, days=current_app.config["REPORT_ACK_DAYS"]),
                  "success")
            return redirect(url_for("suggestions.report", report_id=filed.report.id))
    status = 400 if form.is_submitted() else 200
    return render_template("suggestions/new.html", form=form, limits=attachment_limits(),
                           kind_help=KIND_HELP, destinations=destinations()), status


@bp.route("/new/receipt")
def new_receipt():
    """The anonymous filing's receipt code, shown once; a reload says it was shown."""
    taken = handoff.take("report")
    if taken is None:
        return render_template("suggestions/filed_anonymously.html", code=None, kind=None,
                               number=None)
    code, details = taken
    return render_template("suggestions/filed_anonymously.html", code=code,
                           kind=details.get("report_kind"), number=details.get("number"))


def destinations() -> dict[str, str | None]:
    """The unit each kind goes to today (routing is data the admin edits)."""
    names: dict[str, str | None] = {}
    for kind in KIND_LABELS:
        try:
            names[kind] = route_for(kind).name
        except ReportError:
            names[kind] = None
    return names


# --- lists -------------------------------------------------------------------------------------

@bp.route("/")
def index():
    """我的建议: what I filed under my name, or for a department head the department's named
    suggestions (分析应用); above them the rectifications asked of departments I head."""
    form = IndexForm(formdata=request.args)
    form.validate()
    lists = {"mine": visible_stmt(current_user, select(Report).where(
        Report.author_id == current_user.id))}
    if heads_of(current_user):
        lists["department"] = visible_stmt(
            current_user, select(Report).where(Report.author_id.is_distinct_from(
                current_user.id)), clause=reviewed_clause(current_user))
    showing = form.showing() if form.showing() in lists else "mine"
    totals = {name: count_reports(stmt) for name, stmt in lists.items()}
    return render_template(
        "suggestions/index.html", showing=showing, labels=LISTS, totals=totals,
        page=views_page(lists[showing], form.page_number(), PER_PAGE, total=totals[showing]),
        rectifications=[rectification_view(current_user, rect)
                        for rect in rectifications_for(current_user)])


@bp.route("/queue")
def queue():
    """事项处理: the reports the person handles, filtered and sorted; members of a handling
    unit with nothing to handle get an empty list."""
    if not handles_reports(current_user):
        abort(404)
    form = QueueFilterForm(formdata=request.args)
    form.validate()
    stmt = visible_stmt(current_user, filter_reports(select(Report), **form.criteria()),
                        clause=handled_clause(current_user))
    page = views_page(stmt, form.page_number(), QUEUE_PER_PAGE, order=ORDERS[form.order()])
    return render_template("suggestions/queue.html", form=form, page=page,
                           query_args=form.query_args())


def views_page(stmt, number: int, per_page: int, order=NEWEST_FIRST,
               total: int | None = None) -> Page:
    """One page of the reports of ``stmt`` (already what the person may see), as the rows
    the person sees (``summary_views``): the page and its count (unless known), from the
    database."""
    items, total = page_of_reports(stmt, number, per_page, order=order, options=LIST_OPTIONS,
                                   total=total)
    return Page(items=summary_views(current_user, items), total=total, page=number,
                per_page=per_page)


# --- a report ----------------------------------------------------------------------------------

@bp.route("/reports/<id:report_id>")
def report(report_id: int):
    return report_page(get_report_or_404(report_id, current_user))


@bp.route("/reports/<id:report_id>/actions/<action>", methods=["POST"])
def act(report_id: int, action: str):
    report = get_report_or_404(report_id, current_user)
    if action not in ACTION_FORMS:
        abort(404)
    form = action_form(action, report, submitted=True)
    if not form.validate_on_submit():
        return report_page(report, failed=(action, form), status=400)
    try:
        perform(report, current_user, action, form.service_fields())
    except ReportError as error:
        db.session.rollback()
        show_error(form, error)
        return report_page(report, failed=(action, form), status=error.status)
    db.session.commit()
    flash(_("已完成：%(action)s。", action=ACTION_LABELS[action]), "success")
    return redirect(url_for("suggestions.report", report_id=report.id))


@bp.route("/reports/<id:report_id>/reveal", methods=["POST"])
def reveal(report_id: int):
    """The name of a named filer, on this response only (never kept in the session): every
    click is an audit row, so each reveal is one the head of the unit can read."""
    report = get_report_or_404(report_id, current_user)
    reveal_filer(current_user, report)
    db.session.commit()
    return report_page(report, revealed=True)


@bp.route("/reports/<id:report_id>/attachments/<id:attachment_id>")
def attachment(report_id: int, attachment_id: int):
    report = get_report_or_404(report_id, current_user)
    found = next((a for a in report.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    record_view(current_user, report)
    db.session.commit()
    return download_response(found)


def action_form(action: str, report: Report, submitted: bool = False) -> ActionForm:
    """The page form of ``action``, its selects filled: handlers from the report's handling
    team, departments from the tree."""
    cls = ACTION_FORMS[action]
    form = cls(prefix=action) if submitted else cls(formdata=None, prefix=action,
                                                    **initial_values(action, report))
    if action == "assign":
        form.handler.choices = people_choices(handling_team(report))
    elif action == "exclude":
        form.person.choices = people_choices(
            p for p in handling_team(report) if p.id != current_user.id)
    elif action == "request_rectification":
        form.department.choices = department_choices()
    elif action == "set_urgency":
        every = timers.all_timers()  # one statement
        kind_timers = {u: every[(report.kind, u)] for u in URGENCIES}
        form.urgency.choices = [SelectChoice(u, f"{URGENCY_LABELS[u]}（{timers.describe(t)}）")
                                for u, t in kind_timers.items()]
        if not any(t.rule == "end_of_day" for t in kind_timers.values()):
            del form.agreed_at
    return form


def initial_values(action: str, report: Report) -> dict:
    if action == "assign":
        return {"handler": report.handler_id or current_user.id}
    if action == "set_urgency":
        return {"urgency": report.urgency}
    if action == "request_rectification":
        return {"due_date": add_working_days(local_date(utcnow()),
                                             SUGGESTED_RECTIFICATION_DAYS)}
    return {}


def report_page(report: Report, failed: tuple[str, ActionForm] | None = None,
                status: int = 200, revealed: bool = False):
    """The report as the person may see it, with a form for each action they may take;
    ``failed`` is a submitted form to show again with its errors.  Every rendering is a view
    of the report, and is audited."""
    record_view(current_user, report)
    db.session.commit()
    view = report_view(current_user, report, revealed=revealed)
    if view is None:  # e.g. a step that took the person off the report
        abort(404)
    forms = {action: action_form(action, report) for action in view.allowed_actions}
    problem = None
    if failed is not None:
        action, form = failed
        if action in forms:
            forms[action] = form  # its errors show next to its fields
        else:  # an action that is not (or no longer) possible: say why above the page
            problem = " ".join(str(m) for messages in form.errors.values() for m in messages)
    return render_template(
        "suggestions/report.html", report=view, forms=forms, problem=problem,
        primary=next_step(report, view.allowed_actions),
        body=render_markdown(report.body), revealed=revealed, reveal_form=RevealForm(),
        now=utcnow(),
    ), status


# --- a rectification ---------------------------------------------------------------------------

@bp.route("/rectifications/<id:rectification_id>")
def rectification(rectification_id: int):
    rect = get_rectification_or_404(rectification_id, current_user)
    return rectification_page(rect, RectificationDoneForm(formdata=None))


@bp.route("/rectifications/<id:rectification_id>/done", methods=["POST"])
def rectification_done(rectification_id: int):
    rect = get_rectification_or_404(rectification_id, current_user)
    form = RectificationDoneForm()
    if not form.validate_on_submit():
        return rectification_page(rect, form, status=400)
    try:
        complete_rectification(rect, current_user, form.text.data)
    except ReportError as error:
        db.session.rollback()
        show_error(form, error)
        return rectification_page(rect, form, status=error.status)
    db.session.commit()
    flash(_("已报告整改完成。"), "success")
    return redirect(url_for("suggestions.rectification", rectification_id=rect.id))


def rectification_page(rect: Rectification, form: RectificationDoneForm, status: int = 200):
    """The request, its deadline and its state (``rectification_view``).  Whoever may see
    the report gets its number and a link; the department's head, who usually may not, a
    neutral label instead."""
    return render_template("suggestions/rectification.html",
                           rect=rectification_view(current_user, rect), form=form), status
