"""The mailbox's loop closed (issue 14): the writer's verdict on the answer (有解必答), the GM
office's 催办 of an overdue assignment and a department's 退回 of a wrongly assigned letter
— by page, by API and, for an anonymous writer, by receipt."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.common.time import utcnow
from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.models import Letter, LetterEvent
from hub.notifications.models import Notification, OutboxMail
from tests.conftest import csrf_token
from tests.support.factories import bearer, company_today, sign_in
from tests.support.parity import page_fields

API = "/api/v1/letters"


def answered_letter(demo, *, anonymous: bool = False) -> tuple[Letter, str | None]:
    filed = mb.file_letter(demo["sales1"], subject="食堂的饭菜太咸了", body="红烧肉太咸。",
                           category="suggestion", anonymous=anonymous, urgent=True)
    letter = filed.letter
    mb.accept(letter, demo["gmo"])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              due_date=company_today() + timedelta(days=10))
    mb.resolve(letter, demo["prod_head"], "已调整菜谱")
    mb.answer(letter, demo["gmo"], "感谢来信，食堂已调整。")
    db.session.commit()
    return letter, filed.receipt_code


def assigned_letter(demo, *, overdue: bool = False) -> Letter:
    letter = mb.file_letter(demo["sales1"], subject="车间通风差", body="夏天太热。",
                            category="issue").letter
    mb.accept(letter, demo["gmo"])
    mb.assign(letter, demo["gmo"], department=demo["prod_head"].department,
              handler=demo["prod1"], due_date=company_today())
    if overdue:
        letter.due_at = utcnow() - timedelta(days=3)
    db.session.commit()
    return letter


def office_notices(letter: Letter) -> list[Notification]:
    db.session.commit()
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id.in_([p.id for p in mb.gm_office_members()]),
        Notification.url.like(f"%/mailbox/letters/{letter.id}"))))


def steps(letter: Letter, action: str) -> list[LetterEvent]:
    db.session.commit()
    return list(db.session.scalars(select(LetterEvent).where(
        LetterEvent.letter_id == letter.id, LetterEvent.action == action)))


def act(client, letter: Letter, action: str, **fields):
    token = csrf_token(client, f"/mailbox/letters/{letter.id}")
    data = {f"{action}-{name}": value for name, value in fields.items()}
    data[f"{action}-csrf_token"] = token
    return client.post(f"/mailbox/letters/{letter.id}/actions/{action}", data=data)


# --- the writer's verdict ------------------------------------------------------------------

def test_a_satisfied_writer_closes_the_loop_on_the_page(app, client, demo):
    letter, _ = answered_letter(demo)
    sign_in(client, demo["sales1"])
    page = client.get(f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert 'data-testid="action-give_feedback"' in page
    before = len(office_notices(letter))

    done = act(client, letter, "give_feedback", satisfied="yes")
    assert done.status_code == 302
    db.session.refresh(letter)
    assert letter.status == "answered"
    (step,) = steps(letter, "satisfied")
    assert step.actor_id == demo["sales1"].id
    assert len(office_notices(letter)) == before + len(mb.gm_office_members())

    page = client.get(f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert 'data-field="feedback"' in page and 'data-satisfied="yes"' in page
    assert 'data-testid="action-give_feedback"' not in page  # once per answer
    assert act(client, letter, "give_feedback", satisfied="no",
               reason="还是太咸").status_code == 409
    assert steps(letter, "dissatisfied") == []


def test_not_satisfied_needs_a_reason_and_reopens_the_letter_for_the_office(app, client,
                                                                          demo):
    letter, _ = answered_letter(demo)
    sign_in(client, demo["sales1"])
    refused = act(client, letter, "give_feedback", satisfied="no", reason="  ")
    assert refused.status_code == 400
    assert "请说明不满意的理由" in refused.get_data(as_text=True)
    missing = act(client, letter, "give_feedback")
    assert missing.status_code == 400 and "请选择满意或不满意" in missing.get_data(as_text=True)
    db.session.refresh(letter)
    assert letter.status == "answered"

    assert act(client, letter, "give_feedback", satisfied="no",
               reason="红烧肉还是太咸").status_code == 302
    db.session.refresh(letter)
    assert letter.status == "accepted" and letter.answer is None
    (step,) = steps(letter, "dissatisfied")
    assert (step.from_status, step.to_status, step.text) == ("answered", "accepted",
                                                             "红烧肉还是太咸")
    notices = [n for n in office_notices(letter) if "不满意" in str(n.title)]
    assert len(notices) == len(mb.gm_office_members())

    # the office acts on it again: a new answer, and a new verdict may follow
    office = app.test_client()
    sign_in(office, demo["gmo"])
    page = office.get(f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert 'data-testid="action-answer"' in page and 'data-testid="action-assign"' in page
    assert "红烧肉还是太咸" in page and 'data-satisfied="no"' in page
    assert act(office, letter, "answer", text="已请厨师长减盐。").status_code == 302
    page = client.get(f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert 'data-testid="action-give_feedback"' in page


def test_the_verdict_through_the_api(app, client, demo):
    letter, _ = answered_letter(demo)
    writer, other = bearer(demo["sales1"]), bearer(demo["sales2"])
    url = f"{API}/{letter.id}/feedback"

    assert client.post(url, json={"satisfied": False}, headers=other).status_code == 404
    bad = client.post(url, json={"satisfied": False, "text": ""}, headers=writer)
    assert bad.status_code == 400
    assert "reason" in bad.get_json()["error"]["fields"]
    assert client.post(url, json={"text": "x"}, headers=writer).status_code == 400
    assert client.post(url, json={"satisfied": True}).status_code == 401

    shown = client.get(f"{API}/{letter.id}", headers=writer).get_json()
    assert "give_feedback" in shown["allowed_actions"] and shown.get("feedback") is None

    reply = client.post(url, json={"satisfied": False, "text": "没有解决"}, headers=writer)
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert body["status"] == "accepted"
    assert body["feedback"]["satisfied"] is False and body["feedback"]["reason"] == "没有解决"
    again = client.post(url, json={"satisfied": True}, headers=writer)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_the_anonymous_writer_gives_the_verdict_by_receipt(app, client, demo):
    letter, code = answered_letter(demo, anonymous=True)
    before = {n.id for n in office_notices(letter)}
    token = csrf_token(client, "/receipt/")
    page = client.post("/receipt/", data={"csrf_token": token, "code": code})
    html = page.get_data(as_text=True)
    assert 'data-testid="feedback-form"' in html and "感谢来信，食堂已调整。" in html

    refused = client.post("/receipt/feedback", data={
        "feedback-csrf_token": token, "feedback-code": code, "feedback-satisfied": "no"})
    assert refused.status_code == 400 and "请说明不满意的理由" in refused.get_data(as_text=True)
    wrong = client.post("/receipt/feedback", data={
        "feedback-csrf_token": token, "feedback-code": "AAAA-AAAA-AAAA-AAAA-AAAA",
        "feedback-satisfied": "yes"})
    assert wrong.status_code == 404

    done = client.post("/receipt/feedback", data={
        "feedback-csrf_token": token, "feedback-code": code, "feedback-satisfied": "no",
        "feedback-reason": "菜还是咸"})
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert 'data-testid="feedback-sent"' in html and 'data-satisfied="no"' in html
    assert 'data-testid="feedback-form"' not in html
    assert "退回总经办重新办理" in html  # instead of a bare "尚未答复"
    db.session.refresh(letter)
    assert letter.status == "accepted"
    (step,) = steps(letter, "dissatisfied")
    assert step.actor_id is None and step.actor_label == "writer"
    # dated to the day (never before the answer it judges), told without an e-mail
    (answer_step,) = steps(letter, "answer")
    assert step.at == answer_step.at  # the answer was given today, after midnight
    new = [n for n in office_notices(letter) if n.id not in before]
    assert len(new) == len(mb.gm_office_members())
    assert all(n.created_at == step.at for n in new)
    assert db.session.scalar(select(func.count()).select_from(OutboxMail).where(
        OutboxMail.subject.contains("不满意"))) == 0

    again = client.post("/receipt/feedback", data={
        "feedback-csrf_token": token, "feedback-code": code, "feedback-satisfied": "yes"})
    assert again.status_code == 409


def test_the_anonymous_verdict_through_the_api_with_the_code(app, client, demo):
    letter, code = answered_letter(demo, anonymous=True)
    found = client.post("/api/v1/receipts/lookup", json={"code": code}).get_json()
    assert found["id"] == letter.id and found["allowed_actions"] == ["message",
                                                                     "give_feedback"]
    assert found["feedback"] is None
    url = f"{API}/{found['id']}/feedback"
    assert client.post(url, json={"satisfied": True, "code": "AAAA-AAAA-AAAA-AAAA-AAAA"}
                       ).status_code == 404
    other, _ = answered_letter(demo, anonymous=True)
    assert client.post(f"{API}/{other.id}/feedback",
                       json={"satisfied": True, "code": code}).status_code == 404
    reply = client.post(url, json={"satisfied": True, "code": code})
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["feedback"]["satisfied"] is True and body["status"] == "answered"
    assert not {"author", "department", "handler", "due_at"} & set(body)
    found = client.post("/api/v1/receipts/lookup", json={"code": code}).get_json()
    assert found["feedback"]["satisfied"] is True and found["allowed_actions"] == ["message"]


# --- 催办 ----------------------------------------------------------------------------------

def test_the_office_urges_an_overdue_assignment_once_a_working_day(app, client, demo):
    letter = assigned_letter(demo, overdue=True)
    office = bearer(demo["gmo"])
    url = f"{API}/{letter.id}/urge"
    assert "urge" in client.get(f"{API}/{letter.id}", headers=office).get_json()[
        "allowed_actions"]
    assert client.post(url, json={}, headers=bearer(demo["prod_head"])).status_code == 400

    reply = client.post(url, json={"text": "请本周内办结"}, headers=office)
    assert reply.status_code == 200, reply.get_json()
    assert "urge" not in reply.get_json()["allowed_actions"]
    (step,) = steps(letter, "urge")
    assert step.internal and step.actor_id == demo["gmo"].id
    told = {n.user_id for n in db.session.scalars(
        select(Notification).where(Notification.kind == "letter.urged"))}
    assert told == {demo["prod1"].id, demo["prod_head"].id}
    mails = list(db.session.scalars(select(OutboxMail).where(OutboxMail.subject.contains("催办"))))
    assert {m.to_addr for m in mails} == {demo["prod1"].email, demo["prod_head"].email}
    assert any("请本周内办结" in m.text_body for m in mails)

    again = client.post(url, json={}, headers=office)
    assert again.status_code == 409 and "每个工作日最多催办一次" in again.get_json()[
        "error"]["message"]
    assert len(steps(letter, "urge")) == 1


def test_a_letter_within_its_deadline_is_not_urged(app, client, demo):
    letter = assigned_letter(demo)
    reply = client.post(f"{API}/{letter.id}/urge", json={}, headers=bearer(demo["gmo"]))
    assert reply.status_code == 409
    sign_in(client, demo["gmo"])
    page = client.get(f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert 'data-testid="action-urge"' not in page


def test_urging_on_the_page(app, client, demo):
    letter = assigned_letter(demo, overdue=True)
    sign_in(client, demo["gmo"])
    assert 'data-testid="action-urge"' in client.get(
        f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert act(client, letter, "urge", text="").status_code == 302
    assert act(client, letter, "urge", text="").status_code in (400, 409)
    assert len(steps(letter, "urge")) == 1


# --- 退回 ----------------------------------------------------------------------------------

def test_a_department_returns_a_wrongly_assigned_letter(app, client, demo):
    letter = assigned_letter(demo)
    sign_in(client, demo["prod_head"])
    page = client.get(f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert 'data-testid="action-return"' in page
    assert act(client, letter, "return", text="").status_code == 400

    assert act(client, letter, "return", text="这是后勤的事，不归生产部").status_code == 302
    db.session.refresh(letter)
    assert letter.status == "accepted"
    assert (letter.department_id, letter.handler_id, letter.due_at) == (None, None, None)
    (step,) = steps(letter, "return")
    assert step.internal and step.text == "这是后勤的事，不归生产部"
    assert step.department_id == demo["prod_head"].department_id
    assert any("退回" in str(n.title) for n in office_notices(letter))
    # the department no longer sees it; the office assigns it anew
    assert client.get(f"/mailbox/letters/{letter.id}").status_code == 404
    office = app.test_client()
    sign_in(office, demo["gmo"])
    page = office.get(f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert 'data-testid="action-assign"' in page and "这是后勤的事" in page
    # the writer never reads the reason
    writer = app.test_client()
    sign_in(writer, demo["sales1"])
    assert "这是后勤的事" not in writer.get(f"/mailbox/letters/{letter.id}").get_data(
        as_text=True)


def test_returning_through_the_api(app, client, demo):
    letter = assigned_letter(demo)
    url = f"{API}/{letter.id}/return"
    assert client.post(url, json={"text": "不归我们"},
                       headers=bearer(demo["fin_head"])).status_code == 404
    assert client.post(url, json={}, headers=bearer(demo["prod1"])).status_code == 400
    reply = client.post(url, json={"text": "不归我们"}, headers=bearer(demo["prod1"]))
    assert reply.status_code == 200  # the named handler may, as the head may
    assert reply.get_json()["status"] == "accepted"
    db.session.refresh(letter)
    assert letter.status == "accepted"
    again = client.post(url, json={"text": "不归我们"}, headers=bearer(demo["gmo"]))
    assert again.status_code == 409


def test_the_openapi_document_has_the_new_endpoints(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for name in ("feedback", "urge", "return"):
        assert "post" in paths[f"/api/v1/letters/{{letter_id}}/{name}"], name


@pytest.mark.parametrize("verdict", ["yes", "no"])
def test_the_verdict_is_a_field_of_the_view_on_page_and_api_alike(app, client, demo,
                                                                  verdict):
    letter, _ = answered_letter(demo)
    sign_in(client, demo["sales1"])
    act(client, letter, "give_feedback", satisfied=verdict, reason="理由")
    for person in ("sales1", "gmo", "prod_head"):
        sign_in(client, demo[person])
        page = page_fields(client.get(f"/mailbox/letters/{letter.id}").get_data(
            as_text=True))
        api = client.get(f"{API}/{letter.id}", headers=bearer(demo[person])).get_json()
        assert ("feedback" in page) and api["feedback"]["satisfied"] is (verdict == "yes")


def test_the_history_names_the_new_steps(app, client, demo):
    letter, _ = answered_letter(demo)
    sign_in(client, demo["sales1"])
    act(client, letter, "give_feedback", satisfied="no", reason="没解决")
    page = client.get(f"/mailbox/letters/{letter.id}").get_data(as_text=True)
    assert re.search(r'data-action="dissatisfied"', page) and "来信人不满意" in page
