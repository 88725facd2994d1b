"""Who may open the dashboard — the one place that decides it.

The dashboard is for the GM (``gm``), the GM office (``gmo``: both have the ``gm_office``
role) and the head of HR (``hr_head``: the ``hr`` role and heading a department).  For
anybody else ``/dashboard`` and ``GET /api/v1/dashboard`` do not exist (404).

What each series counts is not decided here but by the feature it is about, asked with the
viewer: letters ``hub.mailbox.access.visible_letters``, reports
``hub.suggestions.access.countable_clause`` (every report in aggregate for the GM office,
the reports HR's head may see for them; never a count under 5 either way), talks
``hub.meetings.access`` (the monthly summary for the GM office, the departments one heads
for anybody else) and announcements ``hub.announcements.access`` (the ones one manages and
the confirmations one may see of them).
"""
from __future__ import annotations

from flask import abort, has_request_context
from flask_login import current_user
from sqlalchemy import exists, select

from hub.extensions import db
from hub.org.models import Department, User
from hub.org.permissions import is_gm_office, is_hr


def heads_hr(user: User) -> bool:
    """HR's head: an HR person who heads a department (for the signed-in person, read from
    the header's one statement, so the navigation's link costs no query of its own)."""
    if not is_hr(user):
        return False
    if has_request_context() and getattr(current_user, "id", None) == user.id:
        from hub.main.header import header_of  # the app layer

        return header_of(user).heads_a_department
    return bool(db.session.scalar(select(exists().where(Department.head_id == user.id))))


def can_view_dashboard(user: User) -> bool:
    if not user.is_authenticated or not user.active:
        return False
    return is_gm_office(user) or heads_hr(user)


def require_dashboard(user: User) -> None:
    """404 unless ``user`` may open the dashboard."""
    if not can_view_dashboard(user):
        abort(404)
