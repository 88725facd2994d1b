"""信息反馈 through the API (API.md ``/api/v1/feedback…``) and who may see which report: the
person who owes it and its recipient, nobody else (404)."""
from __future__ import annotations

from datetime import date, timedelta

from hub.extensions import db
from hub.feedback.models import FeedbackReport
from hub.feedback.periods import Period
from hub.feedback.services import open_due_reports
from tests.feedback.conftest import backdate_people
from tests.support.factories import bearer, company_today


def opened(company):
    backdate_people(company.head, company.lead, company.rep1, company.rep2, company.cs_head)
    open_due_reports()
    db.session.commit()
    return Period.of("weekly", company_today()).previous.key


def test_due_lists_what_the_caller_owes_with_status_and_due_date(client, company, obligations):
    """GET /api/v1/feedback/due: kind, period, due_date, status of each report the caller
    owes; filing it (POST /api/v1/feedback) takes it off; a second filing is a 409."""
    week = opened(company)
    headers = bearer(company.rep1)
    due = client.get("/api/v1/feedback/due", headers=headers).get_json()["items"]
    mine = {(item["kind"], item["period"]): item for item in due}
    item = mine[("sales_weekly", week)]
    assert item["status"] in ("owed", "overdue") and item["due_date"] >= item["opens_on"]
    assert item["person"]["username"] == "sales1"
    assert item["recipient"]["username"] == "sales_head"
    assert "body" not in item and "filed_at" not in item

    answer = client.post("/api/v1/feedback", headers=headers,
                         json={"kind": "sales_weekly", "period": week, "body": "本周新客户 2 家。"})
    assert answer.status_code == 201, answer.get_json()
    filed = answer.get_json()
    assert filed["body"] == "本周新客户 2 家。" and filed["status"] in ("filed", "late")
    assert filed["id"] == item["id"] and filed["filed_at"]
    due = client.get("/api/v1/feedback/due", headers=headers).get_json()["items"]
    assert ("sales_weekly", week) not in {(i["kind"], i["period"]) for i in due}
    with_period = client.get(f"/api/v1/feedback/due?period={week}", headers=headers).get_json()
    assert [i["status"] for i in with_period["items"]] == [filed["status"]]

    again = client.post("/api/v1/feedback", headers=headers,
                        json={"kind": "sales_weekly", "period": week, "body": "再交"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_bad_filings_are_400_with_fields(client, company, obligations):
    opened(company)
    headers = bearer(company.rep1)
    for body, field in [({"kind": "sales_weekly", "period": "2026-13", "body": "x"}, "period"),
                        ({"kind": "sales_weekly", "period": "2026-W49"}, "body"),
                        ({"kind": "sales_weekly", "period": "2026-12", "body": "x"}, "period"),
                        ({"period": "2026-W49", "body": "x"}, "kind")]:
        answer = client.post("/api/v1/feedback", headers=headers, json=body)
        assert answer.status_code == 400, body
        error = answer.get_json()["error"]
        assert error["code"] == "validation_error" and field in error["fields"], (body, error)
    assert client.get("/api/v1/feedback/due?period=soon", headers=headers).status_code == 400


def test_a_report_is_seen_by_who_owes_it_and_who_receives_it_only(client, company,
                                                                   obligations):
    """The rep and the head of 市场部 (who collects and summarises) see the rep's report; the
    head's summary is seen by the head and the GM it goes to.  Colleagues, the rep's direct
    lead, HR, the admin and the GM (for the rep's report) get a 404, in the list too."""
    week = opened(company)
    client.post("/api/v1/feedback", headers=bearer(company.rep1),
                json={"kind": "sales_weekly", "period": week, "body": "华东区本周情况"})
    report = db.session.scalar(db.select(FeedbackReport).where(
        FeedbackReport.person_id == company.rep1.id, FeedbackReport.period == week,
        FeedbackReport.role == "report"))
    summary = db.session.scalar(db.select(FeedbackReport).where(
        FeedbackReport.person_id == company.head.id, FeedbackReport.period == week,
        FeedbackReport.role == "summary"))
    may = {report.id: {"sales1", "sales_head"}, summary.id: {"sales_head", "gm"}}
    people = [company.rep1, company.rep2, company.lead, company.head, company.gm, company.hr,
              company.admin, company.other, company.cs_head]
    for person in people:
        headers = bearer(person)
        listed = {i["id"] for i in client.get("/api/v1/feedback?per_page=100",
                                              headers=headers).get_json()["items"]}
        for row_id, allowed in may.items():
            answer = client.get(f"/api/v1/feedback/{row_id}", headers=headers)
            seen = person.username in allowed
            assert answer.status_code == (200 if seen else 404), (person.username, row_id)
            assert (row_id in listed) is seen, (person.username, row_id)
    head_list = client.get(f"/api/v1/feedback?kind=sales_weekly&period={week}",
                           headers=bearer(company.head)).get_json()
    assert {i["person"]["username"] for i in head_list["items"]} >= {
        "sales1", "sales2", "sales_lead", "sales_head"}
    by_person = {i["person"]["username"]: i for i in head_list["items"] if i["role"] == "report"}
    assert by_person["sales1"]["body"] == "华东区本周情况"
    assert "body" not in by_person["sales2"]  # not filed: the head sees who is missing
    assert by_person["sales2"]["status"] in ("owed", "overdue")


def test_the_workbench_lists_the_owed_reports_with_their_due_day(client, company,
                                                                 obligations):
    """The owed reports are in the caller's to-do list (GET /api/v1/me/todo), gone once
    filed."""
    week = opened(company)
    headers = bearer(company.rep1)
    todo = client.get("/api/v1/me/todo", headers=headers).get_json()["items"]
    owed = [i for i in todo if i["kind"] == "feedback_due"]
    assert any(week in i["title"] and "销售信息反馈表（周）" in i["title"] for i in owed), todo
    assert all(i["due_at"] for i in owed)
    client.post("/api/v1/feedback", headers=headers,
                json={"kind": "sales_weekly", "period": week, "body": "已交"})
    todo = client.get("/api/v1/me/todo", headers=headers).get_json()["items"]
    assert not [i for i in todo if i["kind"] == "feedback_due" and week in i["title"]]
    assert not [i for i in client.get("/api/v1/me/todo", headers=bearer(company.other))
                .get_json()["items"] if i["kind"] == "feedback_due"]


def test_the_head_reports_the_summary_to_his_manager(client, company, obligations):
    """"市场部在一周内将信息分析汇总，上报主管副总经理" — the head of 市场部 files the period's
    summary (``summary: true``); it goes to his manager, who reads it; it is due a week after
    the reports."""
    week = opened(company)
    answer = client.post("/api/v1/feedback", headers=bearer(company.head), json={
        "kind": "sales_weekly", "period": week, "summary": True, "body": "本周汇总：竞品降价。"})
    assert answer.status_code == 201, answer.get_json()
    summary = answer.get_json()
    assert (summary["role"], summary["recipient"]["username"]) == ("summary", "gm")
    reports = client.get(f"/api/v1/feedback/due?period={week}",
                         headers=bearer(company.rep1)).get_json()["items"]
    assert date.fromisoformat(summary["due_date"]) == \
        date.fromisoformat(reports[0]["due_date"]) + timedelta(days=7)
    seen = client.get(f"/api/v1/feedback/{summary['id']}", headers=bearer(company.gm))
    assert seen.status_code == 200 and seen.get_json()["body"] == "本周汇总：竞品降价。"
    refused = client.post("/api/v1/feedback", headers=bearer(company.rep1), json={
        "kind": "sales_weekly", "period": week, "summary": True, "body": "我来汇总"})
    assert refused.status_code == 400 and "kind" in refused.get_json()["error"]["fields"]
