"""Talk logs (沟通记录): logging, who sees the shared part, the author-only private note,
acknowledgement and comments, action items carried over until done, bad input."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hub.common.time import utcnow
from tests.meetings.test_meetings import form_time, org  # noqa: F401 - the fixture

SECRET = "只给自己看的备注：他最近家里有事"


def log(author, person, *, kind="one_on_one", held_at=None, items=(), **extra):
    from hub.meetings.services import NewActionItem, log_talk

    return log_talk(author, kind=kind, with_user_ids=[person.id],
                    held_at=held_at or utcnow() - timedelta(hours=1), duration_minutes=20,
                    topics="本月目标和客户拜访", agreements="下周交计划",
                    action_items=[NewActionItem(text, owner.id) for text, owner in items],
                    private_note=SECRET, **extra)


def test_a_logged_talk_and_who_sees_what(app, client, org, login):
    from hub.extensions import db
    from hub.meetings.services import can_view_talk, private_note_for, visible_talks_query
    from hub.notifications.models import Notification, OutboxMail

    talk = log(org.lead, org.one, items=[("整理客户名单", org.one)])
    db.session.commit()
    assert talk.number.startswith("GT-") and len(talk.number) == len("GT-2026-000001")
    assert {p.user_id for p in talk.participants} == {org.lead.id, org.one.id}
    told = db.session.scalar(db.select(Notification).where(Notification.user_id == org.one.id))
    assert told is not None and told.url.endswith(f"/talks/logs/{talk.id}")
    # No e-mail or notification carries the private note.
    assert SECRET not in "".join(
        m.text_body + (m.html_body or "") + m.subject
        for m in db.session.scalars(db.select(OutboxMail)))
    assert SECRET not in "".join(n.title + n.body for n in db.session.scalars(
        db.select(Notification)))

    readers = {org.lead, org.one, org.head, org.hr, org.office}
    for person in (org.head, org.lead, org.one, org.two, org.outsider, org.hr, org.office):
        assert can_view_talk(person, talk) == (person in readers), person.username
        visible = db.session.scalars(visible_talks_query(person)).all()
        assert (talk in visible) == (person in readers), person.username
        assert private_note_for(person, talk) == (SECRET if person is org.lead else None)

    for person in (org.head, org.lead, org.one, org.two, org.outsider, org.hr, org.office):
        page = app.test_client()
        login(page, person)
        response = page.get(f"/talks/logs/{talk.id}")
        html = response.get_data(as_text=True)
        if person in readers:
            assert response.status_code == 200, person.username
            assert "本月目标和客户拜访" in html and "整理客户名单" in html
            assert (SECRET in html) == (person is org.lead), person.username
        else:
            assert response.status_code == 404, person.username
        assert SECRET not in page.get("/talks/").get_data(as_text=True)


def test_acknowledge_and_comment(app, client, org, login, get_csrf):
    from hub.extensions import db
    from hub.meetings.services import TalkError, acknowledge
    from hub.notifications.models import Notification

    talk = log(org.lead, org.one)
    db.session.commit()
    with pytest.raises(TalkError):
        acknowledge(talk, org.lead)  # the author does not acknowledge their own log
    login(client, org.one)
    assert "待我确认的记录" in client.get("/talks/").get_data(as_text=True)
    token = get_csrf(client, f"/talks/logs/{talk.id}")
    response = client.post(f"/talks/logs/{talk.id}/acknowledge",
                           data={"csrf_token": token, "comment": "客户名单下周五前给"})
    assert response.status_code == 302
    db.session.refresh(talk)
    mine = next(p for p in talk.participants if p.user_id == org.one.id)
    assert mine.acknowledged_at is not None and mine.comment == "客户名单下周五前给"
    assert db.session.scalar(db.select(Notification).where(
        Notification.user_id == org.lead.id, Notification.kind == "talk.acknowledged"))
    # The head up the line reads it too, and cannot acknowledge.
    head = app.test_client()
    login(head, org.head)
    html = head.get(f"/talks/logs/{talk.id}").get_data(as_text=True)
    assert "客户名单下周五前给" in html and 'data-testid="acknowledge-button"' not in html
    token = get_csrf(head, f"/talks/logs/{talk.id}")
    assert head.post(f"/talks/logs/{talk.id}/acknowledge",
                     data={"csrf_token": token}).status_code == 409


def test_action_items_carry_over_until_done(app, client, org, login, get_csrf):
    from hub.extensions import db
    from hub.meetings.services import carried_items, open_items_between, open_items_of

    first = log(org.lead, org.one, held_at=utcnow() - timedelta(days=20),
                items=[("整理客户名单", org.one), ("申请样品", org.lead)])
    other = log(org.lead, org.two, items=[("韩二的事", org.two)])
    db.session.commit()
    names, samples = first.action_items
    assert [i.text for i in open_items_of(org.one)] == ["整理客户名单", "申请样品"]
    second = log(org.lead, org.one, held_at=utcnow() - timedelta(days=5),
                 done_item_ids=[samples.id])
    db.session.commit()
    assert [i.id for i in carried_items(second)] == [names.id, samples.id]
    assert samples.done_at is not None and samples.done_by_id == org.lead.id
    assert names.done_at is None and other.action_items[0].carried_to_id is None
    # Still open: it moves on to the third talk.
    third = log(org.lead, org.one)
    db.session.commit()
    assert [i.id for i in carried_items(third)] == [names.id]

    # one marks it done on the page; an outsider cannot even see it.
    outsider = app.test_client()
    login(outsider, org.outsider)
    token = get_csrf(outsider, "/talks/")
    assert outsider.post(f"/talks/items/{names.id}/done",
                         data={"csrf_token": token}).status_code == 404
    login(client, org.one)
    token = get_csrf(client, f"/talks/logs/{third.id}")
    assert client.post(f"/talks/items/{names.id}/done",
                       data={"csrf_token": token}).status_code == 302
    db.session.refresh(names)
    assert names.done_at is not None
    assert open_items_between({org.lead.id, org.one.id}) == []


def test_the_form_logs_a_talk_with_items(app, client, org, login, get_csrf):
    from hub.extensions import db
    from hub.meetings.models import TalkLog

    login(client, org.lead)
    page = client.get(f"/talks/logs/new?kind=one_on_one&person={org.one.id}")
    assert page.status_code == 200 and "15—20" in page.get_data(as_text=True)
    token = get_csrf(client, "/talks/logs/new")
    response = client.post("/talks/logs/new", data={
        "csrf_token": token, "kind": "one_on_one", "with_user": org.one.id,
        "held_at": form_time(utcnow() - timedelta(hours=2)), "duration_minutes": 18,
        "topics": "季度目标", "agreements": "", "private_note": SECRET,
        "items-0-text": "交季度计划", "items-0-owner": "other", "items-0-due_date": "",
        "items-1-text": "", "items-1-owner": "me",
        "items-2-text": "约客户", "items-2-owner": "me", "items-2-due_date": "2030-01-01"})
    assert response.status_code == 302, response.get_data(as_text=True)
    talk = db.session.scalar(db.select(TalkLog))
    assert [(i.text, i.owner_id) for i in talk.action_items] == [
        ("交季度计划", org.one.id), ("约客户", org.lead.id)]
    assert talk.private_note == SECRET and talk.duration_minutes == 18


BAD_FORMS = [
    ({"held_at": "FUTURE"}, "沟通时间不能在将来"),
    ({"held_at": "2001-01-01T10:00"}, "只能补记一年以内的沟通"),
    ({"with_user": 999999}, "找不到这些人员"),
    ({"topics": ""}, "请填写此项"),
    ({"duration_minutes": 0}, "时长应在"),
    ({"duration_minutes": "abc"}, "不是有效的整数"),
    ({"items-0-text": "x" * 501}, "不能超过 500 个字符"),
    ({"with_user": "SELF"}, "请选择沟通对象（不能只有自己）"),
    ({"held_at": "0001-01-01T00:00"}, "只能补记一年以内的沟通"),
    ({"done_items": "abc"}, "alert-danger"),
    ({"meeting": "2147483647"}, "找不到这次约谈"),
]


def test_bad_talk_logs_are_clear_messages(app, client, org, login, get_csrf):
    from hub.extensions import db
    from hub.meetings.models import TalkLog

    login(client, org.lead)
    token = get_csrf(client, "/talks/logs/new")
    for fields, message in BAD_FORMS:
        data = {"csrf_token": token, "kind": "one_on_one", "with_user": org.one.id,
                "held_at": form_time(utcnow() - timedelta(hours=2)), "duration_minutes": 20,
                "topics": "季度目标", "private_note": "留着", **fields}
        if data["held_at"] == "FUTURE":
            data["held_at"] = form_time(utcnow() + timedelta(days=1))
        if data["with_user"] == "SELF":
            data["with_user"] = org.lead.id
        response = client.post("/talks/logs/new", data=data)
        assert response.status_code == 400, fields
        html = response.get_data(as_text=True)
        assert message in html, fields
        assert "留着" in html  # the form stays filled
    assert db.session.scalar(db.select(db.func.count()).select_from(TalkLog)) == 0


def test_only_the_senior_side_logs_routine_talks(app, org):
    from hub.meetings.services import TalkError

    with pytest.raises(TalkError) as refused:
        log(org.one, org.lead)
    assert "with_user_ids" in refused.value.fields
    assert log(org.head, org.one, kind="skip_level").kind == "skip_level"
    assert log(org.one, org.outsider, kind="cross_team").kind == "cross_team"
    with pytest.raises(TalkError) as owner:
        log(org.lead, org.one, items=[("别人的事", org.outsider)])
    assert "action_items" in owner.value.fields


def test_the_private_note_is_not_in_the_monthly_summary(app, client, org, login):
    """The GM office's Excel summary lists the talk by number, never its private note."""
    import io

    from openpyxl import load_workbook

    from hub.common.workdays import local_date
    from hub.extensions import db

    talk = log(org.lead, org.one)
    db.session.commit()
    login(client, org.office)
    month = local_date(talk.held_at).strftime("%Y-%m")
    response = client.get(f"/talks/summary.xlsx?month={month}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True)
             for c in row if c is not None]
    assert talk.number in cells
    assert not [c for c in cells if SECRET in c or "家里有事" in c]


def test_the_form_offers_the_open_items_between_the_two(app, client, org, login, get_csrf):
    from hub.extensions import db
    from hub.meetings.models import TalkLog

    first = log(org.lead, org.one, items=[("整理客户名单", org.one)])
    db.session.commit()
    item = first.action_items[0]
    login(client, org.lead)
    html = client.get(f"/talks/logs/new?kind=one_on_one&person={org.one.id}").get_data(
        as_text=True)
    assert f'name="done_items" value="{item.id}"' in html and "整理客户名单" in html
    other = client.get(f"/talks/logs/new?person={org.two.id}").get_data(as_text=True)
    assert 'data-testid="no-carried"' in other and "整理客户名单" not in other
    token = get_csrf(client, "/talks/logs/new")
    response = client.post("/talks/logs/new", data={
        "csrf_token": token, "kind": "one_on_one", "with_user": org.one.id,
        "held_at": form_time(utcnow() - timedelta(minutes=30)), "duration_minutes": 15,
        "topics": "跟进", "done_items": [str(item.id)]})
    assert response.status_code == 302
    second = db.session.scalar(db.select(TalkLog).where(TalkLog.id != first.id))
    db.session.refresh(item)
    assert item.done_at is not None and item.carried_to_id == second.id
    assert "整理客户名单" in client.get(f"/talks/logs/{second.id}").get_data(as_text=True)
