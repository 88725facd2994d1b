"""The survey pages and the API as people use them: HR builds a survey with the form, a
person answers it once (the second time a clear message, 409 in the API), bad input keeps
the form filled, a survey outside one's audience is a 404 on both."""
from __future__ import annotations

import re
from datetime import timedelta

from hub.common.time import utcnow
from hub.extensions import db
from hub.surveys.access import Audience
from hub.surveys.forms import to_form
from hub.surveys.models import Survey, SurveyParticipant
from tests.conftest import csrf_token
from tests.support.factories import bearer, sign_in
from tests.surveys.conftest import release_all


def _when(days: int) -> str:
    return to_form(utcnow() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_hr_builds_a_survey_with_the_form_and_bad_input_keeps_it_filled(app, client, company):
    """人力资源部“定期进行员工满意度调查问卷”: the builder page makes a survey with a score,
    a choice and a text question; a choice without options is refused next to the form,
    with everything typed kept; the page is a 404 for anybody but HR."""
    sign_in(client, company.hr)
    token = csrf_token(client, "/surveys/new")
    form = {"csrf_token": token, "kind": "standard", "title": "食堂满意度调查",
            "everyone": "y", "closes_at": _when(7),
            "questions-0-text": "饭菜质量", "questions-0-kind": "scale",
            "questions-1-text": "最想吃什么", "questions-1-kind": "choice",
            "questions-1-options": "",
            "questions-2-text": "其他建议", "questions-2-kind": "text"}
    refused = client.post("/surveys/new", data=form)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "单选题需要" in html and "食堂满意度调查" in html and "饭菜质量" in html
    for closes_at in ("下周五", "99999-01-01T00:00", ""):
        wrong = client.post("/surveys/new", data={**form, "closes_at": closes_at})
        assert wrong.status_code == 400
        assert "请填写有效的日期和时间。" in wrong.get_data(as_text=True) or not closes_at
    form["questions-1-options"] = "面条\n米饭\n饺子"
    made = client.post("/surveys/new", data=form)
    assert made.status_code == 302
    survey = db.session.scalar(db.select(Survey).where(Survey.title == "食堂满意度调查"))
    assert [q.kind for q in survey.questions] == ["scale", "choice", "text"]
    assert survey.questions[1].options == ["面条", "米饭", "饺子"]
    # 再加5道题 adds rows without saving anything
    more = client.post("/surveys/new", data={**form, "title": "另一份", "more": "y"})
    assert more.status_code == 200 and more.get_data(as_text=True).count(
        'data-testid="question-row"') == 10
    assert db.session.scalar(db.select(db.func.count()).select_from(Survey)) == 1
    upward = client.get("/surveys/new?template=upward").get_data(as_text=True)
    assert "上级公平对待团队成员" in upward
    sign_in(client, company.prod_head)
    assert client.get("/surveys/new").status_code == 404


def test_a_person_answers_once_on_the_page(app, client, company):
    """“定期进行员工满意度调查问卷”: the answer page takes the answers once; a missing
    score is shown next to its question with the other answers kept; a second answer is
    refused with a clear message (409)."""
    worker = company.add_workers(1)[0]
    survey = company.survey()
    scale, choice, text = survey.questions
    sign_in(client, worker)
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert 'data-testid="answer-form"' in page
    token = csrf_token(client, f"/surveys/{survey.id}")
    missing = client.post(f"/surveys/{survey.id}/answer", data={
        "csrf_token": token, f"q{choice.id}": "薪酬", f"q{text.id}": "多培训"})
    assert missing.status_code == 400
    html = missing.get_data(as_text=True)
    assert "第 1 题：请作答。" in html and "多培训" in html
    assert re.search(r'<input checked[^>]*value="薪酬"', html)
    done = client.post(f"/surveys/{survey.id}/answer", data={
        "csrf_token": token, f"q{scale.id}": "4", f"q{choice.id}": "薪酬",
        f"q{text.id}": "多培训"})
    assert done.status_code == 302
    assert db.session.get(SurveyParticipant, (survey.id, worker.id)) is not None
    again = client.post(f"/surveys/{survey.id}/answer", data={
        "csrf_token": token, f"q{scale.id}": "1", f"q{choice.id}": "培训"})
    assert again.status_code == 409
    assert "每人只能填写一次" in again.get_data(as_text=True)
    assert release_all() == 1


def test_api_contract(app, client, company):
    """“定期进行员工满意度调查问卷”: POST /api/v1/surveys (HR only), the caller's list with
    answered_by_me, one survey with question ids, one response (201, then 409), results
    for HR (null figures per department under 5), 404 outside the audience."""
    worker, = company.add_workers(1)
    outsider = company.add_rd(1)[0]
    hr = bearer(company.hr)
    body = {"title": "生产部满意度调查", "description": "匿名",
            "questions": [{"text": "满意吗", "kind": "scale"},
                          {"text": "选一个", "kind": "choice", "options": ["甲", "乙"]},
                          {"text": "说说看", "kind": "text"}],
            "audience": {"department_ids": [company.prod.id]},
            "closes_at": (utcnow() + timedelta(days=5)).isoformat() + "+00:00"}
    assert client.post("/api/v1/surveys", json=body, headers=bearer(worker)).status_code == 403
    bad = client.post("/api/v1/surveys", json={**body, "questions": [
        {"text": "选一个", "kind": "choice", "options": ["甲"]}]}, headers=hr)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "validation_error"
    made = client.post("/api/v1/surveys", json=body, headers=hr)
    assert made.status_code == 201
    survey = made.get_json()
    assert survey["status"] == "open" and survey["audience"]["department_ids"] == [company.prod.id]
    assert [q["kind"] for q in survey["questions"]] == ["scale", "choice", "text"]
    mine = bearer(worker)
    todo = client.get("/api/v1/me/todo", headers=mine).get_json()["items"]
    assert [(t["kind"], t["title"]) for t in todo] == [("survey_answer", "生产部满意度调查")]
    listed = client.get("/api/v1/surveys", headers=mine).get_json()
    assert listed["total"] == 1 and listed["items"][0]["answered_by_me"] is False
    one = client.get(f"/api/v1/surveys/{survey['id']}", headers=mine).get_json()
    assert one["answered_by_me"] is False and "invited" not in one and "audience" not in one
    ids = [q["id"] for q in one["questions"]]
    answers = {"answers": [{"question_id": ids[0], "value": 5},
                           {"question_id": ids[1], "value": "乙"},
                           {"question_id": ids[2], "value": "很好"}]}
    wrong = client.post(f"/api/v1/surveys/{survey['id']}/responses", headers=mine,
                        json={"answers": [{"question_id": ids[0], "value": 9}]})
    assert wrong.status_code == 400 and str(ids[0]) in wrong.get_json()["error"]["fields"]
    first = client.post(f"/api/v1/surveys/{survey['id']}/responses", json=answers, headers=mine)
    assert first.status_code == 201 and first.get_json() == {"status": "received"}
    second = client.post(f"/api/v1/surveys/{survey['id']}/responses", json=answers, headers=mine)
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "conflict"
    assert client.get("/api/v1/surveys", headers=mine).get_json()["items"][0]["answered_by_me"]
    release_all()
    results = client.get(f"/api/v1/surveys/{survey['id']}/results", headers=hr).get_json()
    assert results["invited"] == 2 and results["responded"] == 1 and results["rate"] == 0.5
    assert results["questions"][0]["mean"] == 5.0
    assert results["departments"][0]["responded"] is None
    other = bearer(outsider)
    assert client.get(f"/api/v1/surveys/{survey['id']}", headers=other).status_code == 404
    assert client.post(f"/api/v1/surveys/{survey['id']}/responses", json=answers,
                       headers=other).status_code == 404
    assert client.get("/api/v1/surveys", headers=other).get_json()["total"] == 0
    sign_in(client, outsider)
    assert client.get(f"/surveys/{survey['id']}").status_code == 404
    # HR closes it; answering is over.
    closed = client.post(f"/api/v1/surveys/{survey['id']}/close", headers=hr)
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert client.post(f"/api/v1/surveys/{survey['id']}/close", headers=hr).status_code == 409


def test_a_survey_not_yet_open_is_hidden_from_its_audience_and_editable(app, client, company):
    """“定期进行员工满意度调查问卷”: before it opens, HR may still change a survey; its
    audience cannot see it yet."""
    worker = company.add_workers(1)[0]
    survey = company.survey(opens_in=timedelta(days=2),
                            audience=Audience(department_ids=(company.prod.id,)))
    assert client.get(f"/api/v1/surveys/{survey.id}", headers=bearer(worker)).status_code == 404
    hr = bearer(company.hr)
    changed = client.patch(f"/api/v1/surveys/{survey.id}", headers=hr, json={
        "title": "改期的调查", "questions": [{"text": "满意吗", "kind": "scale"}],
        "audience": {"all": True},
        "opens_at": (utcnow() + timedelta(days=1)).isoformat() + "+00:00",
        "closes_at": (utcnow() + timedelta(days=9)).isoformat() + "+00:00"})
    assert changed.status_code == 200 and changed.get_json()["title"] == "改期的调查"
    sign_in(client, company.hr)
    assert client.get(f"/surveys/{survey.id}/edit").status_code == 200
    survey.opens_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.patch(f"/api/v1/surveys/{survey.id}", headers=hr, json={
        "title": "x", "questions": [{"text": "满意吗", "kind": "scale"}],
        "audience": {"all": True},
        "closes_at": (utcnow() + timedelta(days=9)).isoformat() + "+00:00"}).status_code == 409
    assert client.get(f"/surveys/{survey.id}/edit").status_code == 302


def test_odd_input_is_a_400_never_a_500(app, client, company):
    """“定期进行员工满意度调查问卷”: whatever a client sends, the answer is a clear refusal,
    never a server error."""
    worker = company.add_workers(1)[0]
    survey = company.survey()
    ids = [q.id for q in survey.questions]
    mine = bearer(worker)
    bodies = [None, [], {"answers": "x"}, {"answers": [1, 2]},
              {"answers": [{"question_id": ids[0], "value": {"a": 1}}]},
              {"answers": [{"question_id": ids[0], "value": [4]}]},
              {"answers": [{"question_id": ids[0], "value": True}]},
              {"answers": [{"question_id": ids[0], "value": 4.5}]},
              {"answers": [{"question_id": ids[0], "value": 10**30}]},
              {"answers": [{"question_id": ids[1], "value": ["培训"]}]},
              {"answers": [{"question_id": ids[2], "value": {"t": "x"}}]},
              {"answers": [{"question_id": 2**40, "value": 1}]},
              {"answers": [{"question_id": ids[0], "value": "\u0000"}]}]
    for body in bodies:
        response = client.post(f"/api/v1/surveys/{survey.id}/responses", json=body,
                               headers=mine)
        assert response.status_code == 400, (body, response.status_code)
    hr = bearer(company.hr)
    for body in [{"title": "x", "audience": {"all": True}, "closes_at": "明天"},
                 {"title": "x", "audience": {"department_ids": [999999]},
                  "questions": [{"text": "a", "kind": "scale"}],
                  "closes_at": "2030-01-01T00:00:00+08:00"},
                 {"title": "x" * 500, "audience": {"all": True},
                  "questions": [{"text": "a", "kind": "scale"}],
                  "closes_at": "2030-01-01T00:00:00+08:00"},
                 {"title": "x", "audience": {"all": True}, "kind": "other",
                  "closes_at": "2030-01-01T00:00:00+08:00"}]:
        response = client.post("/api/v1/surveys", json=body, headers=hr)
        assert response.status_code == 400, (body, response.status_code)
    sign_in(client, worker)
    token = csrf_token(client, f"/surveys/{survey.id}")
    page = client.post(f"/surveys/{survey.id}/answer", data={
        "csrf_token": token, f"q{ids[0]}": "nine", f"q{ids[1]}": "x" * 5000})
    assert page.status_code == 400
    assert client.get("/surveys/?page=-5").status_code == 200
    assert client.get(f"/surveys/{survey.id}/results?department=abc").status_code == 404
