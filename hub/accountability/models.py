"""The accountability register (责任追究): one entry per lapse of one person, and its history.

An entry is opened by the register's job from a feature's ``Lapse``; the unique constraint
on (person, kind, source kind, source) keeps a lapse from ever being entered twice, even by
two workers at once.  HR decides it, the person may appeal once, HR answers the appeal;
every step is an ``AccountabilityEvent``.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.extensions import db
from hub.org.models import Department, User

STATUSES = ("open", "excused", "penalised", "withdrawn")
#: An appeal: none yet (NULL), waiting for HR, or answered.
APPEAL_STATES = ("pending", "upheld", "withdrawn")


class AccountabilityEntry(db.Model):
    __tablename__ = "accountability_entries"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "source_kind", "source_ref",
                         name="uq_accountability_lapse"),
        CheckConstraint("status IN ('open', 'excused', 'penalised', 'withdrawn')",
                        name="known_status"),
        CheckConstraint("appeal_state IS NULL OR appeal_state IN "
                        "('pending', 'upheld', 'withdrawn')", name="known_appeal_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The person's department when the entry was opened (the heads' subtree, the 通报).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    source_kind: Mapped[str] = mapped_column(String(30))
    source_id: Mapped[int | None] = mapped_column(Integer)
    source_ref: Mapped[str] = mapped_column(String(120))
    number: Mapped[str | None] = mapped_column(String(30))
    detail: Mapped[dict | None] = mapped_column(JSON)
    since: Mapped[datetime] = mapped_column(DateTime)
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    #: HR's reason (excuse, withdraw) or decision text (penalise).
    decision: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    appeal_text: Mapped[str | None] = mapped_column(Text)
    appealed_at: Mapped[datetime | None] = mapped_column(DateTime)
    appeal_state: Mapped[str | None] = mapped_column(String(20))
    appeal_answer: Mapped[str | None] = mapped_column(Text)
    appeal_answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    person: Mapped[User] = relationship(foreign_keys=[person_id])
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    events: Mapped[list[AccountabilityEvent]] = relationship(
        back_populates="entry", order_by="(AccountabilityEvent.at, AccountabilityEvent.id)",
        cascade="save-update, merge")


class AccountabilityEvent(db.Model):
    """One step of an entry's history (opened, excused, penalised, withdrawn, appealed,
    upheld); only ever added."""

    __tablename__ = "accountability_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("accountability_entries.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    #: A step the hub words itself (hub.common.history): key and parameters.
    params: Mapped[dict | None] = mapped_column(JSON)

    entry: Mapped[AccountabilityEntry] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    @property
    def shown_text(self) -> str:
        from hub.accountability.labels import HISTORY_MESSAGES
        from hub.common.history import shown_text

        return shown_text(self.text, self.params, HISTORY_MESSAGES)
