"""The GM office's monthly statistics: the figures on a controlled set of letters, the page
(GM office only), and the Excel export in which every cell is text."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.stats import monthly_stats

SEPTEMBER = Month(2026, 9)
NOW = datetime(2026, 10, 20, 4, 0)  # 20 October 2026, 12:00 in Shanghai


def at(month: int, day: int, hour: int = 10) -> datetime:
    """``hour`` o'clock in Shanghai on a day of 2026, as stored (naive UTC)."""
    return datetime(2026, month, day, hour) - timedelta(hours=8)


@pytest.fixture
def september(demo):
    """Letters around September 2026 (the 20th is a 调休 Sunday, the 25th–27th Mid-Autumn):

    A  filed 28 Aug, accepted late on 2 Sep, 生产部 late (due 4 Sep, resolved 8 Sep),
       answered 9 Sep: 8 working days, 12 calendar days
    B  filed 3 Sep, answered by the office on 7 Sep (2 / 4), archived
    C  filed Friday 18 Sep, rejected Monday 21 Sep (2 working days across the 调休 Sunday / 3)
    D  anonymous, filed 14 Sep, never accepted: overdue since 16 Sep
    E  filed 15 Sep, 财务部 (due 18 Sep) then re-assigned on 17 Sep to 研发部 (due 9 Oct), open
    F  filed 21 Sep, 生产部 late (due 24 Sep, resolved 29 Sep), answered in October
    G  filed in October
    """
    office, prod, fin, rd = (demo["gmo"], demo["prod_head"].department,
                             demo["fin_head"].department, demo["rd_head"].department)

    def file(author, category, filed, **kw):
        return mb.file_letter(demo[author], subject=f"{category} {filed:%m-%d}", body="内容",
                              category=category, now=filed, **kw).letter

    a = file("sales1", "suggestion", at(8, 28))
    mb.accept(a, office, at=at(9, 2))
    mb.assign(a, office, department=prod, due_date=date(2026, 9, 4), at=at(9, 2, 11))
    mb.resolve(a, demo["prod_head"], "已处理", at=at(9, 8, 15))
    mb.answer(a, office, "已答复", at=at(9, 9))

    b = file("sales2", "complaint", at(9, 3, 9))
    mb.accept(b, office, at=at(9, 3, 14))
    mb.answer(b, office, "已答复", at=at(9, 7))
    mb.archive(b, office, at=at(9, 8))

    c = file("prod1", "issue", at(9, 18))
    mb.reject(c, office, "不属于受理范围", at=at(9, 21))

    file("sales1", "other", at(9, 14), anonymous=True)

    e = file("sales1", "suggestion", at(9, 15, 9))
    mb.accept(e, office, at=at(9, 15, 11))
    mb.assign(e, office, department=fin, due_date=date(2026, 9, 18), at=at(9, 16))
    mb.assign(e, office, department=rd, due_date=date(2026, 10, 9), at=at(9, 17))

    f = file("prod2", "suggestion", at(9, 21))
    mb.accept(f, office, at=at(9, 22))
    mb.assign(f, office, department=prod, due_date=date(2026, 9, 24), at=at(9, 22, 11))
    mb.resolve(f, demo["prod_head"], "已处理", at=at(9, 29))
    mb.answer(f, office, "已答复", at=at(10, 9))

    g = file("sales2", "complaint", at(10, 12))
    mb.accept(g, office, at=at(10, 12, 15))
    db.session.commit()


def test_monthly_figures(app, demo, september):
    stats = monthly_stats(SEPTEMBER, now=NOW)
    assert (stats.received, stats.accepted, stats.answered, stats.rejected) == (5, 4, 2, 1)
    assert stats.avg_working_days == 4.0  # (8 + 2 + 2) / 3
    assert stats.avg_calendar_days == 6.3  # (12 + 4 + 3) / 3
    assert (stats.acceptance_overdue_in_month, stats.acceptance_overdue_now) == (2, 1)
    assert (stats.overdue_in_month, stats.overdue_now) == (4, 2)

    by_department = {r.department.name: (r.assigned, r.resolved, r.overdue_in_month,
                                         r.overdue_now) for r in stats.departments}
    assert by_department == {"生产部": (2, 2, 2, 0), "财务部": (1, 0, 0, 0),
                             "研发部": (1, 0, 0, 1)}
    by_category = {r.category: (r.received, r.answered, r.rejected, r.avg_working_days)
                   for r in stats.categories}
    assert by_category == {"suggestion": (2, 1, 0, 8.0), "complaint": (1, 1, 0, 2.0),
                           "issue": (1, 0, 1, 2.0), "other": (1, 0, 0, None)}


def test_neighbouring_months(app, demo, september):
    august = monthly_stats(Month(2026, 8), now=NOW)
    assert (august.received, august.accepted, august.answered) == (1, 0, 0)
    assert august.overdue_in_month == 0 and august.departments == []
    october = monthly_stats(Month(2026, 10), now=NOW)
    assert (october.received, october.accepted, october.answered) == (1, 1, 1)
    # D is still waiting for acceptance; 研发部's letter passed its due date on 9 October.
    assert october.acceptance_overdue_in_month == 1
    assert {r.department.name: r.overdue_in_month for r in october.departments} == {"研发部": 1}


def test_an_empty_month(app, demo):
    stats = monthly_stats(Month(2026, 2))
    assert (stats.received, stats.answered, stats.overdue_now) == (0, 0, 0)
    assert stats.avg_working_days is None and stats.departments == []


@pytest.mark.parametrize("text, month", [("2026-09", Month(2026, 9)),
                                         (" 2026-12 ", Month(2026, 12))])
def test_months_are_parsed(text, month):
    assert Month.parse(text) == month
    assert str(month) == text.strip()


@pytest.mark.parametrize("text", ["", None, "2026-13", "2026-00", "2026-9", "26-09", "1999-01",
                                  "2026-09-01", "九月", "2026-09\x00", "9" * 10_000])
def test_nonsense_months_are_refused(text):
    with pytest.raises(ValueError):
        Month.parse(text)


def test_months_step_across_years():
    assert Month(2026, 12).next == Month(2027, 1)
    assert Month(2026, 1).previous == Month(2025, 12)
    assert Month(2026, 1) < Month(2026, 2)


# --- the page ---------------------------------------------------------------------------

def figure(html: str, key: str) -> str:
    match = re.search(rf'data-testid="{key}">([^<]*)<', html)
    assert match, key
    return match.group(1).strip()


def test_the_office_sees_the_month(client, demo, login, september):
    login(client, demo["gmo"])
    response = client.get("/mailbox/stats", query_string={"month": "2026-09"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "2026-09 月度统计" in html
    assert [figure(html, k) for k in ("received", "accepted", "answered", "rejected",
                                      "overdue_in_month", "overdue_now")] == \
        ["5", "4", "2", "1", "4", "2"]
    assert figure(html, "avg_working_days") == "4.0 天"
    assert "研发部" in html and "财务部" in html
    assert 'href="/mailbox/stats.xlsx?month=2026-09"' in html
    assert 'href="/mailbox/stats?month=2026-08"' in html


def test_the_page_defaults_to_this_month_and_explains_a_bad_month(client, demo, login):
    login(client, demo["gm"])
    this_month = str(Month.of(utcnow()))
    assert f"{this_month} 月度统计" in client.get("/mailbox/stats").get_data(as_text=True)
    for bad in ("2026-13", "<script>", "9" * 5000):
        response = client.get("/mailbox/stats", query_string={"month": bad})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f"{this_month} 月度统计" in html and "请按“年-月”填写月份" in html
        assert "<script>" not in html


@pytest.mark.parametrize("username", ["sales1", "prod_head", "hr1", "hr_head", "admin"])
def test_only_the_gm_office_may_see_statistics(client, demo, login, username):
    login(client, demo[username])
    assert client.get("/mailbox/stats").status_code == 404
    assert client.get("/mailbox/stats.xlsx").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/mailbox/stats.xlsx?month=2026-09")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- the export -------------------------------------------------------------------------

NASTY_SUBJECTS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "=HYPERLINK(\"x\")",
                  "=1+1", "0042", "3.14"]


def test_the_export_keeps_subjects_as_text_and_counts_as_numbers(client, demo, login):
    for subject in NASTY_SUBJECTS:
        mb.file_letter(demo["sales1"], subject=subject, body="b", category="other")
    mb.file_letter(demo["sales2"], subject="响铃\x07字符", body="b", category="other")
    db.session.commit()
    login(client, demo["gmo"])
    month = str(Month.of(utcnow()))
    response = client.get("/mailbox/stats.xlsx", query_string={"month": month})
    assert response.status_code == 200
    assert response.mimetype == \
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="gm-mailbox-{month}.xlsx"')
    assert "filename*=UTF-8''" in disposition

    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["概况", "按部门", "按类别", "来信明细"]
    subjects = [row[3] for row in book["来信明细"].iter_rows(min_row=2)]
    # Text stays text ("0042" and "3.14" too), never a formula.
    assert [c.value for c in subjects] == [*NASTY_SUBJECTS, "响铃字符"]
    assert all(c.data_type == "s" for c in subjects)
    summary = {row[0].value: row[1].value for row in book["概况"].iter_rows()}
    assert summary["月份"] == month and summary["收信"] == 9


def test_the_export_holds_no_writers(client, demo, login, september):
    login(client, demo["gmo"])
    book = load_workbook(io.BytesIO(client.get("/mailbox/stats.xlsx?month=2026-09").data))
    text = " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows()
                    for cell in row)
    for username in ("sales1", "sales2", "prod1", "prod2"):
        assert username not in text and demo[username].name not in text
    assert len(list(book["来信明细"].iter_rows(min_row=2))) == 5


def test_an_export_of_a_bad_month_is_refused(client, demo, login):
    login(client, demo["gmo"])
    assert client.get("/mailbox/stats.xlsx", query_string={"month": "2026-13"}).status_code \
        == 400
