"""Send notifications; read, filter and mark them.  ``notify`` flushes, the caller commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update

from hub.common.time import utcnow
from hub.common.worker import WAKE_WORKER
from hub.extensions import db
from hub.notifications import messages
from hub.notifications.models import Notification, OutboxMail
from hub.org.models import User

#: session.info key: the transaction queued mail, so the worker is woken after the commit.
MAIL_QUEUED = WAKE_WORKER
#: An e-mail attachment: (filename, MIME type, text content).
Attachment = tuple[str, str, str]

#: The page's and the API's kind filter: the first part of a notification's ``kind``.
KIND_LABELS = {
    "letter": _l("总经理信箱"),
    "report": _l("建议与举报"),
    "announcement": _l("公告"),
    "meeting": _l("约谈"),
    "talk": _l("沟通记录"),
    "survey": _l("问卷"),
}
#: The status filter: unread (and not done), everything, done.
STATES = ("unread", "all", "done")


def absolute_url(path: str | None) -> str | None:
    if not path:
        return None
    return current_app.config["BASE_URL"].rstrip("/") + path


def notify(user: User, *, kind: str, title: Any, body: Any = "", url: str | None = None,
           email: bool = True, attachment: Attachment | None = None,
           item: str | None = None, task: str | None = None) -> Notification | None:
    """Tell ``user`` something, in the hub and (unless ``email`` is False) by e-mail.

    ``title`` and ``body`` are lazy strings (``_l(...)``) where they are the hub's words:
    they are stored untranslated and shown in each reader's language (the e-mail in the
    recipient's).  Plain strings are what somebody wrote (a subject) and stay as they are.
    ``item`` and ``task`` name the task the notification asks for (``"letter:12"``,
    ``"accept"``): it is done when ``hub.common.tasks.finished`` says so.  ``attachment``
    (filename, MIME type, text) goes with the e-mail only."""
    if not user.active:
        return None
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        stored_title, stored_body = str(title)[:200], str(body or "")
    note = Notification(user_id=user.id, kind=kind, title=stored_title, body=stored_body,
                        message=messages.encode(title, body), url=url, item=item, task=task)
    db.session.add(note)
    if email and user.email:
        with force_locale(recipient_locale(user)):
            text = str(title)
            queue_mail(user.email, subject=text, template="email/notification",
                       attachment=attachment, recipient=user, title=text,
                       body=str(body or ""), url=absolute_url(url))
    db.session.flush()
    return note


def recipient_locale(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def queue_mail(to_addr: str, *, subject: str, template: str,
               attachment: Attachment | None = None, **context) -> OutboxMail:
    """Render ``template``.txt and .html and put the message into the outbox."""
    mail = OutboxMail(
        to_addr=to_addr,
        subject=" ".join(subject.split())[:300],
        text_body=render_template(template + ".txt", **context),
        html_body=render_template(template + ".html", **context),
    )
    if attachment is not None:
        mail.attachment_filename, mail.attachment_mimetype, mail.attachment_content = attachment
    db.session.add(mail)
    db.session.info[MAIL_QUEUED] = True
    return mail


# --- reading ---------------------------------------------------------------------------

def unread_clause():
    """Unread and not done: what the bell counts."""
    return Notification.read_at.is_(None) & Notification.done_at.is_(None)


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, unread_clause())
    ) or 0


@dataclass(frozen=True)
class NotificationView:
    """A notification as its reader sees it: the words in the reader's language."""

    id: int
    kind: str
    title: str
    body: str
    url: str | None
    item: str | None
    created_at: datetime
    read: bool
    done: bool
    done_at: datetime | None

    @property
    def unread(self) -> bool:
        return not self.read and not self.done


def view_of(note: Notification) -> NotificationView:
    return NotificationView(
        id=note.id, kind=note.kind,
        title=messages.render(note.message, "title", note.title),
        body=messages.render(note.message, "body", note.body or ""),
        url=note.url, item=note.item, created_at=note.created_at,
        read=note.read_at is not None, done=note.done_at is not None, done_at=note.done_at)


def filtered(user: User, state: str = "all", kind: str | None = None) -> Select:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if state == "unread":
        stmt = stmt.where(unread_clause())
    elif state == "done":
        stmt = stmt.where(Notification.done_at.is_not(None))
    if kind in KIND_LABELS:
        stmt = stmt.where(Notification.kind.like(f"{kind}.%"))
    return stmt


def notifications_of(user: User, page: int = 1, per_page: int = 30, *, state: str = "all",
                     kind: str | None = None) -> tuple[list[NotificationView], int]:
    """One page of ``user``'s notifications, newest first, and the total: two statements."""
    base = filtered(user, state, kind)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session.scalars(
        base.order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page))
    return [view_of(note) for note in rows], total


@dataclass
class Group:
    """The notifications of one page about the same item, newest first."""

    item: str | None
    items: list[NotificationView]

    @property
    def first(self) -> NotificationView:
        return self.items[0]

    @property
    def unread(self) -> int:
        return sum(1 for n in self.items if n.unread)


def grouped(views: list[NotificationView]) -> list[Group]:
    """Group a page by item, in the order of each item's newest notification."""
    groups: list[Group] = []
    by_item: dict[str, Group] = {}
    for view in views:
        if view.item is None:
            groups.append(Group(None, [view]))
        elif view.item in by_item:
            by_item[view.item].items.append(view)
        else:
            by_item[view.item] = Group(view.item, [view])
            groups.append(by_item[view.item])
    return groups


def get_notification_or_none(user: User, notification_id: int) -> Notification | None:
    note = db.session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user.id else None


def mark_read(note: Notification) -> None:
    if note.read_at is None:
        note.read_at = utcnow()
    db.session.flush()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


# --- tasks finished --------------------------------------------------------------------

def finish(item: str, task: str | None = None, *, user: User | None = None,
           at: datetime | None = None) -> int:
    """The notifications that asked for ``task`` on ``item`` (every task of it when None;
    of ``user`` only, when given) are done.  Returns how many were marked."""
    stmt = (update(Notification)
            .where(Notification.item == item, Notification.done_at.is_(None))
            .values(done_at=at or utcnow()))
    if task is not None:
        stmt = stmt.where(Notification.task == task)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    return db.session.execute(stmt).rowcount


def on_task_finished(_app, *, item: str, task: str | None = None, user: User | None = None,
                     at: datetime | None = None) -> None:
    """``hub.common.tasks.task_finished``'s receiver (connected in ``hub.register_hooks``)."""
    if finish(item, task, user=user, at=at):
        from hub.main.header import forget_header

        forget_header()
