"""The results of a survey as one reader may read them (``hub.surveys.access.results_scope``),
and their Excel export.

Figures per question: how many answered it, the count of every score or option, the mean
of a score; the free-text answers (HR only) sorted by their text, so their order says
nothing about who or when.  Figures per group — each department, for upward feedback each
manager's team, and a department filter — are ``None`` for a group with fewer than
``MIN_GROUP`` answers.  A fixed number of statements whatever the number of answers.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from hub.common.spreadsheets import workbook
from hub.extensions import db
from hub.org.models import Department, User
from hub.surveys.access import MIN_GROUP, audience_clause, subtree_ids
from hub.surveys.models import SCALE, Survey, SurveyParticipant, SurveyQuestion, SurveyResponse


@dataclass
class QuestionFigures:
    id: int
    position: int
    text: str
    kind: str
    options: list[str]
    answered: int
    #: (score or option, how many) in the scale's or the options' order; None for text.
    counts: list[tuple] | None
    mean: float | None
    #: The free-text answers (HR only), sorted; None for other kinds and other readers.
    texts: list[str] | None


@dataclass
class Group:
    """One department or one team: figures only from ``MIN_GROUP`` answers."""

    id: int
    name: str
    invited: int
    responded: int | None
    rate: float | None
    questions: list[QuestionFigures] | None

    @property
    def suppressed(self) -> bool:
        return self.responded is None


@dataclass
class Results:
    survey: Survey
    scope: str
    invited: int
    responded: int | None
    rate: float | None
    #: Answers counted in the figures (released from the holding table).
    counted: int
    questions: list[QuestionFigures] | None
    departments: list[Group]
    teams: list[Group]
    department: Department | None = None

    @property
    def suppressed(self) -> bool:
        return self.questions is None


def _rate(responded: int | None, invited: int) -> float | None:
    if responded is None or not invited:
        return None
    return round(min(responded / invited, 1.0), 3)


def figures(questions: list[SurveyQuestion], answers: list[dict], *,
            texts: bool) -> list[QuestionFigures]:
    """Per question figures of ``answers`` (each a stored answers dict)."""
    found = []
    for question in questions:
        values = [a[str(question.id)] for a in answers if str(question.id) in a]
        counts = mean = listed = None
        if question.kind == "scale":
            counted = Counter(v for v in values if v in SCALE)
            counts = [(score, counted[score]) for score in SCALE]
            total = sum(counted.values())
            mean = round(sum(s * n for s, n in counted.items()) / total, 2) if total else None
        elif question.kind == "choice":
            counted = Counter(values)
            counts = [(option, counted[option]) for option in question.options]
        elif texts:
            listed = sorted(str(v) for v in values)
        found.append(QuestionFigures(
            id=question.id, position=question.position, text=question.text,
            kind=question.kind, options=list(question.options or []), answered=len(values),
            counts=counts, mean=mean, texts=listed))
    return found


def _invited_by(survey: Survey, column, *where) -> dict:
    """How many the survey asks now (or who answered), grouped by ``column`` of ``User``."""
    answered = select(SurveyParticipant.user_id).where(SurveyParticipant.survey_id == survey.id)
    rows = db.session.execute(
        select(column, func.count(User.id))
        .where(audience_clause(survey) | User.id.in_(answered), *where).group_by(column))
    return {key: count for key, count in rows}


def _groups(survey: Survey, answers: list[SurveyResponse], key: str, invited: dict,
            names: dict[int, str]) -> list[Group]:
    by_group: dict[int, list[dict]] = defaultdict(list)
    for response in answers:
        group = getattr(response, key)
        if group is not None:
            by_group[group].append(response.answers)
    groups = []
    for group_id in set(invited) | set(by_group):
        if group_id is None or group_id not in names:
            continue
        given = by_group.get(group_id, [])
        shown = len(given) >= MIN_GROUP
        groups.append(Group(
            id=group_id, name=names[group_id], invited=invited.get(group_id, 0),
            responded=len(given) if shown else None,
            rate=_rate(len(given), invited.get(group_id, 0)) if shown else None,
            questions=figures(survey.questions, given, texts=False) if shown else None))
    groups.sort(key=lambda g: (g.name, g.id))
    return groups


def results_of(survey: Survey, scope: str, viewer: User,
               department: Department | None = None) -> Results:
    """The results ``viewer`` may read (``scope`` from ``access.results_scope``), optionally
    of one department and the departments below it."""
    stmt = select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
    user_filter = []
    if scope == "team":
        stmt = stmt.where(SurveyResponse.manager_id == viewer.id)
        user_filter.append(User.manager_id == viewer.id)
    if department is not None:
        stmt = stmt.where(SurveyResponse.department_id.in_(subtree_ids(department)))
        user_filter.append(User.department_id.in_(subtree_ids(department)))
    answers = list(db.session.scalars(stmt))
    by_department = _invited_by(survey, User.department_id, *user_filter)
    invited = sum(by_department.values())
    if scope == "team" or department is not None:
        # A part of the survey: the answers counted, never under MIN_GROUP.
        responded = len(answers) if len(answers) >= MIN_GROUP else None
    else:
        responded = db.session.scalar(select(func.count()).select_from(SurveyParticipant)
                                      .where(SurveyParticipant.survey_id == survey.id)) or 0
    shown = responded is not None
    departments: list[Group] = []
    teams: list[Group] = []
    if scope != "team":
        names = dict(db.session.execute(select(Department.id, Department.name)).all())
        departments = _groups(survey, answers, "department_id", by_department, names)
        if survey.kind == "upward":
            by_manager = _invited_by(survey, User.manager_id, *user_filter)
            managers = dict(db.session.execute(select(User.id, User.name).where(
                User.id.in_([m for m in by_manager if m is not None]
                            + [r.manager_id for r in answers if r.manager_id]))).all())
            teams = _groups(survey, answers, "manager_id", by_manager, managers)
    return Results(
        survey=survey, scope=scope, invited=invited, responded=responded,
        rate=_rate(responded, invited), counted=len(answers) if shown else 0,
        questions=figures(survey.questions, [a.answers for a in answers],
                          texts=scope == "full") if shown else None,
        departments=departments, teams=teams, department=department)


# --- the export ----------------------------------------------------------------------------

def export(results: Results) -> bytes:
    """The aggregates as a workbook (numbers as numbers): the overview, every question's
    counts and means, and the groups; never the free-text answers."""
    overview = [[_("问卷"), _("调查对象"), _("已填写"), _("填写率")],
                [results.survey.title, results.invited, results.responded, results.rate]]
    per_question = [[_("题号"), _("题目"), _("选项或分值"), _("人数"), _("平均分")]]
    for q in results.questions or []:
        if q.counts is None:
            per_question.append([q.position, q.text, _("（文字题）"), q.answered, None])
            continue
        for value, count in q.counts:
            per_question.append([q.position, q.text, value, count, None])
        if q.mean is not None:
            per_question.append([q.position, q.text, _("平均分"), q.answered, q.mean])
    scale_questions = [q for q in results.survey.questions if q.kind == "scale"]

    def group_sheet(groups: list[Group], name: str) -> list[list]:
        rows = [[name, _("调查对象"), _("已填写"), _("填写率")]
                + [f"{q.position}. {q.text}" for q in scale_questions]]
        for group in groups:
            means = {f.id: f.mean for f in group.questions or []}
            rows.append([group.name, group.invited,
                         group.responded if not group.suppressed else _("不足5人"),
                         group.rate] + [means.get(q.id) for q in scale_questions])
        return rows

    sheets = [(_("概况"), overview), (_("各题"), per_question)]
    if results.departments:
        sheets.append((_("各部门"), group_sheet(results.departments, _("部门"))))
    if results.teams:
        sheets.append((_("各团队"), group_sheet(results.teams, _("上级"))))
    return workbook(sheets)
