"""Send notifications; read and mark them.  ``notify`` flushes, the caller commits."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, select, update

from hub.common.time import utcnow
from hub.common.worker import WAKE_WORKER
from hub.extensions import db
from hub.notifications.models import Notification, OutboxMail
from hub.org.models import User

#: session.info key: the transaction queued mail, so the worker is woken after the commit.
MAIL_QUEUED = WAKE_WORKER
#: An e-mail attachment: (filename, MIME type, text content).
Attachment = tuple[str, str, str]


def absolute_url(path: str | None) -> str | None:
    if not path:
        return None
    return current_app.config["BASE_URL"].rstrip("/") + path


def notify(user: User, *, kind: str, title: str, body: str = "", url: str | None = None,
           email: bool = True, attachment: Attachment | None = None) -> Notification | None:
    """Tell ``user`` something, in the hub and (unless ``email`` is False) by e-mail.

    ``title`` and ``body`` must already be in words fit for the recipient; callers render
    them with ``for_recipient`` so that each person gets their own language.  ``attachment``
    (filename, MIME type, text) goes with the e-mail only."""
    if not user.active:
        return None
    note = Notification(user_id=user.id, kind=kind, title=title[:200], body=body, url=url)
    db.session.add(note)
    if email and user.email:
        with force_locale(recipient_locale(user)):
            queue_mail(user.email, subject=title, template="email/notification",
                       attachment=attachment, recipient=user, title=title, body=body,
                       url=absolute_url(url))
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


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def notifications_of(user: User, page: int = 1, per_page: int = 30) -> tuple[list, int]:
    base = select(Notification).where(Notification.user_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    items = list(db.session.scalars(
        base.order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    return items, total


def get_notification_or_none(user: User, notification_id: int) -> Notification | None:
    note = db.session.get(Notification, notification_id)
    return note if note is not None and note.user_id == user.id else None


def mark_read(note: Notification) -> None:
    if note.read_at is None:
        note.read_at = utcnow()
    db.session.flush()


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
