"""Notices of an interruption (停水、停电…) carry the time it happens and go out at least 24
hours before it, unless marked urgent with a reason — on the page and through the API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hub.announcements import services as an
from hub.announcements.models import Announcement
from hub.common.time import company_tz, utcnow
from hub.extensions import db
from tests.conftest import csrf_token
from tests.support.factories import bearer

NOW = datetime(2026, 3, 6, 7, 0)  # 15:00 company time


def local_form(moment: datetime) -> str:
    """A stored (naive UTC) time as a datetime-local input types it."""
    return moment.replace(tzinfo=timezone.utc).astimezone(company_tz()).strftime(
        "%Y-%m-%dT%H:%M")


def test_a_power_cut_notice_goes_out_at_least_24_hours_before(app, demo, announce):
    """Seed, 客户服务规程 2.1: "如供电局停电或检修需要停电，将提前24小时在各大堂书面公告，情况特别紧急时除外"
    — 23 hours before is refused with the latest time it could have gone out; 24 hours
    before is published with the event's time."""
    cut = NOW + timedelta(hours=23)
    with pytest.raises(an.AnnouncementError) as late:
        announce(demo["gmo"], title="明日停电通知", everyone=True, event_at=cut, now=NOW)
    assert set(late.value.fields) == {"event_at"}
    assert "须至少提前 24 小时发布" in late.value.message
    assert "2026-03-07 14:00" in late.value.message  # the event, company time
    assert "2026-03-06 14:00" in late.value.message  # the latest publishing time
    db.session.rollback()
    assert db.session.scalar(select(Announcement)) is None

    on_time = announce(demo["gmo"], title="明日停电通知", everyone=True,
                       event_at=NOW + timedelta(hours=24), now=NOW)
    assert on_time.event_at == NOW + timedelta(hours=24) and on_time.urgent_reason is None
    # A scheduled notice is judged by when it goes out, not when it was written.
    with pytest.raises(an.AnnouncementError):
        announce(demo["gmo"], title="周末停水通知", everyone=True, now=NOW,
                 publish_at=NOW + timedelta(hours=10), event_at=NOW + timedelta(hours=30))
    db.session.rollback()
    with pytest.raises(an.AnnouncementError) as past:
        announce(demo["gmo"], title="停水通知", everyone=True, event_at=NOW, now=NOW)
    assert past.value.fields == {"event_at": ["事件时间必须晚于发布时间。"]}
    db.session.rollback()


def test_an_urgent_interruption_is_published_late_with_its_reason(app, demo, announce):
    """Seed, 客户服务规程 2.1: "将提前24小时在各大堂书面公告，情况特别紧急时除外" — the exception needs a
    reason, stored and shown with the notice; rescheduling cannot sneak a notice past the
    rule either."""
    notice = announce(demo["gmo"], title="紧急停水通知", everyone=True, now=NOW,
                      event_at=NOW + timedelta(hours=2), urgent_reason="主水管爆裂，需立即抢修。")
    assert notice.urgent_reason == "主水管爆裂，需立即抢修。"
    scheduled = announce(demo["gmo"], title="下周停电检修", everyone=True, now=NOW,
                         publish_at=NOW + timedelta(days=1), event_at=NOW + timedelta(days=3))
    with pytest.raises(an.AnnouncementError) as moved:
        an.edit(scheduled, demo["gmo"], title=scheduled.title, body=scheduled.body,
                publish_at=NOW + timedelta(days=2, hours=12), now=NOW)
    assert "event_at" in moved.value.fields
    db.session.rollback()


def test_the_page_refuses_a_late_notice_keeps_the_form_and_shows_the_event(app, client, demo,
                                                                          login):
    """Seed, 客户服务规程 2.1: "将提前24小时在各大堂书面公告，情况特别紧急时除外" — on the page: a late
    notice is refused with the reason and the form kept; marked urgent without a reason it is
    refused too; with one it is published and shows the event time and the reason."""
    login(client, demo["gmo"])
    soon = utcnow() + timedelta(hours=3)
    data = {"title": "三号楼停电通知", "kind": "notice", "body": "配电房检修。", "everyone": "y",
            "interruption": "y", "event_at": local_form(soon)}

    def publish(**extra):
        return client.post("/announcements/new", data={
            "csrf_token": csrf_token(client, "/announcements/new"), **data, **extra})

    late = publish()
    html = late.get_data(as_text=True)
    assert late.status_code == 400 and "须至少提前 24 小时发布" in html
    assert "三号楼停电通知" in html and "配电房检修。" in html
    missing = publish(event_at="")
    assert missing.status_code == 400 and "请填写事件时间。" in missing.get_data(as_text=True)
    no_reason = publish(urgent="y")
    assert no_reason.status_code == 400 and "请说明紧急原因。" in no_reason.get_data(as_text=True)
    assert db.session.scalar(select(Announcement)) is None

    published = publish(urgent="y", urgent_reason="变压器冒烟，需立即断电检修。")
    assert published.status_code == 302
    notice = db.session.scalar(select(Announcement))
    page = client.get(f"/announcements/{notice.id}").get_data(as_text=True)
    assert 'data-field="event_at"' in page and 'data-field="urgent_reason"' in page
    assert "变压器冒烟，需立即断电检修。" in page and 'data-testid="event-badge"' in page
    # Not an interruption: the event fields are ignored.
    plain = client.post("/announcements/new", data={
        "csrf_token": csrf_token(client, "/announcements/new"), **data,
        "title": "端午节放假安排", "interruption": ""})
    assert plain.status_code == 302
    holiday = db.session.scalar(select(Announcement).where(Announcement.title == "端午节放假安排"))
    assert holiday.event_at is None and holiday.urgent_reason is None


def test_the_api_takes_and_returns_the_event_time_and_the_urgent_reason(app, client, demo):
    """Seed, 客户服务规程 2.1: "提前24小时…书面公告，情况特别紧急时除外" — through the API: 400 with the
    field when late, 201 with ``event_at`` and ``urgent_reason`` when urgent."""
    headers = bearer(demo["gmo"])
    soon = (utcnow() + timedelta(hours=5)).replace(tzinfo=timezone.utc).isoformat()
    fields = {"title": "停水通知", "body": "管道维修。", "kind": "notice",
              "audience": {"all": True}, "event_at": soon}
    late = client.post("/api/v1/announcements", headers=headers, json=fields)
    assert late.status_code == 400
    assert "event_at" in late.get_json()["error"]["fields"]
    made = client.post("/api/v1/announcements", headers=headers,
                       json={**fields, "urgent_reason": "水管爆裂。"})
    assert made.status_code == 201, made.get_data(as_text=True)
    body = made.get_json()
    assert body["urgent_reason"] == "水管爆裂。" and body["event_at"].endswith("+08:00")
    read = client.get(f"/api/v1/announcements/{body['id']}", headers=bearer(demo["sales1"]))
    assert read.get_json()["event_at"] == body["event_at"]
