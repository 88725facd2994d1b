"""The rules of satisfaction surveys: building a questionnaire, answering it once and
anonymously, closing it, reminding who has not answered.  The results and their export are
in ``hub.surveys.results``.

Answering writes two things that nothing joins: the "has answered" marker (survey, person)
at once — so a second answer is refused and reminders skip the person — and the answers,
without the person, into the holding table of anonymous filings (``hub.common.holding``).
The worker releases them with the other filings of their window, in random order, each
with a random key and no time, so the answers table cannot be ordered against the markers
by id, time or transaction.  Surveys are always held, even where anonymous letters are
recorded at once (``ANONYMOUS_RELEASE_MINUTES = 0``: a window of one minute).

What remains, knowingly: until its release the holding row was written in the same
transaction as the marker (it is deleted when it is released); and an answer keeps the
department (and, for upward feedback, the manager) it is counted for, so whoever reads the
tables directly can read the answers of a department of one — the pages, the API and the
export never show a group under five.  The access log keeps no line of the survey routes
(``hub.common.logging``), and answering stamps no activity on the session.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hub.common import holding
from hub.common.tasks import finished, item_key
from hub.common.time import to_local, utcnow
from hub.extensions import db
from hub.notifications.services import notify
from hub.org.models import Department, User
from hub.surveys.access import (
    AUDIENCE_ROLES,
    Audience,
    can_manage,
    has_answered,
    in_audience,
    status_of,
    unanswered_members,
)
from hub.surveys.models import (
    KINDS,
    QUESTION_KINDS,
    SCALE,
    Survey,
    SurveyAudience,
    SurveyParticipant,
    SurveyQuestion,
    SurveyResponse,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
QUESTION_MAX = 500
OPTION_MAX = 100
TEXT_ANSWER_MAX = 2000
MAX_QUESTIONS = 50
MAX_OPTIONS = 20
#: Holding-table kind of one set of answers.
HELD_KIND = "survey_answers"
#: Days before closing when who has not answered is reminded (``SURVEY_REMIND_DAYS``).
REMIND_DAYS = 2

KIND_LABELS = {"standard": _l("满意度调查"), "upward": _l("上级管理风格反馈")}
QUESTION_KIND_LABELS = {"scale": _l("评分（1–5）"), "choice": _l("单选"), "text": _l("文字")}
STATUS_LABELS = {"scheduled": _l("未开始"), "open": _l("进行中"), "closed": _l("已结束")}
SCALE_LABELS = {1: _l("1 很不满意"), 2: _l("2 不满意"), 3: _l("3 一般"), 4: _l("4 满意"),
                5: _l("5 很满意")}
ROLE_LABELS = {
    "gm_office": _l("总经办"),
    "hr": _l("人力资源"),
    "admin": _l("系统管理员"),
    "department_head": _l("部门负责人"),
    "manager": _l("直属上级（有下属的人）"),
}

#: The upward-feedback template (上级管理风格反馈): each person about the manager their
#: team reports to (沟通管理办法: managers learn what their people think of their style).
UPWARD_TITLE = _l("上级管理风格反馈")
UPWARD_DESCRIPTION = _l("请就你的直属上级的管理风格匿名作答。上级只能看到本团队5人及以上作答时的汇总结果，"
                        "看不到任何个人的答卷。")
UPWARD_QUESTIONS = (
    (_l("上级清楚地说明工作目标和要求"), "scale", ()),
    (_l("上级及时给予反馈和指导"), "scale", ()),
    (_l("上级愿意听取不同意见"), "scale", ()),
    (_l("上级公平对待团队成员"), "scale", ()),
    (_l("与上级的例行沟通频率"), "choice", (_l("太少"), _l("合适"), _l("太多"))),
    (_l("你希望上级在管理方式上改进什么？"), "text", ()),
)


class SurveyError(Exception):
    """A request the surveys refuse; ``status`` is the API's HTTP status."""

    status = 400

    def __init__(self, message, fields: dict | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.fields = fields or {}


class NotAllowed(SurveyError):
    status = 403


class Conflict(SurveyError):
    """Not in this state: answered already, not open, already open."""

    status = 409


@dataclass
class QuestionSpec:
    text: str
    kind: str
    options: list[str] = field(default_factory=list)


def upward_questions() -> list[QuestionSpec]:
    return [QuestionSpec(str(text), kind, [str(o) for o in options])
            for text, kind, options in UPWARD_QUESTIONS]


# --- building ----------------------------------------------------------------------------

def _clean_questions(questions: list[QuestionSpec]) -> list[QuestionSpec]:
    errors: dict[str, list[str]] = {}
    cleaned = []
    if not questions:
        raise SurveyError(_l("请至少填写一道题目。"), {"questions": [str(_l("请至少填写一道题目。"))]})
    if len(questions) > MAX_QUESTIONS:
        raise SurveyError(_l("题目太多（最多 %(n)s 道）。", n=MAX_QUESTIONS))
    for number, question in enumerate(questions, 1):
        text = (question.text or "").strip()
        problem = None
        options = [o.strip() for o in question.options or [] if o and o.strip()]
        if not text:
            problem = _l("第 %(n)s 题：请填写题目。", n=number)
        elif len(text) > QUESTION_MAX:
            problem = _l("第 %(n)s 题：题目太长（最多 %(max)s 字）。", n=number, max=QUESTION_MAX)
        elif question.kind not in QUESTION_KINDS:
            problem = _l("第 %(n)s 题：请选择题型。", n=number)
        elif question.kind == "choice":
            if not 2 <= len(options) <= MAX_OPTIONS:
                problem = _l("第 %(n)s 题：单选题需要 2 到 %(max)s 个选项（每行一个）。",
                             n=number, max=MAX_OPTIONS)
            elif len(set(options)) != len(options):
                problem = _l("第 %(n)s 题：选项不能重复。", n=number)
            elif any(len(o) > OPTION_MAX for o in options):
                problem = _l("第 %(n)s 题：选项太长（最多 %(max)s 字）。", n=number, max=OPTION_MAX)
        if problem is not None:
            errors.setdefault("questions", []).append(str(problem))
            continue
        cleaned.append(QuestionSpec(text, question.kind,
                                    options if question.kind == "choice" else []))
    if errors:
        raise SurveyError(" ".join(errors["questions"]), errors)
    return cleaned


def _check(title: str, description: str, kind: str, audience: Audience,
           opens_at: datetime, closes_at: datetime, now: datetime) -> None:
    if not (title or "").strip():
        raise SurveyError(_l("请填写标题。"), {"title": [str(_l("请填写标题。"))]})
    if len(title) > TITLE_MAX:
        raise SurveyError(_l("标题太长。"), {"title": [str(_l("标题太长。"))]})
    if len(description or "") > DESCRIPTION_MAX:
        raise SurveyError(_l("说明太长。"), {"description": [str(_l("说明太长。"))]})
    if kind not in KINDS:
        raise SurveyError(_l("未知的问卷类型。"), {"kind": [str(_l("未知的问卷类型。"))]})
    if audience.empty:
        raise SurveyError(_l("请选择调查对象。"), {"audience": [str(_l("请选择调查对象。"))]})
    if any(r not in AUDIENCE_ROLES for r in audience.roles):
        raise SurveyError(_l("请从列表中选择角色。"), {"audience": [str(_l("请从列表中选择角色。"))]})
    if audience.department_ids:
        found = set(db.session.scalars(select(Department.id).where(
            Department.id.in_(audience.department_ids))))
        if set(audience.department_ids) - found:
            raise SurveyError(_l("所选部门不存在。"), {"audience": [str(_l("所选部门不存在。"))]})
    if closes_at <= opens_at:
        raise SurveyError(_l("截止时间须晚于开始时间。"),
                          {"closes_at": [str(_l("截止时间须晚于开始时间。"))]})
    if closes_at <= now:
        raise SurveyError(_l("截止时间须晚于现在。"), {"closes_at": [str(_l("截止时间须晚于现在。"))]})


def _set_audience(survey: Survey, audience: Audience) -> None:
    survey.audience.clear()
    if audience.everyone:
        survey.audience.append(SurveyAudience(kind="all"))
    for department_id in dict.fromkeys(audience.department_ids):
        survey.audience.append(SurveyAudience(kind="department", department_id=department_id))
    for role in dict.fromkeys(audience.roles):
        survey.audience.append(SurveyAudience(kind="role", role=role))


def _set_questions(survey: Survey, questions: list[QuestionSpec]) -> None:
    survey.questions.clear()
    db.session.flush()
    for position, question in enumerate(questions, 1):
        survey.questions.append(SurveyQuestion(position=position, text=question.text,
                                               kind=question.kind, options=question.options))


def create_survey(author: User, *, title: str, description: str = "", kind: str = "standard",
                  questions: list[QuestionSpec] | None = None, audience: Audience,
                  opens_at: datetime | None = None, closes_at: datetime,
                  now: datetime | None = None) -> Survey:
    """A new questionnaire (HR only).  An upward-feedback survey without questions gets the
    template's."""
    now = now or utcnow()
    if not can_manage(author):
        raise NotAllowed(_l("只有人力资源部可以发起问卷。"))
    opens_at = opens_at or now
    if kind == "upward" and not questions:
        questions = upward_questions()
    _check(title, description, kind, audience, opens_at, closes_at, now)
    cleaned = _clean_questions(list(questions or []))
    survey = Survey(kind=kind, title=title.strip(), description=(description or "").strip(),
                    author_id=author.id, created_at=now, opens_at=opens_at,
                    closes_at=closes_at)
    db.session.add(survey)
    _set_audience(survey, audience)
    _set_questions(survey, cleaned)
    db.session.flush()
    return survey


def update_survey(survey: Survey, user: User, *, title: str, description: str = "",
                  questions: list[QuestionSpec], audience: Audience,
                  opens_at: datetime | None, closes_at: datetime,
                  now: datetime | None = None) -> Survey:
    """Change a survey that has not opened yet (HR)."""
    now = now or utcnow()
    if not can_manage(user):
        raise NotAllowed(_l("只有人力资源部可以修改问卷。"))
    if status_of(survey, now) != "scheduled":
        raise Conflict(_l("问卷已开始，不能再修改。"))
    opens_at = opens_at or now
    _check(title, description, survey.kind, audience, opens_at, closes_at, now)
    cleaned = _clean_questions(list(questions))
    survey.title, survey.description = title.strip(), (description or "").strip()
    survey.opens_at, survey.closes_at = opens_at, closes_at
    _set_audience(survey, audience)
    _set_questions(survey, cleaned)
    db.session.flush()
    return survey


def close_survey(survey: Survey, user: User, now: datetime | None = None) -> Survey:
    """End a survey now (HR); a survey that has not opened yet never opens."""
    now = now or utcnow()
    if not can_manage(user):
        raise NotAllowed(_l("只有人力资源部可以结束问卷。"))
    if status_of(survey, now) == "closed":
        raise Conflict(_l("问卷已经结束。"))
    survey.opens_at = min(survey.opens_at, now)
    survey.closes_at = now
    finished(item_key("survey", survey.id), at=now)
    db.session.flush()
    return survey


# --- answering ---------------------------------------------------------------------------

def _clean_answers(survey: Survey, answers: dict) -> dict[str, object]:
    """The answers as stored: question id (text) → 1..5, an option, or a text.  Scale and
    choice questions must be answered; a text may be left empty."""
    by_id = {q.id: q for q in survey.questions}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, object] = {}
    for question_id in answers:
        if question_id not in by_id:
            errors.setdefault("answers", []).append(str(_l("问卷中没有这道题。")))
    for number, question in enumerate(survey.questions, 1):
        value = answers.get(question.id)
        key = str(question.id)
        if question.kind == "text":
            text = str(value or "").strip() if not isinstance(value, (dict, list)) else None
            if text is None:
                errors[key] = [str(_l("第 %(n)s 题：请填写文字。", n=number))]
            elif len(text) > TEXT_ANSWER_MAX:
                errors[key] = [str(_l("第 %(n)s 题：最多 %(max)s 字。", n=number,
                                      max=TEXT_ANSWER_MAX))]
            elif text:
                cleaned[key] = text
            continue
        if value is None or value == "":
            errors[key] = [str(_l("第 %(n)s 题：请作答。", n=number))]
            continue
        if question.kind == "scale":
            try:
                score = int(value) if not isinstance(value, bool) else None
            except (TypeError, ValueError):
                score = None
            if score not in SCALE or (isinstance(value, float) and value != score):
                errors[key] = [str(_l("第 %(n)s 题：请选 1 到 5 分。", n=number))]
                continue
            cleaned[key] = score
        else:
            if not isinstance(value, str) or value not in question.options:
                errors[key] = [str(_l("第 %(n)s 题：请从选项中选择。", n=number))]
                continue
            cleaned[key] = value
    if errors:
        raise SurveyError(_l("问卷尚未提交，请按提示补全后重新提交。"), errors)
    return cleaned


def answer(survey: Survey, user: User, answers: dict, now: datetime | None = None) -> None:
    """``user``'s answers (question id → value), once.  The marker is written now; the
    answers, without the person, wait in the holding table for the next release."""
    now = now or utcnow()
    if status_of(survey, now) != "open":
        raise Conflict(_l("问卷不在填写时间内。"))
    if has_answered(user, survey):
        raise Conflict(_l("你已经填写过这份问卷，每人只能填写一次。"))
    if not in_audience(user, survey):
        raise Conflict(_l("你不在这份问卷的调查对象中。"))
    cleaned = _clean_answers(survey, answers)
    db.session.add(SurveyParticipant(survey_id=survey.id, user_id=user.id))
    db.session.flush()
    fields = {"survey_id": survey.id, "department_id": user.department_id,
              "manager_id": user.manager_id if survey.kind == "upward" else None,
              "answers": cleaned}
    # Not a receipt: nobody follows up an answer; the column only has to be unique.
    holding.hold(HELD_KIND, fields, secrets.token_hex(32), now=now)


@holding.releases(HELD_KIND)
def _record(fields: dict, _receipt_hash: str, _attachments, _now: datetime) -> None:
    db.session.add(SurveyResponse(
        survey_id=fields["survey_id"], department_id=fields.get("department_id"),
        manager_id=fields.get("manager_id"), answers=fields["answers"]))


# --- reminders ---------------------------------------------------------------------------

def remind_days() -> int:
    try:
        return int(current_app.config.get("SURVEY_REMIND_DAYS", REMIND_DAYS))
    except (TypeError, ValueError):
        return REMIND_DAYS


def send_reminders(now: datetime | None = None) -> int:
    """Once per survey, ``SURVEY_REMIND_DAYS`` days before it closes: tell everybody in
    its audience who has not answered (in the hub and by e-mail).  Returns how many."""
    now = now or utcnow()
    due = db.session.scalars(select(Survey).where(
        Survey.reminded_at.is_(None), Survey.opens_at <= now, Survey.closes_at > now,
        Survey.closes_at <= now + timedelta(days=remind_days())))
    reminded = 0
    for survey in due:
        url = url_for("surveys.survey", survey_id=survey.id)
        for person in db.session.scalars(unanswered_members(survey)):
            notify(person, kind="survey.reminder",
                   title=_l("提醒：请填写问卷“%(title)s”", title=survey.title),
                   body=_l("问卷匿名填写，将于 %(closes)s 截止。",
                           closes=to_local(survey.closes_at).strftime("%Y-%m-%d %H:%M")),
                   url=url, item=item_key("survey", survey.id), task="answer")
            reminded += 1
        survey.reminded_at = now
    db.session.flush()
    return reminded
