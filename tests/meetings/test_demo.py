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


def make_demo_talks() -> None:
    """The demo's organisation, backdated reporting lines, talks and talk obligations: the
    part of the demo company the talk tests read, committed."""
    from hub.demo import _organisation
    from hub.meetings.demo import create_demo_talks
    from hub.meetings.obligation_demo import (
        backdate_demo_reporting_lines,
        create_demo_obligations,
    )

    people: dict = {}
    for step in (_organisation, backdate_demo_reporting_lines, create_demo_talks,
                 create_demo_obligations):
        step(people)
    db.session.commit()


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


def test_demo_compliance_is_mostly_kept(app):
    """Most managers log most routine talks; a deliberate minority is overdue (研发部's head,
    the 华东销售组 story), and future windows stay pending."""
    from hub.common.months import Month
    from hub.meetings import obligations as ob
    from hub.org.services import find_user

    make_demo_talks()
    month = Month.of(utcnow())
    rows = {r.manager.username: r for r in ob.compliance(find_user("gmo"), month.previous)}
    owed = sum(r.month.owed for r in rows.values())
    held = sum(r.month.held for r in rows.values())
    overdue = sum(r.month.overdue for r in rows.values())
    assert owed and held >= 0.8 * owed and overdue >= 1
    assert rows["gm"].month.held >= 0.8 * rows["gm"].month.owed
    assert rows["rd_head"].month.overdue >= 2
    assert rows["sales_lead"].month.overdue >= 1
    assert sum(1 for r in rows.values() if r.month.overdue == 0) >= 5
    now_rows = ob.compliance(find_user("gmo"), month)
    assert sum(r.quarter.pending for r in now_rows) > 0
    numbers = list(db.session.scalars(select(TalkLog.number)))
    assert len(numbers) == len(set(numbers)) and all(n.startswith("GT-") for n in numbers)
