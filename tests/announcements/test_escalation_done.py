"""The manager's "X 尚未确认公告" notice is a task: it turns done when X confirms."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.announcements import services as an
from hub.common.time import utcnow
from hub.extensions import db
from hub.notifications.models import Notification


def escalations(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == "announcement.escalation")))


def test_the_managers_escalation_turns_done_when_the_person_confirms(app, demo, announce,
                                                                       monkeypatch):
    """“各部门负责人……对本部门人员的执行情况负监督检查责任”: the manager is told who has not
    confirmed; once that person confirms, the notice is done and leaves the unread count."""
    announcement = announce(demo["sales_head"], departments=("华东销售组",),
                            requires_confirmation=True)
    monkeypatch.setitem(app.config, "ANNOUNCEMENT_ESCALATE_DAYS", 5)
    an.send_reminders(utcnow() + timedelta(days=15))
    db.session.commit()
    lead = demo["sales_lead"]
    about = {n.task: n for n in escalations(lead)}
    sales1, sales2 = demo["sales1"], demo["sales2"]
    assert {f"confirm_by:{sales1.id}", f"confirm_by:{sales2.id}"} <= set(about)
    assert all(n.item == f"announcement:{announcement.id}" and n.done_at is None
               for n in about.values())
    an.confirm(announcement, sales1)
    db.session.commit()
    for n in about.values():
        db.session.refresh(n)
    assert about[f"confirm_by:{sales1.id}"].done_at is not None
    assert about[f"confirm_by:{sales2.id}"].done_at is None
