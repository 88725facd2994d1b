"""Talk logs through ``/api/v1/talks``: logging, the list and the filters, the private note
only in its author's answers, bad input as 400 (a talk in the future, a person who does not
exist), never a 500."""
from __future__ import annotations

from datetime import timedelta

from hub.common.time import isoformat, utcnow
from hub.common.workdays import local_date
from tests.api.conftest import API, assert_error
from tests.meetings.test_meetings import org  # noqa: F401

TALKS = f"{API}/talks"
SECRET = "私人备注：不要外传"


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def new_talk(client, headers, person, **extra) -> dict:
    body = {"kind": "one_on_one", "with_user_id": person.id,
            "held_at": isoformat(utcnow() - timedelta(hours=3)), "duration_minutes": 20,
            "topics": "客户拜访计划", "agreements": "周五前提交", "private_note": SECRET,
            "action_items": [{"text": "提交拜访计划", "owner_id": person.id,
                              "due_date": (local_date(utcnow()) + timedelta(days=3)).isoformat()}],
            **extra}
    return client.post(TALKS, headers=headers, json=body)


def test_private_note_only_for_its_author(app, client, org, bearer):
    lead = bearer(org.lead)
    talk = ok(new_talk(client, lead, org.one), 201)
    assert talk["number"].startswith("GT-") and talk["private_note"] == SECRET
    assert talk["action_items"][0]["owner"]["id"] == org.one.id
    assert ok(client.get(f"{TALKS}/{talk['id']}", headers=lead))["private_note"] == SECRET
    assert ok(client.get(TALKS, headers=lead))["items"][0]["private_note"] == SECRET

    for person in (org.one, org.head, org.hr, org.office):
        headers = bearer(person)
        one = ok(client.get(f"{TALKS}/{talk['id']}", headers=headers))
        assert one["topics"] == "客户拜访计划" and "private_note" not in one
        listed = ok(client.get(TALKS, headers=headers))
        assert [t["id"] for t in listed["items"]] == [talk["id"]]
        assert SECRET not in str(listed) and SECRET not in str(one)
    for person in (org.two, org.outsider):
        headers = bearer(person)
        assert_error(client.get(f"{TALKS}/{talk['id']}", headers=headers), 404, "not_found")
        assert ok(client.get(TALKS, headers=headers))["total"] == 0

    acknowledged = ok(client.post(f"{TALKS}/{talk['id']}/acknowledge", headers=bearer(org.one),
                                  json={"comment": "同意"}))
    assert "private_note" not in acknowledged
    assert [p["comment"] for p in acknowledged["participants"]] == ["", "同意"]


def test_list_filters(app, client, org, bearer):
    lead = bearer(org.lead)
    old = ok(new_talk(client, lead, org.one, held_at=isoformat(utcnow() - timedelta(days=40))),
             201)
    recent = ok(new_talk(client, lead, org.two), 201)
    head = bearer(org.head)
    everything = ok(client.get(TALKS, headers=head))
    assert [t["id"] for t in everything["items"]] == [recent["id"], old["id"]]
    assert [t["id"] for t in ok(client.get(TALKS, headers=head, query_string={
        "user_id": org.one.id}))["items"]] == [old["id"]]
    since = (local_date(utcnow()) - timedelta(days=7)).isoformat()
    assert [t["id"] for t in ok(client.get(TALKS, headers=head, query_string={
        "from": since}))["items"]] == [recent["id"]]
    assert [t["id"] for t in ok(client.get(TALKS, headers=head, query_string={
        "to": since}))["items"]] == [old["id"]]
    for query in ({"from": "last week"}, {"user_id": 10**12}, {"user_id": 0},
                  {"kind": "gossip"}, {"per_page": 101}, {"page": 0}):
        assert_error(client.get(TALKS, headers=head, query_string=query), 400,
                     "validation_error")


BAD_TALKS = [
    ({"held_at": "FUTURE"}, "held_at"),
    ({"held_at": "2000-01-01T10:00:00+08:00"}, "held_at"),
    ({"held_at": "noon"}, "held_at"),
    ({"held_at": "0001-01-01T00:00:00+08:00"}, "held_at"),
    ({"held_at": "9999-12-31T23:59:00-12:00"}, "held_at"),
    ({"done_item_ids": ["x"]}, "done_item_ids"),
    ({"with_user_ids": [10**15]}, "with_user_ids"),
    ({"with_user_id": 999999}, "with_user_ids"),
    ({"with_user_id": "SELF"}, "with_user_ids"),
    ({"topics": ""}, "topics"),
    ({"topics": "x" * 5001}, "topics"),
    ({"duration_minutes": 4}, "duration_minutes"),
    ({"duration_minutes": "long"}, "duration_minutes"),
    ({"kind": "chat"}, "kind"),
    ({"action_items": [{"text": "x", "owner_id": 999999}]}, "action_items"),
    ({"action_items": [{"text": "", "owner_id": "ONE"}]}, "action_items"),
    ({"action_items": "nope"}, "action_items"),
    ({"meeting_id": 2147483647}, "meeting_id"),
    ({"private_note": "\x00"}, "private_note"),
]


def test_bad_talks(app, client, org, bearer):
    from hub.extensions import db
    from hub.meetings.models import TalkLog

    headers = bearer(org.lead)
    for body, field in BAD_TALKS:
        if body.get("held_at") == "FUTURE":
            body = {"held_at": isoformat(utcnow() + timedelta(hours=2))}
        if body.get("with_user_id") == "SELF":
            body = {"with_user_id": org.lead.id}
        if body.get("action_items") and isinstance(body["action_items"], list) and \
                body["action_items"][0]["owner_id"] == "ONE":
            body = {"action_items": [{"text": "", "owner_id": org.one.id}]}
        error = assert_error(new_talk(client, headers, org.one, **body), 400,
                             "validation_error")
        assert field in error.get("fields", {}), (body, error)
    assert db.session.scalar(db.select(db.func.count()).select_from(TalkLog)) == 0
