"""Pages of the satisfaction surveys (满意度调查).

The views translate HTTP; the rules live in ``hub.surveys.services`` and who may see what
in ``hub.surveys.access``.  A survey the person may not see is a 404 on every route.

URLs::

    /surveys/                       问卷: mine to answer, answered, results I may read; HR all
    /surveys/new                    发起问卷 (HR; ?template=upward: 上级管理风格反馈)
    /surveys/<id>                   a survey: its questions, the answer form
    /surveys/<id>/answer            POST: the answers (once; anonymous)
    /surveys/<id>/edit              修改 (HR, before it opens)
    /surveys/<id>/close             POST: 结束问卷 (HR)
    /surveys/<id>/results           结果 (+ .xlsx)
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from hub.common.forms import department_choices, show_error
from hub.common.spreadsheets import xlsx_response
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import Department
from hub.surveys import bp
from hub.surveys.access import (
    MIN_GROUP,
    answered_ids,
    can_manage,
    get_managed_or_404,
    get_results_or_404,
    get_survey_or_404,
    listed_surveys_query,
    pending_query,
    reads_aggregates,
    status_of,
    survey_view,
    team_results_query,
)
from hub.surveys.forms import CloseForm, SurveyForm, answer_form, answers_of
from hub.surveys.models import Survey, SurveyParticipant
from hub.surveys.results import export, results_of
from hub.surveys.services import (
    KIND_LABELS,
    QUESTION_KIND_LABELS,
    ROLE_LABELS,
    SCALE_LABELS,
    STATUS_LABELS,
    UPWARD_DESCRIPTION,
    UPWARD_TITLE,
    Conflict,
    SurveyError,
    answer,
    close_survey,
    create_survey,
    update_survey,
    upward_questions,
)

PER_PAGE = 50


def _labels() -> dict:
    return {"kinds": KIND_LABELS, "statuses": STATUS_LABELS, "question_kinds": QUESTION_KIND_LABELS,
            "scale": SCALE_LABELS, "roles": ROLE_LABELS, "min_group": MIN_GROUP}


@bp.route("/")
def index():
    now = utcnow()
    page = request.args.get("page", 1, type=int) or 1
    page = max(1, min(page, 10_000))
    stmt = listed_surveys_query(current_user, now)
    surveys = list(db.session.scalars(stmt.order_by(Survey.closes_at.desc(), Survey.id.desc())
                                      .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)))
    more = len(surveys) > PER_PAGE
    surveys = surveys[:PER_PAGE]
    answered = answered_ids(current_user, [s.id for s in surveys])
    responded: dict[int, int] = {}
    if can_manage(current_user) and surveys:
        responded = dict(db.session.execute(
            select(SurveyParticipant.survey_id, func.count())
            .where(SurveyParticipant.survey_id.in_([s.id for s in surveys]))
            .group_by(SurveyParticipant.survey_id)).all())
    # HR and the GM office list every survey: which of them wait for their own answer
    pending = set(db.session.scalars(pending_query(current_user, now).with_only_columns(
        Survey.id))) if reads_aggregates(current_user) else None
    team = list(db.session.scalars(team_results_query(current_user, now)
                                   .order_by(Survey.closes_at.desc()).limit(PER_PAGE)))
    rows = [(s, status_of(s, now)) for s in surveys]
    return render_template("surveys/index.html", rows=rows, answered=answered,
                           responded=responded, team=team, page=page, more=more,
                           pending=pending,
                           manages=can_manage(current_user),
                           reads_all=reads_aggregates(current_user), **_labels())


def _fix_time_errors(form: SurveyForm) -> None:
    """A time that could not be read: WTForms' own message, in the hub's words."""
    for name in ("opens_at", "closes_at"):
        field = getattr(form, name)
        if field.errors and field.raw_data and field.raw_data[0]:
            field.errors = [_("请填写有效的日期和时间。")]


def _builder(form: SurveyForm, survey: Survey | None = None):
    form.departments.choices = department_choices()
    if form.more.data:
        form.add_blank_questions()
        return None
    if not form.validate_on_submit():
        _fix_time_errors(form)
        return None
    try:
        if survey is None:
            made = create_survey(current_user, kind=form.kind.data
                                 if form.kind.data in KIND_LABELS else "standard",
                                 **form.service_fields())
        else:
            made = update_survey(survey, current_user, **form.service_fields())
    except SurveyError as error:
        db.session.rollback()
        questions = error.fields.pop("questions", None)
        form.form_errors.extend(questions or [])
        if error.fields:
            show_error(form, error)
        elif not questions:
            form.form_errors.append(error.message)
        return None
    db.session.commit()
    return made


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not can_manage(current_user):
        abort(404)
    form = SurveyForm()
    if not form.is_submitted() and request.args.get("template") == "upward":
        form.kind.data = "upward"
        form.title.data = str(UPWARD_TITLE)
        form.description.data = str(UPWARD_DESCRIPTION)
        form.everyone.data = True
        form.fill_questions(upward_questions())
    made = _builder(form)
    if made is not None:
        flash(_("问卷已发起。"), "success")
        return redirect(url_for("surveys.survey", survey_id=made.id))
    status = 400 if form.is_submitted() and not form.more.data else 200
    return render_template("surveys/edit.html", form=form, survey=None, **_labels()), status


@bp.route("/<id:survey_id>/edit", methods=["GET", "POST"])
def edit(survey_id: int):
    survey = get_managed_or_404(survey_id, current_user)
    if status_of(survey) != "scheduled":
        flash(_("问卷已开始，不能再修改。"), "warning")
        return redirect(url_for("surveys.survey", survey_id=survey.id))
    form = SurveyForm()
    if not form.is_submitted():
        form.fill(survey)
    made = _builder(form, survey)
    if made is not None:
        flash(_("问卷已保存。"), "success")
        return redirect(url_for("surveys.survey", survey_id=survey.id))
    status = 400 if form.is_submitted() and not form.more.data else 200
    return render_template("surveys/edit.html", form=form, survey=survey, **_labels()), status


def _survey_page(survey: Survey, form=None, status: int = 200):
    view = survey_view(current_user, survey)
    if form is None and view.may("answer"):
        form = answer_form(survey)
    return render_template("surveys/survey.html", view=view, survey=survey, form=form,
                           close_form=CloseForm(), **_labels()), status


@bp.route("/<id:survey_id>")
def survey(survey_id: int):
    return _survey_page(get_survey_or_404(survey_id, current_user))


@bp.route("/<id:survey_id>/answer", methods=["POST"])
def answer_page(survey_id: int):
    survey = get_survey_or_404(survey_id, current_user)
    form = answer_form(survey, formdata=request.form)
    if not form.validate_on_submit():
        return _survey_page(survey, form, 400)
    try:
        answer(survey, current_user, answers_of(form, survey))
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "warning")
        return _survey_page(survey, None, 409)
    except SurveyError as error:
        db.session.rollback()
        for key, messages in error.fields.items():
            field = getattr(form, f"q{key}", None)
            if field is not None:
                field.errors = list(messages)
        return _survey_page(survey, form, 400)
    db.session.commit()
    flash(_("已提交，谢谢！答卷不记名，与你的账号没有任何关联。"), "success")
    return redirect(url_for("surveys.index"))


@bp.route("/<id:survey_id>/close", methods=["POST"])
def close(survey_id: int):
    survey = get_managed_or_404(survey_id, current_user)
    if not CloseForm().validate_on_submit():
        abort(400)
    try:
        close_survey(survey, current_user)
    except SurveyError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("问卷已结束。"), "success")
    return redirect(url_for("surveys.survey", survey_id=survey.id))


def _results(survey_id: int):
    survey, scope = get_results_or_404(survey_id, current_user)
    department = None
    department_id = request.args.get("department", type=int)
    if department_id and scope != "team":
        department = db.session.get(Department, department_id)
    return results_of(survey, scope, current_user, department)


@bp.route("/<id:survey_id>/results")
def results(survey_id: int):
    found = _results(survey_id)
    choices = department_choices() if found.scope != "team" else []
    return render_template("surveys/results.html", results=found, survey=found.survey,
                           departments=choices, **_labels())


@bp.route("/<id:survey_id>/results.xlsx")
def results_export(survey_id: int):
    found = _results(survey_id)
    return xlsx_response(export(found), f"survey-{survey_id}-results.xlsx",
                         f"{found.survey.title}-结果.xlsx")

