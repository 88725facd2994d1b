"""The GM mailbox through ``/api/v1/letters``: a letter from writing to archive, who may see
what (404, never 403, also in lists and counts), anonymity, and no 500 for any input."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.models import Letter
from tests.api.conftest import API, assert_error

LETTERS = f"{API}/letters"
LETTER = {"subject": "食堂的饭菜太咸了", "body": "最近**红烧肉**太咸，希望改进。",
          "category": "suggestion"}


def write(client, headers, **fields):
    return client.post(LETTERS, json={**LETTER, **fields}, headers=headers)


def act(client, headers, letter_id, action, **fields):
    return client.post(f"{LETTERS}/{letter_id}/actions", json={"action": action, **fields},
                       headers=headers)


def in_days(n: int) -> str:
    return (local_date(utcnow()) + timedelta(days=n)).isoformat()


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def letter_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Letter))


@pytest.fixture
def headers(demo, bearer):
    """API headers per demo username, each with its own token."""
    cache: dict[str, dict] = {}

    def get(username: str) -> dict:
        if username not in cache:
            cache[username] = bearer(demo[username])
        return cache[username]

    return get


@pytest.fixture
def assigned(client, demo, headers):
    """A letter by sales1, accepted and assigned to 生产部 (head prod_head)."""
    letter = ok(write(client, headers("sales1")), 201)
    ok(act(client, headers("gmo"), letter["id"], "accept"))
    ok(act(client, headers("gmo"), letter["id"], "assign",
           department_id=demo["prod_head"].department_id, due_date=in_days(7), text="请核实"))
    return letter["id"]


def test_a_letter_goes_through_every_state_and_the_writer_reads_the_answer(
        client, demo, headers):
    filed = ok(write(client, headers("sales1")), 201)
    assert filed["status"] == "submitted"
    assert filed["number"].startswith(f"GM-{local_date(utcnow()).year}-")
    assert "receipt_code" not in filed
    letter_id = filed["id"]

    office, prod = headers("gmo"), headers("prod_head")
    assert ok(act(client, office, letter_id, "accept", text="已收到"))["status"] == "accepted"
    assigned = ok(act(client, office, letter_id, "assign", text="请生产部核实",
                      department_id=demo["prod_head"].department_id,
                      handler_id=demo["prod2"].id, due_date=in_days(5)))
    assert assigned["status"] == "assigned"
    assert assigned["department"]["name"] == "生产部"
    assert assigned["handler"]["username"] == "prod2"
    assert assigned["due_date"] == in_days(5)
    assert assigned["due_at"].endswith("+08:00")
    assert ok(client.get(f"{LETTERS}/{letter_id}", headers=prod))["allowed_actions"] == \
        ["resolve", "return", "note"]
    assert ok(act(client, prod, letter_id, "resolve", text="已调整配方"))["status"] == "resolved"
    answered = ok(act(client, office, letter_id, "answer", text="感谢来信，食堂已调整菜谱。"))
    assert answered["status"] == "answered"

    mine = ok(client.get(f"{LETTERS}/{letter_id}", headers=headers("sales1")))
    assert mine["answer"] == "感谢来信，食堂已调整菜谱。"
    assert mine["author"]["username"] == "sales1"
    assert "<strong>红烧肉</strong>" in mine["body_html"]
    assert mine["allowed_actions"] == ["message", "give_feedback"]
    # The department's internal resolution is for handlers, not for the writer.
    assert [e["action"] for e in mine["history"]] == ["submit", "accept", "assign", "answer"]
    assert all(not e["internal"] for e in mine["history"])

    archived = ok(act(client, office, letter_id, "archive"))
    assert archived["status"] == "archived"
    assert archived["closed_at"] is not None
    steps = [(e["action"], e["to_status"], e["actor"]["username"])
             for e in archived["history"]]
    assert steps == [("submit", "submitted", "sales1"), ("accept", "accepted", "gmo"),
                     ("assign", "assigned", "gmo"), ("resolve", "resolved", "prod_head"),
                     ("answer", "answered", "gmo"), ("archive", "archived", "gmo")]
    assert archived["history"][0]["at"].endswith("+08:00")


@pytest.mark.parametrize("outsider", ["sales2", "sales_head", "hr1"])
def test_people_who_may_not_see_a_letter_get_404_everywhere(client, demo, headers, assigned,
                                                            outsider):
    them = headers(outsider)
    assert_error(client.get(f"{LETTERS}/{assigned}", headers=them), 404, "not_found")
    for action in ("resolve", "answer", "note", "message"):
        assert_error(act(client, them, assigned, action, text="x"), 404, "not_found")
    listed = ok(client.get(LETTERS, headers=them))
    assert listed["total"] == 0 and listed["items"] == []
    assert ok(client.get(LETTERS, headers=them, query_string={"status": "assigned"}))[
        "total"] == 0
    assert db.session.get(Letter, assigned).status == "assigned"


def test_the_assigned_head_and_the_office_see_it(client, headers, assigned):
    for username in ("prod_head", "gmo", "gm", "sales1"):
        listed = ok(client.get(LETTERS, headers=headers(username)))
        assert [item["id"] for item in listed["items"]] == [assigned], username


def test_without_a_token_is_401(client, demo, assigned):
    assert_error(client.get(LETTERS), 401, "unauthorized")
    assert_error(client.get(f"{LETTERS}/{assigned}"), 401, "unauthorized")
    assert_error(client.post(LETTERS, json=LETTER), 401, "unauthorized")
    assert_error(act(client, {"Authorization": "Bearer nonsense"}, assigned, "resolve",
                     text="x"), 401, "unauthorized")


@pytest.mark.parametrize("action", ["resolve", "answer", "archive"])
def test_an_illegal_transition_is_409(client, headers, action):
    letter = ok(write(client, headers("sales1")), 201)
    assert_error(act(client, headers("gmo"), letter["id"], action, text="x"), 409, "conflict")
    assert db.session.get(Letter, letter["id"]).status == "submitted"


def test_the_writer_cannot_handle_their_own_letter(client, headers):
    letter = ok(write(client, headers("sales1")), 201)
    assert_error(act(client, headers("sales1"), letter["id"], "accept"), 400,
                 "validation_error")
    assert db.session.get(Letter, letter["id"]).status == "submitted"


def test_reject_needs_a_reason_which_becomes_the_answer(client, headers):
    letter = ok(write(client, headers("sales1")), 201)
    error = assert_error(act(client, headers("gmo"), letter["id"], "reject"), 400,
                         "validation_error")
    assert "text" in error["fields"]
    rejected = ok(act(client, headers("gmo"), letter["id"], "reject", text="请向工会反映。"))
    assert rejected["status"] == "rejected" and rejected["answer"] == "请向工会反映。"
    assert ok(client.get(f"{LETTERS}/{letter['id']}", headers=headers("sales1")))[
        "answer"] == "请向工会反映。"


def test_internal_notes_reach_handlers_only_and_writer_messages_reach_the_office(
        client, headers, assigned):
    ok(act(client, headers("gmo"), assigned, "note", text="内部：上月也反映过"))
    ok(act(client, headers("sales1"), assigned, "message", text="补充：周三最咸"))
    texts = {u: [e["text"] for e in ok(client.get(f"{LETTERS}/{assigned}",
                                                   headers=headers(u)))["history"]]
             for u in ("sales1", "prod_head", "gmo")}
    assert "内部：上月也反映过" not in texts["sales1"]
    assert "内部：上月也反映过" in texts["prod_head"] and "内部：上月也反映过" in texts["gmo"]
    assert all("补充：周三最咸" in t for t in texts.values())


def test_anonymous_letter_gives_its_code_once_and_nothing_about_its_writer(client, demo,
                                                                        headers):
    filed = ok(write(client, headers("sales1"), anonymous=True, subject="匿名反映加班"), 201)
    code = filed["receipt_code"]
    assert len(code.replace("-", "")) == 20
    # The writer's token does not open it: the letter is nobody's.
    assert_error(client.get(f"{LETTERS}/{filed['id']}", headers=headers("sales1")), 404,
                 "not_found")
    assert ok(client.get(LETTERS, headers=headers("sales1")))["total"] == 0

    response = client.get(f"{LETTERS}/{filed['id']}", headers=headers("gmo"))
    seen = ok(response)
    assert seen["anonymous"] is True and seen["author"] is None
    assert seen["history"][0]["actor"] is None and seen["history"][0]["actor_label"] == "writer"
    raw = response.get_data(as_text=True)
    for trace in ("sales1", demo["sales1"].name, "华东销售组", code):
        assert trace not in raw
    listed = str(ok(client.get(LETTERS, headers=headers("gmo"))))
    assert code not in listed and "sales1" not in listed


def test_lists_filter_and_page(client, demo, headers):
    for n in range(3):
        ok(write(client, headers("sales1"), subject=f"建议{n}"), 201)
    ok(write(client, headers("sales1"), subject="投诉", category="complaint"), 201)
    # Filed long ago and never accepted: overdue.
    mb.file_letter(demo["sales2"], subject="旧信", body="无人受理", category="issue",
                   now=datetime(2026, 1, 5, 2, 0))
    db.session.commit()
    office = headers("gmo")

    def total(**query):
        return ok(client.get(LETTERS, headers=office, query_string=query))["total"]

    assert total() == 5
    assert total(category="complaint") == 1
    assert total(status="submitted") == 5 and total(status="answered") == 0
    overdue = ok(client.get(LETTERS, headers=office, query_string={"overdue": "true"}))
    assert [item["subject"] for item in overdue["items"]] == ["旧信"]
    assert overdue["items"][0]["overdue"] is True
    page = ok(client.get(LETTERS, headers=office, query_string={"per_page": 2, "page": 2}))
    assert (page["total"], page["page"], page["per_page"], len(page["items"])) == (5, 2, 2, 2)
    newest = ok(client.get(LETTERS, headers=office, query_string={"per_page": 1}))
    assert newest["items"][0]["subject"] == "投诉"


@pytest.mark.parametrize("query", [
    {"status": "lost"}, {"category": "bribe"}, {"overdue": "perhaps"}, {"page": "0"},
    {"per_page": "101"}, {"page": "9" * 30}, {"department_id": "999999"},
    {"department_id": "9223372036854775808"},
])
def test_bad_list_queries_are_400(client, headers, query):
    assert_error(client.get(LETTERS, headers=headers("gmo"), query_string=query), 400,
                 "validation_error")


@pytest.mark.parametrize("body", [
    {},
    {**LETTER, "subject": ""},
    {**LETTER, "subject": "   "},
    {**LETTER, "subject": "长" * 100_000},
    {**LETTER, "body": ""},
    {**LETTER, "body": "x" * 100_000},
    {**LETTER, "category": "bribe"},
    {**LETTER, "category": None},
    {**LETTER, "subject": 42},
    {**LETTER, "subject": ["a"]},
    {**LETTER, "body": {"$ne": 1}},
    {**LETTER, "anonymous": "perhaps"},
    {**LETTER, "subject": "a\x00b"},
    {**LETTER, "author_id": 1},
])
def test_bad_letters_are_400_and_nothing_is_saved(client, headers, body):
    response = client.post(LETTERS, json=body, headers=headers("sales1"))
    assert_error(response, 400, "validation_error")
    assert letter_count() == 0


@pytest.mark.parametrize("data", ["{not json", "[]", "null", '"letter"', "[" * 50_000])
def test_malformed_bodies_are_400(client, headers, data):
    response = client.post(LETTERS, data=data, content_type="application/json",
                           headers=headers("sales1"))
    assert_error(response, 400, "validation_error")
    assert letter_count() == 0


def test_subject_too_long_names_the_field(client, headers):
    error = assert_error(write(client, headers("sales1"), subject="长" * 100_000), 400,
                         "validation_error")
    assert set(error["fields"]) == {"subject"}


@pytest.mark.parametrize("letter_id", ["0", "-1", "abc", "1.5", "2147483648",
                                       "9223372036854775808", "9" * 40, "%00"])
def test_ids_out_of_range_are_404(client, headers, letter_id):
    office = headers("gmo")
    assert_error(client.get(f"{LETTERS}/{letter_id}", headers=office), 404, "not_found")
    assert_error(client.post(f"{LETTERS}/{letter_id}/actions", json={"action": "accept"},
                             headers=office), 404, "not_found")


def test_a_missing_letter_is_404(client, headers):
    assert_error(client.get(f"{LETTERS}/12345", headers=headers("gmo")), 404, "not_found")


@pytest.mark.parametrize("fields, field", [
    ({"department_id": 999_999}, "department_id"),
    ({"department_id": "生产部"}, "department_id"),
    ({"department_id": 9_223_372_036_854_775_808}, "department_id"),
    ({"handler_id": 999_999}, "handler_id"),
    ({"due_date": "2026-13-01"}, "due_date"),
    ({"due_date": "next week"}, "due_date"),
    ({"due_date": 20261201}, "due_date"),
    ({"text": None}, "text"),
    ({"action": "approve"}, "action"),
    ({"action": None}, "action"),
])
def test_bad_action_fields_are_400_with_the_field(client, demo, headers, fields, field):
    letter = ok(write(client, headers("sales1")), 201)
    ok(act(client, headers("gmo"), letter["id"], "accept"))
    body = {"action": "assign", "department_id": demo["prod_head"].department_id,
            "due_date": in_days(3), **fields}
    response = client.post(f"{LETTERS}/{letter['id']}/actions", json=body,
                           headers=headers("gmo"))
    error = assert_error(response, 400, "validation_error")
    assert field in error["fields"]
    assert db.session.get(Letter, letter["id"]).status == "accepted"


@pytest.mark.parametrize("fields, field", [
    ({}, "department_id"),
    ({"due_date": None}, "due_date"),
    ({"due_date": "2020-01-01"}, "due_date"),
    ({"handler": "sales2"}, "handler_id"),
])
def test_assignment_rules_of_the_mailbox_name_the_field(client, demo, headers, fields, field):
    letter = ok(write(client, headers("sales1")), 201)
    ok(act(client, headers("gmo"), letter["id"], "accept"))
    body = {"action": "assign", "due_date": in_days(3), **fields}
    if "department_id" not in fields and field != "department_id":
        body["department_id"] = demo["prod_head"].department_id
    if body.pop("handler", None):
        body["handler_id"] = demo["sales2"].id  # not in 生产部
    error = assert_error(act(client, headers("gmo"), letter["id"], **body), 400,
                         "validation_error")
    assert field in error["fields"]
