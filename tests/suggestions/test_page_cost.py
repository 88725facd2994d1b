"""A list of reports costs its page, not the database: who may see what is answered in SQL,
so a list loads only the reports of its page (ORM objects counted with 100 and with 5 000
reports in the database: bounded by the page size, the same in both), and every list page
runs the same number of SQL statements at 5 and at 50 rows, at most 12."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import HandlingUnit
from hub.suggestions.models import Report, ReportAudit, ReportEvent
from tests.support.sqlcount import loaded_objects, statements

#: (person, list page) — the HR queue, an employee's own list, a reviewing head's list,
#: the API's list, and the oversight pages
LISTS = [
    ("hr1", "/suggestions/queue"),
    ("hr_head", "/suggestions/queue?sort=urgency"),
    ("prod1", "/suggestions/"),
    ("sales_lead", "/suggestions/?show=department"),
    ("hr1", "/api/v1/reports?per_page=50"),
    ("hr_head", "/suggestions/audit?unit=hr"),
]
#: the year's figures and reward list (they count the whole year)
OVERSIGHT = [
    ("hr_head", "/suggestions/rewards"),
    ("hr_head", "/suggestions/stats"),
]


def add_reports(demo, count: int, start: int) -> None:
    """``count`` reports in one statement: a third filed under prod1's name, a third named
    suggestions from sales2 (adopted, for the reward list), a third anonymous complaints."""
    hr = db.session.scalar(select(HandlingUnit).where(HandlingUnit.code == "hr"))
    now = utcnow().replace(microsecond=0)
    year = now.year
    rows = []
    for n in range(start, start + count):
        author = (demo["prod1"], demo["sales2"], None)[n % 3]
        filed = now - timedelta(minutes=n)
        rows.append({
            "number": f"TS-{year}-{n:06d}", "kind": ("issue", "suggestion", "complaint")[n % 3],
            "year": year, "seq": n, "subject": f"事项 {n}", "body": "正文",
            "anonymous": author is None, "author_id": author.id if author else None,
            "author_department_id": author.department_id if author else None,
            "unit_id": hr.id, "status": "adopted" if n % 3 == 1 else "accepted",
            "urgency": "normal", "filed_on": filed.date(), "filed_at": filed,
            "ack_due_at": filed + timedelta(days=7), "feedback_due_at": filed + timedelta(90),
            "reward_amount": Decimal("100.00") if n % 3 == 1 else None,
            "handler_id": demo["hr1"].id, "escalation_level": 0})
    db.session.execute(insert(Report), rows)
    ids = db.session.scalars(select(Report.id).where(Report.seq >= start)).all()
    db.session.execute(insert(ReportEvent), [
        {"report_id": i, "at": now, "action": "adopt", "text": "采纳", "visibility": "filer",
         "actor_id": demo["hr1"].id} for i in ids])
    db.session.execute(insert(ReportAudit), [
        {"report_id": i, "at": now, "actor_id": demo["hr1"].id, "unit_id": hr.id,
         "action": "view", "detail": ""} for i in ids])
    db.session.commit()


def cost(app, demo, login, bearer, pages) -> dict:
    """Statements and loaded objects of each page (asked twice, the second time counted)."""
    found = {}
    for username, path in pages:
        client = app.test_client()
        headers = bearer(demo[username]) if path.startswith("/api/") else {}
        if not headers:
            login(client, demo[username])
        assert client.get(path, headers=headers).status_code == 200, path
        with statements() as sql, loaded_objects() as objects:
            assert client.get(path, headers=headers).status_code == 200, path
        found[(username, path)] = (len(sql), len(objects))
    return found


def test_a_list_loads_its_page_whatever_the_database_holds(app, demo, login, bearer):
    add_reports(demo, 100, 1)
    small = cost(app, demo, login, bearer, LISTS)
    started = datetime.now()
    add_reports(demo, 4_900, 101)
    assert (datetime.now() - started).total_seconds() < 30
    assert db.session.scalar(select(func.count()).select_from(Report)) == 5_000
    large = cost(app, demo, login, bearer, LISTS)
    for page, (statements_small, objects_small) in small.items():
        statements_large, objects_large = large[page]
        assert objects_large == objects_small, page
        assert objects_large <= 100 * 2 + 40, page  # a page of rows and what they show
        assert statements_large == statements_small, page


def test_list_pages_run_a_fixed_number_of_statements(app, demo, login, bearer):
    add_reports(demo, 5, 1)
    few = cost(app, demo, login, bearer, LISTS + OVERSIGHT)
    add_reports(demo, 45, 6)
    many = cost(app, demo, login, bearer, LISTS + OVERSIGHT)
    for page in few:
        assert few[page][0] == many[page][0], (page, few[page][0], many[page][0])
    over = {page: sql for page, (sql, _objects) in many.items() if sql > 12}
    assert not over, over


def test_oversight_pages_count_in_sql(app, demo, login, bearer):
    """The statistics count the year in SQL (no report loaded, whatever the year holds);
    the reward list loads one page of its adopted suggestions (the count and the sum come
    from SQL), the same page with 400 and with 5 000 reports in the database."""
    add_reports(demo, 400, 1)  # 133 adopted suggestions: more than a page of rewards
    small = cost(app, demo, login, bearer, OVERSIGHT)
    add_reports(demo, 4_600, 401)
    large = cost(app, demo, login, bearer, OVERSIGHT)
    assert large == small
    stats_statements, stats_objects = large[("hr_head", "/suggestions/stats")]
    assert stats_objects <= 20  # the person, their session and departments: no report
    rewards_statements, rewards_objects = large[("hr_head", "/suggestions/rewards")]
    assert 100 <= rewards_objects <= 100 + 20


def test_escalation_reads_only_the_overdue_reports(app, demo):
    """The overdue job selects in SQL: 5 000 open reports within their deadlines load
    nothing; one past its acknowledgement deadline is the one report it reads (and tells)."""
    from hub.suggestions.services import escalate_overdue

    add_reports(demo, 5_000, 1)
    escalate_overdue()  # whatever the demo holds overdue is told once, here
    db.session.commit()
    with loaded_objects() as objects:
        assert escalate_overdue() == 0
    assert "Report" not in objects
    late = db.session.scalar(select(Report).where(Report.seq == 1))
    late.status, late.ack_due_at = "submitted", utcnow() - timedelta(hours=1)
    db.session.commit()
    db.session.expunge_all()
    with loaded_objects() as objects:
        assert escalate_overdue() == 1
    assert objects.count("Report") == 1
    db.session.rollback()
