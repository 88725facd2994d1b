"""What the feedback pages cost the database: the same number of SQL statements with 5 and
with 50 rows (at most 12)."""
from __future__ import annotations

from sqlalchemy import func, select

from hub.extensions import db
from hub.feedback.models import FeedbackReport
from hub.feedback.periods import Period
from hub.feedback.services import open_period
from hub.org.models import User
from tests.support.factories import company_today, create_user, sign_in
from tests.support.sqlcount import statements

MAX_STATEMENTS = 12


def cost(client, path: str) -> int:
    client.get(path)  # warm: first-request work is not the page's
    with statements() as found:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(found)


def test_statement_counts_do_not_grow_with_rows(app, client, company, obligations):
    weekly = obligations["sales_weekly"]
    today = company_today()
    counts: dict[str, list[int]] = {}
    period = Period.of("weekly", today).previous
    for n in (5, 50):
        # n reps in the head's period list, and n weeks of the first rep's own reports
        while db.session.scalar(select(func.count()).select_from(User).where(
                User.department_id == company.lead.department_id)) < n:
            create_user(department=company.lead.department, manager=company.lead)
        open_period(weekly, period, joined_check=False)
        week = period.previous
        while db.session.scalar(select(func.count()).select_from(FeedbackReport).where(
                FeedbackReport.person_id == company.rep1.id)) < n:
            open_period(weekly, week, people=[company.rep1], joined_check=False)
            week = week.previous
        db.session.commit()
        pages = [(company.rep1, "/feedback/"), (company.head, "/feedback/"),
                 (company.head, f"/feedback/received/{weekly.id}/{period.key}"),
                 (company.hr, "/feedback/obligations"), (company.rep1, "/")]
        for who, path in pages:
            sign_in(client, who)
            counts.setdefault(f"{who.username} {path}", []).append(cost(client, path))
    for page, (small, large) in counts.items():
        assert small == large, (page, small, large)
        assert large <= MAX_STATEMENTS, (page, large)
