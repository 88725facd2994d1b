"""Announcements (公告), their audience, versions and the confirmations people give.

The audience is stored as rules (the whole company, departments, roles), never as a list
of people: it is resolved when somebody reads, so a person who joins a department later
sees its standing announcements.  A confirmation belongs to one version of the text: after
an edit that makes a new version, everybody is asked again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.common.models import Attachment
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import Department, User

KINDS = ("order", "resolution", "plan", "policy", "notice")
#: Roles an announcement can be addressed to: the org roles, plus department heads and
#: managers (anyone with direct reports), which are derived, not stored.
AUDIENCE_ROLES = ("gm_office", "hr", "admin", "department_head", "manager")

announcement_attachments = Table(
    "announcement_attachments",
    db.metadata,
    Column("announcement_id", ForeignKey("announcements.id", ondelete="CASCADE"),
           primary_key=True),
    Column("attachment_id", ForeignKey("attachments.id"), primary_key=True),
)


class Announcement(db.Model):
    __tablename__ = "announcements"
    __table_args__ = (
        UniqueConstraint("year", "seq", name="uq_announcements_year_seq"),
        CheckConstraint("kind IN ('order', 'resolution', 'plan', 'policy', 'notice')",
                        name="known_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    # The current version's text; older versions are in announcement_versions.
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Nothing shows before publish_at (the feed compares it with now); notified_at is set
    # once the audience has been told, by the publishing request or the periodic job.
    publish_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned_until: Mapped[datetime | None] = mapped_column(DateTime)
    requires_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    # A notice of an interruption (停水、停电…): when it happens.  It must be published at
    # least 24 hours before, unless urgent_reason says why it could not be (客户服务规程 2.1).
    event_at: Mapped[datetime | None] = mapped_column(DateTime)
    urgent_reason: Mapped[str | None] = mapped_column(Text)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    audience: Mapped[list[AnnouncementAudience]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan",
        order_by="AnnouncementAudience.id")
    versions: Mapped[list[AnnouncementVersion]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan",
        order_by="AnnouncementVersion.version")
    attachments: Mapped[list[Attachment]] = relationship(secondary=announcement_attachments)


class AnnouncementAudience(db.Model):
    """One rule of the audience: ``all``, a department (with its sub-departments), a role."""

    __tablename__ = "announcement_audience"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'all' AND department_id IS NULL AND role IS NULL) OR "
            "(kind = 'department' AND department_id IS NOT NULL AND role IS NULL) OR "
            "(kind = 'role' AND role IS NOT NULL AND department_id IS NULL)",
            name="one_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # A department can only be deleted once nobody is in it, so the rule then names nobody.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(String(32))

    announcement: Mapped[Announcement] = relationship(back_populates="audience")
    department: Mapped[Department | None] = relationship()


class AnnouncementVersion(db.Model):
    """The text of one version, kept so that people asked again can see what changed."""

    __tablename__ = "announcement_versions"
    __table_args__ = (UniqueConstraint("announcement_id", "version",
                                       name="uq_announcement_versions"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # When this version took effect (v1: the publish time); reminders count from here.
    effective_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    announcement: Mapped[Announcement] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()


class AnnouncementConfirmation(db.Model):
    """"已阅读并遵守": one row per person and version, never changed."""

    __tablename__ = "announcement_confirmations"
    __table_args__ = (UniqueConstraint("announcement_id", "version", "user_id",
                                       name="uq_announcement_confirmations"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    confirmed_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class AnnouncementRead(db.Model):
    """The first time a person opened an announcement (the feed's unread marker)."""

    __tablename__ = "announcement_reads"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime)


class AnnouncementNudge(db.Model):
    """An automatic reminder (``remind``) or the manager's escalation (``escalate``) about
    one person and one version: each happens once."""

    __tablename__ = "announcement_nudges"
    __table_args__ = (
        UniqueConstraint("announcement_id", "version", "user_id", "kind",
                         name="uq_announcement_nudges"),
        CheckConstraint("kind IN ('remind', 'escalate')", name="known_nudge"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(DateTime)


class AnnouncementDigest(db.Model):
    """A person who prefers one daily digest e-mail of new announcements to an e-mail
    each (the in-app notification still comes at once)."""

    __tablename__ = "announcement_digest"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    # Announcements published up to this moment have been in a digest already.
    sent_up_to: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
