"""Announcements never confirmed after escalation, for the accountability register
(hub.accountability.sources).

``send_reminders`` reminds a person who has not confirmed an announcement's version and,
later, tells their manager (an ``escalate`` nudge).  Still not confirmed
``ACCOUNTABILITY_CONFIRM_GRACE_DAYS`` working days after that escalation, while the
announcement is in force, it is the person's lapse.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask import current_app
from sqlalchemy import exists, or_, select

from hub.accountability.sources import Lapse
from hub.announcements.models import Announcement, AnnouncementConfirmation, AnnouncementNudge
from hub.common.workdays import due_after_working_days
from hub.org.models import User


def announcement_lapses(session, now: datetime) -> Iterator[Lapse]:
    grace = current_app.config["ACCOUNTABILITY_CONFIRM_GRACE_DAYS"]
    rows = session.execute(
        select(Announcement.id, Announcement.number, AnnouncementNudge.user_id,
               AnnouncementNudge.at)
        .join(AnnouncementNudge, (AnnouncementNudge.announcement_id == Announcement.id)
              & (AnnouncementNudge.version == Announcement.version))
        .join(User, User.id == AnnouncementNudge.user_id)
        .where(AnnouncementNudge.kind == "escalate", AnnouncementNudge.at < now,
               User.active.is_(True), Announcement.requires_confirmation.is_(True),
               or_(Announcement.expires_at.is_(None), Announcement.expires_at > now),
               ~exists().where(
                   AnnouncementConfirmation.announcement_id == Announcement.id,
                   AnnouncementConfirmation.version == Announcement.version,
                   AnnouncementConfirmation.user_id == AnnouncementNudge.user_id)))
    for announcement_id, number, person_id, escalated_at in rows:
        due = due_after_working_days(escalated_at, grace)
        if due < now:
            yield Lapse(person_id, "announcement_unconfirmed", "announcement",
                        announcement_id, number, due)
