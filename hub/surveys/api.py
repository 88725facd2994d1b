"""满意度调查 through the API (see API.md ``/api/v1/surveys…``): build a questionnaire (HR),
the caller's surveys, one survey, answer it once and anonymously, its results.

Everything goes through ``hub.surveys.services`` and ``hub.surveys.access``, as the pages
do: a survey the caller may not see is a 404; building one without HR's role a 403; a
second answer, or an answer outside the open period, a 409; bad input a 400 with the
fields it concerns.
"""
from __future__ import annotations

from typing import ClassVar

from flask_login import current_user
from marshmallow import fields, validate

from hub.announcements.api import AudienceSchema, Moment
from hub.api.blueprint import Blueprint
from hub.api.schemas import (
    PageArgs,
    PersonRef,
    RowId,
    Schema,
    Text,
    Timestamp,
    ViewSchema,
    page_of,
)
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import Department
from hub.surveys.access import (
    Audience,
    answered_ids,
    audience_of,
    get_managed_or_404,
    get_results_or_404,
    get_survey_or_404,
    listed_surveys_query,
    status_of,
    survey_view,
)
from hub.surveys.models import KINDS, QUESTION_KINDS, Survey
from hub.surveys.results import results_of
from hub.surveys.services import (
    DESCRIPTION_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    QuestionSpec,
    SurveyError,
    answer,
    close_survey,
    create_survey,
    update_survey,
)

blp = Blueprint("api_surveys", __name__, url_prefix="/surveys", description="满意度调查")
blp.answers_refusals(SurveyError)

STATUSES = ("scheduled", "open", "closed")


# --- schemas ---------------------------------------------------------------------------

class SurveyQuestionInSchema(Schema):
    text = Text(required=True, metadata={"maxLength": QUESTION_MAX})
    kind = fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS))
    options = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list,
                          validate=validate.Length(max=50),
                          metadata={"description": "单选题的选项（2–20 个）"})


class RequiredMoment(Moment):
    """A ``Moment`` that must be given."""

    def __init__(self, **kwargs):
        fields.AwareDateTime.__init__(self, required=True, **kwargs)


class EditSurveySchema(Schema):
    title = Text(required=True, metadata={"maxLength": TITLE_MAX})
    description = Text(load_default="", metadata={"maxLength": DESCRIPTION_MAX})
    questions = fields.List(fields.Nested(SurveyQuestionInSchema), load_default=list,
                            validate=validate.Length(max=50))
    audience = fields.Nested(AudienceSchema, required=True)
    opens_at = Moment(metadata={"description": "不填则立即开始"})
    closes_at = RequiredMoment()


class NewSurveySchema(EditSurveySchema):
    kind = fields.String(load_default="standard", validate=validate.OneOf(KINDS), metadata={
        "description": "standard：满意度调查；upward：上级管理风格反馈（不填题目则用模板题目）"})


def _audience(args) -> Audience:
    audience = args["audience"]
    return Audience(everyone=audience["all"], department_ids=tuple(audience["department_ids"]),
                    roles=tuple(audience["roles"]))


def _specs(args) -> list[QuestionSpec]:
    return [QuestionSpec(q["text"], q["kind"], list(q["options"])) for q in args["questions"]]


class SurveyQuestionSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    text = fields.String()
    kind = fields.String(metadata={"enum": list(QUESTION_KINDS)})
    options = fields.List(fields.String())


def _audience_out(survey: Survey) -> dict:
    audience = audience_of(survey)
    return {"all": audience.everyone, "department_ids": list(audience.department_ids),
            "roles": list(audience.roles)}


class SurveySchema(ViewSchema):
    """One survey as ``hub.surveys.access.survey_view`` lets the caller see it."""

    computed: ClassVar[dict] = {"audience": lambda view: _audience_out(view.item)}

    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    status = fields.String(metadata={"enum": list(STATUSES)})
    opens_at = Timestamp()
    closes_at = Timestamp()
    questions = fields.List(fields.Nested(SurveyQuestionSchema))
    answered_by_me = fields.Boolean(metadata={"description": "调查对象：自己是否已填写"})
    audience = fields.Nested(AudienceSchema, metadata={"description": "人力资源部可见"})
    author = PersonRef()
    invited = fields.Integer(metadata={"description": "调查对象人数（人力资源部可见）"})
    responded = fields.Integer(metadata={"description": "已填写人数（人力资源部可见）"})


class SurveyItemSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    status = fields.String(metadata={"enum": list(STATUSES)})
    opens_at = Timestamp()
    closes_at = Timestamp()
    answered_by_me = fields.Boolean()


class SurveyAnswerInSchema(Schema):
    question_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    value = fields.Raw(required=True, allow_none=True, metadata={
        "description": "评分题 1–5；单选题为选项文字；文字题为文字"})


class SurveyResponseInSchema(Schema):
    answers = fields.List(fields.Nested(SurveyAnswerInSchema), required=True,
                          validate=validate.Length(max=100))


class SurveyReceivedSchema(Schema):
    status = fields.String(metadata={"description": "received：已收到；答卷与填写人没有关联"})


class SurveyCountSchema(Schema):
    value = fields.Raw(metadata={"description": "分值或选项"})
    count = fields.Integer()


class SurveyQuestionFiguresSchema(Schema):
    id = fields.Integer()
    position = fields.Integer()
    text = fields.String()
    kind = fields.String()
    answered = fields.Integer()
    counts = fields.List(fields.Nested(SurveyCountSchema), allow_none=True)
    mean = fields.Float(allow_none=True)
    texts = fields.List(fields.String(), allow_none=True, metadata={
        "description": "文字题的回答（仅人力资源部；按文字排序，不含时间和顺序）"})


class SurveyGroupSchema(Schema):
    id = fields.Integer(metadata={"description": "部门 id，或（各团队）上级的 id"})
    name = fields.String()
    invited = fields.Integer()
    responded = fields.Integer(allow_none=True, metadata={"description": "不足5人为 null"})
    rate = fields.Float(allow_none=True)
    questions = fields.List(fields.Nested(SurveyQuestionFiguresSchema), allow_none=True)


class SurveyResultsSchema(Schema):
    survey_id = fields.Integer()
    department_id = fields.Integer(allow_none=True)
    invited = fields.Integer()
    responded = fields.Integer(allow_none=True, metadata={
        "description": "已填写人数；按部门或团队查看时不足5人为 null"})
    rate = fields.Float(allow_none=True, metadata={"description": "填写率，0–1"})
    counted = fields.Integer(metadata={"description": "已计入统计的答卷（其余尚在批量入库中）"})
    questions = fields.List(fields.Nested(SurveyQuestionFiguresSchema), allow_none=True)
    departments = fields.List(fields.Nested(SurveyGroupSchema))
    teams = fields.List(fields.Nested(SurveyGroupSchema), metadata={
        "description": "上级管理风格反馈：各上级的团队"})


class SurveyResultsQuerySchema(Schema):
    department = RowId(Department, data_key="department_id", load_default=None,
                       metadata={"description": "只看该部门（含下级部门）"})


def _figures(questions):
    if questions is None:
        return None
    return [{"id": q.id, "position": q.position, "text": q.text, "kind": q.kind,
             "answered": q.answered, "mean": q.mean, "texts": q.texts,
             "counts": None if q.counts is None
             else [{"value": v, "count": n} for v, n in q.counts]} for q in questions]


def _group(group) -> dict:
    return {"id": group.id, "name": group.name, "invited": group.invited,
            "responded": group.responded, "rate": group.rate,
            "questions": _figures(group.questions)}


# --- routes ----------------------------------------------------------------------------

@blp.route("", methods=["POST"])
@blp.arguments(NewSurveySchema)
@blp.response(201, SurveySchema)
@blp.alt_response(403, response="FORBIDDEN")
def create(args):
    """Start a survey (HR only; 403 for others).  ``kind: upward`` without questions takes
    the upward-feedback template's questions."""
    survey = create_survey(current_user, title=args["title"], description=args["description"],
                           kind=args["kind"], questions=_specs(args), audience=_audience(args),
                           opens_at=args["opens_at"], closes_at=args["closes_at"])
    db.session.commit()
    return survey_view(current_user, survey)


@blp.route("", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(SurveyItemSchema))
def surveys(args):
    """The surveys the caller may answer (opened, addressed to them, or answered), each
    with ``answered_by_me``; HR and the GM office: all."""
    stmt = listed_surveys_query(current_user)
    total = db.session.scalar(stmt.with_only_columns(db.func.count(Survey.id))) or 0
    items = list(db.session.scalars(stmt.order_by(Survey.closes_at.desc(), Survey.id.desc())
                                    .limit(args["per_page"])
                                    .offset((args["page"] - 1) * args["per_page"])))
    answered = answered_ids(current_user, [s.id for s in items])
    now = utcnow()
    return {"items": [{"id": s.id, "title": s.title, "kind": s.kind,
                       "status": status_of(s, now), "opens_at": s.opens_at,
                       "closes_at": s.closes_at, "answered_by_me": s.id in answered}
                      for s in items],
            "total": total, "page": args["page"], "per_page": args["per_page"]}


@blp.route("/<id:survey_id>")
@blp.response(200, SurveySchema)
@blp.alt_response(404, response="NOT_FOUND")
def survey(survey_id: int):
    """One survey with its questions (each with an id)."""
    return survey_view(current_user, get_survey_or_404(survey_id, current_user))


@blp.route("/<id:survey_id>", methods=["PATCH"])
@blp.arguments(EditSurveySchema)
@blp.response(200, SurveySchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def change(args, survey_id: int):
    """Change a survey that has not opened yet (HR); 409 once it is open."""
    item = get_managed_or_404(survey_id, current_user)
    update_survey(item, current_user, title=args["title"], description=args["description"],
                  questions=_specs(args), audience=_audience(args),
                  opens_at=args["opens_at"], closes_at=args["closes_at"])
    db.session.commit()
    return survey_view(current_user, item)


@blp.route("/<id:survey_id>/close", methods=["POST"])
@blp.response(200, SurveySchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def close(survey_id: int):
    """End a survey now (HR); 409 when it has ended already."""
    item = get_managed_or_404(survey_id, current_user)
    close_survey(item, current_user)
    db.session.commit()
    return survey_view(current_user, item)


@blp.route("/<id:survey_id>/responses", methods=["POST"])
@blp.arguments(SurveyResponseInSchema)
@blp.response(201, SurveyReceivedSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def respond(args, survey_id: int):
    """Answer a survey, once (a second answer is a 409).  Nothing stored links the answers
    to the caller: they enter the records with the next release batch, without a time."""
    item = get_survey_or_404(survey_id, current_user)
    answers = {}
    for given in args["answers"]:
        answers[given["question_id"]] = given["value"]
    answer(item, current_user, answers)
    db.session.commit()
    return {"status": "received"}


@blp.route("/<id:survey_id>/results")
@blp.arguments(SurveyResultsQuerySchema, location="query")
@blp.response(200, SurveyResultsSchema)
@blp.alt_response(404, response="NOT_FOUND")
def results(args, survey_id: int):
    """Invited, responded, rate; per question counts (score, choice) and mean (score);
    per department (upward feedback: per team) figures, ``null`` where fewer than 5
    answered.  HR (with the free-text answers), the GM office (aggregates), and a manager
    for their own team's upward feedback from 5 answers; 404 for everybody else."""
    item, scope = get_results_or_404(survey_id, current_user)
    department = args["department"] if scope != "team" else None
    found = results_of(item, scope, current_user, department)
    return {"survey_id": item.id, "department_id": department.id if department else None,
            "invited": found.invited, "responded": found.responded, "rate": found.rate,
            "counted": found.counted, "questions": _figures(found.questions),
            "departments": [_group(g) for g in found.departments],
            "teams": [_group(g) for g in found.teams]}
