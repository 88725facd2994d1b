"""The demo company's surveys show something real on every page: answers in the yearly
survey with one department over the threshold, and upward feedback the GM may read."""
from __future__ import annotations

from hub.extensions import db
from hub.surveys.demo import create_demo_surveys
from hub.workbench.services import workbench_of
from tests.support.factories import bearer


def test_demo_surveys_have_results_to_show(app, client, demo):
    """人力资源部“定期进行员工满意度调查问卷”; 管理人员“须时常了解员工对自己管理风格、管理方式的
    意见和建议”: the demo's yearly survey shows 生产部's figures and hides 研发部's three;
    the GM reads the upward feedback of a team of five; sales1 has a survey to answer."""
    create_demo_surveys(demo)
    db.session.commit()
    hr = bearer(demo["hr1"])
    listed = client.get("/api/v1/surveys", headers=hr).get_json()["items"]
    yearly = next(s for s in listed if s["title"] == "2026年度员工满意度调查")
    upward = next(s for s in listed if s["kind"] == "upward")
    assert yearly["status"] == upward["status"] == "open"
    results = client.get(f"/api/v1/surveys/{yearly['id']}/results", headers=hr).get_json()
    assert results["responded"] == 8 and results["counted"] == 8
    groups = {g["name"]: g for g in results["departments"]}
    assert groups["生产部"]["responded"] == 5
    assert groups["研发部"]["responded"] is None
    team = client.get(f"/api/v1/surveys/{upward['id']}/results",
                      headers=bearer(demo["gm"])).get_json()
    assert team["responded"] == 5
    assert client.get(f"/api/v1/surveys/{upward['id']}/results",
                      headers=bearer(demo["sales_head"])).status_code == 404
    assert {yearly["id"], upward["id"]} <= workbench_of(demo["sales1"]).item_ids("survey_answer")
