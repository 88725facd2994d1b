"""Meetings (scheduled talks) and talk logs (沟通记录) with their participants and action items.

A talk log's ``private_note`` belongs to its author alone: it is never shown to anyone else
(not the other side, not HR, not the GM office), and never leaves the hub in exports,
e-mail, the API for others or the search index.
"""
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

from hub.extensions import db
from hub.meetings.kinds import TALK_KINDS
from hub.org.models import User

MEETING_STATUSES = ("proposed", "accepted", "declined", "cancelled")
#: A participant's answer; the organizer's own row says "accepted".
RESPONSES = ("pending", "accepted", "declined", "proposed")

_KINDS_SQL = ", ".join(f"'{k}'" for k in TALK_KINDS)


class Meeting(db.Model):
    """A talk to be held: proposed by the senior side (the organizer), answered by the others.

    ``start_at`` is naive UTC.  ``sequence`` grows with every change the calendar files must
    carry (a new time, a cancellation), as RFC 5545 wants for updates of the same UID.
    """

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name="meeting_known_kind"),
        CheckConstraint("status IN ('proposed', 'accepted', 'declined', 'cancelled')",
                        name="meeting_known_status"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 240", name="meeting_duration_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    organizer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    start_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Set once the day-before reminder went out for the current start time.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: 补谈: the key of the missed obligation (``cadence.Owed.key``) this meeting makes up
    #: for, when it was proposed outside the policy's window after that window passed.
    makeup_of: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    organizer: Mapped[User] = relationship(foreign_keys=[organizer_id])
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", order_by="MeetingParticipant.id",
        cascade="all, delete-orphan")


class MeetingParticipant(db.Model):
    """Someone invited to a meeting (the organizer is one too).  ``proposed_start_at`` is the
    other time this person asked for when ``response`` is "proposed"."""

    __tablename__ = "meeting_participants"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id", name="uq_meeting_participant"),
        CheckConstraint("response IN ('pending', 'accepted', 'declined', 'proposed')",
                        name="meeting_known_response"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    response: Mapped[str] = mapped_column(String(20), default="pending")
    proposed_start_at: Mapped[datetime | None] = mapped_column(DateTime)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class TalkLog(db.Model):
    """A talk that was held (沟通记录), numbered GT-YYYY-NNNNNN.

    The shared part (topics, agreements, action items) is read by every participant;
    ``private_note`` only by ``author_id``.
    """

    __tablename__ = "talk_logs"
    __table_args__ = (
        UniqueConstraint("number", name="uq_talk_logs_number"),
        CheckConstraint(f"kind IN ({_KINDS_SQL})", name="talk_known_kind"),
        CheckConstraint("duration_minutes BETWEEN 1 AND 480", name="talk_duration_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    topics: Mapped[str] = mapped_column(Text, default="")
    agreements: Mapped[str] = mapped_column(Text, default="")
    private_note: Mapped[str] = mapped_column(Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    meeting: Mapped[Meeting | None] = relationship(foreign_keys=[meeting_id])
    participants: Mapped[list[TalkParticipant]] = relationship(
        back_populates="talk", order_by="TalkParticipant.id", cascade="all, delete-orphan")
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="talk", order_by="ActionItem.id", cascade="all, delete-orphan",
        foreign_keys="ActionItem.talk_id")


class TalkParticipant(db.Model):
    """Someone who took part in a talk (the author too).  The others acknowledge the shared
    part or leave a comment on it."""

    __tablename__ = "talk_participants"
    __table_args__ = (UniqueConstraint("talk_id", "user_id", name="uq_talk_participant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    talk_id: Mapped[int] = mapped_column(ForeignKey("talk_logs.id", ondelete="CASCADE"),
                                         index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
    commented_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: When the one reminder to acknowledge went out (``acknowledgements.REMIND_WORKING_DAYS``).
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    talk: Mapped[TalkLog] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ActionItem(db.Model):
    """A to-do agreed in a talk.  Until ``done_at`` is set it is carried over: it shows on the
    next talk between the same people (``carried_to_id`` remembers the latest one)."""

    __tablename__ = "talk_action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    talk_id: Mapped[int] = mapped_column(ForeignKey("talk_logs.id", ondelete="CASCADE"),
                                         index=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    carried_to_id: Mapped[int | None] = mapped_column(ForeignKey("talk_logs.id"))

    talk: Mapped[TalkLog] = relationship(back_populates="action_items", foreign_keys=[talk_id])
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
