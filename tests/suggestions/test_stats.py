"""Statistics of the report inbox: who may see them, what they count (only what the viewer
may see), the small-cell rule for the filer's department, and the Excel export."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.suggestions import services as sv
from hub.suggestions.stats import protect_cells, report_stats

STATS = "/suggestions/stats"


def file(author, kind="suggestion", anonymous=False, **kw):
    fields = {"subject": "建议", "body": "内容", **kw}
    return sv.file_report(author, kind=kind, anonymous=anonymous, **fields).report


@pytest.fixture
def reports(demo):
    """Six named suggestions from 生产部, two named reports from 华东销售组, one from 研发部,
    an anonymous report naming sales_lead (which hr2 is excluded from) and a safety hazard
    (安全环保部's)."""
    for n in range(6):
        file(demo[f"prod{n % 4 + 1}"], subject=f"生产建议{n}")
    file(demo["sales1"], kind="complaint", subject="差旅报销太慢")
    file(demo["sales2"], subject="统一采购")
    file(demo["rd1"], subject="代码评审制度")
    whistle = file(demo["sales3"], kind="whistleblowing", anonymous=True,
                   named_users=[demo["sales_lead"]])
    sv.exclude_handler(whistle, demo["hr_head"], demo["hr2"], "回避")
    file(demo["prod1"], kind="safety", subject="叉车刹车失灵")
    db.session.commit()
    return whistle


def this_year() -> int:
    return local_date(utcnow()).year


def test_who_may_see_the_statistics(demo):
    allowed = {name for name, user in demo.items() if sv.can_view_report_stats(user)}
    # HR, the heads of the handling units (HR, 安全环保部, 客服部, the GM office) and the
    # GM office, which counts in aggregate (tests/dashboard/test_report_figures.py).
    assert allowed == {"hr_head", "hr1", "hr2", "safety_head", "cs_head", "gm", "gmo"}


@pytest.mark.parametrize("counts, shown", [
    ({"a": 12, "b": 7}, {"a": 12, "b": 7}),
    ({"a": 3}, None),                                     # the named total gives it away
    ({"a": 6, "b": 2}, {"a": "≥5", "b": "<5"}),
    ({"a": 3, "b": 10}, {"a": "<5", "b": "≥5"}),
    ({"a": 2, "b": 3, "c": 9}, {"a": "<5", "b": "<5", "c": 9}),
    ({"a": 1, "b": 1, "c": 9}, {"a": "<5", "b": "<5", "c": "≥5"}),  # 1 + 1 = 2: both 1
    ({"a": 4, "b": 4}, None),                             # 8 = 4 + 4
    ({"a": 1, "b": 5}, None),                             # 6 = 1 + 5
    ({"a": 1, "b": 5, "c": 7}, {"a": "<5", "b": "≥5", "c": "≥5"}),
])
def test_no_small_department_cell_can_be_shown_or_worked_out(counts, shown):
    assert protect_cells(counts) == shown


def test_figures_count_only_what_the_viewer_may_see(demo, reports):
    hr = report_stats(demo["hr1"], this_year())
    assert (hr.total, hr.named, hr.anonymous) == (10, 9, 1)
    assert dict(hr.by_kind) == {"suggestion": 8, "complaint": 1, "whistleblowing": 1,
                                "issue": 0, "safety": 0, "customer": 0}
    assert dict(hr.by_status)["submitted"] == 10
    assert dict(hr.by_month)[local_date(utcnow()).month] == 10
    # 2 + 1 hidden: neither can be worked out from the sum 3, so 生产部 may show.
    assert {d.name: n for d, n in hr.by_department} == {"生产部": 6, "华东销售组": "<5",
                                                         "研发部": "<5"}
    # hr2 is excluded from the anonymous report: it is in none of their counts.
    assert report_stats(demo["hr2"], this_year()).total == 9
    safety = report_stats(demo["safety_head"], this_year())
    assert (safety.total, safety.by_department) == (1, None)   # one named hazard: withheld
    assert report_stats(demo["hr1"], this_year() - 1).total == 0


def test_the_page_shows_the_small_cells_as_less_than_five(client, demo, login, reports):
    login(client, demo["hr_head"])
    response = client.get(STATS)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "&lt;5" in html and "华东销售组" in html and "生产部" in html
    assert 'data-testid="total">10<' in html
    login(client, demo["safety_head"])
    assert 'data-testid="department-withheld"' in client.get(STATS).get_data(as_text=True)


@pytest.mark.parametrize("username", ["sales1", "sales_lead", "prod_head", "admin", "safety1"])
def test_nobody_else_finds_the_pages(client, demo, login, username):
    login(client, demo[username])
    for path in (STATS, f"{STATS}.xlsx"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "２０２６", "-1", "2026.0"])
def test_a_bad_year_shows_this_year_with_a_warning_and_no_export(client, demo, login, year):
    login(client, demo["hr1"])
    response = client.get(STATS, query_string={"year": year})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "请填写 2000 至 2100 之间的年份" in html and f"{this_year()} 年建议与举报统计" in html
    assert client.get(f"{STATS}.xlsx", query_string={"year": year}).status_code == 400


def test_another_year_and_the_export_with_counts_as_numbers(client, demo, login, reports):
    login(client, demo["hr1"])
    last = client.get(STATS, query_string={"year": this_year() - 1}).get_data(as_text=True)
    assert f"{this_year() - 1} 年建议与举报统计" in last
    response = client.get(f"{STATS}.xlsx", query_string={"year": this_year()})
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"report-stats-{this_year()}.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    departments = {row[0]: row[1] for row in book["按部门"].iter_rows(values_only=True)}
    assert departments["华东销售组"] == departments["研发部"] == "<5"
    assert departments["生产部"] == 6
    assert departments["匿名（无部门）"] == 1
