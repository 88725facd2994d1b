"""Suggestions, complaints and reports (合理化建议 / 投诉 / 举报 …) routed to handling units.

The most sensitive data in the hub.  An anonymous report has no author and its times are
kept to the day; who may see a report is decided in ``services.py`` from the handling
unit, the people the report names and their management lines.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    JSON,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.common.models import Attachment
from hub.extensions import db
from hub.org.models import Department, HandlingUnit, User

#: kind → registration-number prefix
KIND_PREFIXES = {
    "suggestion": "JY",
    "complaint": "TS",
    "whistleblowing": "JB",
    "issue": "WT",
    "safety": "AQ",
    "customer": "KH",
}
KINDS = tuple(KIND_PREFIXES)
STATUSES = ("submitted", "accepted", "assigned", "adopted", "declined", "resolved",
            "answered", "closed")
URGENCIES = ("urgent", "high", "normal")  # 特急 / 急 / 一般

report_attachments = Table(
    "report_attachments",
    db.metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", ForeignKey("attachments.id"), primary_key=True),
)


class KindRoute(db.Model):
    """Which handling unit receives each kind; the admin edits it."""

    __tablename__ = "report_routes"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("handling_units.id"))

    unit: Mapped[HandlingUnit] = relationship()


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("kind", "year", "seq", name="uq_reports_kind_year_seq"),
        CheckConstraint("kind IN ('suggestion', 'complaint', 'whistleblowing', 'issue', "
                        "'safety', 'customer')", name="known_kind"),
        CheckConstraint("status IN ('submitted', 'accepted', 'assigned', 'adopted', "
                        "'declined', 'resolved', 'answered', 'closed')", name="known_status"),
        CheckConstraint("urgency IN ('urgent', 'high', 'normal')", name="known_urgency"),
        CheckConstraint("NOT (anonymous AND author_id IS NOT NULL)", name="anonymous_no_author"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    author_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"),
                                                             index=True)
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("handling_units.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    filed_on: Mapped[date] = mapped_column(Date, index=True)
    filed_at: Mapped[datetime] = mapped_column(DateTime)  # midnight for anonymous reports
    ack_due_at: Mapped[datetime] = mapped_column(DateTime)
    feedback_due_at: Mapped[datetime] = mapped_column(DateTime)
    handle_due_at: Mapped[datetime | None] = mapped_column(DateTime)  # from the urgency
    # The rule the urgency's timer was set with ("minutes", "end_of_day", "working_days":
    # see hub.suggestions.timers) and when it was met (the first response for the minute
    # and same-day timers of customer complaints, the handling's end for working days).
    handle_rule: Mapped[str | None] = mapped_column(String(20))
    handle_met_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(Text)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    expected_benefit: Mapped[str | None] = mapped_column(Text)
    reward_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    reward_note: Mapped[str | None] = mapped_column(String(200))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    close_reason: Mapped[str | None] = mapped_column(Text)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    author_department: Mapped[Department | None] = relationship(
        foreign_keys=[author_department_id])
    unit: Mapped[HandlingUnit] = relationship()
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    named: Mapped[list[ReportNamedPerson]] = relationship(
        back_populates="report", cascade="save-update, merge")
    exclusions: Mapped[list[ReportExclusion]] = relationship(
        back_populates="report", cascade="save-update, merge")
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", order_by="(ReportEvent.at, ReportEvent.id)",
        cascade="save-update, merge")
    rectifications: Mapped[list[Rectification]] = relationship(
        back_populates="report", order_by="Rectification.id", cascade="save-update, merge")
    attachments: Mapped[list[Attachment]] = relationship(secondary=report_attachments)


class UrgencyTimer(db.Model):
    """How long a kind of report may wait at one urgency (特急 / 急 / 一般): a row overrides
    the default of ``hub.suggestions.timers.DEFAULT_TIMERS``; the admin edits them."""

    __tablename__ = "urgency_timers"
    __table_args__ = (
        CheckConstraint("rule IN ('minutes', 'end_of_day', 'working_days', 'none')",
                        name="known_rule"),
        CheckConstraint("(rule IN ('minutes', 'working_days') AND amount > 0) OR "
                        "(rule IN ('end_of_day', 'none') AND amount IS NULL)",
                        name="amount_fits_rule"),
    )

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    urgency: Mapped[str] = mapped_column(String(10), primary_key=True)
    rule: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int | None] = mapped_column(Integer)


class ReportNamedPerson(db.Model):
    """A person the report is about.  They, and everybody above them, never see it."""

    __tablename__ = "report_named_people"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)

    report: Mapped[Report] = relationship(back_populates="named")
    user: Mapped[User] = relationship()


class ReportExclusion(db.Model):
    """A handler the head of the unit took off a report (conflict of interest)."""

    __tablename__ = "report_exclusions"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    excluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(DateTime)

    report: Mapped[Report] = relationship(back_populates="exclusions")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ReportEvent(db.Model):
    """One step, message, comment or note in a report's history (append-only)."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str | None] = mapped_column(String(20))  # "filer", "system"
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    # who may read it: "filer" (the filer and the handlers), "handlers" (internal),
    # "reviewers" (handlers and the filer's department head: 分析应用 comments)
    visibility: Mapped[str] = mapped_column(String(20), default="filer")
    # A step the hub words itself: its message key and parameters, rendered in the reader's
    # language (hub.common.history); ``text`` keeps the wording of the time.
    params: Mapped[dict | None] = mapped_column(JSON)

    report: Mapped[Report] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def shown_text(self) -> str:
        """``text`` in the reader's language (see hub.common.history)."""
        from hub.common.history import shown_text
        from hub.suggestions.labels import HISTORY_MESSAGES

        return shown_text(self.text, self.params, HISTORY_MESSAGES)


class Rectification(db.Model):
    """整改: a department asked to put something right by a deadline.  The department sees
    this request, never the report behind it."""

    __tablename__ = "rectifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    request_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="requested")  # → done
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_text: Mapped[str | None] = mapped_column(Text)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[Report] = relationship(back_populates="rectifications")
    department: Mapped[Department] = relationship()


class ReportAudit(db.Model):
    """Who viewed, revealed, changed or exported what (append-only).  The head of the
    handling unit reads it."""

    __tablename__ = "report_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("handling_units.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # view / reveal / change / export
    detail: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[User | None] = relationship()
