"""The mailbox's lapses for the accountability register (hub.accountability.sources).

A letter not accepted by its deadline is the GM office's lapse: every active member who
heads no department (the secretaries who accept; the GM heads the office and answers for
supervision, not for the inbox).  A letter assigned and not handled by its deadline is the
named handler's, or the head of the department it was assigned to when nobody was named.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import exists, select

from hub.accountability.sources import Lapse
from hub.mailbox.access import visible_letters
from hub.mailbox.models import Letter
from hub.org.models import Department, User, UserRole


def letter_lapses(session, now: datetime) -> Iterator[Lapse]:
    acceptors = select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        UserRole.role == "gm_office", User.active.is_(True),
        ~exists().where(Department.head_id == User.id))
    unaccepted = session.execute(
        select(Letter.id, Letter.number, Letter.accept_due_at, User.id)
        .join(User, User.id.in_(acceptors))
        .where(Letter.status == "submitted", Letter.accept_due_at < now))
    for letter_id, number, due, person_id in unaccepted:
        yield Lapse(person_id, "letter_overdue", "letter", letter_id, number, due)
    unhandled = session.execute(
        select(Letter.id, Letter.number, Letter.due_at, Letter.handler_id, Department.head_id)
        .join(Department, Department.id == Letter.department_id, isouter=True)
        .where(Letter.status == "assigned", Letter.due_at.is_not(None), Letter.due_at < now))
    for letter_id, number, due, handler_id, head_id in unhandled:
        person_id = handler_id or head_id
        if person_id is not None:
            yield Lapse(person_id, "letter_overdue", "letter", letter_id, number, due)


def visible_letter_ids(user, ids):
    """The letters among ``ids`` that ``user`` may open (the register shows their number)."""
    return visible_letters(user).with_only_columns(Letter.id).where(Letter.id.in_(ids))
