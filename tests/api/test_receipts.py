"""Following an anonymous letter by its receipt code: ``POST /api/v1/receipts/lookup`` and
``/messages``, without signing in, the code only ever in the body, wrong codes throttled."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hub.common.receipt_throttling import anonymised_address
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox import services as mb
from tests.api.conftest import API, assert_error

LOOKUP = f"{API}/receipts/lookup"
MESSAGES = f"{API}/receipts/messages"
WRONG = "AAAA-BBBB-CCCC-DDDD-EEEE"


@pytest.fixture
def anonymous(demo):
    """An anonymous letter by sales1, handled through to its answer, with an internal note
    and a department's resolution the writer must not see; returns (letter, code)."""
    filed = mb.file_letter(demo["sales1"], subject="匿名反映夜班加班费", body="三月的加班费未发放。",
                           category="complaint", anonymous=True)
    letter = filed.letter
    mb.accept(letter, demo["gmo"], "已受理")
    mb.add_note(letter, demo["gmo"], "内部：请财务核对考勤")
    mb.assign(letter, demo["gmo"], department=demo["fin_head"].department,
              handler=demo["fin1"], due_date=local_date(utcnow()) + timedelta(days=5))
    mb.resolve(letter, demo["fin_head"], "内部：已补发，系考勤导入遗漏")
    mb.answer(letter, demo["gmo"], "经核实，三月加班费已于本周补发，感谢反映。")
    db.session.commit()
    return letter, filed.receipt_code


def test_lookup_shows_status_answer_and_history_without_notes_or_names(client, demo,
                                                                        anonymous):
    letter, code = anonymous
    response = client.post(LOOKUP, json={"code": code})
    assert response.status_code == 200, response.get_data(as_text=True)
    view = response.get_json()
    assert view["kind"] == "letter"
    assert view["number"] == letter.number and view["subject"] == "匿名反映夜班加班费"
    assert view["status"] == "answered" and view["status_label"] == "已答复"
    assert view["answer"] == "经核实，三月加班费已于本周补发，感谢反映。"
    assert [(e["action"], e["by"]) for e in view["history"]] == [
        ("submit", "writer"), ("accept", "gm_office"), ("assign", "gm_office"),
        ("answer", "gm_office")]
    raw = response.get_data(as_text=True)
    for hidden in ("内部", "gmo", "fin_head", "fin1", "sales1", *(
            demo[u].name for u in ("gmo", "fin_head", "fin1", "sales1"))):
        assert hidden not in raw


def test_codes_are_read_the_way_people_type_them(client, anonymous):
    letter, code = anonymous
    typed = code.lower().replace("-", " ")
    assert client.post(LOOKUP, json={"code": typed}).get_json()["number"] == letter.number


def test_the_writer_adds_a_message_by_receipt(client, demo, bearer, anonymous):
    letter, code = anonymous
    response = client.post(MESSAGES, json={"code": code, "text": "补充：四月也少发了"})
    assert response.status_code == 201, response.get_data(as_text=True)
    message = response.get_json()
    assert message["action"] == "message" and message["by"] == "writer"
    assert message["at"].endswith("T00:00:00+08:00")  # dated to the day only
    assert "补充：四月也少发了" in [e["text"] for e in
                              client.post(LOOKUP, json={"code": code}).get_json()["history"]]
    office = client.get(f"{API}/letters/{letter.id}", headers=bearer(demo["gmo"])).get_json()
    (event,) = [e for e in office["history"] if e["action"] == "message"]
    assert event["actor"] is None and event["text"] == "补充：四月也少发了"


def test_an_archived_letter_takes_no_more_messages(client, demo, anonymous):
    letter, code = anonymous
    mb.archive(letter, demo["gmo"])
    db.session.commit()
    assert_error(client.post(MESSAGES, json={"code": code, "text": "还有"}), 409, "conflict")
    assert client.post(LOOKUP, json={"code": code}).get_json()["status"] == "archived"


@pytest.mark.parametrize("text", ["", "   ", "长" * 10_001, None, 5])
def test_bad_messages_are_400(client, anonymous, text):
    _letter, code = anonymous
    assert_error(client.post(MESSAGES, json={"code": code, "text": text}), 400,
                 "validation_error")


@pytest.mark.parametrize("code", [WRONG, "abc", "", "  ", "0" * 20, "ÄÖÜ-😀"])
def test_a_wrong_or_malformed_code_is_404(client, anonymous, code):
    assert_error(client.post(LOOKUP, json={"code": code}), 404, "not_found")
    assert_error(client.post(MESSAGES, json={"code": code, "text": "x"}), 404, "not_found")


def test_named_letters_have_no_receipt(client, demo):
    mb.file_letter(demo["sales1"], subject="署名来信", body="b", category="other")
    db.session.commit()
    assert_error(client.post(LOOKUP, json={"code": WRONG}), 404, "not_found")


@pytest.mark.parametrize("body", [None, {}, {"code": None}, {"code": 12345},
                                  {"code": ["x"]}, {"code": "x" * 101},
                                  {"code": WRONG, "extra": 1}])
def test_requests_that_are_not_a_code_are_400(client, body):
    assert_error(client.post(LOOKUP, json=body), 400, "validation_error")


def test_a_code_in_the_url_is_refused_even_when_right(client, anonymous):
    _letter, code = anonymous
    assert_error(client.post(LOOKUP, query_string={"code": code}), 400, "validation_error")
    assert_error(client.post(LOOKUP, query_string={"code": code}, json={"code": code}), 400,
                 "validation_error")
    assert_error(client.post(MESSAGES, query_string={"code": code},
                             json={"code": code, "text": "x"}), 400, "validation_error")
    assert_error(client.get(LOOKUP, query_string={"code": code}), 405, "method_not_allowed")


def test_no_token_is_needed_and_none_is_looked_at(client, anonymous):
    _letter, code = anonymous
    response = client.post(LOOKUP, json={"code": code},
                           headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 200


def test_many_wrong_codes_are_throttled_per_asker(client, anonymous):
    _letter, code = anonymous
    for _ in range(10):
        assert_error(client.post(LOOKUP, json={"code": WRONG}), 404, "not_found")
    assert_error(client.post(LOOKUP, json={"code": WRONG}), 429, "rate_limited")
    # The right code must wait too (or guessing would go on), the messages door as well.
    assert_error(client.post(LOOKUP, json={"code": code}), 429, "rate_limited")
    assert_error(client.post(MESSAGES, json={"code": code, "text": "x"}), 429, "rate_limited")
    # Somebody else is not affected.
    other = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.post(LOOKUP, json={"code": code}, environ_base=other).status_code == 200


def test_right_codes_do_not_count(client, anonymous):
    _letter, code = anonymous
    for _ in range(15):
        assert client.post(LOOKUP, json={"code": code}).status_code == 200


def test_the_throttle_keeps_no_address(app):
    keys = {}
    for address in ("10.1.2.3", "10.1.2.4"):
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            keys[address] = anonymised_address()
            assert anonymised_address() == keys[address]  # the same asker is counted as one
    assert keys["10.1.2.3"] != keys["10.1.2.4"]
    for address, key in keys.items():
        assert address not in key and address.replace(".", "") not in key


def test_the_document_says_no_token_and_code_in_the_body(client):
    doc = client.get(f"{API}/openapi.json").get_json()
    for path in ("/api/v1/receipts/lookup", "/api/v1/receipts/messages"):
        operation = doc["paths"][path]["post"]
        assert operation["security"] == []
        assert not [p for p in operation.get("parameters", []) if p["in"] == "query"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert "code" in doc["components"]["schemas"][schema.rsplit("/", 1)[-1]]["required"]
