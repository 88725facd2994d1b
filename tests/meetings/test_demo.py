"""The demo company's talks: several months of logs with some windows missed, meetings ahead,
action items open and done, all made through the services and nothing in the future."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.meetings import cadence
from hub.meetings.models import ActionItem, Meeting, TalkLog, TalkParticipant


def test_demo_talks(app):
    from hub.demo import _organisation
    from hub.meetings.demo import _month, create_demo_talks
    from hub.org.services import find_user

    people: dict = {}
    for step in (_organisation, create_demo_talks):
        step(people)  # only the steps talks depend on: the whole company takes seconds
    db.session.commit()
    now = utcnow()
    talks = list(db.session.scalars(select(TalkLog).order_by(TalkLog.held_at)))
    assert len(talks) >= 20
    assert all(t.held_at < now and t.created_at <= now for t in talks)
    assert (now - talks[0].held_at).days >= 80  # several months back
    assert len({t.number for t in talks}) == len(talks)

    lead, sales3 = find_user("sales_lead"), find_user("sales3")
    # sales3 missed last month's end-of-month talk: the window has no talk between them.
    year, month = _month(local_date(now), 1)
    _slot, start, end = cadence.one_on_one_windows(year, month)[1]
    pair_days = [local_date(t.held_at) for t in talks if t.kind == "one_on_one"
                 and {p.user_id for p in t.participants} == {lead.id, sales3.id}]
    assert pair_days and not [d for d in pair_days if start <= d <= end]
    kinds = {t.kind for t in talks}
    assert {"one_on_one", "skip_level", "onboarding"} <= kinds

    items = list(db.session.scalars(select(ActionItem)))
    assert any(i.done_at for i in items) and any(i.done_at is None for i in items)
    assert any(i.carried_to_id for i in items)
    unacknowledged = db.session.scalar(select(func.count()).select_from(TalkParticipant).where(
        TalkParticipant.acknowledged_at.is_(None)))
    assert unacknowledged >= 1

    meetings = list(db.session.scalars(select(Meeting)))
    assert {m.status for m in meetings} >= {"proposed", "accepted"}
    assert all(m.start_at > now - timedelta(minutes=1) for m in meetings)
