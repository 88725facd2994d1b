"""The accountability register's source for feedback reports: a report not filed by its due
day ("对市场和客户反映的问题不及时上报……追究责任", 信息反馈制度 四)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.accountability.sources import Lapse
from hub.common.workdays import end_of_day_utc, local_date
from hub.feedback.models import FeedbackObligation, FeedbackReport
from hub.org.models import User


def feedback_lapses(session: Session, now: datetime) -> Iterable[Lapse]:
    """One lapse per report row still not filed after its due day, against the person who
    owes it (active people only: whoever has left is nobody's to call to account)."""
    today = local_date(now)
    rows = session.execute(
        select(FeedbackReport.id, FeedbackReport.person_id, FeedbackReport.due_on,
               FeedbackReport.period, FeedbackReport.role, FeedbackObligation.name)
        .join(User, User.id == FeedbackReport.person_id)
        .join(FeedbackObligation, FeedbackObligation.id == FeedbackReport.obligation_id)
        .where(FeedbackReport.filed_at.is_(None), FeedbackReport.due_on < today,
               User.active.is_(True))
        .order_by(FeedbackReport.id))
    for row_id, person_id, due_on, period, role, name in rows:
        yield Lapse(person_id=person_id, kind="feedback_overdue", source_kind="feedback",
                    source_id=row_id, number=None, since=end_of_day_utc(due_on),
                    detail={"name": name, "period": period, "role": role,
                            "due_on": due_on.isoformat()})
