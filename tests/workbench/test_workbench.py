"""工作台: what waits for each person, from the features' own rules; the page and the API
list the same items; overdue first; a fixed number of statements whatever the rows."""
from __future__ import annotations

import re
from datetime import timedelta

from hub.announcements import services as an
from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.mailbox import services as mb
from hub.meetings.obligations import manager_items
from hub.meetings.services import NewActionItem, log_talk, propose_meeting
from hub.suggestions import services as sv
from tests.meetings.test_meetings import window_start
from tests.support.sqlcount import statements

MAX_STATEMENTS = 12
TODO_RE = re.compile(r'data-testid="todo-item" data-todo="([a-z_]+):(\d*)"')


def page_items(client) -> list[tuple[str, int | None]]:
    html = client.get("/").get_data(as_text=True)
    return [(kind, int(item_id) if item_id else None) for kind, item_id in TODO_RE.findall(html)]


def api_items(client, headers) -> list[tuple[str, int | None]]:
    body = client.get("/api/v1/me/todo", headers=headers).get_json()
    assert body["total"] == len(body["items"])
    return [(item["kind"], item["item_id"]) for item in body["items"]]


def letter(author, subject="食堂菜品单一", **kw):
    filed = mb.file_letter(author, subject=subject, body="希望增加菜品。", category="suggestion",
                           **kw)
    db.session.commit()
    return filed.letter


def test_the_gm_office_sees_new_letters_overdue_first_and_an_accepted_one_leaves(
        app, client, demo, login):
    gmo = demo["gmo"]
    old = letter(demo["sales1"], "很久以前的来信", now=utcnow() - timedelta(days=20))
    new = letter(demo["sales2"], "新的来信")
    login(client, gmo)
    assert page_items(client) == [("letter_accept", old.id), ("letter_accept", new.id)]
    html = client.get("/").get_data(as_text=True)
    assert "已超期" in html and "很久以前的来信" in html
    assert 'data-testid="todo-count" title="我的待办">2<' in html  # the header's total

    mb.accept(new, gmo)
    db.session.commit()
    assert page_items(client) == [("letter_accept", old.id), ("letter_assign", new.id)]


def test_nothing_waiting_says_so(app, client, demo, login):
    login(client, demo["prod2"])
    html = client.get("/").get_data(as_text=True)
    assert 'data-testid="todo-empty"' in html and "暂无待办" in html
    assert 'data-testid="todo-count"' not in html
    assert page_items(client) == []


def test_a_report_waits_only_for_the_handlers_the_rule_lets_see_it(app, client, demo, login,
                                                                 bearer):
    filed = sv.file_report(demo["sales1"], kind="whistleblowing", subject="销售主管虚报差旅费",
                           body="多次虚报。", anonymous=True, named_users=[demo["sales_lead"]])
    db.session.commit()
    report = filed.report
    login(client, demo["hr1"])
    assert ("report_triage", report.id) in page_items(client)
    for name in ("sales_lead", "sales_head", "gm", "gmo"):
        items = api_items(client, bearer(demo[name]))
        assert all(kind not in ("report_triage", "report_handle") for kind, _ in items), name
        assert "虚报" not in client.get("/api/v1/me/todo",
                                        headers=bearer(demo[name])).get_data(as_text=True)


def test_page_and_api_list_the_same_items_in_the_same_order(app, client, demo, login,
                                                            bearer):
    lead, sales1 = demo["sales_lead"], demo["sales1"]
    an.publish(demo["hr_head"], title="考勤管理制度", body="请阅读。", kind="policy",
               audience=an.Audience(everyone=True), requires_confirmation=True)
    propose_meeting(lead, kind="one_on_one", with_user_ids=[sales1.id],
                    start_at=window_start("one_on_one"), duration_minutes=20)
    log_talk(lead, kind="one_on_one", with_user_ids=[sales1.id],
             held_at=utcnow() - timedelta(hours=2), duration_minutes=20, topics="本月目标",
             action_items=[NewActionItem("提交大客户开发计划", sales1.id,
                                         (utcnow() - timedelta(days=3)).date())])
    db.session.commit()
    login(client, sales1)
    shown = page_items(client)
    assert {kind for kind, _ in shown} == {"announcement_confirm", "meeting_answer",
                                           "talk_acknowledge", "action_item"}
    assert shown[0][0] == "action_item"  # overdue first
    assert api_items(client, bearer(sales1)) == shown
    for who in ("gmo", "hr1", "sales_lead"):
        login(client, demo[who])
        assert api_items(client, bearer(demo[who])) == page_items(client), who


def test_the_api_item_carries_kind_title_due_and_a_link(app, client, demo, bearer):
    old = letter(demo["sales1"], "很久以前的来信", now=utcnow() - timedelta(days=20))
    body = client.get("/api/v1/me/todo", headers=bearer(demo["gmo"])).get_json()
    [item] = body["items"]
    assert item["kind"] == "letter_accept" and item["label"] == "来信待受理"
    assert item["title"] == "很久以前的来信" and item["number"] == old.number
    assert item["overdue"] is True and item["due_at"]
    assert item["url"] == f"/mailbox/letters/{old.id}"
    assert body["counts"] == [{"kind": "letter_accept", "label": "来信待受理", "count": 1}]
    assert client.get("/api/v1/me/todo").status_code == 401


HEADER_TOTAL_RE = re.compile(r'data-testid="todo-count" title="[^"]*">(\d+)<')


def header_total(html: str) -> int:
    found = HEADER_TOTAL_RE.findall(html)
    return int(found[0]) if found else 0


def test_the_header_total_counts_the_talks_owed_like_the_page_and_the_api(
        app, client, demo, login, bearer):
    """A manager who owes talks (and has a letter to accept): the header's total, the page's
    total and the API's items are one number, on the workbench and on another page."""
    gm = demo["gm"]
    letter(demo["sales1"], "给总经理的来信")
    api = client.get("/api/v1/me/todo", headers=bearer(gm)).get_json()
    kinds = {item["kind"] for item in api["items"]}
    assert "talk_owed" in kinds and len(kinds) > 1, kinds
    login(client, gm)
    html = client.get("/").get_data(as_text=True)
    page_total = int(re.search(r'data-testid="todo-total">共 (\d+) 项待办', html).group(1))
    assert header_total(html) == page_total == len(page_items(client)) == len(api["items"])
    other = client.get("/announcements/").get_data(as_text=True)
    assert header_total(other) == page_total


def cost(client, path="/") -> int:
    client.get(path)
    with statements() as found:
        response = client.get(path)
    assert response.status_code == 200
    return len(found)


def test_the_workbench_costs_the_same_statements_with_few_and_many_items(app, client, demo,
                                                                       login):
    """gmo (letters), hr1 (reports), sales_lead (answers, talks planned), gm (talks owed)
    and sales1 (meetings, talk records, action items, announcements) at 2 and 12 items of
    each kind."""
    lead, sales1 = demo["sales_lead"], demo["sales1"]
    counts: dict[str, list[int]] = {}
    for n in (2, 12):
        for i in range(n - (2 if n == 12 else 0)):
            letter(demo["sales2"], f"来信 {n}-{i}")
            sv.file_report(demo["sales2"], kind="suggestion", subject=f"建议 {n}-{i}",
                           body="内容", anonymous=False)
            an.publish(demo["hr_head"], title=f"公告 {n}-{i}", body="请阅读。", kind="notice",
                       audience=an.Audience(department_ids=(sales1.department_id,)),
                       requires_confirmation=True)
            propose_meeting(lead, kind="one_on_one", with_user_ids=[sales1.id],
                            start_at=window_start("one_on_one") + timedelta(minutes=30 * i),
                            duration_minutes=20)
            log_talk(lead, kind="one_on_one", with_user_ids=[sales1.id],
                     held_at=utcnow() - timedelta(hours=i + 1), duration_minutes=20,
                     topics="本月目标", action_items=[NewActionItem(f"行动 {i}", sales1.id)])
        db.session.commit()
        for who in ("gmo", "hr1", "sales_lead", "sales1", "gm"):
            login(client, demo[who])
            counts.setdefault(who, []).append(cost(client))
    login(client, sales1)
    assert len(page_items(client)) >= 4 * 12
    login(client, demo["gm"])
    assert "talk_owed" in {kind for kind, _ in page_items(client)}
    for who, (few, many) in counts.items():
        assert few == many, (who, few, many)
        # The talks a manager owes included (computed once, for the page and the header).
        assert many <= MAX_STATEMENTS, (who, many)
    with statements() as obligations:
        manager_items(lead, Month.of(utcnow()))
    assert len(obligations) <= 2


def test_the_organizer_answers_another_time_proposed(app, client, demo, login):
    from hub.meetings.services import respond

    lead, sales1 = demo["sales_lead"], demo["sales1"]
    meeting = propose_meeting(lead, kind="one_on_one", with_user_ids=[sales1.id],
                              start_at=window_start("one_on_one"), duration_minutes=20)
    respond(meeting, sales1, "propose", start_at=meeting.start_at + timedelta(hours=1))
    db.session.commit()
    login(client, lead)
    assert ("meeting_answer", meeting.id) in page_items(client)
    assert sales1.name in client.get("/").get_data(as_text=True)
    respond(meeting, lead, "accept")
    db.session.commit()
    assert ("meeting_answer", meeting.id) not in page_items(client)
