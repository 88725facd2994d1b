"""The announcement pages as people use them: real forms with CSRF tokens, the demo
company's people, e-mail to a real SMTP server."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from hub.announcements import services as an
from hub.announcements.models import Announcement
from hub.common.time import utcnow
from hub.extensions import db
from hub.notifications.sender import deliver_due
from tests.announcements.conftest import department
from tests.conftest import csrf_token
from tests.support.smtp import text_of


def browser(app, login, user):
    client = app.test_client()
    login(client, user)
    return client


def post(client, url, data=None, page="/announcements/", **kw):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **(data or {})}, **kw)


def test_a_head_publishes_to_the_department_people_confirm_the_head_follows_up(
        app, demo, login, smtp):
    head = browser(app, login, demo["sales_head"])
    form = head.get("/announcements/new").get_data(as_text=True)
    assert "部门负责人只能发布到本部门及下级部门" in form
    assert "生产部" not in form  # only departments the head may address are offered
    response = post(head, "/announcements/new", page="/announcements/new", data={
        "title": "市场部十二月拜访计划", "kind": "plan", "body": "请**每周五**提交下周拜访计划。",
        "departments": [str(department("市场部").id)], "requires_confirmation": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    announcement = db.session.scalar(select(Announcement))
    assert response.headers["Location"].endswith(f"/announcements/{announcement.id}")

    # The audience is told by e-mail, through the real SMTP server.
    db.session.commit()
    assert deliver_due() == 7  # the audience but the author
    to_sales2 = [m for m in smtp.inbox.wait_for(7) if demo["sales2"].email in m["To"]]
    assert to_sales2 and "市场部十二月拜访计划" in to_sales2[0]["Subject"]
    assert f"/announcements/{announcement.id}" in text_of(to_sales2[0])
    assert not [m for m in smtp.inbox.messages if demo["prod1"].email in m["To"]]

    sales1 = browser(app, login, demo["sales1"])
    home = sales1.get("/").get_data(as_text=True)
    assert 'data-testid="announcement-banner"' in home and "市场部十二月拜访计划" in home
    latest = home[home.index('data-testid="latest-announcements"'):]
    assert "市场部十二月拜访计划" in latest and "待确认" in latest
    assert re.search(r'data-testid="unconfirmed-count"[^>]*>1<', home)
    feed = sales1.get("/announcements/").get_data(as_text=True)
    assert 'data-testid="needs-confirmation"' in feed and 'data-testid="unread"' in feed
    page = sales1.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    assert "<strong>每周五</strong>" in page and 'data-testid="confirm"' in page
    assert 'data-testid="open-confirmations"' not in page
    response = post(sales1, f"/announcements/{announcement.id}/confirm")
    assert response.status_code == 302
    page = sales1.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    assert 'data-testid="confirmed-at"' in page
    assert 'data-testid="announcement-banner"' not in sales1.get("/").get_data(as_text=True)
    assert 'data-testid="unread"' not in sales1.get("/announcements/").get_data(as_text=True)
    # The employee cannot read the confirmation list, nor its export.
    assert sales1.get(f"/announcements/{announcement.id}/confirmations").status_code == 404
    assert sales1.get(f"/announcements/{announcement.id}/confirmations.xlsx").status_code == 404

    # prod1 is not in the audience: a 404, as if it did not exist.
    prod1 = browser(app, login, demo["prod1"])
    assert prod1.get(f"/announcements/{announcement.id}").status_code == 404
    assert "市场部十二月拜访计划" not in prod1.get("/announcements/").get_data(as_text=True)
    assert post(prod1, f"/announcements/{announcement.id}/confirm").status_code == 404

    listing = head.get(f"/announcements/{announcement.id}/confirmations").get_data(as_text=True)
    assert re.search(r'data-username="sales1" data-state="confirmed"', listing)
    assert re.search(r'data-username="sales2" data-state="pending"', listing)
    assert 'data-username="prod1"' not in listing
    assert "已确认 1 / 7 人（14%）" in listing  # the author is not asked to confirm
    export = head.get(f"/announcements/{announcement.id}/confirmations.xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == 8
    states = {row[1]: row[5] for row in rows[1:]}
    assert states["sales1"] == "已确认" and states["sales2"] == "未确认"

    response = post(head, f"/announcements/{announcement.id}/remind")
    assert response.status_code == 302
    assert "已提醒 6 名未确认人员" in head.get(response.headers["Location"]).get_data(
        as_text=True)


def test_an_employee_may_not_publish_and_bad_input_keeps_the_form(app, demo, login):
    sales1 = browser(app, login, demo["sales1"])
    assert sales1.get("/announcements/new").status_code == 404
    assert post(sales1, "/announcements/new", data={"title": "x", "kind": "notice", "body": "y",
                                                     "everyone": "y"}).status_code == 404
    hr = browser(app, login, demo["hr1"])
    form = hr.get("/announcements/new").get_data(as_text=True)
    assert 'value="policy"' in form and 'value="order"' not in form
    response = post(hr, "/announcements/new", page="/announcements/new", data={
        "title": "考勤制度（修订）", "kind": "policy", "body": "", "publish_at": "明天",
        "expires_at": "0001-01-01T00:00"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "考勤制度（修订）" in html and "请填写此项" in html
    assert html.count("请填写有效的日期和时间") == 2
    response = post(hr, "/announcements/new", page="/announcements/new", data={
        "title": "考勤制度（修订）", "kind": "policy", "body": "正文"})
    assert response.status_code == 400
    assert "请选择发布范围" in response.get_data(as_text=True)
    assert db.session.scalar(select(Announcement)) is None


def test_a_new_version_shows_the_difference_to_who_confirmed_the_old_one(app, demo, login):
    announcement = an.publish(demo["gmo"], title="差旅报销制度", kind="policy",
                              body="住宿标准：每晚 300 元。\n报销时限：30 天。",
                              audience=an.Audience(everyone=True), requires_confirmation=True)
    an.confirm(announcement, demo["sales1"])
    db.session.commit()
    gmo = browser(app, login, demo["gmo"])
    edit_url = f"/announcements/{announcement.id}/edit"
    assert "生成新版本" in gmo.get(edit_url).get_data(as_text=True)
    response = post(gmo, edit_url, page=edit_url, data={
        "title": "差旅报销制度", "body": "住宿标准：每晚 400 元。\n报销时限：30 天。"})
    assert response.status_code == 302
    sales1 = browser(app, login, demo["sales1"])
    page = sales1.get(f"/announcements/{announcement.id}").get_data(as_text=True)
    assert 'data-testid="changes"' in page and 'data-testid="confirm"' in page
    assert "<del>住宿标准：每晚 300 元。</del>" in page
    assert "<ins>住宿标准：每晚 400 元。</ins>" in page
    assert 'data-testid="announcement-banner"' in sales1.get("/").get_data(as_text=True)


def test_scheduled_announcements_wait_and_the_author_sees_them(app, demo, login):
    later = utcnow() + timedelta(days=1)
    announcement = an.publish(demo["gmo"], title="元旦放假安排", body="1 月 1 日放假。",
                              kind="notice", audience=an.Audience(everyone=True),
                              publish_at=later)
    db.session.commit()
    sales1 = browser(app, login, demo["sales1"])
    assert sales1.get(f"/announcements/{announcement.id}").status_code == 404
    assert "元旦放假安排" not in sales1.get("/announcements/").get_data(as_text=True)
    gmo = browser(app, login, demo["gmo"])
    assert 'data-testid="scheduled"' in gmo.get("/announcements/mine").get_data(as_text=True)
    assert 'data-testid="scheduled"' in gmo.get(
        f"/announcements/{announcement.id}").get_data(as_text=True)


def test_feed_filters_attachments_and_the_digest_choice(app, demo, login):
    from hub.common.models import Attachment

    gmo = browser(app, login, demo["gmo"])
    response = post(gmo, "/announcements/new", page="/announcements/new", data={
        "title": "安全生产月活动方案", "kind": "plan", "body": "见附件。", "everyone": "y",
        "attachments": (io.BytesIO("活动安排".encode()), "方案.txt")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    an.publish(demo["gmo"], title="制度学习确认", body="请确认。", kind="policy",
               audience=an.Audience(everyone=True), requires_confirmation=True)
    db.session.commit()
    plan = db.session.scalar(select(Announcement).where(Announcement.kind == "plan"))
    attachment = db.session.scalar(select(Attachment))

    prod1 = browser(app, login, demo["prod1"])
    page = prod1.get(f"/announcements/{plan.id}").get_data(as_text=True)
    assert "方案.txt" in page
    download = prod1.get(f"/announcements/{plan.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == "活动安排".encode()
    assert prod1.get(f"/announcements/{plan.id}/attachments/{attachment.id + 1}").status_code \
        == 404
    def feed(query):
        html = prod1.get(f"/announcements/?{query}").get_data(as_text=True)
        return html[html.index('data-testid="filters"'):]

    assert "安全生产月活动方案" in feed("kind=plan") and "制度学习确认" not in feed("kind=plan")
    assert "制度学习确认" in feed("pending=y") and "安全生产月活动方案" not in feed("pending=y")
    assert "筛选条件无效" in feed("kind=nonsense&page=x")
    assert "制度学习确认" in feed("kind=nonsense&page=x")

    assert not an.prefers_digest(demo["prod1"])
    assert post(prod1, "/announcements/digest", data={"digest": "y"}).status_code == 302
    assert an.prefers_digest(demo["prod1"])
    assert post(prod1, "/announcements/digest").status_code == 302
    assert not an.prefers_digest(demo["prod1"])


def test_a_head_finds_the_confirmation_lists_of_their_departments(app, demo, login):
    east = an.publish(demo["gmo"], title="华东销售组专项整改通知", body="请确认。", kind="order",
                      audience=an.Audience(department_ids=(department("华东销售组").id,)),
                      requires_confirmation=True)
    elsewhere = an.publish(demo["gmo"], title="生产部安全通知", body="请确认。", kind="notice",
                           audience=an.Audience(department_ids=(department("生产部").id,)),
                           requires_confirmation=True)
    db.session.commit()
    head = browser(app, login, demo["sales_head"])  # heads 市场部, not in 华东's audience
    assert head.get(f"/announcements/{east.id}").status_code == 404
    mine = head.get("/announcements/mine").get_data(as_text=True)
    assert f"/announcements/{east.id}/confirmations" in mine
    assert f"/announcements/{elsewhere.id}/" not in mine
    listing = head.get(f"/announcements/{east.id}/confirmations").get_data(as_text=True)
    assert 'data-username="sales2"' in listing and 'data-username="sales4"' not in listing
    assert 'data-testid="open-announcement"' not in listing  # not theirs to read
    assert head.get(f"/announcements/{elsewhere.id}/confirmations").status_code == 404
