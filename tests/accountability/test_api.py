"""The register's API keeps API.md's contract: ``GET /api/v1/accountability`` (status,
department_id, person_id, page) lists id, person, kind, source {kind, id, number}, since,
status, decision; ``POST …/{id}/actions`` takes excuse / penalise / withdraw (HR, text) and
appeal (the person, text) and returns the updated entry; refusals in the hub's error shape.

Seed: 信息反馈制度 四 "凡对信息沟通工作不重视……要通报批评,追究责任。"
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from hub.accountability.services import open_entries
from hub.common.time import utcnow
from hub.extensions import db
from tests.accountability.conftest import department, entries


@pytest.fixture
def entry(demo, assigned_letter):
    assigned_letter.due_at = utcnow() - timedelta(hours=1)
    open_entries()
    db.session.commit()
    return entries("letter_overdue", source_id=assigned_letter.id)[0]


def test_list_item_shape_and_filters(app, demo, entry, assigned_letter, bearer):
    client, headers = app.test_client(), bearer(demo["gmo"])
    got = client.get("/api/v1/accountability", headers=headers).get_json()
    assert set(got) == {"items", "total", "page", "per_page"} and got["total"] == 1
    item = got["items"][0]
    assert {"id", "person", "kind", "source", "since", "status"} <= set(item)
    assert item["person"]["username"] == "prod1" and item["kind"] == "letter_overdue"
    assert item["source"] == {"kind": "letter", "id": assigned_letter.id,
                              "number": assigned_letter.number,
                              "label": f"来信 {assigned_letter.number}"}
    assert item["status"] == "open" and "decision" not in item
    # HR decides the entry but may not open the letter: its number is not HR's to read
    hr_view = client.get("/api/v1/accountability", headers=bearer(demo["hr1"])).get_json()
    assert hr_view["items"][0]["source"]["number"] is None
    assert item["since"].endswith("+08:00")
    for query, total in (("?status=open", 1), ("?status=penalised", 0),
                         (f"?person_id={demo['prod1'].id}", 1),
                         (f"?person_id={demo['prod2'].id}", 0),
                         (f"?department_id={department('生产部').id}", 1),
                         (f"?department_id={department('市场部').id}", 0)):
        assert client.get("/api/v1/accountability" + query,
                          headers=headers).get_json()["total"] == total, query
    bad = client.get("/api/v1/accountability?status=closed", headers=headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "validation_error"


def test_actions_answer_in_the_contracts_shapes(app, demo, entry, bearer):
    url = f"/api/v1/accountability/{entry.id}/actions"
    hr, person, head = bearer(demo["hr1"]), bearer(demo["prod1"]), bearer(demo["prod_head"])
    client = app.test_client()
    # not the caller's step: 403; not in this state: 409; no text: 400; hidden: 404
    refused = client.post(url, json={"action": "penalise", "text": "罚"}, headers=head)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    empty = client.post(url, json={"action": "penalise", "text": ""}, headers=hr)
    assert empty.status_code == 400 and "text" in empty.get_json()["error"]["fields"]
    hidden = client.post(url, json={"action": "appeal", "text": "x"},
                         headers=bearer(demo["sales1"]))
    assert hidden.status_code == 404
    done = client.post(url, json={"action": "penalise", "text": "通报批评。"}, headers=hr)
    assert done.status_code == 200
    body = done.get_json()
    assert (body["status"], body["decision"], body["decided_by"]["username"]) == (
        "penalised", "通报批评。", "hr1")
    assert [h["action"] for h in body["history"]] == ["open", "penalise"]
    appealed = client.post(url, json={"action": "appeal", "text": "出差在外。"}, headers=person)
    assert appealed.status_code == 200
    assert appealed.get_json()["appeal"]["state"] == "pending"
    again = client.post(url, json={"action": "appeal", "text": "再次申诉。"}, headers=person)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    answered = client.post(url, json={"action": "withdraw", "text": "申诉成立。"}, headers=hr)
    assert answered.get_json()["status"] == "withdrawn"
    assert answered.get_json()["appeal"]["state"] == "withdrawn"
    unknown = client.post(url, json={"action": "delete", "text": "x"}, headers=hr)
    assert unknown.status_code == 400
