"""Feedback obligations (who owes which periodic report, how often, due when, to whom) and
the reports themselves.

An obligation is data an admin or HR edits; the seed's set is ``services.PRESETS``.  A
report row is opened (``filed_at`` empty) when its period's window opens, for each person
who owes it then, with its dates and its recipient fixed at that moment, so that a later
reorganisation changes neither who owed it nor who may read it.  Filing fills ``body`` and
``filed_at``; the row's id is what the workbench and the accountability register point at.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
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
from hub.org.models import Department, User

FREQUENCIES = ("weekly", "monthly", "quarterly")
#: members: everybody in the department and below but its head (the head receives them);
#: head: the department's head alone (the head's manager receives it).
FILERS = ("members", "head")
#: report: a filer's own report; summary: the recipient's 汇总 of a period's reports.
ROLES = ("report", "summary")


class FeedbackObligation(db.Model):
    __tablename__ = "feedback_obligations"
    __table_args__ = (
        CheckConstraint("frequency IN ('weekly', 'monthly', 'quarterly')",
                        name="known_frequency"),
        CheckConstraint("filers IN ('members', 'head')", name="known_filers"),
        CheckConstraint("window_days >= 1 AND due_days >= 0", name="sane_days"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: short stable name the API uses as ``kind`` (sales_weekly, customer_visit …)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    #: the policy's words this obligation carries out
    clause: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    filers: Mapped[str] = mapped_column(String(16), default="members")
    frequency: Mapped[str] = mapped_column(String(16))
    #: quarterly only: the month of the quarter (1–3) whose end the dates count from;
    #: empty: the period's own end
    anchor_month: Mapped[int | None] = mapped_column(Integer)
    #: the report may be filed (and is owed) from this many days before the anchor's end
    window_days: Mapped[int] = mapped_column(Integer, default=1)
    #: and is due this many days after it (0: on the anchor's last day)
    due_days: Mapped[int] = mapped_column(Integer, default=0)
    #: who receives the reports; empty: the department's head (the head's manager for
    #: ``filers == 'head'``)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the recipient summarises a period within this many days after its due date
    #: (一周内 → 7); empty: no summary
    summary_days: Mapped[int | None] = mapped_column(Integer)
    #: to whom the summary goes; empty: the recipient's manager (主管副总经理)
    summary_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: periods due before this day are owed by nobody
    starts_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    department: Mapped[Department] = relationship()
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])
    summary_to: Mapped[User | None] = relationship(foreign_keys=[summary_to_id])

    def __repr__(self) -> str:
        return f"<FeedbackObligation {self.code}>"


class FeedbackReport(db.Model):
    __tablename__ = "feedback_reports"
    __table_args__ = (
        UniqueConstraint("obligation_id", "period", "role", "person_id",
                         name="uq_feedback_reports_once"),
        CheckConstraint("role IN ('report', 'summary')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_obligations.id", ondelete="CASCADE"), index=True)
    #: 2026-W49, 2026-12 or 2026-Q4
    period: Mapped[str] = mapped_column(String(8), index=True)
    role: Mapped[str] = mapped_column(String(8), default="report")
    #: who owes (and files) it
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: who receives it
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    opens_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    body: Mapped[str | None] = mapped_column(Text)
    filed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    obligation: Mapped[FeedbackObligation] = relationship()
    person: Mapped[User] = relationship(foreign_keys=[person_id])
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])

    def __repr__(self) -> str:
        return f"<FeedbackReport {self.id} {self.period} {self.role}>"
