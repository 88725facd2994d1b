"""The audit log of a handling unit: every view of a report through the pages and the API
is one row, and nothing else is; only the unit's head reads it; the export is a row too."""
from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from hub.extensions import db
from hub.suggestions import services as sv
from hub.suggestions.models import ReportAudit

AUDIT = "/suggestions/audit"


@pytest.fixture
def suggestion(demo):
    report = sv.file_report(demo["sales2"], kind="suggestion", subject="建议统一采购办公用品",
                            body="集中采购可以节省约 10% 费用。", anonymous=False).report
    db.session.commit()
    return report


@pytest.fixture
def signed_in(app, demo, login):
    """``signed_in(username)``: a client with that demo user's session."""

    def make(username: str):
        client = app.test_client()
        login(client, demo[username])
        return client

    return make


def view_rows(report_id: int | None = None) -> list[ReportAudit]:
    stmt = select(ReportAudit).where(ReportAudit.action == "view")
    if report_id is not None:
        stmt = stmt.where(ReportAudit.report_id == report_id)
    return list(db.session.scalars(stmt))


def test_each_audit_row_is_a_real_view(client, demo, signed_in, bearer, suggestion):
    page = f"/suggestions/reports/{suggestion.id}"
    api = f"/api/v1/reports/{suggestion.id}"
    made = Counter()
    for username, through, times in [("hr1", "page", 2), ("hr1", "api", 1),
                                     ("hr_head", "page", 1), ("hr2", "api", 2),
                                     ("sales_lead", "page", 1)]:
        browser = signed_in(username)
        headers = bearer(demo[username])
        for _ in range(times):
            response = browser.get(page) if through == "page" else client.get(api,
                                                                               headers=headers)
            assert response.status_code == 200, (username, through)
            made[username] += 1
    # No row: the filer's own views, refused views, lists, and reading the log itself.
    assert signed_in("sales2").get(page).status_code == 200
    assert client.get(api, headers=bearer(demo["sales2"])).status_code == 200
    for username in ("sales1", "prod_head", "gmo"):
        assert signed_in(username).get(page).status_code == 404
        assert client.get(api, headers=bearer(demo[username])).status_code == 404
    assert client.get("/api/v1/reports", headers=bearer(demo["hr1"])).status_code == 200
    head = signed_in("hr_head")
    assert signed_in("hr1").get("/suggestions/queue").status_code == 200
    html = head.get(AUDIT).get_data(as_text=True)
    head.get(AUDIT)  # reading the log again adds nothing either

    rows = view_rows(suggestion.id)
    assert Counter(row.actor.username for row in rows) == made
    assert len(view_rows()) == sum(made.values())
    shown = re.findall(rf'data-testid="audit-row" data-action="view" '
                       rf'data-report-id="{suggestion.id}"', html)
    assert len(shown) == sum(made.values())


def test_only_the_head_of_the_unit_reads_its_log(demo, signed_in, suggestion):
    assert signed_in("hr_head").get(AUDIT).status_code == 200
    assert signed_in("hr_head").get(AUDIT, query_string={"unit": "hr"}).status_code == 200
    for query, status in [({"unit": "safety"}, 404), ({"unit": "nonsense"}, 404),
                          ({"unit": ""}, 200), ({"page": "x"}, 200), ({"page": "-5"}, 200)]:
        assert signed_in("hr_head").get(AUDIT, query_string=query).status_code == status, query
    assert signed_in("safety_head").get(AUDIT, query_string={"unit": "safety"}
                                        ).status_code == 200
    assert signed_in("gm").get(AUDIT).status_code == 200     # heads the GM office
    for username in ("hr1", "hr2", "sales1", "admin", "gmo", "safety1"):
        browser = signed_in(username)
        assert browser.get(AUDIT).status_code == 404, username
        assert browser.get(f"{AUDIT}.xlsx").status_code == 404, username


def test_rows_about_a_report_the_head_may_not_see_are_left_out(demo, signed_in):
    report = sv.file_report(demo["sales1"], kind="whistleblowing", subject="人事经理收受红包",
                            body="……", named_users=[demo["hr_head"]]).report
    db.session.commit()
    assert signed_in("hr1").get(f"/suggestions/reports/{report.id}").status_code == 200
    assert len(view_rows(report.id)) == 1
    html = signed_in("hr_head").get(AUDIT).get_data(as_text=True)
    assert f'data-report-id="{report.id}"' not in html and report.number not in html


def test_the_export_is_a_file_with_dates_and_an_audit_row(demo, signed_in, suggestion):
    hr1 = signed_in("hr1")
    hr1.get(f"/suggestions/reports/{suggestion.id}")
    response = signed_in("hr_head").get(f"{AUDIT}.xlsx")
    assert response.status_code == 200
    assert "report-audit-hr.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    (sheet,) = book.worksheets
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("时间", "人员", "操作", "事项", "说明")
    assert (demo["hr1"].name, "查看", suggestion.number) in [r[1:4] for r in rows]
    assert all(row[0].is_date for row in sheet.iter_rows(min_row=2))
    exports = db.session.scalars(select(ReportAudit).where(ReportAudit.action == "export"))
    (export,) = exports
    assert export.actor_id == demo["hr_head"].id and export.unit_id == suggestion.unit_id
    html = signed_in("hr_head").get(AUDIT).get_data(as_text=True)
    assert re.search(r'data-action="export".*?<td>审计日志</td>', html, re.S)
    assert db.session.scalar(select(func.count()).select_from(ReportAudit)
                             .where(ReportAudit.action == "view")) == 1
