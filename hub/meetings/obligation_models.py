"""What the policy makes people owe each other, beyond the dates the cadence engine works out:
the admin's 协作岗位 pairs, HR's appraisal dates, occasion talks a manager owes (面谈),
appeals for a skip-level talk (申诉), the monthly summaries for the GM office and the
record of escalations already sent."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings.kinds import OCCASION_KINDS
from hub.org.models import Department, User

APPRAISAL_KINDS = ("goal_setting", "appraisal")
_OCCASIONS_SQL = ", ".join(f"'{k}'" for k in OCCASION_KINDS)


class CrossTeamPair(db.Model):
    """Two departments that hold a 协作岗位 talk once a month: the leading department's head
    invites the partner department's head."""

    __tablename__ = "cross_team_pairs"
    __table_args__ = (
        UniqueConstraint("leading_department_id", "partner_department_id",
                         name="uq_cross_team_pair"),
        CheckConstraint("leading_department_id <> partner_department_id",
                        name="cross_team_two_departments"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leading_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"),
                                                       index=True)
    partner_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"),
                                                       index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    leading_department: Mapped[Department] = relationship(
        foreign_keys=[leading_department_id])
    partner_department: Mapped[Department] = relationship(
        foreign_keys=[partner_department_id])


class AppraisalDate(db.Model):
    """A goal-setting or appraisal date HR enters: every manager owes each report a 绩效
    talk in the working days that follow."""

    __tablename__ = "appraisal_dates"
    __table_args__ = (
        UniqueConstraint("day", "kind", name="uq_appraisal_day_kind"),
        CheckConstraint("kind IN ('goal_setting', 'appraisal')", name="appraisal_known_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(100), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class OccasionTalk(db.Model):
    """A 面谈 a manager owes one person (入职, 转正, or on demand), opened by HR, by the manager
    or by the hub itself (onboarding); on the manager's list until a talk of the kind between
    the two is logged on or after the day it was opened."""

    __tablename__ = "occasion_talks"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_OCCASIONS_SQL})", name="occasion_known_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_by_talk_id: Mapped[int | None] = mapped_column(ForeignKey("talk_logs.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    employee: Mapped[User] = relationship(foreign_keys=[employee_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])


class Appeal(db.Model):
    """申诉: a talk with the direct superior did not resolve an issue, so the employee asks
    the skip-level superior for a talk, who must schedule it within 5 working days.  Read by
    the two of them only."""

    __tablename__ = "talk_appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    superior_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    schedule_due_at: Mapped[datetime] = mapped_column(DateTime)

    employee: Mapped[User] = relationship(foreign_keys=[employee_id])
    manager: Mapped[User | None] = relationship(foreign_keys=[manager_id])
    superior: Mapped[User] = relationship(foreign_keys=[superior_id])


class MonthlySummary(db.Model):
    """月汇总: the month's talks per department as generated on the 1st of the next month."""

    __tablename__ = "talk_monthly_summaries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-MM
    generated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    rows: Mapped[list[MonthlySummaryRow]] = relationship(
        back_populates="summary", cascade="all, delete-orphan",
        order_by="MonthlySummaryRow.id")


class MonthlySummaryRow(db.Model):
    __tablename__ = "talk_monthly_summary_rows"
    __table_args__ = (UniqueConstraint("summary_id", "department_id",
                                       name="uq_summary_department"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("talk_monthly_summaries.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    owed: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    talks_logged: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[int] = mapped_column(Integer, default=0)

    summary: Mapped[MonthlySummary] = relationship(back_populates="rows")
    department: Mapped[Department] = relationship()


class ObligationEscalation(db.Model):
    """An overdue talk already escalated to the senior side's manager (once per obligation)."""

    __tablename__ = "talk_escalations"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    escalated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
