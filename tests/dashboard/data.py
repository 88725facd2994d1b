"""Rows for the dashboard's tests, inserted a statement per table (the figures are what is
tested, not how items get there): letters, reports, monthly talk summaries and
announcements to be confirmed, in chosen months."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, insert, select

from hub.announcements.models import (
    Announcement,
    AnnouncementAudience,
    AnnouncementConfirmation,
)
from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.mailbox.models import Letter
from hub.meetings.obligation_models import MonthlySummary, MonthlySummaryRow
from hub.org.models import Department, HandlingUnit
from hub.suggestions.models import Report


def months_back(n: int) -> Month:
    month = Month.of(utcnow())
    for _ in range(n):
        month = month.previous
    return month


def _moment(month: Month, day: int = 10) -> datetime:
    return datetime(month.year, month.month, day, 4, 0)


def _next_seq(model) -> int:
    return (db.session.scalar(select(func.max(model.seq))) or 0) + 1


def add_letters(month: Month, category: str, count: int, *, status: str = "accepted",
                late: bool = False) -> None:
    """``count`` letters filed in ``month``; ``late``: accepted after the deadline."""
    start = _next_seq(Letter)
    filed = _moment(month)
    accepted = filed + timedelta(days=5 if late else 1)
    db.session.execute(insert(Letter), [
        {"number": f"TL-{month.year}-{n:06d}", "year": month.year, "seq": n,
         "subject": f"来信 {n}", "body": "正文", "category": category, "anonymous": True,
         "status": status, "filed_on": filed.date(), "filed_at": filed,
         "accept_due_at": filed + timedelta(days=2),
         "accepted_at": None if status == "submitted" else accepted, "escalation_level": 0}
        for n in range(start, start + count)])
    db.session.commit()


def add_reports(month: Month, kind: str, count: int, unit: str = "hr") -> None:
    """``count`` anonymous reports of ``kind`` filed in ``month``, routed to ``unit``."""
    unit_id = db.session.scalar(select(HandlingUnit.id).where(HandlingUnit.code == unit))
    start = _next_seq(Report)
    filed = _moment(month)
    db.session.execute(insert(Report), [
        {"number": f"TR-{month.year}-{n:06d}", "kind": kind, "year": month.year, "seq": n,
         "subject": f"事项 {n}", "body": "正文", "anonymous": True, "unit_id": unit_id,
         "status": "accepted", "urgency": "normal", "filed_on": filed.date(),
         "filed_at": filed, "ack_due_at": filed + timedelta(days=7),
         "feedback_due_at": filed + timedelta(days=90), "escalation_level": 0}
        for n in range(start, start + count)])
    db.session.commit()


def add_summary(month: Month, rows: dict[str, tuple[int, int]]) -> None:
    """The stored 月汇总 of ``month``: department name → (owed, held)."""
    summary = MonthlySummary(month=str(month), generated_at=utcnow())
    db.session.add(summary)
    db.session.flush()
    ids = dict(db.session.execute(select(Department.name, Department.id)).all())
    db.session.execute(insert(MonthlySummaryRow), [
        {"summary_id": summary.id, "department_id": ids[name], "owed": owed, "held": held}
        for name, (owed, held) in rows.items()])
    db.session.commit()


def add_announcements(author, count: int, confirmed_by=(), departments=()) -> list[int]:
    """``count`` published announcements to everybody (or to ``departments``, by name, with
    what is below them), to be confirmed; ``confirmed_by`` confirm each of them."""
    start = _next_seq(Announcement)
    now = utcnow()
    ids = []
    for n in range(start, start + count):
        announcement = Announcement(
            number=f"TA-{now.year}-{n:04d}", year=now.year, seq=n, kind="notice",
            title=f"公告 {n}", body="正文", version=1, author_id=author.id,
            publish_at=now - timedelta(days=1, minutes=n), requires_confirmation=True)
        db.session.add(announcement)
        db.session.flush()
        if departments:
            targets = db.session.scalars(select(Department.id).where(
                Department.name.in_(departments))).all()
            db.session.add_all(AnnouncementAudience(announcement_id=announcement.id,
                                                    kind="department", department_id=i)
                               for i in targets)
        else:
            db.session.add(AnnouncementAudience(announcement_id=announcement.id, kind="all"))
        for person in confirmed_by:
            db.session.add(AnnouncementConfirmation(
                announcement_id=announcement.id, version=1, user_id=person.id,
                confirmed_at=now))
        ids.append(announcement.id)
    db.session.commit()
    return ids
