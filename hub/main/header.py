"""The header every page shows: unread notifications, the number of tasks on my workbench,
announcements waiting for my confirmation (and the banner that links to the oldest one), and where "来信处理" leads.

All of it is one SQL statement per request (scalar subqueries side by side), run the first
time a template asks and kept in ``g`` for the rest of the request, e-mails rendered in the
request included.  The statement is built once per process for every shape of person and
run with the person's values as bound parameters (``hub.workbench.services.shaped``):
building it anew cost 5–12 ms of Python on every page, running it well under one; the to-do total of somebody with reports adds the talks they owe, from
the workbench's own list (``todo_total``).  The rules themselves stay in the features' access modules: this module
only puts their queries into one statement.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g, has_request_context, session
from flask_login import current_user
from sqlalchemy import exists, func, select

from hub.announcements.access import unconfirmed_query
from hub.announcements.models import Announcement
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox.access import assigned_letters
from hub.meetings.access import reports_clause
from hub.notifications.models import Notification
from hub.notifications.services import unread_clause
from hub.org.models import Department, User
from hub.org.permissions import is_gm_office
from hub.suggestions.access import unit_member_clause
from hub.workbench.services import OWED_G_KEY, shaped, todo_count_query

G_KEY = "hub_header"


@dataclass(frozen=True)
class FirstUnconfirmed:
    """The banner's link: the oldest announcement waiting for my confirmation."""

    id: int
    title: str


@dataclass(frozen=True)
class Header:
    unread_notifications: int = 0
    unconfirmed_announcements: int = 0
    unconfirmed_announcement: FirstUnconfirmed | None = None
    heads_a_department: bool = False
    has_assigned_letters: bool = False
    #: Everything waiting for me that the workbench lists from stored tasks (the
    #: announcements to confirm included); ``todo_total`` adds the talks I owe.
    stored_todo: int = 0
    #: Somebody active reports to me (the talk pages' tabs, the compliance pages).
    has_reports: bool = False
    #: I am an active member of a handling unit (the navigation's "事项处理").
    handles_reports: bool = False


def header_query(user: User, now=None):
    """The one statement behind ``header_of``, for ``user`` (a ``hub.common.todo.Viewer``,
    or a real person) at ``now``."""
    unconfirmed = unconfirmed_query(user, now)
    first = unconfirmed.order_by(Announcement.publish_at, Announcement.id).limit(1)
    return select(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, unread_clause())
        .scalar_subquery().label("unread"),
        unconfirmed.with_only_columns(func.count(Announcement.id)).scalar_subquery()
        .label("unconfirmed"),
        first.with_only_columns(Announcement.id).scalar_subquery().label("first_id"),
        first.with_only_columns(Announcement.title).scalar_subquery().label("first_title"),
        exists().where(Department.head_id == user.id).label("heads"),
        assigned_letters(user).exists().label("assigned"),
        todo_count_query(user, now).label("todo"),
        reports_clause(user).label("reports"),
        unit_member_clause(user).label("unit_member"),
    )


def is_signed_in_person(user) -> bool:
    """Whether ``user`` is the request's signed-in, active person (whose facts the header
    holds)."""
    return bool(has_request_context() and user and user.is_authenticated and user.active
                and getattr(current_user, "id", None) == user.id)


def header_of(user) -> Header:
    """The header's facts for ``user`` (the signed-in person), once per request."""
    if not has_request_context() or not user or not user.is_authenticated or not user.active:
        return Header()
    cached = g.get(G_KEY)
    if cached is not None and cached[0] == user.id:
        return cached[1]
    stmt, params = shaped("header", user, utcnow(), header_query)
    row = db.session.execute(stmt, params).one()
    header = Header(
        unread_notifications=row.unread or 0,
        unconfirmed_announcements=row.unconfirmed or 0,
        unconfirmed_announcement=FirstUnconfirmed(row.first_id, row.first_title)
        if row.first_id is not None else None,
        heads_a_department=bool(row.heads),
        has_assigned_letters=bool(row.assigned),
        stored_todo=(row.todo or 0) + (row.unconfirmed or 0),
        has_reports=bool(row.reports),
        handles_reports=bool(row.unit_member),
    )
    setattr(g, G_KEY, (user.id, header))
    return header


def forget_header() -> None:
    """After a change in the request that the header shows (a confirmation, reading)."""
    g.pop(G_KEY, None)
    g.pop(OWED_G_KEY, None)


#: Session key of the talks owed as the person's last workbench counted them.
OWED_SESSION_KEY = "hub_owed_talks"


def todo_total(user) -> int:
    """The workbench's total for ``user``: the stored tasks counted by the header's
    statement plus the talks owed.  The talks come from the workbench's own list when the
    request computed it (the workbench page: the same number, no statement more), else
    from what the person's last workbench counted today (kept in the session: computing
    the talk obligations on every page would cost every manager's page their statements).
    """
    header = header_of(user)
    if not header.has_reports:
        return header.stored_todo
    today = local_date(utcnow()).isoformat()
    cached = g.get(OWED_G_KEY)
    if cached is not None and cached[0][0] == user.id:
        session[OWED_SESSION_KEY] = [user.id, today, len(cached[1])]
        return header.stored_todo + len(cached[1])
    kept = session.get(OWED_SESSION_KEY)
    if kept and kept[0] == user.id and kept[1] == today:
        return header.stored_todo + int(kept[2])
    return header.stored_todo


class _TodoTotal:
    """``todo_total`` for the templates, computed when a template first shows it (an
    e-mail rendered in a request never asks for it)."""

    def __init__(self, user):
        self._user, self._value = user, None

    def value(self) -> int:
        if self._value is None:
            self._value = todo_total(self._user) if self._user is not None else 0
        return self._value

    def __bool__(self) -> bool:
        return bool(self.value())

    def __int__(self) -> int:
        return self.value()

    def __eq__(self, other) -> bool:
        return self.value() == other

    __hash__ = None

    def __str__(self) -> str:
        return str(self.value())


def unread_notifications(user) -> int:
    """The header's unread count (registered as ``hub.common.templating``'s counter)."""
    return header_of(user).unread_notifications


def mailbox_desk(user) -> str | None:
    """Where the navigation's "来信处理" leads ``user``: the GM office's inbox, the 督办 list
    of department heads and named handlers, or nowhere."""
    if not user or not user.is_authenticated:
        return None
    if is_gm_office(user):
        return "mailbox.office"
    header = header_of(user)
    if header.heads_a_department or header.has_assigned_letters:
        return "mailbox.assigned"
    return None


def header_context() -> dict:
    user = current_user if has_request_context() else None
    header = header_of(user) if user is not None else Header()
    return {"todo_total": _TodoTotal(user if header.stored_todo or header.has_reports
                                     else None),
            "unconfirmed_announcements": header.unconfirmed_announcements,
            "unconfirmed_announcement": header.unconfirmed_announcement}


def configure_header(app: Flask) -> None:
    app.context_processor(header_context)
    app.add_template_global(mailbox_desk, "mailbox_desk")
