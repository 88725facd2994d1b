"""The talk rules of 《沟通管理办法》 and 公司内部沟通管理制度 over the database: early talks,
make-up meetings (补谈), occasion talks that open themselves (转正 from the probation end
date, 立即 for attitude problems), the one reminder of an unacknowledged talk record and
its compliance column, and the talk notifications that turn done when the talk is logged."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from hub.common.months import Month
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.meetings import obligations as ob
from hub.meetings import services as talks
from hub.meetings.acknowledgements import remind_unacknowledged
from hub.meetings.models import TalkParticipant
from hub.meetings.obligation_models import OccasionTalk
from hub.notifications.models import Notification
from hub.org.services import set_manager

START = datetime(2025, 12, 1)


@pytest.fixture
def org(create_user, create_department):
    """gm → (hr1, sales_head → sales_lead → (sales1, sales2))."""
    top = create_department("总经办")
    sales = create_department("市场部")
    east = create_department("华东销售组", parent=sales)
    people = {
        "gm": create_user("gm", department=top, roles=("gm_office",), heads=True),
        "hr1": create_user("hr1", roles=("hr",)),
        "sales_head": create_user("sales_head", department=sales, heads=True),
        "sales_lead": create_user("sales_lead", department=east, heads=True),
        "sales1": create_user("sales1", department=east),
        "sales2": create_user("sales2", department=east),
    }
    for who, manager in [("hr1", "gm"), ("sales_head", "gm"), ("sales_lead", "sales_head"),
                         ("sales1", "sales_lead"), ("sales2", "sales_lead")]:
        set_manager(people[who], people[manager], at=START)
    db.session.commit()
    return people


def beijing(year, month, day, hour=10, minute=0) -> datetime:
    """A company-time moment as the naive UTC the hub stores."""
    return datetime(year, month, day, hour, minute) - timedelta(hours=8)


def log(author, other, when: datetime, kind="one_on_one", meeting_id=None):
    talk = talks.log_talk(author, kind=kind, with_user_ids=[other.id], held_at=when,
                          duration_minutes=20, topics="本月工作", meeting_id=meeting_id,
                          now=when + timedelta(hours=1))
    db.session.commit()
    return talk


def notes(user, kind):
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind).order_by(Notification.id)))


def one_on_ones(person, month, today):
    return [(i.window_start.day, i.status, i.late, i.early)
            for i in ob.due_for(person, month, today=today) if i.kind == "one_on_one"]


def test_a_talk_before_its_window_is_held_early_and_shows_so(org, client, login):
    """“上下级之间每月进行2次例行沟通，月中（每月13—16日）、月末（每月最后3天）各沟通一次”:
    a talk held on the 5th fills the 13–16 window as held early (已沟通 提前), never late, and
    the meeting already accepted for the 14th is not needed for it."""
    lead, sales1 = org["sales_lead"], org["sales1"]
    log(lead, sales1, beijing(2026, 3, 5))
    assert one_on_ones(sales1, Month(2026, 3), date(2026, 3, 6)) == [
        (13, "held", False, True), (29, "due", False, False)]
    rows = ob.compliance(org["gm"], Month(2026, 3), today=date(2026, 4, 1))
    lead_row = next(r for r in rows if r.manager.id == lead.id)
    assert lead_row.month.late == 0 and lead_row.month.held == 1
    # The page says 已沟通（提前）.
    login(client, lead)
    page = client.get("/talks/due?month=2026-03")
    assert page.status_code == 200
    assert 'data-early="true"' in page.text and "已沟通（提前）" in page.text
    # The API says early, not late.
    from tests.support.factories import bearer
    due = client.get("/api/v1/talks/due?period=2026-03", headers=bearer(lead)).json
    mid = next(i for i in due["items"] if i["kind"] == "one_on_one"
               and i["window_start"] == "2026-03-13" and i["counterpart"]["id"] == sales1.id)
    assert (mid["status"], mid["early"], mid["late"]) == ("held", True, False)


def test_a_makeup_meeting_after_a_missed_window_counts_for_it(org, create_user):
    """“上下级之间每月进行2次例行沟通……由上级主动邀请下级”: once the 13–16 window passed
    without a talk the superior may still invite, outside the window (补谈); its talk counts
    for the missed window, late, even when held in the next month.  Without a missed window
    an invitation outside the window is still refused."""
    lead, sales1, sales2 = org["sales_lead"], org["sales1"], org["sales2"]
    now = beijing(2026, 3, 31, 9)  # the month-end window of March is open; mid was missed
    meeting = talks.propose_meeting(lead, kind="one_on_one", with_user_ids=[sales1.id],
                                    start_at=beijing(2026, 4, 2), duration_minutes=20,
                                    now=now)
    db.session.commit()
    mid_key = next(i.key for i in ob.due_for(sales1, Month(2026, 3), today=date(2026, 3, 31))
                   if i.kind == "one_on_one" and i.window_start.day == 13)
    assert meeting.makeup_of == mid_key
    assert one_on_ones(sales1, Month(2026, 3), date(2026, 3, 31)) == [
        (13, "scheduled", True, False), (29, "due", False, False)]
    # Held on 2 April from the make-up meeting: March's mid window, late; April untouched.
    talk = log(lead, sales1, beijing(2026, 4, 2), meeting_id=meeting.id)
    march = [i for i in ob.due_for(sales1, Month(2026, 3), today=date(2026, 4, 3))
             if i.kind == "one_on_one"]
    assert (march[0].status, march[0].late, march[0].talk_id) == ("held", True, talk.id)
    assert one_on_ones(sales1, Month(2026, 4), date(2026, 4, 3)) == [
        (13, "due", False, False), (28, "due", False, False)]
    # A newcomer of March had the mid-month talk: nothing to make up, so the 23rd is refused.
    newcomer = create_user("sales9", department=sales2.department)
    set_manager(newcomer, lead, at=datetime(2026, 3, 1))
    db.session.commit()
    log(lead, newcomer, beijing(2026, 3, 14))
    with pytest.raises(talks.TalkError) as refused:
        talks.propose_meeting(lead, kind="one_on_one", with_user_ids=[newcomer.id],
                              start_at=beijing(2026, 3, 23), duration_minutes=20,
                              now=beijing(2026, 3, 20))
    assert "时间不在制度规定的窗口内" in refused.value.message
    # The free times of a make-up start today, not in a window.
    slots = talks.suggest_slots(lead, [sales1], "one_on_one", 20, now=beijing(2026, 3, 18, 8),
                                makeup=True)
    assert slots and local_date(slots[0]) == date(2026, 3, 18)


def test_the_meeting_page_suggests_makeup_times_from_today(org, client, login):
    """“由上级主动邀请下级”: 约时间 after a missed window offers free times from today on
    (补谈), not the past window's; the meeting it proposes is marked 补谈."""
    lead, sales1 = org["sales_lead"], org["sales1"]
    login(client, lead)
    page = client.get(f"/talks/meetings/new?kind=one_on_one&with={sales1.id}")
    assert page.status_code == 200 and 'data-testid="makeup"' in page.text
    today = local_date(utcnow())
    day = next(today + timedelta(days=i) for i in range(1, 20)
               if not talks.in_window("one_on_one", today + timedelta(days=i)))
    meeting = talks.propose_meeting(lead, kind="one_on_one", with_user_ids=[sales1.id],
                                    start_at=beijing(day.year, day.month, day.day),
                                    duration_minutes=20)
    db.session.commit()
    assert meeting.makeup_of is not None  # a window of the last weeks was missed
    shown = client.get(f"/talks/meetings/{meeting.id}")
    assert 'data-field="makeup"' in shown.text and "补谈" in shown.text


def test_probation_talk_opens_itself_once_from_the_probation_end_date(org):
    """“在员工试工期满转正时，要通过面谈，对其试用期的表现做出评价”: the 转正面谈 opens by
    itself from the date HR keeps, once, owed by the direct manager by that date; logging
    it turns the manager's notification done."""
    lead, sales1 = org["sales_lead"], org["sales1"]
    sales1.probation_ends_on = date(2026, 3, 31)
    db.session.commit()
    assert ob.open_probation_talks(now=beijing(2026, 3, 10)) == 0  # weeks ahead: not yet
    assert ob.open_probation_talks(now=beijing(2026, 3, 20)) == 1
    db.session.commit()
    assert ob.open_probation_talks(now=beijing(2026, 3, 21)) == 0  # once
    row = db.session.scalar(select(OccasionTalk))
    assert (row.kind, row.manager_id, row.due_date) == ("probation", lead.id, date(2026, 3, 31))
    [notice] = notes(lead, "talk.occasion")
    assert notice.done_at is None
    items = [i for i in ob.due_for(lead, Month(2026, 3), today=date(2026, 3, 21))
             if i.source == "occasion"]
    assert [(i.kind, i.junior.id, i.window_end, i.status) for i in items] == [
        ("probation", sales1.id, date(2026, 3, 31), "due")]
    log(lead, sales1, beijing(2026, 3, 27), kind="probation")
    db.session.refresh(notice)
    assert notice.done_at is not None
    # A new date (probation extended) opens a new talk.
    sales1.probation_ends_on = date(2026, 4, 30)
    db.session.commit()
    assert ob.open_probation_talks(now=beijing(2026, 4, 20)) == 1


def test_an_attitude_talk_is_due_at_once(org):
    """“在员工心态出现问题时，要立即与其谈话”: whatever date is asked, the attitude talk is
    due the day it is opened."""
    now = beijing(2026, 3, 10)
    row = ob.open_occasion(org["sales1"], "attitude", date(2026, 3, 25), "情绪低落",
                           by=org["hr1"], now=now)
    assert row.due_date == date(2026, 3, 10)
    item = next(i for i in ob.due_for(org["sales_lead"], Month(2026, 3), today=date(2026, 3, 11))
                if i.source == "occasion")
    assert item.status == "overdue"


def test_unacknowledged_records_are_reminded_once_and_counted(org, client, login):
    """“随时记《沟通记录》，每月对《沟通记录》……进行汇总”: a record the other side has not
    acknowledged is reminded once after 3 working days and counted in compliance until it is
    acknowledged."""
    lead, sales1 = org["sales_lead"], org["sales1"]
    talk = log(lead, sales1, beijing(2026, 3, 13, 9))  # a Friday
    assert remind_unacknowledged(now=beijing(2026, 3, 18, 12)) == 0  # 3rd working day: Wed
    assert remind_unacknowledged(now=beijing(2026, 3, 19, 9)) == 1
    db.session.commit()
    assert remind_unacknowledged(now=beijing(2026, 3, 25, 9)) == 0  # once
    [reminder] = notes(sales1, "talk.acknowledge_reminder")
    assert reminder.item == f"talk:{talk.id}" and reminder.done_at is None
    rows = ob.compliance(org["gm"], Month(2026, 3), today=date(2026, 3, 20))
    assert next(r for r in rows if r.manager.id == lead.id).unacknowledged == 1
    assert sum(d.unacknowledged for d in ob.by_department(rows)) == 1
    login(client, org["gm"])
    page = client.get("/talks/compliance?month=2026-03")
    assert 'data-testid="month-unacknowledged"' in page.text
    talks.acknowledge(talk, sales1)
    db.session.commit()
    db.session.refresh(reminder)
    assert reminder.done_at is not None
    rows = ob.compliance(org["gm"], Month(2026, 3), today=date(2026, 3, 20))
    assert next(r for r in rows if r.manager.id == lead.id).unacknowledged == 0
    assert db.session.scalar(select(TalkParticipant.reminded_at).where(
        TalkParticipant.user_id == sales1.id)) is not None


def test_overdue_talk_notifications_turn_done_when_the_talk_is_logged(org):
    """“上下级之间每月进行2次例行沟通”; 部门负责人“对本部门人员的执行情况负监督检查责任”: the
    overdue notice to the superior and to their manager is a task — logging the talk
    (a late make-up) finishes it for both."""
    lead, sales1 = org["sales_lead"], org["sales1"]
    ob.escalate_overdue(now=beijing(2026, 3, 17, 9))
    db.session.commit()
    mine = [n for n in notes(lead, "talk.overdue") if sales1.name in n.title]
    boss = [n for n in notes(org["sales_head"], "talk.overdue") if sales1.name in n.title]
    assert mine and boss and all(n.done_at is None for n in mine + boss)
    log(lead, sales1, beijing(2026, 3, 18))
    for n in mine + boss:
        db.session.refresh(n)
    assert all(n.done_at is not None for n in mine + boss)
    # sales2's talk is still owed: its notices stay open.
    assert all(n.done_at is None for n in notes(lead, "talk.overdue")
               if org["sales2"].name in n.title)


def test_the_demo_shows_an_early_talk_a_makeup_and_a_probation_talk(app):
    """“在员工试工期满转正时，要通过面谈” and “月中（每月13—16日）、月末（每月最后3天）各沟通一次”:
    the demo company has a talk held early, a make-up meeting for a missed window and a
    转正面谈 opened by itself from a probation end date."""
    from hub.meetings.models import Meeting
    from hub.meetings.obligation_demo import EARLY_PAIR, MAKEUP_PAIR
    from hub.org.services import find_user
    from tests.meetings.test_demo import make_demo_talks

    make_demo_talks()
    month = Month.of(utcnow()).previous
    senior, junior = (find_user(u) for u in EARLY_PAIR)
    early = [i for i in ob.due_for(junior, month) if i.kind == "one_on_one"
             and i.senior.id == senior.id and i.early]
    assert [(i.status, i.late) for i in early] == [("held", False)]
    senior, junior = (find_user(u) for u in MAKEUP_PAIR)
    makeup = db.session.scalar(select(Meeting).where(Meeting.makeup_of.is_not(None)))
    assert makeup is not None and makeup.organizer_id == senior.id
    assert {p.user_id for p in makeup.participants} == {senior.id, junior.id}
    probation = db.session.scalar(select(OccasionTalk).where(OccasionTalk.kind == "probation"))
    sales3 = find_user("sales3")
    assert (probation.employee_id, probation.opened_by_id) == (sales3.id, None)
    assert probation.due_date == sales3.probation_ends_on
