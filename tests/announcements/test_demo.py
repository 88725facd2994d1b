"""The demo announcements: company-wide and departmental, partly confirmed, one revised,
one expired, one scheduled."""
from __future__ import annotations

from sqlalchemy import select

from hub.announcements import services as an
from hub.announcements.demo import ANNOUNCEMENTS, create_demo_announcements
from hub.announcements.models import Announcement
from hub.extensions import db


def test_demo_announcements(app, demo):
    create_demo_announcements(demo)
    db.session.commit()
    items = {a.title: a for a in db.session.scalars(select(Announcement))}
    assert len(items) == len(ANNOUNCEMENTS)

    plan = items["市场部十二月客户拜访计划"]
    status = {s.person.username: s for s in
              an.confirmation_status(demo["sales_head"], plan).people}
    assert status["sales1"].confirmed_at is not None
    assert status["sales2"].confirmed_at is None
    assert plan.id not in {a.id for a in db.session.scalars(
        an.visible_announcements_query(demo["prod1"]))}

    policy = items["考勤管理制度（2026 年修订）"]
    assert policy.version == 2
    assert an.needs_confirmation_from(demo["sales2"], policy)
    assert not an.needs_confirmation_from(demo["sales1"], policy)
    assert an.changes_since(policy, 1) is not None

    feed = {a.title for a in db.session.scalars(
        an.visible_announcements_query(demo["sales2"]))}
    assert "国庆节放假安排" not in feed and "元旦放假安排" not in feed
    assert "关于严格执行《公司内部信息沟通反馈管理制度》的通知" in feed
    assert an.unconfirmed_count(demo["sales2"]) >= 2
    assert all(a.publish_at <= an.utcnow() or a.title == "元旦放假安排" for a in items.values())
