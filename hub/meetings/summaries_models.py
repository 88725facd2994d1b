"""The monthly 沟通记录 summary's loop and the GM office's spot checks (沟通管理办法 五.1(3),
五.2(1)): each department head's summary of a month, its steps, and the 抽查 of talk logs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
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

#: draft → submitted → approved → published; submitted → returned → submitted …
SUMMARY_STATUSES = ("draft", "submitted", "returned", "approved", "published")
SUMMARY_ACTIONS = ("open", "submit", "approve", "return", "publish")
FINDINGS = ("ok", "issue")
#: The figures a summary reports (``hub.meetings.obligations.SummaryRow``'s).
FIGURES = ("owed", "held", "late", "overdue", "talks_logged", "minutes")

_STATUSES_SQL = ", ".join(f"'{s}'" for s in SUMMARY_STATUSES)
_FINDINGS_SQL = ", ".join(f"'{s}'" for s in FINDINGS)


class DepartmentSummary(db.Model):
    """One department's 沟通记录 summary of one month, from its head to the GM.  The figures
    are those of the month's summary (``obligations.summary_rows``) as they stood when the
    head submitted it; a draft shows them live."""

    __tablename__ = "talk_department_summaries"
    __table_args__ = (
        UniqueConstraint("month", "department_id", name="uq_department_summary_month"),
        CheckConstraint(f"status IN ({_STATUSES_SQL})", name="department_summary_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    return_reason: Mapped[str] = mapped_column(Text, default="")
    review_note: Mapped[str] = mapped_column(Text, default="")
    owed: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0)
    talks_logged: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    department: Mapped[Department] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    events: Mapped[list[DepartmentSummaryEvent]] = relationship(
        back_populates="summary", cascade="all, delete-orphan",
        order_by="DepartmentSummaryEvent.id")


class DepartmentSummaryEvent(db.Model):
    """A step of a summary, in its append-only history."""

    __tablename__ = "talk_department_summary_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("talk_department_summaries.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    summary: Mapped[DepartmentSummary] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class SpotCheck(db.Model):
    """不定期抽查: talk logs of a month picked at random by the GM office."""

    __tablename__ = "talk_spot_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    checker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    checker: Mapped[User] = relationship()
    items: Mapped[list[SpotCheckItem]] = relationship(
        back_populates="check", cascade="all, delete-orphan", order_by="SpotCheckItem.id")


class SpotCheckItem(db.Model):
    """One talk log picked for a spot check, and what the check found."""

    __tablename__ = "talk_spot_check_items"
    __table_args__ = (
        UniqueConstraint("check_id", "talk_id", name="uq_spot_check_talk"),
        CheckConstraint(f"verdict IS NULL OR verdict IN ({_FINDINGS_SQL})",
                        name="spot_check_verdict"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[int] = mapped_column(
        ForeignKey("talk_spot_checks.id", ondelete="CASCADE"), index=True)
    talk_id: Mapped[int] = mapped_column(ForeignKey("talk_logs.id"), index=True)
    verdict: Mapped[str | None] = mapped_column(String(8))
    finding: Mapped[str] = mapped_column(Text, default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)

    check: Mapped[SpotCheck] = relationship(back_populates="items")
    talk = relationship("TalkLog")
    checked_by: Mapped[User | None] = relationship()
