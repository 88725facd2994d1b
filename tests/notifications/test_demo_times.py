"""The demo's notifications carry the times real use would have left, not one moment."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from hub.common.time import utcnow
from hub.demo import create_demo_company
from hub.extensions import db
from hub.notifications.models import Notification
from hub.notifications.services import unread_count
from hub.org.models import User


def test_demo_notifications_are_spread_out_and_the_finished_ones_done(app):
    create_demo_company()
    db.session.commit()
    gm = db.session.scalar(select(User).where(User.username == "gm"))
    rows = list(db.session.scalars(select(Notification).where(Notification.user_id == gm.id)))
    assert len(rows) > 20
    stamps = {n.created_at.replace(microsecond=0) for n in rows}
    assert len(stamps) > 0.9 * len(rows)  # not all at the same moment
    assert min(n.created_at for n in rows) < utcnow() - timedelta(days=14)
    assert all(n.created_at <= utcnow() for n in rows)
    done = [n for n in rows if n.done_at is not None]
    assert done and all(n.done_at >= n.created_at for n in done)
    assert unread_count(gm) < len(rows) / 2
    # every task still open is one whose item still waits for somebody
    open_tasks = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.task.is_not(None), Notification.done_at.is_(None)))
    assert open_tasks < db.session.scalar(select(func.count()).select_from(Notification)
                                          .where(Notification.task.is_not(None)))
