"""Notifications that resolve themselves when their task is finished, shown in the
reader's language, grouped and filtered; the API's list and read-all."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.announcements import services as an
from hub.common.time import utcnow
from hub.extensions import db
from hub.mailbox import services as mb
from hub.meetings.services import acknowledge, log_talk, propose_meeting, respond
from hub.notifications.models import Notification
from hub.notifications.services import notify, unread_count
from hub.suggestions import services as sv
from tests.meetings.test_meetings import window_start


def notes(user, kind_prefix=""):
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id,
                                   Notification.kind.like(kind_prefix + "%"))
        .order_by(Notification.id)))


def test_accepting_a_letter_marks_the_whole_offices_notice_done(app, demo, create_user):
    gmo = demo["gmo"]
    other = create_user("gmo2", department=gmo.department, roles=["gm_office"])
    letter = mb.file_letter(demo["sales1"], subject="食堂菜品单一", body="希望增加菜品。",
                            category="suggestion").letter
    db.session.commit()
    before = unread_count(gmo)
    [note] = notes(gmo, "letter.")
    assert note.item == f"letter:{letter.id}" and note.task == "accept" and note.done_at is None

    mb.accept(letter, other)
    db.session.commit()
    for person in (gmo, other):
        [note] = notes(person, "letter.")
        assert note.done_at is not None, person.username
    assert unread_count(gmo) == before - 1
    # the writer's own notice ("已受理") is news, not a task: it stays unread
    [told] = notes(demo["sales1"], "letter.")
    assert told.task is None and told.done_at is None and unread_count(demo["sales1"]) == 1


def test_answering_a_letter_finishes_every_task_of_it(app, demo):
    gmo = demo["gmo"]
    letter = mb.file_letter(demo["sales1"], subject="车间照明", body="太暗。",
                            category="suggestion").letter
    mb.accept(letter, gmo)
    mb.assign(letter, gmo, department=demo["prod_head"].department, handler=None,
              due_date=(utcnow() + timedelta(days=5)).date())
    db.session.commit()
    [assigned] = notes(demo["prod_head"], "letter.")
    assert assigned.task == "resolve" and assigned.done_at is None
    mb.resolve(letter, demo["prod_head"], "已更换灯具。")
    db.session.commit()
    assert notes(demo["prod_head"], "letter.")[0].done_at is not None
    waiting = [n for n in notes(gmo, "letter.") if n.task == "answer"]
    assert waiting and waiting[0].done_at is None
    mb.answer(letter, gmo, "已处理。")
    db.session.commit()
    assert all(n.done_at is not None for n in notes(gmo, "letter.") if n.task)


def test_triaging_a_report_marks_the_teams_notice_done(app, demo):
    report = sv.file_report(demo["sales1"], kind="complaint", subject="会议室空调噪音大",
                            body="影响开会。", anonymous=False).report
    db.session.commit()
    [note] = notes(demo["hr1"], "report.")
    assert note.task == "accept" and unread_count(demo["hr1"]) == 1
    sv.accept(report, demo["hr_head"])
    db.session.commit()
    assert notes(demo["hr1"], "report.")[0].done_at is not None
    assert unread_count(demo["hr1"]) == 0


def test_confirming_an_announcement_resolves_only_ones_own_notice(app, demo):
    announcement = an.publish(demo["hr_head"], title="考勤管理制度", body="请阅读。",
                              kind="policy", audience=an.Audience(everyone=True),
                              requires_confirmation=True)
    db.session.commit()
    an.confirm(announcement, demo["sales1"])
    db.session.commit()
    assert notes(demo["sales1"], "announcement.")[0].done_at is not None
    assert notes(demo["sales2"], "announcement.")[0].done_at is None
    assert unread_count(demo["sales1"]) == 0 and unread_count(demo["sales2"]) == 1


def test_answering_a_meeting_and_acknowledging_a_talk_resolve_their_notices(app, demo):
    lead, sales1 = demo["sales_lead"], demo["sales1"]
    meeting = propose_meeting(lead, kind="one_on_one", with_user_ids=[sales1.id],
                              start_at=window_start("one_on_one"), duration_minutes=20)
    talk = log_talk(lead, kind="one_on_one", with_user_ids=[sales1.id],
                    held_at=utcnow() - timedelta(hours=1), duration_minutes=20, topics="目标")
    db.session.commit()
    assert {n.task for n in notes(sales1)} == {"respond", "acknowledge"}
    respond(meeting, sales1, "accept")
    acknowledge(talk, sales1)
    db.session.commit()
    assert all(n.done_at is not None for n in notes(sales1))
    assert unread_count(sales1) == 0
    # the organizer's news of the answer is not a task
    assert [n.task for n in notes(lead, "meeting.")] == [None]


def test_an_english_reader_reads_english_whatever_the_senders_language(
        app, client, demo, login, bearer):
    sales1 = demo["sales1"]
    sales1.locale = "en"
    db.session.commit()
    letter = mb.file_letter(sales1, subject="食堂菜品单一", body="希望增加菜品。",
                            category="suggestion").letter
    mb.accept(letter, demo["gmo"])  # the GM office works in Chinese
    db.session.commit()
    [note] = notes(sales1, "letter.")
    assert note.title == f"您的来信 {letter.number} 已受理"  # stored text: the default language
    login(client, sales1)
    html = client.get("/notifications/").get_data(as_text=True)
    assert f"Your letter {letter.number} has been accepted" in html
    items = client.get("/api/v1/notifications", headers=bearer(sales1)).get_json()["items"]
    assert items[0]["title"] == f"Your letter {letter.number} has been accepted"
    assert items[0]["body"] == "食堂菜品单一"  # what the writer wrote stays as written
    from hub.notifications.models import OutboxMail
    mail = db.session.scalars(select(OutboxMail).where(OutboxMail.to_addr == sales1.email)
                              .order_by(OutboxMail.id.desc())).first()
    assert mail.subject == f"Your letter {letter.number} has been accepted"
    # the GM office reads its notice of the same letter in Chinese
    login(client, demo["gmo"])
    assert f"新来信 {letter.number}" in client.get("/notifications/").get_data(as_text=True)


def test_old_rows_without_a_message_show_their_stored_text(app, client, demo, login):
    note = Notification(user_id=demo["sales1"].id, kind="letter.writer", title="旧的通知标题",
                        body="旧正文", created_at=utcnow())
    db.session.add(note)
    db.session.commit()
    login(client, demo["sales1"])
    html = client.get("/notifications/").get_data(as_text=True)
    assert "旧的通知标题" in html and "旧正文" in html


def test_filters_grouping_and_read_all_on_the_page(app, client, demo, login, get_csrf):
    sales1 = demo["sales1"]
    announcement = an.publish(demo["hr_head"], title="考勤管理制度", body="请阅读。",
                              kind="policy", audience=an.Audience(everyone=True),
                              requires_confirmation=True)
    an.remind_unconfirmed(announcement, demo["hr_head"])
    notify(sales1, kind="letter.writer", title="别的事", email=False)
    db.session.commit()
    login(client, sales1)
    html = client.get("/notifications/").get_data(as_text=True)
    assert html.count('data-testid="notification-group"') == 2  # the announcement's two, one
    assert html.count('data-testid="notification"') == 3
    an.confirm(announcement, sales1)
    db.session.commit()
    done = client.get("/notifications/?state=done").get_data(as_text=True)
    assert done.count('data-testid="notification"') == 2 and "别的事" not in done
    unread = client.get("/notifications/?state=unread").get_data(as_text=True)
    assert unread.count('data-testid="notification"') == 1 and "别的事" in unread
    by_kind = client.get("/notifications/?kind=letter").get_data(as_text=True)
    assert by_kind.count('data-testid="notification"') == 1
    assert client.get("/notifications/?state=bogus&kind=bogus&page=x").status_code == 200
    client.post("/notifications/read-all", data={"csrf_token": get_csrf(client, "/notifications/")})
    assert unread_count(sales1) == 0
    assert 'data-testid="no-notifications"' in client.get(
        "/notifications/?state=unread").get_data(as_text=True)


def test_the_api_lists_filters_pages_and_reads_all(app, client, demo, bearer):
    sales1 = demo["sales1"]
    for i in range(3):
        notify(sales1, kind="letter.writer", title=f"第 {i} 条", email=False,
               item="letter:1", task="accept" if i == 0 else None)
    db.session.commit()
    from hub.notifications.services import finish
    finish("letter:1", "accept")
    db.session.commit()
    headers = bearer(sales1)
    body = client.get("/api/v1/notifications?per_page=2", headers=headers).get_json()
    assert body["total"] == 3 and len(body["items"]) == 2
    assert set(body["items"][0]) >= {"id", "kind", "title", "url", "created_at", "read", "done"}
    unread = client.get("/api/v1/notifications?unread=true", headers=headers).get_json()
    assert unread["total"] == 2 and not any(i["done"] for i in unread["items"])
    done = client.get("/api/v1/notifications?state=done", headers=headers).get_json()
    assert [i["title"] for i in done["items"]] == ["第 0 条"]
    assert client.get("/api/v1/notifications?kind=nope", headers=headers).status_code == 400
    response = client.post("/api/v1/notifications/read-all", headers=headers)
    assert response.status_code == 200 and response.get_json() == {"marked": 3}
    assert unread_count(sales1) == 0
    # somebody else's list is their own
    other = client.get("/api/v1/notifications", headers=bearer(demo["sales2"])).get_json()
    assert other["total"] == 0
