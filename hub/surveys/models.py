"""Satisfaction surveys (满意度调查): the questionnaire, its audience, who has answered, and
the answers — kept apart.

``SurveyParticipant`` is the "has answered" marker of one person: it drives the reminders,
the response rate and the once-only rule, and holds nothing but the survey and the person
(no time, no id of its own).  ``SurveyResponse`` is one set of answers: no person, no time,
a random key; it enters the table through the release batches of anonymous filings
(``hub.common.holding``), shuffled with the other answers of its window, so neither its
place in the table nor its transaction says which marker it belongs to.  It keeps only the
groups the results are counted by (the department, and for upward feedback the manager the
team reports to), which the results suppress below five answers.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import Department, User

#: ``standard``: HR's questionnaire; ``upward``: each team about its manager (上级管理风格反馈).
KINDS = ("standard", "upward")
QUESTION_KINDS = ("scale", "choice", "text")
#: The scale of a ``scale`` question.
SCALE = (1, 2, 3, 4, 5)


class Survey(db.Model):
    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint("kind IN ('standard', 'upward')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="standard")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Open from opens_at until closes_at; closing early moves closes_at to that moment.
    opens_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    closes_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # When the people who had not answered were reminded (once per survey).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey", cascade="all, delete-orphan",
        order_by="SurveyQuestion.position")
    audience: Mapped[list[SurveyAudience]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyAudience.id")


class SurveyAudience(db.Model):
    """One rule of the audience: ``all``, a department (with its sub-departments), a role
    (the announcements' roles: org roles, department heads, managers)."""

    __tablename__ = "survey_audience"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'all' AND department_id IS NULL AND role IS NULL) OR "
            "(kind = 'department' AND department_id IS NOT NULL AND role IS NULL) OR "
            "(kind = 'role' AND role IS NOT NULL AND department_id IS NULL)",
            name="one_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(String(32))

    survey: Mapped[Survey] = relationship(back_populates="audience")
    department: Mapped[Department | None] = relationship()


class SurveyQuestion(db.Model):
    __tablename__ = "survey_questions"
    __table_args__ = (
        CheckConstraint("kind IN ('scale', 'choice', 'text')", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(10))
    # The options of a ``choice`` question, in order; empty for the other kinds.
    options: Mapped[list] = mapped_column(JSON, default=list)

    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyParticipant(db.Model):
    """"Has answered": the survey and the person, nothing else (no time, no own id)."""

    __tablename__ = "survey_participants"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)


class SurveyResponse(db.Model):
    """One person's answers, without the person: a random key, no time, the groups the
    results count by, and the answers (question id as text → value)."""

    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True,
                                    default=lambda: secrets.token_hex(16))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"))
    # Upward feedback: the manager the answering team reports to.
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answers: Mapped[dict] = mapped_column(JSON)
