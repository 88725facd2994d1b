"""The demo's notifications at the times real use would have left them.

The demo content is made by the features' own services, so their notifications are real —
but all stamped with the moment the demo was built, and unread.  This last step puts each
one at its item's own time (a letter's filing, a report's, an announcement's publication,
a meeting's proposal, a talk's record) plus a little while, in the order they were sent;
one about no item somewhere in the past three weeks.  A notification whose task is already
done was done a few hours to days after it was sent; news older than five days was read.
Anonymous filings are announced by digests without an item, so nothing here points at the
moment somebody wrote.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from hub.common.time import utcnow
from hub.extensions import db
from hub.notifications.models import Notification

#: The days back the notifications without an item are spread over.
SPREAD_DAYS = 21
#: News (no task) older than this was read.
READ_AFTER = timedelta(days=5)


def _item_times() -> dict[str, datetime]:
    """Each demo item's own time, by item key (``"letter:12"``)."""
    from hub.announcements.models import Announcement
    from hub.mailbox.models import Letter
    from hub.meetings.models import Meeting, TalkLog
    from hub.suggestions.models import Rectification, Report

    times: dict[str, datetime] = {}
    for kind, id_column, at_column in (
            ("letter", Letter.id, Letter.filed_at), ("report", Report.id, Report.filed_at),
            ("rectification", Rectification.id, Rectification.requested_at),
            ("announcement", Announcement.id, Announcement.publish_at),
            ("meeting", Meeting.id, Meeting.created_at), ("talk", TalkLog.id, TalkLog.held_at)):
        times.update((f"{kind}:{item_id}", at)
                     for item_id, at in db.session.execute(select(id_column, at_column)))
    return times


def spread_demo_notifications(_people: dict | None = None, *, seed: int = 14) -> None:
    """Give the demo's notifications their times (see the module's docstring)."""
    rng = random.Random(seed)
    now = utcnow()
    latest = now - timedelta(minutes=5)
    times = _item_times()
    last_of_item: dict[str, datetime] = {}
    for note in db.session.scalars(select(Notification).order_by(Notification.id)):
        start = times.get(note.item) if note.item else None
        if start is None:
            at = now - timedelta(days=rng.uniform(0.2, SPREAD_DAYS))
        else:
            # after the item's own time and after the item's earlier notifications
            at = max(start, last_of_item.get(note.item, start)) \
                + timedelta(minutes=rng.uniform(5, 60 * 20))
            last_of_item[note.item] = at
        note.created_at = min(at, latest)
        if note.done_at is not None:
            note.done_at = min(note.created_at + timedelta(hours=rng.uniform(1, 72)), latest)
            note.read_at = note.read_at and note.done_at
        elif note.task is None and now - note.created_at > READ_AFTER:
            note.read_at = note.created_at + timedelta(hours=rng.uniform(0.5, 30))
    db.session.flush()
