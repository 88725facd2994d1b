"""The year-end reward list (年终酌情奖励): adopted suggestions of the year with their
rewards, for HR; the filer's name only in the audited Excel export, every cell text."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.suggestions import services as sv
from hub.suggestions.models import ReportAudit

REWARDS = "/suggestions/rewards"
FORMULA = "=cmd|' /C calc'!A0"


def adopted(demo, author, subject, amount, anonymous=False, now=None, answer=False):
    report = sv.file_report(demo[author], kind="suggestion", subject=subject, body="内容",
                            anonymous=anonymous, now=now).report
    sv.accept(report, demo["hr1"])
    sv.adopt(report, demo["hr1"], reason="节约成本", expected_benefit="每年约 2 万元",
             reward_amount=amount, reward_note="年终奖励")
    if answer:
        sv.answer(report, demo["hr1"], "已采纳，谢谢！")
    return report


@pytest.fixture
def suggestions(demo):
    named = adopted(demo, "sales2", FORMULA, "500")
    anonymous = adopted(demo, "prod1", "夜班增设班车", "200", anonymous=True, answer=True)
    declined = sv.file_report(demo["rd1"], kind="suggestion", subject="每周五下午茶",
                              body="内容", anonymous=False).report
    sv.accept(declined, demo["hr1"])
    sv.decline(declined, demo["hr1"], "预算不足")
    last_year = adopted(demo, "sales1", "去年的建议", "300",
                        now=utcnow() - timedelta(days=366))
    db.session.commit()
    return named, anonymous, declined, last_year


@pytest.fixture
def hr(client, demo, login):
    login(client, demo["hr1"])
    return client


def test_the_page_lists_the_years_adopted_suggestions_without_names(hr, demo, suggestions):
    named, anonymous, declined, last_year = suggestions
    html = hr.get(REWARDS).get_data(as_text=True)
    for report in (named, anonymous):
        assert f'data-report-id="{report.id}"' in html
    for report in (declined, last_year):
        assert f'data-report-id="{report.id}"' not in html
    assert 'data-testid="reward-total">700.00<' in html
    assert demo["sales2"].name not in html and "华东销售组" not in html
    earlier = hr.get(REWARDS, query_string={"year": last_year.year}).get_data(as_text=True)
    assert f'data-report-id="{last_year.id}"' in earlier
    assert not db.session.scalars(select(ReportAudit).where(ReportAudit.action == "export")
                                  ).all()


def test_the_export_names_named_filers_and_is_audited(hr, client, demo, login, suggestions):
    named, anonymous, *_ = suggestions
    year = local_date(utcnow()).year
    response = hr.get(f"{REWARDS}.xlsx")
    assert response.status_code == 200
    assert f"suggestion-rewards-{year}.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["编号"] == ("编号", "标题", "提交人", "部门", "决定", "理由", "预期效益",
                          "奖励金额（元）", "奖励说明")
    assert rows[named.number] == (named.number, FORMULA, demo["sales2"].name, "华东销售组",
                                  "采纳", "节约成本", "每年约 2 万元", 500, "年终奖励")
    assert rows[anonymous.number][2:4] == ("匿名", None)
    assert rows["合计"][7] == 700
    # Amounts are numbers; the subject that looks like a formula stays a subject.
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row
               if isinstance(c.value, str))
    (export,) = db.session.scalars(select(ReportAudit).where(ReportAudit.action == "export"))
    assert export.actor_id == demo["hr1"].id and export.unit_id == named.unit_id
    assert export.detail == f"rewards {year}"
    login(client, demo["hr_head"])
    html = client.get("/suggestions/audit").get_data(as_text=True)
    assert f"{year} 年合理化建议奖励名单" in html


def test_an_empty_year_exports_an_empty_list_and_is_audited_all_the_same(hr, demo):
    response = hr.get(f"{REWARDS}.xlsx", query_string={"year": 2001})
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["编号", "合计"]
    assert db.session.scalars(select(ReportAudit.detail).where(
        ReportAudit.action == "export")).all() == ["rewards 2001"]


@pytest.mark.parametrize("username", ["sales1", "sales_lead", "gmo", "admin", "prod_head"])
def test_the_list_is_for_hr_and_the_heads_of_units_only(client, demo, login, suggestions,
                                                        username):
    login(client, demo[username])
    assert client.get(REWARDS).status_code == 404
    assert client.get(f"{REWARDS}.xlsx").status_code == 404


def test_a_unit_head_sees_only_the_suggestions_they_may_see(client, demo, login, suggestions):
    login(client, demo["safety_head"])
    html = client.get(REWARDS).get_data(as_text=True)
    assert 'data-testid="no-rewards"' in html
    assert client.get(f"{REWARDS}.xlsx", query_string={"year": "x"}).status_code == 400
