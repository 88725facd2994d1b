"""Suggestions, complaints and reports through ``/api/v1/reports`` and the receipt endpoints:
filing, who may see what (404, never 403, also in lists and totals), the filer shown only as
a label, the lifecycle with its 409s and 400s, messages both ways, and no 500 for any input."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.suggestions import services as sv
from hub.suggestions.models import Report, ReportAudit
from tests.api.conftest import API, assert_error

REPORTS = f"{API}/reports"
LOOKUP = f"{API}/receipts/lookup"
RECEIPT_MESSAGES = f"{API}/receipts/messages"
WRONG = "AAAA-BBBB-CCCC-DDDD-EEEE"
WHISTLE = {"kind": "whistleblowing", "subject": "销售主管虚报差旅费",
           "body": "华东销售组主管三月、五月两次出差的住宿发票金额与实际不符。"}
SUGGESTION = {"kind": "suggestion", "subject": "建议统一采购办公用品",
              "body": "集中采购可以节省约 10% 费用。", "anonymous": False}


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def in_days(n: int) -> str:
    return (local_date(utcnow()) + timedelta(days=n)).isoformat()


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
def api(client, headers):
    """``api(username, method, path, **json)``: a JSON request as that demo user."""

    def call(username: str, method: str, path: str = "", **body):
        return client.open(f"{REPORTS}{path}", method=method, headers=headers(username),
                           json=body if method != "GET" else None,
                           query_string=body if method == "GET" else None)

    return call


def act(api, username, report_id, action, **fields):
    return api(username, "POST", f"/{report_id}/actions", action=action, **fields)


def people_in(document) -> set[str]:
    """Usernames of every person object anywhere in a JSON document."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if "username" in node:
                found.add(node["username"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


@pytest.fixture
def whistle(api, demo):
    """The acceptance case: sales1 files anonymously, naming sales_lead; returns
    (report id, receipt code)."""
    filed = ok(api("sales1", "POST", **WHISTLE, named_user_ids=[demo["sales_lead"].id]), 201)
    return filed["id"], filed["receipt_code"]


# --- filing ------------------------------------------------------------------------------

def test_filing_is_anonymous_by_default_and_the_code_is_shown_once(api, demo, whistle):
    report_id, code = whistle
    report = db.session.get(Report, report_id)
    assert report.number.startswith(f"JB-{local_date(utcnow()).year}-")
    assert report.anonymous and report.author_id is None
    assert report.author_department_id is None
    assert code and code not in (report.receipt_hash or "")
    assert report.unit.code == "hr"
    # The filer cannot open it with the token: nothing links them to it.
    assert_error(api("sales1", "GET", f"/{report_id}"), 404, "not_found")
    assert "receipt_code" not in ok(api("hr1", "GET", f"/{report_id}"))


def test_a_named_report_has_no_code_and_the_filer_reads_it(api):
    filed = ok(api("sales2", "POST", **SUGGESTION), 201)
    assert filed["number"].startswith("JY-") and filed["status"] == "submitted"
    assert "receipt_code" not in filed and filed["anonymous"] is False
    mine = ok(api("sales2", "GET", f"/{filed['id']}"))
    assert mine["mine"] is True and mine["filer_label"] == "韩雪"


@pytest.mark.parametrize("body, field", [
    ({"kind": "gossip"}, "kind"),
    ({"kind": None}, "kind"),
    ({"subject": ""}, "subject"),
    ({"subject": "长" * 201}, "subject"),
    ({"body": "   "}, "body"),
    ({"body": "a\x00b"}, "body"),
    ({"anonymous": "maybe"}, "anonymous"),
    ({"named_user_ids": [2**31]}, "named_user_ids"),
    ({"named_user_ids": [999999]}, "named_user_ids"),
    ({"named_user_ids": "1"}, "named_user_ids"),
    ({"named_user_ids": list(range(1, 30))}, "named_user_ids"),
    ({"extra": 1}, "extra"),
])
def test_bad_filings_are_400_with_the_field(api, body, field):
    before = db.session.scalar(select(func.count()).select_from(Report))
    error = assert_error(api("sales1", "POST", **{**WHISTLE, **body}), 400, "validation_error")
    assert field in error["fields"], error
    assert db.session.scalar(select(func.count()).select_from(Report)) == before


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b"\xff\xfe", b"[" * 5000])
def test_bodies_that_are_not_a_filing_are_400(client, headers, raw):
    response = client.post(REPORTS, data=raw, content_type="application/json",
                           headers=headers("sales1"))
    assert_error(response, 400, "validation_error")


# --- who may see what ----------------------------------------------------------------------

def test_the_report_naming_sales_lead_is_invisible_to_the_line(api, demo, whistle):
    report_id, _code = whistle
    assert ok(api("hr1", "GET", f"/{report_id}"))["subject"] == WHISTLE["subject"]
    assert ok(api("hr1", "GET"))["total"] == 1
    for username in ("sales_lead", "sales_head", "gm", "sales2", "sales1", "gmo"):
        assert_error(api(username, "GET", f"/{report_id}"), 404, "not_found")
        assert_error(act(api, username, report_id, "accept"), 404, "not_found")
        assert_error(api(username, "POST", f"/{report_id}/messages", text="x"), 404,
                     "not_found")
        listed = ok(api(username, "GET", kind="whistleblowing"))
        assert listed == {"items": [], "total": 0, "page": 1, "per_page": 50}, username


def test_a_hidden_report_and_a_missing_one_look_the_same(api, whistle):
    report_id, _code = whistle
    hidden = api("sales_lead", "GET", f"/{report_id}")
    missing = api("sales_lead", "GET", "/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert_error(api("hr1", "GET", f"/{2**31}"), 404, "not_found")


def test_handlers_see_the_filer_as_a_label_only(api, demo):
    filed = ok(api("prod1", "POST", kind="complaint", subject="食堂饭菜太咸",
                   body="最近一个月红烧肉很咸。", anonymous=False), 201)
    ok(act(api, "hr1", filed["id"], "accept"))
    ok(api("prod1", "POST", f"/{filed['id']}/messages", text="补充：早餐也一样。"), 201)
    seen = ok(api("hr1", "GET", f"/{filed['id']}"))
    assert seen["filer_label"] == "实名提交（身份已隐藏）" and seen["mine"] is False
    assert "prod1" not in people_in(seen)
    raw = json.dumps(seen, ensure_ascii=False)
    assert demo["prod1"].name not in raw
    steps = {e["action"]: e for e in seen["history"]}
    assert steps["submit"]["actor"] is None and steps["submit"]["actor_label"] == "filer"
    assert steps["message"]["actor"] is None and steps["message"]["actor_label"] == "filer"
    assert steps["accept"]["actor"]["username"] == "hr1"
    # The filer sees themself.
    own = ok(api("prod1", "GET", f"/{filed['id']}"))
    assert {e["action"]: e for e in own["history"]}["submit"]["actor"]["username"] == "prod1"


def test_an_anonymous_report_has_no_person_of_the_filer(api, whistle):
    report_id, _code = whistle
    seen = ok(api("hr1", "GET", f"/{report_id}"))
    assert seen["filer_label"] == "匿名" and seen["anonymous"] is True
    assert people_in(seen) == {"sales_lead"}  # the person the report is about, nobody else
    assert [p["username"] for p in seen["named"]] == ["sales_lead"]


def test_lists_filter_page_and_count_only_what_the_caller_may_see(api, demo, whistle):
    ok(api("sales2", "POST", **SUGGESTION), 201)
    ok(api("prod1", "POST", kind="safety", subject="叉车刹车失灵", body="二号叉车刹车失灵。"),
       201)
    hr = ok(api("hr1", "GET"))
    assert hr["total"] == 2 and {i["kind"] for i in hr["items"]} == {"whistleblowing",
                                                                      "suggestion"}
    assert ok(api("hr1", "GET", kind="suggestion"))["total"] == 1
    assert ok(api("hr1", "GET", status="closed"))["total"] == 0
    first = ok(api("hr1", "GET", per_page=1))
    second = ok(api("hr1", "GET", per_page=1, page=2))
    assert first["total"] == second["total"] == 2
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert ok(api("hr1", "GET", page=3, per_page=1))["items"] == []
    # 安全环保部 handles the hazard, not HR; the filer's department head sees the suggestion.
    assert [i["kind"] for i in ok(api("safety1", "GET"))["items"]] == ["safety"]
    assert [i["kind"] for i in ok(api("sales_lead", "GET"))["items"]] == ["suggestion"]


@pytest.mark.parametrize("query, field", [
    ({"per_page": 101}, "per_page"), ({"per_page": 0}, "per_page"), ({"page": 0}, "page"),
    ({"page": "abc"}, "page"), ({"page": "9" * 40}, "page"), ({"kind": "x"}, "kind"),
    ({"status": "lost"}, "status"), ({"urgency": "soon"}, "urgency"),
    ({"overdue": "perhaps"}, "overdue")])
def test_bad_list_queries_are_400(api, query, field):
    error = assert_error(api("hr1", "GET", **query), 400, "validation_error")
    assert field in error["fields"], error


# --- the lifecycle -----------------------------------------------------------------------

def test_a_suggestion_is_adopted_with_a_reward_and_the_head_comments(api, demo):
    filed = ok(api("sales2", "POST", **SUGGESTION), 201)
    rid = filed["id"]
    head = ok(api("sales_lead", "GET", f"/{rid}"))
    assert head["allowed_actions"] == ["comment"]
    assert head["filer_label"] == "实名提交（身份已隐藏）"
    ok(act(api, "sales_lead", rid, "comment", text="本组支持，可先试点。"))
    assert ok(act(api, "hr1", rid, "accept", text="已受理"))["status"] == "accepted"
    assigned = ok(act(api, "hr_head", rid, "assign", handler_id=demo["hr2"].id))
    assert assigned["status"] == "assigned" and assigned["handler"]["username"] == "hr2"
    adopted = ok(act(api, "hr2", rid, "adopt", text="节约成本", expected_benefit="每年约 2 万元",
                     reward_amount="500", reward_note="年终奖励"))
    assert adopted["status"] == "adopted"
    assert adopted["reward_amount"] == 500 and adopted["decision_reason"] == "节约成本"
    answered = ok(act(api, "hr2", rid, "answer", text="您的建议已采纳，谢谢！"))
    assert answered["status"] == "answered" and answered["answer"] == "您的建议已采纳，谢谢！"
    # The filer reads the answer but not the head's comment nor the assignment.
    mine = ok(api("sales2", "GET", f"/{rid}"))
    texts = [e["text"] for e in mine["history"]]
    assert "您的建议已采纳，谢谢！" in texts and "本组支持，可先试点。" not in texts
    assert "assign" not in [e["action"] for e in mine["history"]]
    # The head reads the comments, not the handlers' internal steps.
    head = ok(api("sales_lead", "GET", f"/{rid}"))
    assert [e["action"] for e in head["history"]] == ["comment"]
    assert sv.reward_list(demo["hr1"], local_date(utcnow()).year)[0].id == rid


def test_a_complaint_is_invisible_to_the_filers_department_head(api):
    filed = ok(api("sales2", "POST", kind="complaint", subject="食堂服务态度差",
                   body="打饭师傅态度很差。", anonymous=False), 201)
    assert_error(api("sales_lead", "GET", f"/{filed['id']}"), 404, "not_found")
    assert ok(api("sales_lead", "GET"))["total"] == 0


def test_illegal_transitions_are_409_and_change_nothing(api, demo):
    filed = ok(api("sales1", "POST", kind="complaint", subject="加班费未发",
                   body="三月加班费未发放。", anonymous=False), 201)
    rid = filed["id"]
    assert_error(act(api, "hr1", rid, "answer", text="答复"), 409, "conflict")
    ok(act(api, "hr1", rid, "accept"))
    assert_error(act(api, "hr1", rid, "accept"), 409, "conflict")
    assert_error(act(api, "hr1", rid, "adopt", text="采纳"), 409, "conflict")  # not a suggestion
    ok(act(api, "hr1", rid, "close", text="重复提交，已合并处理"))
    assert_error(act(api, "hr1", rid, "close", text="再次关闭"), 409, "conflict")
    assert_error(api("hr1", "POST", f"/{rid}/messages", text="还有"), 409, "conflict")
    assert_error(api("sales1", "POST", f"/{rid}/messages", text="还有"), 409, "conflict")
    closed = ok(api("hr1", "GET", f"/{rid}"))
    assert closed["status"] == "closed" and closed["close_reason"] == "重复提交，已合并处理"
    assert [e["action"] for e in closed["history"]] == ["submit", "accept", "close"]


@pytest.mark.parametrize("action, fields, field", [
    ("assign", {}, "handler_id"),
    ("assign", {"handler_id": "sales2"}, "handler_id"),      # not in the unit
    ("assign", {"handler_id": 999999}, "handler_id"),
    ("set_urgency", {}, "urgency"),
    ("set_urgency", {"urgency": "asap"}, "urgency"),
    ("request_rectification", {"text": "请整改", "due_date": "tomorrow"}, "due_date"),
    ("request_rectification", {"text": "请整改"}, "department_id"),
    ("request_rectification", {"text": "请整改", "department_id": "prod"}, "due_date"),
    ("request_rectification", {"text": "请整改", "department_id": "prod",
                               "due_date": "2001-01-01"}, "due_date"),
    ("request_rectification", {"text": "", "department_id": "prod", "due_date": "+3"},
     "text"),
    ("resolve", {}, "text"),
    ("resolve", {"text": "长" * 10_001}, "text"),
    ("exclude", {}, "user_id"),
    ("fly", {}, "action"),
    ("message", {"text": "x"}, "action"),
])
def test_bad_actions_are_400_with_the_field(api, demo, action, fields, field):
    filed = ok(api("prod1", "POST", kind="complaint", subject="车间噪音",
                   body="噪音很大。", anonymous=False), 201)
    ok(act(api, "hr1", filed["id"], "accept"))
    values = dict(fields)
    if values.get("handler_id") == "sales2":
        values["handler_id"] = demo["sales2"].id
    if values.get("department_id") == "prod":
        values["department_id"] = demo["prod_head"].department_id
    if values.get("due_date") == "+3":
        values["due_date"] = in_days(3)
    error = assert_error(act(api, "hr1", filed["id"], action, **values), 400,
                         "validation_error")
    assert field in error["fields"], error
    assert ok(api("hr1", "GET", f"/{filed['id']}"))["status"] == "accepted"


@pytest.mark.parametrize("amount", ["abc", "NaN", "-1", "1e12", "Infinity", [1]])
def test_a_reward_must_be_an_amount(api, amount):
    filed = ok(api("sales2", "POST", **SUGGESTION), 201)
    ok(act(api, "hr1", filed["id"], "accept"))
    error = assert_error(act(api, "hr1", filed["id"], "adopt", text="采纳", reward_amount=amount),
                         400, "validation_error")
    assert "reward_amount" in error["fields"]
    assert ok(api("hr1", "GET", f"/{filed['id']}"))["status"] == "accepted"


def test_urgency_rectification_and_timers(api, demo):
    filed = ok(api("prod2", "POST", kind="safety", subject="配电箱门锁损坏",
                   body="二号车间配电箱门锁损坏，可随手打开。", anonymous=False), 201)
    rid = filed["id"]
    assert ok(api("safety1", "GET", f"/{rid}"))["timers"]["overdue"] == []
    ok(act(api, "safety1", rid, "accept"))
    urgent = ok(act(api, "safety1", rid, "set_urgency", urgency="urgent"))
    assert urgent["urgency"] == "urgent" and urgent["urgency_label"] == "特急"
    assert urgent["timers"]["handle_due_at"] is not None
    ok(act(api, "safety1", rid, "request_rectification", text="请立即更换门锁",
           department_id=demo["prod_head"].department_id, due_date=in_days(2)))
    seen = ok(api("safety_head", "GET", f"/{rid}"))
    (rect,) = seen["rectifications"]
    assert rect["department"]["id"] == demo["prod_head"].department_id
    assert rect["status"] == "requested" and rect["overdue"] is False
    assert rect["request_text"] == "请立即更换门锁"
    # The filer sees neither the rectification nor the internal steps.
    mine = ok(api("prod2", "GET", f"/{rid}"))
    assert "rectifications" not in mine and "outcome" not in mine
    assert {e["visibility"] for e in mine["history"]} == {"filer"}


def test_the_unit_head_excludes_a_handler(api, demo):
    filed = ok(api("sales1", "POST", **WHISTLE), 201)
    assert_error(act(api, "hr1", filed["id"], "exclude", user_id=demo["hr2"].id), 404,
                 "not_found")  # only the head may
    ok(act(api, "hr_head", filed["id"], "exclude", user_id=demo["hr2"].id, text="亲属关系"))
    assert_error(api("hr2", "GET", f"/{filed['id']}"), 404, "not_found")
    assert ok(api("hr2", "GET"))["total"] == 0


# --- messages ------------------------------------------------------------------------------

def test_named_filer_and_handler_exchange_messages(api):
    filed = ok(api("prod1", "POST", kind="issue", subject="夜班交通不便",
                   body="夜班下班后没有班车。", anonymous=False), 201)
    rid = filed["id"]
    sent = ok(api("prod1", "POST", f"/{rid}/messages", text="最好 0 点有一班车。"), 201)
    assert sent["action"] == "message" and sent["actor"]["username"] == "prod1"
    answer = ok(api("hr1", "POST", f"/{rid}/messages", text="已联系车队，请稍候。"), 201)
    assert answer["action"] == "reply" and answer["actor"]["username"] == "hr1"
    for username in ("prod1", "hr1"):
        seen = ok(api(username, "GET", f"/{rid}"))
        assert [m["text"] for m in seen["messages"]] == ["最好 0 点有一班车。",
                                                          "已联系车队，请稍候。"]
    hr_view = ok(api("hr1", "GET", f"/{rid}"))
    assert hr_view["messages"][0]["actor"] is None  # the filer stays a label
    for text in ("", "   ", "长" * 10_001, None, 5):
        assert_error(api("prod1", "POST", f"/{rid}/messages", text=text), 400,
                     "validation_error")


def test_anonymous_filer_and_hr_exchange_messages_through_the_receipt(client, api, demo,
                                                                       whistle):
    report_id, code = whistle
    ok(act(api, "hr1", report_id, "accept", text="已受理"))
    ok(act(api, "hr1", report_id, "note", text="内部：与财务核对报销单"))
    ok(api("hr1", "POST", f"/{report_id}/messages", text="请问具体是哪几次出差？"), 201)
    view = ok(client.post(LOOKUP, json={"code": code}))
    assert view["kind"] == "report" and view["report_kind"] == "whistleblowing"
    assert view["report_kind_label"] == "举报" and view["category"] is None
    assert view["number"].startswith("JB-") and view["status"] == "accepted"
    assert [(e["action"], e["by"]) for e in view["history"]] == [
        ("submit", "filer"), ("accept", "handling_unit"), ("reply", "handling_unit")]
    raw = json.dumps(view, ensure_ascii=False)
    for hidden in ("内部", "hr1", demo["hr1"].name, "sales1", demo["sales1"].name):
        assert hidden not in raw
    sent = ok(client.post(RECEIPT_MESSAGES, json={"code": code, "text": "三月和五月的两次。"}),
              201)
    assert sent["by"] == "filer" and sent["at"].endswith("T00:00:00+08:00")
    seen = ok(api("hr1", "GET", f"/{report_id}"))
    (message,) = [m for m in seen["messages"] if m["action"] == "message"]
    assert message["text"] == "三月和五月的两次。"
    assert message["actor"] is None and message["actor_label"] == "filer"
    ok(act(api, "hr1", report_id, "answer", text="经核实已处理，感谢反映。"))
    assert ok(client.post(LOOKUP, json={"code": code}))["answer"] == "经核实已处理，感谢反映。"
    ok(act(api, "hr1", report_id, "close", text="已办结"))
    assert_error(client.post(RECEIPT_MESSAGES, json={"code": code, "text": "还有"}), 409,
                 "conflict")


def test_a_thousand_wrong_codes_are_refused_never_a_500(client, whistle):
    _report_id, code = whistle
    statuses = [client.post(LOOKUP, json={"code": f"{n:04d}-AAAA-BBBB-CCCC-DDDD"}).status_code
                for n in range(1000)]
    assert set(statuses[:10]) == {404} and set(statuses[10:]) == {429}
    assert_error(client.post(LOOKUP, json={"code": code}), 429, "rate_limited")
    assert_error(client.post(RECEIPT_MESSAGES, json={"code": code, "text": "x"}), 429,
                 "rate_limited")


def test_wrong_codes_on_the_pages_count_for_the_api_too(client, get_csrf, whistle):
    _report_id, code = whistle
    token = get_csrf(client, "/receipt/")
    for _ in range(10):
        assert client.post("/receipt/", data={"code": WRONG, "csrf_token": token}
                           ).status_code == 404
    assert_error(client.post(LOOKUP, json={"code": code}), 429, "rate_limited")


# --- the audit ---------------------------------------------------------------------------

def test_every_read_is_audited_and_the_filers_own_are_not(api):
    filed = ok(api("sales2", "POST", **SUGGESTION), 201)
    for username in ("hr1", "hr1", "sales_lead", "sales2"):
        ok(api(username, "GET", f"/{filed['id']}"))
    views = db.session.execute(select(ReportAudit.actor_id).where(
        ReportAudit.report_id == filed["id"], ReportAudit.action == "view")).scalars().all()
    assert len(views) == 3
    ok(api("hr1", "GET"))  # a list is no view of a report
    assert db.session.scalar(select(func.count()).select_from(ReportAudit).where(
        ReportAudit.action == "view")) == 3


def test_the_document_lists_the_report_routes(client):
    doc = client.get(f"{API}/openapi.json").get_json()
    assert {"post", "get"} <= set(doc["paths"]["/api/v1/reports"])
    for path in ("/api/v1/reports/{report_id}/actions", "/api/v1/reports/{report_id}/messages"):
        assert set(doc["paths"][path]) >= {"post"}
    kinds = doc["components"]["schemas"]["NewReport"]["properties"]["kind"]["enum"]
    assert set(kinds) == {"suggestion", "complaint", "whistleblowing", "issue", "safety",
                          "customer"}
