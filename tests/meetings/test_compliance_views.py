"""Compliance pages: who sees which line, the department filter, the configuration pages."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from hub.extensions import db
from hub.meetings.obligation_demo import backdate_demo_reporting_lines, create_demo_obligations
from hub.meetings.obligation_models import AppraisalDate, CrossTeamPair
from tests.meetings.test_obligations import log_talk, org  # noqa: F401 - the fixture


def managers_on(html: str) -> list[str]:
    return re.findall(r'data-manager="([^"]+)"', html)


def test_sales_head_sees_their_line_an_employee_cannot(org, client, login):  # noqa: F811
    log_talk("one_on_one", org["sales_lead"], org["sales1"], datetime(2026, 3, 14, 2))
    login(client, org["sales_head"])
    page = client.get("/talks/compliance?month=2026-03")
    assert page.status_code == 200
    assert sorted(managers_on(page.text)) == ["sales_head", "sales_lead"]
    row = page.text.split('data-manager="sales_lead"')[1].split("</tr>")[0]
    assert re.search(r'data-testid="month-owed">4<', row)
    assert re.search(r'data-testid="month-held">1', row)
    east = page.text.split('data-department="华东销售组"')[1].split("</tr>")[0]
    assert re.search(r'data-testid="department-month-owed">4<', east)
    person = client.get(f"/talks/compliance/{org['sales_lead'].id}?month=2026-03")
    assert person.status_code == 200 and 'data-testid="owes"' in person.text
    # Outside the line: the GM's own list is not sales_head's business.
    assert client.get(f"/talks/compliance/{org['gm'].id}").status_code == 404
    assert client.get(f"/talks/compliance/{org['hr1'].id}").status_code == 404

    login(client, org["sales1"])
    assert client.get("/talks/compliance").status_code == 404
    assert client.get(f"/talks/compliance/{org['sales_lead'].id}").status_code == 404
    assert client.get(f"/talks/compliance/{org['sales1'].id}").status_code == 200
    due = client.get("/talks/due?month=2026-03")
    assert due.status_code == 200
    assert 'data-with="sales_lead"' in due.text and 'data-with="sales_head"' in due.text

    login(client, org["gmo"])
    everyone = client.get("/talks/compliance?month=2026-03")
    assert {"gm", "sales_head", "sales_lead"} <= set(managers_on(everyone.text))
    east = org["sales_lead"].department
    only_east = client.get(f"/talks/compliance?month=2026-03&department={east.id}")
    assert managers_on(only_east.text) == ["sales_lead"]


def test_department_filter_outside_ones_line_and_bad_month(org, client, login):  # noqa: F811
    login(client, org["sales_lead"])
    other = org["gm"].department
    page = client.get(f"/talks/compliance?department={other.id}&month=2026-13")
    assert page.status_code == 200
    assert "你不能查看该部门的执行情况" in page.text
    assert "请按“年-月”填写月份" in page.text
    assert managers_on(page.text) == ["sales_lead"]  # the filter is dropped, the line shown
    nonsense = client.get("/talks/compliance?department=x")
    assert nonsense.status_code == 200 and "请从列表中选择部门" in nonsense.text


def test_hr_configures_pairs_and_appraisal_dates(org, client, login, get_csrf):  # noqa: F811
    login(client, org["hr1"])
    token = get_csrf(client, "/talks/config")
    sales, gmo = org["sales_head"].department, org["gm"].department
    same = client.post("/talks/config/pairs", data={"csrf_token": token,
                                                    "leading": sales.id, "partner": sales.id})
    assert same.status_code == 400 and "请选择与主体部门不同的部门" in same.text
    assert client.post("/talks/config/pairs", data={
        "csrf_token": token, "leading": sales.id, "partner": gmo.id}).status_code == 302
    again = client.post("/talks/config/pairs", data={
        "csrf_token": token, "leading": gmo.id, "partner": sales.id})
    assert again.status_code == 400 and "已经是协作部门" in again.text
    assert db.session.scalar(select(CrossTeamPair)).leading_department_id == sales.id

    bad = client.post("/talks/config/appraisals", data={"csrf_token": token, "day": "2026-02-30",
                                                        "kind": "appraisal"})
    assert bad.status_code == 400 and "is-invalid" in bad.text
    assert client.post("/talks/config/appraisals", data={
        "csrf_token": token, "day": "2026-12-10", "kind": "appraisal",
        "title": "年度考核"}).status_code == 302
    assert db.session.scalar(select(AppraisalDate)).title == "年度考核"

    login(client, org["sales1"])
    assert client.get("/talks/config").status_code == 404
    assert client.post("/talks/config/pairs", data={
        "csrf_token": get_csrf(client, "/talks/due"), "leading": gmo.id,
        "partner": sales.id}).status_code == 404


def test_appeal_page(org, client, login, get_csrf):  # noqa: F811
    login(client, org["sales1"])
    token = get_csrf(client, "/talks/appeal")
    empty = client.post("/talks/appeal", data={"csrf_token": token, "reason": "  "})
    assert empty.status_code == 400 and "请填写此项" in empty.text
    assert client.post("/talks/appeal", data={"csrf_token": token,
                                              "reason": "绩效分配有异议"}).status_code == 302
    login(client, org["sales_head"])
    due = client.get("/talks/due")
    assert 'data-source="appeal"' in due.text and 'data-with="sales1"' in due.text
    login(client, org["sales_lead"])  # the direct manager does not see the appeal
    assert 'data-source="appeal"' not in client.get(
        f"/talks/compliance/{org['sales1'].id}").text
    login(client, org["gm"])  # top of the line: no skip-level superior
    assert "你没有隔级上级" in client.get("/talks/appeal").text


def test_demo_company(demo, client, login):
    """The demo's sales_head follows both sales groups; the demo has an appeal and 面谈."""
    backdate_demo_reporting_lines(demo)
    create_demo_obligations(demo)
    db.session.commit()
    login(client, demo["sales_head"])
    page = client.get("/talks/compliance")
    assert {"sales_head", "sales_lead", "sales_lead2"} <= set(managers_on(page.text))
    assert 'data-source="appeal"' in client.get("/talks/due").text
    login(client, demo["sales1"])
    due = client.get("/talks/due")
    assert 'data-with="sales_lead"' in due.text and 'data-with="sales_head"' in due.text
    login(client, demo["prod_head"])
    assert 'data-kind="underperformance"' in client.get("/talks/due").text
