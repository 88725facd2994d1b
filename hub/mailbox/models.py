"""Letters to the GM mailbox (总经理信箱) and their append-only history.

An anonymous letter has no author, and its times are kept to the day: nothing in the row
can be matched against who was signed in when it was written.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    JSON,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.common.models import Attachment
from hub.extensions import db
from hub.org.models import Department, User

CATEGORIES = ("suggestion", "issue", "complaint", "other")
STATUSES = ("submitted", "accepted", "assigned", "resolved", "answered", "archived", "rejected")

letter_attachments = Table(
    "letter_attachments",
    db.metadata,
    Column("letter_id", ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True),
    Column("attachment_id", ForeignKey("attachments.id"), primary_key=True),
)


class Letter(db.Model):
    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_letters_year_seq"),
        CheckConstraint("category IN ('suggestion', 'issue', 'complaint', 'other')",
                        name="known_category"),
        CheckConstraint("status IN ('submitted', 'accepted', 'assigned', 'resolved', "
                        "'answered', 'archived', 'rejected')", name="known_status"),
        CheckConstraint("NOT (anonymous AND author_id IS NOT NULL)", name="anonymous_no_author"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    author_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    receipt_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    filed_on: Mapped[date] = mapped_column(Date, index=True)
    # Precise for named letters; midnight (company time) for anonymous ones.
    filed_at: Mapped[datetime] = mapped_column(DateTime)
    accept_due_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)  # archived or rejected
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    author_department: Mapped[Department | None] = relationship(
        foreign_keys=[author_department_id])
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
    events: Mapped[list[LetterEvent]] = relationship(
        back_populates="letter", order_by="(LetterEvent.at, LetterEvent.id)",
        cascade="save-update, merge")
    attachments: Mapped[list[Attachment]] = relationship(secondary=letter_attachments)


class LetterEvent(db.Model):
    """One step in a letter's history.  Rows are only ever added: the migration installs a
    trigger that refuses UPDATE, and no code path deletes them."""

    __tablename__ = "letter_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who the step came from when there is no actor: "writer" (anonymous), "system".
    actor_label: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(Boolean, default=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A step the hub words itself: its message key and parameters, rendered in the reader's
    # language (hub.common.history); ``text`` keeps the wording of the time.
    params: Mapped[dict | None] = mapped_column(JSON)

    letter: Mapped[Letter] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    @property
    def shown_text(self) -> str:
        """``text`` in the reader's language (see hub.common.history)."""
        from hub.common.history import shown_text
        from hub.mailbox.history import HISTORY_MESSAGES

        return shown_text(self.text, self.params, HISTORY_MESSAGES)
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id])
