"""The rules of announcements: who may publish to whom, who reads what, confirmations and
versions, scheduled publishing, reminders, escalation and the digest."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.announcements import services as an
from hub.announcements.models import AnnouncementConfirmation
from hub.common.time import utcnow
from hub.extensions import db
from hub.notifications.models import Notification, OutboxMail
from tests.announcements.conftest import department


def feed_ids(user, **kw) -> set[int]:
    return {a.id for a in db.session.scalars(an.visible_announcements_query(user, **kw))}


def notified(user, kind="announcement.published") -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)))


def test_an_announcement_to_the_market_department_reaches_its_sub_departments_only(
        app, demo, announce):
    announcement = announce(demo["sales_head"])
    assert announcement.number == f"GG-{announcement.year}-000001"
    for username in ("sales1", "sales2", "sales4", "sales_lead"):
        assert announcement.id in feed_ids(demo[username]), username
        assert an.can_view_announcement(demo[username], announcement)
        assert notified(demo[username]), username
    for username in ("prod1", "hr1", "cs_head"):
        assert announcement.id not in feed_ids(demo[username]), username
        assert not an.can_view_announcement(demo[username], announcement)
        assert not notified(demo[username])
    # The GM office may read everything (not in its feed); the author sees their own.
    assert an.can_view_announcement(demo["gmo"], announcement)
    assert announcement.id not in feed_ids(demo["gmo"])
    assert an.can_view_announcement(demo["sales_head"], announcement)


def test_who_may_publish_to_whom(app, demo):
    market = an.Audience(department_ids=(department("市场部").id,))
    east = an.Audience(department_ids=(department("华东销售组").id,))
    company = an.Audience(everyone=True)
    assert not an.can_publish(demo["sales1"], "notice", market)
    assert not an.can_publish(demo["sales1"], "notice", company)
    assert an.publishable_kinds(demo["sales1"]) == []
    assert an.can_publish(demo["sales_head"], "order", market)
    assert an.can_publish(demo["sales_head"], "order", east)
    assert not an.can_publish(demo["sales_head"], "order", company)
    assert not an.can_publish(demo["sales_lead"], "notice", market)  # above their subtree
    assert an.can_publish(demo["sales_lead"], "notice", east)
    assert an.can_publish(demo["hr1"], "policy", company)
    assert not an.can_publish(demo["hr1"], "order", company)
    assert an.can_publish(demo["gmo"], "resolution", an.Audience(roles=("department_head",)))

    with pytest.raises(an.NotAllowed) as refused:
        an.publish(demo["sales1"], title="全员通知", body="内容", kind="notice", audience=company)
    assert refused.value.status == 403 and "没有发布公告的权限" in refused.value.message
    with pytest.raises(an.NotAllowed) as refused:
        an.publish(demo["sales_head"], title="全员通知", body="内容", kind="notice",
                   audience=company)
    assert "本部门及下级部门" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_roles_and_people_who_join_later(app, demo, announce, create_user):
    heads = announce(demo["gmo"], departments=(), roles=("department_head",), kind="order")
    market = announce(demo["sales_head"])
    assert heads.id in feed_ids(demo["prod_head"])
    assert heads.id not in feed_ids(demo["prod1"])
    newcomer = create_user("newcomer", department=department("华南销售组"))
    assert market.id in feed_ids(newcomer)  # resolved when read, not when published
    assert an.in_audience(newcomer, market)
    mover = demo["prod2"]
    mover.department = department("华东销售组")
    db.session.commit()
    assert market.id in feed_ids(mover)


def test_confirmations_are_idempotent_and_listed_for_the_head_in_scope(app, demo, announce):
    announcement = announce(demo["sales_head"], requires_confirmation=True, kind="policy")
    first = an.confirm(announcement, demo["sales1"])
    db.session.commit()
    again = an.confirm(announcement, demo["sales1"], now=utcnow() + timedelta(hours=1))
    db.session.commit()
    assert again.id == first.id and again.confirmed_at == first.confirmed_at
    assert db.session.scalar(select(func.count()).select_from(AnnouncementConfirmation)) == 1

    status = an.confirmation_status(demo["sales_head"], announcement)
    by_name = {s.person.username: s for s in status.people}
    assert by_name["sales1"].confirmed_at is not None
    assert by_name["sales2"].confirmed_at is None
    market = {d.id for d in an.department_subtree(department("市场部"))}
    assert all(s.person.department_id in market for s in status.people)  # only the audience
    assert {"prod1", "gm", "hr1"}.isdisjoint(by_name)
    assert "sales_head" not in by_name  # the author is not asked to confirm
    assert len(status.people) == 7 and len(status.confirmed) == 1 and status.percent == 14

    # The head of 华东销售组 sees their group only; the GM office sees everybody.
    east = an.confirmation_status(demo["sales_lead"], announcement)
    assert {s.person.username for s in east.people} == {"sales_lead", "sales1", "sales2",
                                                        "sales3"}
    assert len(an.confirmation_status(demo["gmo"], announcement).people) == 7
    for username in ("sales1", "sales2", "hr1", "prod_head"):
        assert not an.can_view_confirmations(demo[username], announcement), username
        assert an.confirmation_status(demo[username], announcement).people == []

    with pytest.raises(an.Conflict):
        an.confirm(announce(demo["sales_head"]), demo["sales1"])  # needs no confirmation


def test_a_new_version_asks_again_and_shows_what_changed(app, demo, announce):
    announcement = announce(demo["sales_head"], requires_confirmation=True, kind="policy",
                            body="第一条：按时打卡。\n第二条：着装整洁。")
    an.confirm(announcement, demo["sales1"])
    db.session.commit()
    assert not an.needs_confirmation_from(demo["sales1"], announcement)

    assert an.edit(announcement, demo["sales_head"], title=announcement.title,
                   body="第一条：按时打卡。\n第二条：着装整洁，<script>alert(1)</script>。")
    db.session.commit()
    assert announcement.version == 2 and len(announcement.versions) == 2
    assert announcement.versions[0].body == "第一条：按时打卡。\n第二条：着装整洁。"
    assert an.needs_confirmation_from(demo["sales1"], announcement)
    assert notified(demo["sales1"], "announcement.revised")
    assert not notified(demo["sales2"], "announcement.revised")
    assert an.last_confirmed_version(demo["sales1"], announcement) == 1
    changes = an.changes_since(announcement, 1)
    assert "<del>第二条：着装整洁。</del>" in changes.diff
    assert "<ins>第二条：着装整洁，&lt;script&gt;alert(1)&lt;/script&gt;。</ins>" in changes.diff
    assert "第一条：按时打卡。" in changes.diff and "<del>第一条" not in changes.diff
    status = {s.person.username: s for s in
              an.confirmation_status(demo["sales_head"], announcement).people}
    assert status["sales1"].confirmed_at is None and status["sales1"].confirmed_version == 1

    an.confirm(announcement, demo["sales1"])
    db.session.commit()
    assert not an.needs_confirmation_from(demo["sales1"], announcement)
    # Editing only the pinning makes no new version.
    assert not an.edit(announcement, demo["sales_head"], title=announcement.title,
                       body=announcement.body, pinned=True)


def test_a_scheduled_announcement_shows_and_is_announced_only_when_its_time_comes(
        app, demo, announce):
    now = utcnow()
    later = now + timedelta(hours=3)
    announcement = announce(demo["gmo"], everyone=True, departments=(), kind="plan",
                            publish_at=later)
    audience = [demo[u] for u in ("sales1", "prod1", "hr1", "sales_head")]
    assert announcement.notified_at is None
    assert an.announce_due(now) == 0
    for person in audience:
        assert announcement.id not in feed_ids(person, now=now)
        assert not an.can_view_announcement(person, announcement)
        assert not notified(person)
    assert an.can_view_announcement(demo["gmo"], announcement)  # the author

    after = later + timedelta(minutes=1)
    assert an.announce_due(after) == 1
    db.session.commit()
    assert an.announce_due(after) == 0  # once
    for person in audience:
        assert announcement.id in feed_ids(person, now=after)
        assert len(notified(person)) == 1
    assert not notified(demo["gmo"])  # the author is not told about their own
    assert announcement.notified_at == after


def test_expired_announcements_leave_the_feed_but_stay_in_the_archive(app, demo, announce):
    now = utcnow()
    announcement = announce(demo["sales_head"], expires_at=now + timedelta(days=1))
    later = now + timedelta(days=2)
    assert announcement.id in feed_ids(demo["sales1"])
    assert announcement.id not in feed_ids(demo["sales1"], now=later)
    assert announcement.id in feed_ids(demo["sales1"], now=later, include_expired=True)


def test_pinned_first_then_newest(app, demo, announce):
    now = utcnow()
    old = announce(demo["sales_head"], title="置顶的旧公告", pinned=True,
                   pinned_until=now + timedelta(days=3))
    new = announce(demo["sales_head"], title="新公告")
    items, total = an.paginate(an.visible_announcements_query(demo["sales1"]), 1, 10)
    assert [a.id for a in items] == [old.id, new.id] and total == 2
    items, _ = an.paginate(an.visible_announcements_query(demo["sales1"]), 1, 10,
                           order=an.feed_order(now + timedelta(days=4)))
    assert [a.id for a in items] == [new.id, old.id]


def test_unconfirmed_count_and_the_first_one(app, demo, announce):
    first = announce(demo["sales_head"], requires_confirmation=True, title="一")
    announce(demo["sales_head"], requires_confirmation=True, title="二")
    announce(demo["sales_head"], title="无需确认")
    assert an.unconfirmed_count(demo["sales1"]) == 2
    assert an.first_unconfirmed(demo["sales1"]).id == first.id
    an.confirm(first, demo["sales1"])
    db.session.commit()
    assert an.unconfirmed_count(demo["sales1"]) == 1
    assert an.unconfirmed_count(demo["prod1"]) == 0


def test_reminders_then_the_manager_each_once(app, demo, announce, monkeypatch):
    announcement = announce(demo["sales_head"], departments=("华东销售组",),
                            requires_confirmation=True)
    an.confirm(announcement, demo["sales1"])
    db.session.commit()
    assert an.send_reminders(utcnow()) == (0, 0)
    soon = utcnow() + timedelta(days=5)  # past 2 working days, before 5
    monkeypatch.setitem(app.config, "ANNOUNCEMENT_ESCALATE_DAYS", 30)
    reminded, escalated = an.send_reminders(soon)
    db.session.commit()
    assert (reminded, escalated) == (3, 0)  # sales_lead, sales2, sales3
    assert notified(demo["sales2"], "announcement.reminder")
    assert not notified(demo["sales1"], "announcement.reminder")
    assert an.send_reminders(soon) == (0, 0)

    monkeypatch.setitem(app.config, "ANNOUNCEMENT_ESCALATE_DAYS", 5)
    much_later = utcnow() + timedelta(days=15)
    reminded, escalated = an.send_reminders(much_later)
    db.session.commit()
    assert reminded == 0 and escalated == 3
    titles = [n.title for n in notified(demo["sales_lead"], "announcement.escalation")]
    assert any(demo["sales2"].name in t for t in titles)
    assert any(demo["sales_lead"].name in n.title
               for n in notified(demo["sales_head"], "announcement.escalation"))
    assert an.send_reminders(much_later) == (0, 0)


def test_remind_the_rest_reaches_only_the_unconfirmed_in_scope(app, demo, announce):
    announcement = announce(demo["sales_head"], requires_confirmation=True)
    an.confirm(announcement, demo["sales1"])
    assert an.remind_unconfirmed(announcement, demo["sales_lead"]) == 2  # not themselves
    db.session.commit()
    assert notified(demo["sales2"], "announcement.reminder")
    assert not notified(demo["sales1"], "announcement.reminder")
    assert not notified(demo["sales4"], "announcement.reminder")  # 华南, not sales_lead's


def test_digest_instead_of_one_mail_each(app, demo, announce):
    start = utcnow() - timedelta(days=1)
    an.set_digest(demo["sales1"], True, now=start)
    db.session.commit()
    mails_before = db.session.scalar(select(func.count()).select_from(OutboxMail))
    announce(demo["sales_head"], title="摘要里的公告")
    to_sales1 = db.session.scalars(select(OutboxMail).where(
        OutboxMail.to_addr == demo["sales1"].email)).all()
    assert to_sales1 == [] and notified(demo["sales1"])  # in the hub at once, no e-mail
    assert db.session.scalar(select(func.count()).select_from(OutboxMail)) > mails_before
    tomorrow_morning = utcnow().replace(hour=3, minute=0) + timedelta(days=1)  # 11:00 +08
    assert an.send_digests(tomorrow_morning) == 1
    db.session.commit()
    [mail] = db.session.scalars(select(OutboxMail).where(
        OutboxMail.to_addr == demo["sales1"].email)).all()
    assert "摘要里的公告" in mail.text_body
    assert an.send_digests(tomorrow_morning) == 0


def test_an_empty_department_an_announcement_names_can_still_be_deleted(app, demo, announce,
                                                                          create_department):
    from hub.org.services import delete_department

    empty = create_department("临时项目组", parent=department("市场部"))
    announcement = announce(demo["gmo"], departments=("临时项目组", "生产部"))
    delete_department(empty)
    db.session.commit()
    assert [r.department.name for r in announcement.audience] == ["生产部"]
    assert announcement.id in feed_ids(demo["prod1"])


def test_an_expired_announcement_stays_editable(app, demo, announce):
    now = utcnow()
    announcement = announce(demo["sales_head"], expires_at=now + timedelta(hours=1))
    later = now + timedelta(hours=2)
    shown = announcement.expires_at.replace(second=0, microsecond=0)  # as a form shows it
    an.edit(announcement, demo["sales_head"], title="改过的标题", body=announcement.body,
            expires_at=shown, now=later)
    assert announcement.title == "改过的标题"
    with pytest.raises(an.AnnouncementError) as refused:
        an.edit(announcement, demo["sales_head"], title="再改", body=announcement.body,
                expires_at=later - timedelta(minutes=30), now=later)
    assert "expires_at" in refused.value.fields


def test_the_periodic_job_announces_what_has_become_due(app, demo, announce):
    from hub.common.worker import JOBS

    announcement = announce(demo["gmo"], everyone=True, departments=(),
                            publish_at=utcnow() + timedelta(hours=1))
    JOBS["announcements.announce_due"].func()
    assert not notified(demo["prod1"])
    announcement.publish_at = utcnow() - timedelta(minutes=1)  # the hour has passed
    db.session.commit()
    JOBS["announcements.announce_due"].func()
    db.session.commit()
    assert len(notified(demo["prod1"])) == 1
    assert {"announcements.remind", "announcements.digest"} <= set(JOBS)
