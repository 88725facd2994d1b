"""Who may see and do what with periodic feedback reports (信息反馈), and ``report_view``,
what one person sees of one report — the pages, the API and the workbench all ask here.

* A report row (filed or still owed) is seen by **the person who owes it** and by **its
  recipient** (fixed when the row was opened: the department head who collects the
  reports, or for a summary the person it goes to — the 主管副总经理).  Nobody else: not
  HR, not the GM office, not the filer's colleagues.  Anything else is a 404.
* Only the person who owes it files it, once, from the day its window opens.
* The obligations (who owes what, how often, due when, to whom) are managed by the admin
  and HR (``may_manage_obligations``); they read no report by that.
* The text and filing time of a report are shown only once it is filed; before that the
  recipient sees that it is missing (who has not filed) and the person that it is owed.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import abort
from sqlalchemy import Select, literal, or_, select
from sqlalchemy.orm import joinedload

from hub.common.access import ItemView
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.feedback.models import FeedbackObligation, FeedbackReport
from hub.org.models import User
from hub.org.permissions import is_admin, is_hr

STATUSES = ("owed", "overdue", "filed", "late")


def may_manage_obligations(user: User) -> bool:
    return user.is_authenticated and user.active and (is_admin(user) or is_hr(user))


def visible_reports_query(user: User) -> Select:
    """The report rows ``user`` may see: owed by them or addressed to them."""
    if not user.is_authenticated or not user.active:
        return select(FeedbackReport).where(literal(False))
    return select(FeedbackReport).where(or_(FeedbackReport.person_id == user.id,
                                            FeedbackReport.recipient_id == user.id))


def can_view_report(user: User, report: FeedbackReport) -> bool:
    return (user.is_authenticated and user.active
            and user.id in (report.person_id, report.recipient_id))


def get_report_or_404(report_id: int, user: User) -> FeedbackReport:
    report = db.session.get(FeedbackReport, report_id, options=[
        joinedload(FeedbackReport.obligation), joinedload(FeedbackReport.person),
        joinedload(FeedbackReport.recipient)])
    if report is None or not can_view_report(user, report):
        abort(404)
    return report


def status_of(report: FeedbackReport, today: date) -> str:
    """filed (on time), late (filed after its due day), owed, overdue."""
    if report.filed_at is not None:
        return "filed" if local_date(report.filed_at) <= report.due_on else "late"
    return "owed" if today <= report.due_on else "overdue"


def may_file(user: User, report: FeedbackReport, today: date) -> bool:
    return (user.is_authenticated and user.active and report.person_id == user.id
            and report.filed_at is None and report.opens_on <= today)


#: What everyone who may see a report sees of it.
REPORT_FIELDS = frozenset({"id", "kind", "name", "period", "period_label", "role", "person",
                           "recipient", "opens_on", "due_date", "status"})
#: Only once it is filed.
FILED_FIELDS = frozenset({"body", "filed_at"})


def report_view(user: User, report: FeedbackReport, now: datetime | None = None) -> ItemView:
    """What ``user`` (who may see ``report``) sees of it; action ``file`` when they owe it
    and may file it now."""
    from hub.feedback.periods import Period

    today = local_date(now or utcnow())
    fields = set(REPORT_FIELDS)
    if report.filed_at is not None:
        fields |= FILED_FIELDS
    period = Period.parse(report.period)
    return ItemView(report, fields,
                    actions=["file"] if may_file(user, report, today) else [],
                    kind=report.obligation.code, name=report.obligation.name,
                    period_label=period.label, due_date=report.due_on,
                    status=status_of(report, today))


def own_reports_query(user: User) -> Select:
    """The rows ``user`` owes or has filed."""
    return select(FeedbackReport).where(FeedbackReport.person_id == user.id)


def owed_query(user: User) -> Select:
    """The rows ``user`` owes and has not filed (every opened window)."""
    return (select(FeedbackReport).where(FeedbackReport.person_id == user.id,
                                         FeedbackReport.filed_at.is_(None)))


def received_query(user: User) -> Select:
    """The rows addressed to ``user`` (the reports they collect, the summaries they get)."""
    return select(FeedbackReport).where(FeedbackReport.recipient_id == user.id)


# --- what is waiting for one person (the workbench) --------------------------------------

def _today(now):
    """The company's date of ``now``; the workbench's shared statements pass their ``NOW``
    parameter, whose date is their ``TODAY`` parameter (``hub.common.todo``)."""
    from hub.common import todo

    if now is None:
        return local_date(utcnow())
    if now is getattr(todo, "NOW", object()):
        return todo.TODAY
    return local_date(now)


def todo_for(user: User, now: datetime | None = None) -> list[Select]:
    """The feedback reports ``user`` owes whose window has opened, with their due day."""
    from hub.common.todo import todo_select

    if not user.is_authenticated or not user.active:
        return []
    today = _today(now)
    return [todo_select(
        "feedback_due", FeedbackReport.id,
        title=FeedbackObligation.name + literal(" · ") + FeedbackReport.period,
        due_on=FeedbackReport.due_on,
    ).select_from(FeedbackReport).join(FeedbackObligation).where(
        FeedbackReport.person_id == user.id, FeedbackReport.filed_at.is_(None),
        FeedbackReport.opens_on <= today)]
