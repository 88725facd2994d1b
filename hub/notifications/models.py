from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.common.time import utcnow
from hub.extensions import db


class Notification(db.Model):
    """One thing told to one person.

    ``title`` and ``body`` hold the words in the hub's default language when it was sent
    (what older rows have, and what is shown when no message is stored); ``message`` holds
    the untranslated message ids and their parameters (JSON, ``hub.notifications.messages``)
    so each reader sees it in their own language.  A notification that asks for a task —
    ``item`` (``"letter:12"``) and ``task`` (``"accept"``) — is ``done`` once the task is
    finished, by whoever finished it, and leaves the unread count.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_item_task", "item", "task"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    item: Mapped[str | None] = mapped_column(String(60))
    task: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


class OutboxMail(db.Model):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # One text attachment at most (a meeting's .ics calendar file).
    attachment_filename: Mapped[str | None] = mapped_column(String(200))
    attachment_mimetype: Mapped[str | None] = mapped_column(String(100))
    attachment_content: Mapped[str | None] = mapped_column(Text)
