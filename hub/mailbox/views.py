"""Pages of the 总经理信箱 GM mailbox: writing a letter, the lists, a letter and its actions.

The views translate HTTP: every rule (who may see or do what, the lifecycle, anonymity)
lives in ``hub.mailbox.services``; a view reads a form, calls a service, commits once and
renders.  A letter the person may not see is a 404 on every route that names it.

URLs::

    /mailbox/                 我的来信: the letters I wrote under my name
    /mailbox/write            写信
    /mailbox/office           the GM office's inbox (filters, bulk accept)
    /mailbox/assigned         督办: the letters assigned to me or my department
    /mailbox/letters/<id>     a letter, its history and the actions I may take
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from hub.common.attachments import AttachmentError, cleaning_summary, download_response
from hub.common.converters import MAX_ID
from hub.common.forms import attachment_limits, department_choices, people_choices, show_error
from hub.common.markdown import render_markdown
from hub.common.time import utcnow
from hub.common.workdays import add_working_days, local_date
from hub.extensions import db
from hub.mailbox import bp
from hub.mailbox.access import (
    allowed_actions,
    assigned_letters,
    get_letter_or_404,
    is_author,
    letter_summary_view,
    letter_view,
    visible_letters,
)
from hub.mailbox.forms import (
    ACTION_FORMS,
    NOBODY,
    ActionForm,
    AssignForm,
    BulkAcceptForm,
    LetterFilterForm,
    WriteForm,
)
from hub.mailbox.models import Letter
from hub.mailbox.services import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    STATUS_LABELS,
    LetterError,
    bulk_accept,
    file_letter,
    filter_letters,
    paginate,
    perform,
)
from hub.org.directory import Page
from hub.org.models import Department, User
from hub.org.permissions import is_gm_office
from hub.org.services import department_subtree
from hub.receipts import handoff

PER_PAGE = 20
OFFICE_PER_PAGE = 50
#: The due date an assignment form suggests: a working week.
SUGGESTED_WORKING_DAYS = 5
#: The URL arguments of a letter list.
FILTERS = ("status", "category", "department", "overdue", "page")


# --- helpers every template may use (letter pages, receipt pages, the statistics) ---------

@bp.app_template_filter("letter_status")
def letter_status(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@bp.app_template_filter("letter_category")
def letter_category(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


@bp.app_template_filter("letter_action")
def letter_action(action: str) -> str:
    return ACTION_LABELS.get(action, action)


# --- writing ---------------------------------------------------------------------------

@bp.route("/write", methods=["GET", "POST"])
def write():
    form = WriteForm()
    if form.validate_on_submit():
        try:
            filed = file_letter(current_user, subject=form.subject.data, body=form.body.data,
                                category=form.category.data, anonymous=form.is_anonymous,
                                urgent=form.urgent.data, uploads=form.attachments.data)
        except (LetterError, AttachmentError) as error:
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
                handoff.hand_over("letter", filed.receipt_code,
                                  number=filed.letter.number if filed.letter else None)
                return redirect(url_for("mailbox.write_receipt"))
            flash(_("来信已提交，登记号 %(number)s。总经办将在两个工作日内受理。",
                    number=filed.letter.number), "success")
            return redirect(url_for("mailbox.letter", letter_id=filed.letter.id))
    status = 400 if form.is_submitted() else 200
    return render_template("mailbox/write.html", form=form, limits=attachment_limits()), status


@bp.route("/write/receipt")
def write_receipt():
    """The anonymous letter's receipt code, shown once; a reload says it was shown."""
    taken = handoff.take("letter")
    if taken is None:
        return render_template("mailbox/filed_anonymously.html", code=None, number=None)
    code, details = taken
    return render_template("mailbox/filed_anonymously.html", code=code,
                           number=details.get("number"))


# --- lists -----------------------------------------------------------------------------

@bp.route("/")
def inbox():
    """我的来信.  The GM office's links with ``?status=`` (notifications) mean its inbox."""
    if is_gm_office(current_user) and request.args.get("status"):
        return redirect(url_for("mailbox.office", **{
            name: value for name, value in request.args.items() if name in FILTERS}))
    mine = visible_letters(current_user).where(Letter.author_id == current_user.id)
    return letter_list("mailbox/inbox.html", mine, PER_PAGE)


@bp.route("/office")
def office():
    if not is_gm_office(current_user):
        abort(404)
    return letter_list("mailbox/office.html", visible_letters(current_user), OFFICE_PER_PAGE,
                       departments=True, bulk_form=BulkAcceptForm(
                           return_to=request.full_path.rstrip("?")))


@bp.route("/office/accept", methods=["POST"])
def accept_many():
    if not is_gm_office(current_user):
        abort(404)
    form = BulkAcceptForm()
    back = office_path(form.return_to.data)
    if not form.validate_on_submit():
        for message in form.letters.errors or [_("页面已过期，请重新提交。")]:
            flash(message, "warning")
        return redirect(back)
    letters = list(db.session.scalars(
        visible_letters(current_user).where(Letter.id.in_(form.letters.data))))
    done = bulk_accept(letters, current_user)
    db.session.commit()
    skipped = len(form.letters.data) - done
    flash(_("已受理 %(n)s 封来信。", n=done)
          + (_("另有 %(n)s 封不是待受理状态，未作改动。", n=skipped) if skipped else ""),
          "success" if done else "warning")
    return redirect(back)


def office_path(target: str | None) -> str:
    """``target`` when it is a page of the office inbox (its filters kept), else the inbox."""
    home = url_for("mailbox.office")
    if target and urlsplit(target).path == home and not urlsplit(target).netloc \
            and target.startswith("/"):
        return target
    return home


@bp.route("/assigned")
def assigned():
    """督办: letters assigned to me or a department I head, with their deadlines."""
    return letter_list("mailbox/assigned.html", assigned_letters(current_user), PER_PAGE)


def letter_list(template: str, stmt, per_page: int, departments: bool = False, **context):
    """One page of ``stmt`` filtered by the list's form; the count is of what the person
    may see, since ``stmt`` already is."""
    form = LetterFilterForm(formdata=request.args)
    form.department.choices = [SelectChoice(NOBODY, _("全部部门"))] + department_choices()
    form.validate()
    criteria = form.criteria()
    if not departments:
        criteria["department_id"] = None
    items, total = paginate(filter_letters(stmt, **criteria), form.page_number(), per_page)
    now = utcnow()
    page = Page(items=[letter_summary_view(current_user, item, now) for item in items],
                total=total, page=form.page_number(), per_page=per_page)
    query_args = form.query_args()
    if not departments:
        query_args["department"] = None
    return render_template(template, form=form, page=page, query_args=query_args,
                           **context)


def handler_choices(department_id: int | None = None) -> list[SelectChoice]:
    """Active people grouped by department — only those of ``department_id`` and its
    sub-departments when given; the first option leaves the letter with the department's
    head."""
    people = None
    department = db.session.get(Department, department_id) \
        if department_id and 0 < department_id <= MAX_ID else None
    if department is not None:
        people = db.session.scalars(select(User).where(
            User.active.is_(True),
            User.department_id.in_([d.id for d in department_subtree(department)])))
    return [SelectChoice(NOBODY, _("（不指定，由部门负责人办理）"))] + people_choices(people)


# --- a letter --------------------------------------------------------------------------

@bp.route("/letters/<id:letter_id>")
def letter(letter_id: int):
    return letter_page(get_letter_or_404(letter_id, current_user))


@bp.route("/letters/<id:letter_id>/actions/<action>", methods=["POST"])
def act(letter_id: int, action: str):
    letter = get_letter_or_404(letter_id, current_user)
    if action not in ACTION_FORMS:
        abort(404)
    form = action_form(action, letter, submitted=True)
    if not form.validate_on_submit():
        return letter_page(letter, failed=(action, form), status=400)
    try:
        perform(letter, current_user, action, form.service_fields())
    except LetterError as error:
        db.session.rollback()
        show_error(form, error)
        return letter_page(letter, failed=(action, form), status=error.status)
    db.session.commit()
    flash(_("已完成：%(action)s。", action=ACTION_LABELS[action]), "success")
    return redirect(url_for("mailbox.letter", letter_id=letter.id))


@bp.route("/letters/<id:letter_id>/attachments/<id:attachment_id>")
def attachment(letter_id: int, attachment_id: int):
    letter = get_letter_or_404(letter_id, current_user)
    found = next((a for a in letter.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    return download_response(found)


def action_form(action: str, letter: Letter, submitted: bool = False) -> ActionForm:
    """The page form of ``action``; its fields are prefixed with the action, so that every
    form on the letter page has its own ids."""
    cls = ACTION_FORMS[action]
    if submitted:
        form = cls(prefix=action)
    else:
        form = cls(formdata=None, prefix=action, **initial_values(action, letter))
    if isinstance(form, AssignForm):
        form.department.choices = [SelectChoice(NOBODY, _("请选择…"))] + department_choices()
        # After a submit the handler's choices follow the chosen department.
        form.handler.choices = handler_choices(
            form.department.data if submitted and not form.department.errors else None)
    return form


def initial_values(action: str, letter: Letter) -> dict:
    """A re-assignment starts from the current assignment; a new one suggests a due date a
    working week away."""
    if action != "assign":
        return {}
    if letter.due_at is not None:
        return {"department": letter.department_id, "handler": letter.handler_id or NOBODY,
                "due_date": local_date(letter.due_at)}
    return {"due_date": add_working_days(local_date(utcnow()), SUGGESTED_WORKING_DAYS)}


def letter_page(letter: Letter, failed: tuple[str, ActionForm] | None = None,
                status: int = 200):
    """The letter with its history and a form for each action the person may take;
    ``failed`` is a submitted form to show again with its errors."""
    forms = {action: action_form(action, letter)
             for action in allowed_actions(current_user, letter)}
    problem = None
    if failed is not None:
        action, form = failed
        if action in forms:
            forms[action] = form  # its errors show next to its fields
        else:  # an action that is not (or no longer) possible: say why above the page
            problem = " ".join(m for messages in form.errors.values() for m in messages)
    view = letter_view(current_user, letter)
    return render_template(
        "mailbox/letter.html", letter=letter, view=view, forms=forms, problem=problem,
        body=render_markdown(view.body), writer_view=is_author(current_user, letter),
    ), status
