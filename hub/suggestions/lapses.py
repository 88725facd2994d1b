"""Reports and rectifications for the accountability register (hub.accountability.sources).

A report past a deadline of its handling (``overdue_clause``: acknowledgement, feedback or
the urgency's time) is the lapse of its named handler; a rectification still open after
its deadline is the lapse of the head of the department asked to rectify.  The register
shows a report's number only to whom may see the report (``visible_clause``): a
whistle-blowing report's number never reaches anybody in its conflict set.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from hub.accountability.sources import Lapse
from hub.org.models import Department
from hub.suggestions.access import OPEN, overdue_clause, visible_clause
from hub.suggestions.models import Rectification, Report


def report_lapses(session, now: datetime) -> Iterator[Lapse]:
    rows = session.execute(
        select(Report.id, Report.number, Report.handler_id, Report.status, Report.ack_due_at,
               Report.feedback_due_at, Report.handle_due_at, Report.handle_met_at)
        .where(overdue_clause(now), Report.handler_id.is_not(None)))
    for report_id, number, handler_id, status, ack, feedback, handle, handle_met in rows:
        # the urgency's time is met by the first reply or step that answers it (timers.py)
        passed = [due for due, applies in ((ack, status == "submitted"),
                                           (feedback, status in OPEN),
                                           (handle, status in OPEN and handle_met is None))
                  if applies and due is not None and due < now]
        if passed:
            yield Lapse(handler_id, "report_overdue", "report", report_id, number, min(passed))


def rectification_lapses(session, now: datetime) -> Iterator[Lapse]:
    rows = session.execute(
        select(Rectification.id, Report.number, Rectification.due_at, Department.head_id)
        .join(Report, Report.id == Rectification.report_id)
        .join(Department, Department.id == Rectification.department_id)
        .where(Rectification.status == "requested", Rectification.due_at < now,
               Department.head_id.is_not(None)))
    for rect_id, number, due, head_id in rows:
        yield Lapse(head_id, "rectification_overdue", "rectification", rect_id, number, due)


def visible_report_ids(user, ids):
    """The reports among ``ids`` that ``user`` may see."""
    return select(Report.id).where(Report.id.in_(ids), visible_clause(user))


def visible_rectification_report_ids(user, ids):
    """The rectifications among ``ids`` whose report ``user`` may see (its number is the
    report's)."""
    return (select(Rectification.id).join(Report, Report.id == Rectification.report_id)
            .where(Rectification.id.in_(ids), visible_clause(user)))
