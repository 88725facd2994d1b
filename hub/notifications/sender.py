"""Delivery of the mail outbox.  Safe to run from several processes at once: each message
is claimed with a conditional UPDATE before it is sent."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import or_, select, update

from hub.common.time import utcnow
from hub.extensions import db, mail
from hub.notifications.models import OutboxMail

BACKOFF_SECONDS = (15, 30, 60, 120, 300, 600, 1800, 3600)
CLAIM_SECONDS = 120
MAX_ATTEMPTS = 40  # about a day and a half of hourly retries after the first few


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def _claim(limit: int) -> list[OutboxMail]:
    now = utcnow()
    candidates = db.session.scalars(
        select(OutboxMail.id)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= now,
               OutboxMail.attempts < MAX_ATTEMPTS,
               or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
        .order_by(OutboxMail.id).limit(limit)
    ).all()
    claimed = []
    for mail_id in candidates:
        result = db.session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None),
                   or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now))
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        )
        if result.rowcount == 1:
            claimed.append(mail_id)
    db.session.commit()
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.id.in_(claimed))))


def _failed(row: OutboxMail, error: Exception) -> None:
    row.attempts += 1
    row.claimed_until = None
    row.next_attempt_at = utcnow() + backoff(row.attempts)
    row.last_error = f"{type(error).__name__}: {error}"[:500]


def deliver_due(limit: int = 50) -> int:
    """Send what is due; returns the number of messages sent.  Never raises for a mail
    server that is down: the messages wait for their next attempt."""
    rows = _claim(limit)
    if not rows:
        return 0
    sent = 0
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    try:
        connection = mail.get_connection()
        connection.open()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server is retried
        current_app.logger.warning("mail server unreachable: %s", error)
        for row in rows:
            _failed(row, error)
        db.session.commit()
        return 0
    try:
        for row in rows:
            message = EmailMultiAlternatives(row.subject, row.text_body, sender, [row.to_addr],
                                             connection=connection)
            if row.html_body:
                message.attach_alternative(row.html_body, "text/html")
            if row.attachment_content is not None:
                message.attach(row.attachment_filename, row.attachment_content,
                               row.attachment_mimetype)
            try:
                message.send()
            except Exception as error:  # noqa: BLE001
                _failed(row, error)
            else:
                row.sent_at = utcnow()
                row.claimed_until = None
                sent += 1
            db.session.commit()
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail too
            pass
    return sent


def retry_now() -> None:
    """Make every waiting message due at once (after the mail server came back)."""
    db.session.execute(update(OutboxMail).where(OutboxMail.sent_at.is_(None))
                       .values(next_attempt_at=utcnow()))
    db.session.commit()
