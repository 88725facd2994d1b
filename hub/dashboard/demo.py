"""The demo's monthly talk summaries (月汇总) of the months its talks go back to, so that the
dashboard's heat map has something to show: the worker makes them on the 1st of each month,
and the demo company is newer than that.  Stored without telling anybody (the GM office's
notifications stay the demo's own)."""
from __future__ import annotations

from datetime import timedelta

from hub.common.months import Month
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.meetings import obligations as ob
from hub.meetings.demo import MONTHS_BACK
from hub.meetings.obligation_models import MonthlySummary, MonthlySummaryRow


def store_demo_summaries(_people: dict) -> None:
    """The summary of each finished month with demo talks (a step of ``hub.demo``)."""
    now = utcnow()
    month = Month.of(now)
    for _ in range(MONTHS_BACK - 1):
        month = month.previous
        if ob.stored_summary(month) is not None:
            continue
        rows, _items = ob.summary_rows(month, today=local_date(now))
        generated = month.next.bounds_utc()[0] + timedelta(hours=1)
        db.session.add(MonthlySummary(month=str(month), generated_at=generated, rows=[
            MonthlySummaryRow(department_id=r.department.id, owed=r.owed, held=r.held,
                              late=r.late, overdue=r.overdue, talks_logged=r.talks_logged,
                              minutes=r.minutes) for r in rows]))
    db.session.flush()
