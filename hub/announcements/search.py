"""What the archive indexes of announcements (hub.search.registry).

The access terms spell out ``can_view_announcement``: the GM office (``role:gm_office``)
and the author (``user:<id>``) always; the audience only once the announcement is
published — ``all``, ``dept:<id>`` (a person holds it for their department and every
department above it, as ``in_audience`` matches sub-departments) and ``role:<role>`` for the
audience roles, derived ones (``department_head``, ``manager``) included.  The audience is
matched against who people are *now*, at query time, so moving a person needs no
re-indexing.  A scheduled announcement gets its audience terms when it is published: the
job that tells the audience (``announce_due``) sets ``notified_at``, which re-indexes it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hub.announcements.access import (
    _department_line_ids,
    audience_of,
    audience_roles_of,
    can_view_announcement,
    is_published,
)
from hub.announcements.models import Announcement, AnnouncementAudience
from hub.common.markdown import plain_text
from hub.common.urls import path_for
from hub.extensions import db
from hub.org.permissions import is_gm_office
from hub.search.registry import Provider, register


def to_document(announcement: Announcement) -> dict:
    audience = audience_of(announcement)
    department_id = (audience.department_ids[0] if len(audience.department_ids) == 1
                     else announcement.author.department_id if announcement.author else None)
    return {
        "number": announcement.number,
        "title": announcement.title,
        "body": plain_text(announcement.body),  # Markdown: the words only
        "department_id": department_id,
        "status": "",
        "date": announcement.publish_at,
        "url": path_for("announcements.view", announcement_id=announcement.id),
    }


def access_terms(announcement: Announcement) -> set[str]:
    terms = {"role:gm_office", f"user:{announcement.author_id}"}
    if is_published(announcement):
        audience = audience_of(announcement)
        if audience.everyone:
            terms.add("all")
        terms.update(f"dept:{dept_id}" for dept_id in audience.department_ids)
        terms.update(f"role:{role}" for role in audience.roles)
    return terms


def held_terms(user) -> set[str]:
    if not user.is_authenticated or not user.active:
        return set()
    terms = {"all", f"user:{user.id}"}
    if is_gm_office(user):
        terms.add("role:gm_office")
    terms.update(f"dept:{dept_id}" for dept_id in _department_line_ids(user))
    terms.update(f"role:{role}" for role in audience_roles_of(user))
    return terms


register(Provider(
    kind="announcement", model=Announcement, to_document=to_document,
    access_terms=access_terms, held_terms=held_terms, can_view=can_view_announcement,
    all_ids=lambda: db.session.scalars(select(Announcement.id)).all(),
    label=_l("公告"), icon="megaphone", order=30,
    stale={AnnouncementAudience: lambda row: [row.announcement_id]},
))
