"""Who may see and do what with satisfaction surveys (满意度调查, SPEC §6), and
``survey_view``, what one person sees of one survey — the page, the API, the workbench and
the reminders all read these answers.

* **HR** (role ``hr``) builds, edits (until it opens), closes and reads every survey, and
  its full results: figures per question and per group, and the free-text answers.
* **The GM office** may read every survey and its aggregates (figures per question and
  per group) — never the free-text answers, which are HR's to read.
* **Its audience** may read and answer a survey once it has opened: a person is in the
  audience when a rule matches them now (``all``; a department and below; a role — the
  org roles, department heads, managers) and, for upward feedback, when they have a
  manager (the team they belong to is their manager's).
* **A manager** may read the aggregates of an upward-feedback survey for their own team
  once at least ``MIN_GROUP`` of the team answered — nothing at all below that.
* Nobody else; an inactive account nothing.  Anything else is a 404.

Every group a result shows (a department, a team, a department filter) with fewer than
``MIN_GROUP`` answers is suppressed: the API gives ``null``, the page "不足5人".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased, selectinload

from hub.common.access import ItemView
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import ROLES, Department, User, UserRole
from hub.org.permissions import is_gm_office, is_hr
from hub.surveys.models import (
    Survey,
    SurveyAudience,
    SurveyParticipant,
    SurveyResponse,
)

#: The smallest group whose answers are shown (per department, per team, per filter).
MIN_GROUP = 5
#: Roles an audience can name (the announcements' set: org roles plus derived ones).
AUDIENCE_ROLES = ("gm_office", "hr", "admin", "department_head", "manager")


@dataclass(frozen=True)
class Audience:
    """Whom a survey asks: the whole company, or departments (with their sub-departments)
    and/or roles."""

    everyone: bool = False
    department_ids: tuple[int, ...] = ()
    roles: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.everyone or self.department_ids or self.roles)


def audience_of(survey: Survey) -> Audience:
    rules = survey.audience
    return Audience(
        everyone=any(r.kind == "all" for r in rules),
        department_ids=tuple(r.department_id for r in rules if r.kind == "department"),
        roles=tuple(r.role for r in rules if r.kind == "role"),
    )


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.active)


# --- roles -------------------------------------------------------------------------------

def can_manage(user: User) -> bool:
    """HR builds, edits, closes and reads every survey."""
    return _active(user) and is_hr(user)


def reads_aggregates(user: User) -> bool:
    """HR and the GM office read every survey's aggregate results."""
    return _active(user) and (is_hr(user) or is_gm_office(user))


# --- the audience ------------------------------------------------------------------------

def _subtrees(department_ids) -> Select:
    tree = (select(Department.id).where(Department.id.in_(sorted(set(department_ids))))
            .cte("survey_subtree", recursive=True, nesting=True))
    below = aliased(Department)
    tree = tree.union(select(below.id).where(below.parent_id == tree.c.id))
    return select(tree.c.id)


def subtree_ids(department: Department) -> Select:
    """SQL: ``department`` and every department below it."""
    return _subtrees([department.id])


def audience_clause(survey: Survey):
    """SQL on ``User``: the active people a survey asks now."""
    audience = audience_of(survey)
    if audience.everyone:
        rule = true()
    else:
        rules = []
        if audience.department_ids:
            rules.append(User.department_id.in_(_subtrees(audience.department_ids)))
        for role in audience.roles:
            if role in ROLES:
                rules.append(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
            elif role == "department_head":
                rules.append(User.id.in_(select(Department.head_id).where(
                    Department.head_id.is_not(None))))
            elif role == "manager":
                report = aliased(User)
                rules.append(User.id.in_(select(report.manager_id).where(
                    report.manager_id.is_not(None), report.active.is_(True))))
        rule = or_(*rules) if rules else false()
    clauses = [User.active.is_(True), rule]
    if survey.kind == "upward":
        clauses.append(User.manager_id.is_not(None))
    return and_(*clauses)


def audience_members(survey: Survey) -> Select:
    return select(User).where(audience_clause(survey))


def _department_line(user: User):
    line = (select(Department.id, Department.parent_id)
            .where(Department.id == user.department_id).cte("survey_line", recursive=True))
    above = aliased(Department)
    line = line.union(select(above.id, above.parent_id).where(above.id == line.c.parent_id))
    return select(line.c.id)


def addressed_to(user: User):
    """SQL on ``Survey``: the surveys whose audience includes ``user`` now (the query form
    of ``in_audience``)."""
    org_roles = sorted(set(user.roles) & set(AUDIENCE_ROLES))
    role = SurveyAudience.kind == "role"
    rules = [
        SurveyAudience.kind == "all",
        and_(SurveyAudience.kind == "department",
             SurveyAudience.department_id.in_(_department_line(user))),
        and_(role, SurveyAudience.role == "department_head",
             exists().where(Department.head_id == user.id)),
        and_(role, SurveyAudience.role == "manager",
             exists().where(User.manager_id == user.id, User.active.is_(True))),
    ]
    if org_roles:
        rules.append(and_(role, SurveyAudience.role.in_(org_roles)))
    addressed = Survey.id.in_(select(SurveyAudience.survey_id).where(or_(*rules)))
    if user.manager_id is None:
        return and_(addressed, Survey.kind != "upward")
    return addressed


def in_audience(user: User, survey: Survey) -> bool:
    if not _active(user):
        return False
    return bool(db.session.scalar(select(exists().where(
        User.id == user.id, audience_clause(survey)))))


def has_answered(user: User, survey: Survey) -> bool:
    return db.session.get(SurveyParticipant, (survey.id, user.id)) is not None


# --- state -------------------------------------------------------------------------------

def status_of(survey: Survey, now: datetime | None = None) -> str:
    """``scheduled`` (not yet open), ``open``, ``closed``."""
    now = utcnow() if now is None else now
    if survey.opens_at > now:
        return "scheduled"
    return "open" if survey.closes_at > now else "closed"


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    return status_of(survey, now) == "open"


# --- who may read what -------------------------------------------------------------------

def team_responses(survey: Survey, manager: User) -> int:
    """How many answers of ``manager``'s team an upward survey has (released ones)."""
    if survey.kind != "upward":
        return 0
    return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.manager_id == manager.id)) or 0


def sees_team_results(user: User, survey: Survey) -> bool:
    """A manager, for an upward survey their team gave ``MIN_GROUP`` answers or more."""
    return _active(user) and survey.kind == "upward" \
        and team_responses(survey, user) >= MIN_GROUP


def results_scope(user: User, survey: Survey) -> str | None:
    """What ``user`` may read of a survey's results: ``full`` (HR: aggregates and free
    text), ``aggregates`` (the GM office), ``team`` (a manager: their team's aggregates,
    upward feedback of at least ``MIN_GROUP``), or None."""
    if can_manage(user):
        return "full"
    if reads_aggregates(user):
        return "aggregates"
    if status_of(survey) != "scheduled" and sees_team_results(user, survey):
        return "team"
    return None


def can_view_survey(user: User, survey: Survey, now: datetime | None = None) -> bool:
    """See the module docstring."""
    if not _active(user):
        return False
    if reads_aggregates(user):
        return True
    if status_of(survey, now) == "scheduled":
        return False
    return in_audience(user, survey) or has_answered(user, survey)


def _load(survey_id: int) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.id == survey_id).options(
        selectinload(Survey.questions), selectinload(Survey.audience)))


def get_survey_or_404(survey_id: int, user: User) -> Survey:
    survey = _load(survey_id)
    if survey is None or not (can_view_survey(user, survey)
                              or results_scope(user, survey) == "team"):
        abort(404)
    return survey


def get_managed_or_404(survey_id: int, user: User) -> Survey:
    survey = _load(survey_id) if can_manage(user) else None
    if survey is None:
        abort(404)
    return survey


def get_results_or_404(survey_id: int, user: User) -> tuple[Survey, str]:
    survey = _load(survey_id)
    scope = results_scope(user, survey) if survey is not None else None
    if scope is None:
        abort(404)
    return survey, scope


# --- lists -------------------------------------------------------------------------------

def listed_surveys_query(user: User, now: datetime | None = None) -> Select:
    """The surveys ``user`` sees in the list: every one for HR and the GM office; the
    opened ones addressed to them, or that they answered, for everybody else."""
    stmt = select(Survey)
    if not _active(user):
        return stmt.where(false())
    if reads_aggregates(user):
        return stmt
    answered = Survey.id.in_(select(SurveyParticipant.survey_id).where(
        SurveyParticipant.user_id == user.id))
    return stmt.where(Survey.opens_at <= (utcnow() if now is None else now), or_(addressed_to(user), answered))


def answered_ids(user: User, survey_ids) -> set[int]:
    ids = list(survey_ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(SurveyParticipant.survey_id).where(
        SurveyParticipant.user_id == user.id, SurveyParticipant.survey_id.in_(ids))))


def team_results_query(user: User, now: datetime | None = None) -> Select:
    """Upward surveys whose team results ``user`` (a manager) may read."""
    if not _active(user):
        return select(Survey).where(false())
    counted = (select(SurveyResponse.survey_id).where(SurveyResponse.manager_id == user.id)
               .group_by(SurveyResponse.survey_id)
               .having(func.count() >= MIN_GROUP))
    return select(Survey).where(Survey.kind == "upward", Survey.id.in_(counted),
                                Survey.opens_at <= (utcnow() if now is None else now))


def pending_query(user: User, now: datetime | None = None) -> Select:
    """Open surveys addressed to ``user`` that they have not answered."""
    if not _active(user):
        return select(Survey).where(false())
    now = utcnow() if now is None else now
    return select(Survey).where(
        Survey.opens_at <= now, Survey.closes_at > now, addressed_to(user),
        ~exists().where(SurveyParticipant.survey_id == Survey.id,
                        SurveyParticipant.user_id == user.id))


def unanswered_members(survey: Survey) -> Select:
    """The active audience members who have not answered (the reminders' people)."""
    return audience_members(survey).where(~exists().where(
        SurveyParticipant.survey_id == survey.id, SurveyParticipant.user_id == User.id))


# --- what one person sees of one survey ----------------------------------------------------

#: What everybody who may read a survey sees (the API's names; the page's ``data-field``).
SURVEY_FIELDS = frozenset({"id", "title", "description", "kind", "status", "opens_at",
                           "closes_at", "questions"})
#: What a person in its audience sees besides.
MEMBER_FIELDS = frozenset({"answered_by_me"})
#: What HR (who manages surveys) sees besides: the rules of the audience, the author, how
#: many were asked and answered.
MANAGER_FIELDS = frozenset({"audience", "author", "invited", "responded"})


def survey_view(user: User, survey: Survey, now: datetime | None = None,
                figures: tuple[int, int] | None = None) -> ItemView:
    """What ``user`` (who may read ``survey``) sees of it and may do with it: ``answer``
    (in the audience, open, not answered yet), ``edit`` (HR, before it opens), ``close``
    (HR, until it closed), ``results`` (may read results).  ``figures``: (invited,
    responded) when the caller counted them already."""
    now = utcnow() if now is None else now
    status = status_of(survey, now)
    fields = set(SURVEY_FIELDS)
    values: dict = {"status": status}
    actions = []
    member = status != "scheduled" and in_audience(user, survey)
    answered = has_answered(user, survey)
    if member or answered:
        fields |= MEMBER_FIELDS
        values["answered_by_me"] = answered
        if status == "open" and not answered:
            actions.append("answer")
    if can_manage(user):
        fields |= MANAGER_FIELDS
        invited, responded = figures or counts(survey)
        values.update(invited=invited, responded=responded)
        if status == "scheduled":
            actions.append("edit")
        if status != "closed":
            actions.append("close")
    if results_scope(user, survey) is not None:
        actions.append("results")
    return ItemView(survey, fields, actions=actions, **values)


def counts(survey: Survey) -> tuple[int, int]:
    """(invited, responded) of a survey: who is asked now or answered, who answered."""
    answered = select(SurveyParticipant.user_id).where(SurveyParticipant.survey_id == survey.id)
    row = db.session.execute(select(
        select(func.count(User.id)).where(or_(audience_clause(survey), User.id.in_(answered)))
        .scalar_subquery(),
        select(func.count()).select_from(SurveyParticipant)
        .where(SurveyParticipant.survey_id == survey.id).scalar_subquery())).one()
    return row[0] or 0, row[1] or 0


# --- what is waiting for one person (the workbench) ----------------------------------------

def todo_for(user: User, now: datetime | None = None) -> list[Select]:
    """The open surveys ``user`` is asked to answer and has not (``hub.common.todo``)."""
    from hub.common.todo import todo_select

    if not _active(user):
        return []
    pending = pending_query(user, now).subquery()
    return [todo_select("survey_answer", pending.c.id, title=pending.c.title,
                        due_at=pending.c.closes_at)]
