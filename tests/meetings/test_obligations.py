"""Talk obligations over the database: the reporting-line history, talk logs and meetings,
occasion talks, appeals, escalation and the monthly summary."""
from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from hub.common.models import set_setting
from hub.common.time import utcnow
from hub.extensions import db
from hub.common.months import Month
from hub.meetings import obligations as ob
from hub.meetings.models import Meeting, MeetingParticipant, TalkLog, TalkParticipant
from hub.meetings.obligation_models import MonthlySummary, ObligationEscalation, OccasionTalk
from hub.notifications.models import Notification
from hub.org.services import set_manager

START = datetime(2025, 12, 1)
_numbers = iter(range(1, 10_000))


@pytest.fixture
def org(create_user, create_department):
    """gm → (gmo, hr1, sales_head → (sales_lead → (sales1, sales2), new_lead))."""
    gmo_dept = create_department("总经办")
    sales = create_department("市场部")
    east = create_department("华东销售组", parent=sales)
    people = {
        "gm": create_user("gm", department=gmo_dept, roles=("gm_office",), heads=True),
        "gmo": create_user("gmo", department=gmo_dept, roles=("gm_office",)),
        "hr1": create_user("hr1", roles=("hr",)),
        "sales_head": create_user("sales_head", department=sales, heads=True),
        "sales_lead": create_user("sales_lead", department=east, heads=True),
        "new_lead": create_user("new_lead", department=east),
        "sales1": create_user("sales1", department=east),
        "sales2": create_user("sales2", department=east),
    }
    for who, manager in [("gmo", "gm"), ("hr1", "gm"), ("sales_head", "gm"),
                         ("sales_lead", "sales_head"), ("new_lead", "sales_head"),
                         ("sales1", "sales_lead"), ("sales2", "sales_lead")]:
        set_manager(people[who], people[manager], at=START)
    db.session.commit()
    return people


def log_talk(kind, author, other, held_at, minutes=20):
    talk = TalkLog(number=f"GT-2026-{next(_numbers):06d}", kind=kind, author_id=author.id,
                   held_at=held_at, duration_minutes=minutes, topics="季度目标",
                   agreements="", private_note="只给自己看", created_at=held_at)
    talk.participants = [TalkParticipant(user_id=author.id), TalkParticipant(user_id=other.id)]
    db.session.add(talk)
    db.session.commit()
    return talk


def plan_meeting(kind, organizer, other, start_at):
    meeting = Meeting(kind=kind, organizer_id=organizer.id, start_at=start_at,
                      duration_minutes=20, status="proposed", created_at=START,
                      updated_at=START)
    meeting.participants = [MeetingParticipant(user_id=organizer.id, response="accepted"),
                            MeetingParticipant(user_id=other.id)]
    db.session.add(meeting)
    db.session.commit()
    return meeting


def summary(items):
    return [(i.kind, i.senior.username, i.window_start, i.window_end, i.status) for i in items]


def test_sales1_is_owed_two_talks_a_month_and_a_skip_level_talk_a_quarter(org):
    sales1 = org["sales1"]
    march = ob.due_for(sales1, Month(2026, 3), today=date(2026, 3, 1))
    assert summary(march) == [
        ("one_on_one", "sales_lead", date(2026, 3, 13), date(2026, 3, 16), "due"),
        ("one_on_one", "sales_lead", date(2026, 3, 29), date(2026, 3, 31), "due"),
        ("skip_level", "sales_head", date(2026, 1, 1), date(2026, 3, 31), "due"),
    ]
    february = ob.due_for(sales1, Month(2026, 2), today=date(2026, 3, 1))
    assert [(i.window_start, i.window_end, i.status) for i in february
            if i.kind == "one_on_one"] == [(date(2026, 2, 13), date(2026, 2, 16), "overdue"),
                                           (date(2026, 2, 26), date(2026, 2, 28), "overdue")]
    # A new manager from 20 April (12:00 Beijing): the month end of April (30 days) is theirs.
    set_manager(sales1, org["new_lead"], at=datetime(2026, 4, 20, 4))
    db.session.commit()
    april = ob.due_for(sales1, Month(2026, 4), today=date(2026, 4, 1))
    assert summary(april) == [
        ("one_on_one", "sales_lead", date(2026, 4, 13), date(2026, 4, 16), "due"),
        ("one_on_one", "new_lead", date(2026, 4, 28), date(2026, 4, 30), "due"),
        ("skip_level", "sales_head", date(2026, 4, 1), date(2026, 6, 30), "due"),
    ]
    # Nobody owes the GM anything upward.
    gm = org["gm"]
    assert not [i for i in ob.due_for(gm, Month(2026, 3), today=date(2026, 3, 1))
                if i.junior.id == gm.id]


def test_logs_and_meetings_settle_what_is_owed(org):
    sales1, lead, head = org["sales1"], org["sales_lead"], org["sales_head"]
    talk = log_talk("one_on_one", lead, sales1, datetime(2026, 3, 14, 2))
    # Between the windows, the mid-month one held: early for the month end (either side logs).
    early = log_talk("one_on_one", sales1, lead, datetime(2026, 3, 20, 2))
    plan_meeting("skip_level", head, sales1, datetime(2026, 3, 25, 2))
    items = ob.due_for(sales1, Month(2026, 3), today=date(2026, 3, 21))
    assert [(i.status, i.late, i.early, i.talk_number) for i in items] == [
        ("held", False, False, talk.number), ("held", False, True, early.number),
        ("scheduled", False, False, None)]
    # The day of the meeting passed without a log: the quarter's talk is still owed.
    assert ob.due_for(sales1, Month(2026, 3), today=date(2026, 3, 26))[2].status == "due"
    assert ob.due_for(sales1, Month(2026, 4), today=date(2026, 4, 1))[0].kind == "one_on_one"


def test_occasion_talk_opened_by_hr_stays_on_the_managers_list_until_logged(org, client,
                                                                           login, get_csrf):
    login(client, org["hr1"])
    response = client.post("/talks/occasions/new", data={
        "csrf_token": get_csrf(client, "/talks/occasions/new"),
        "employee": org["sales1"].id, "kind": "probation", "due_date": "2026-12-20",
        "reason": "试用期满"})
    assert response.status_code == 302
    row = db.session.scalar(select(OccasionTalk))
    assert (row.manager_id, row.kind) == (org["sales_lead"].id, "probation")
    assert db.session.scalar(select(Notification).where(
        Notification.user_id == org["sales_lead"].id, Notification.kind == "talk.occasion"))
    today = date(2026, 12, 1)
    items = [i for i in ob.due_for(org["sales_lead"], Month(2027, 1), today=today)
             if i.source == "occasion"]
    assert [(i.kind, i.junior.username, i.status) for i in items] == [
        ("probation", "sales1", "due")]
    talk = log_talk("probation", org["sales_lead"], org["sales1"], datetime(2026, 12, 18, 2))
    assert ob.close_held_occasions(today=date(2026, 12, 19)) == 1
    assert row.closed_by_talk_id == talk.id
    assert not [i for i in ob.due_for(org["sales_lead"], Month(2027, 1), today=today)
                if i.source == "occasion"]
    # A manager may open one only for their own reports; bad input is said in the page.
    login(client, org["sales_lead"])
    token = get_csrf(client, "/talks/occasions/new")
    refused = client.post("/talks/occasions/new", data={
        "csrf_token": token, "employee": org["gmo"].id, "kind": "attitude",
        "due_date": "2026-12-20"})
    assert refused.status_code == 400 and "只能选择自己的直接下属" in refused.text
    bad = client.post("/talks/occasions/new", data={
        "csrf_token": token, "employee": org["sales2"].id, "kind": "nonsense",
        "due_date": "2099-01-01"})
    assert bad.status_code == 400 and "请选择面谈类别" in bad.text


def test_onboarding_talks_for_people_who_join_later(org, create_user):
    assert ob.open_onboarding_talks(now=datetime(2026, 1, 1)) == 0  # first run: a baseline
    set_setting(ob.ONBOARDING_SINCE, "2000-01-01T00:00:00")
    newcomer = create_user("newcomer", manager=org["sales_lead"])
    assert ob.open_onboarding_talks() == 8  # everybody with a manager, the newcomer too
    row = db.session.scalar(select(OccasionTalk).where(OccasionTalk.employee_id == newcomer.id))
    assert row.kind == "onboarding" and row.manager_id == org["sales_lead"].id
    assert (row.due_date - row.opened_at.date()).days in (6, 7, 8)
    assert ob.open_onboarding_talks() == 0


def test_appeal_and_escalation_of_overdue_talks(org):
    sales1, lead, head = org["sales1"], org["sales_lead"], org["sales_head"]
    appeal = ob.file_appeal(sales1, "和主管沟通过，考核分配问题没有解决", now=datetime(2026, 3, 2, 2))
    db.session.commit()
    assert appeal.superior_id == head.id
    assert appeal.schedule_due_at.date() == date(2026, 3, 9)  # 5 working days
    with pytest.raises(ob.ObligationError):
        ob.file_appeal(sales1, "再来一次", now=datetime(2026, 3, 3, 2))
    with pytest.raises(ob.ObligationError):
        ob.file_appeal(org["sales_head"], "没有隔级上级", now=datetime(2026, 3, 3, 2))  # gm: top
    head_items = [i for i in ob.due_for(head, Month(2026, 3), today=date(2026, 3, 10))
                  if i.source == "appeal"]
    assert [(i.junior.username, i.status) for i in head_items] == [("sales1", "overdue")]
    # The appeal is the two people's business: not in sales_lead's view of sales1's list.
    assert not [i for i in ob.visible_items(lead, ob.due_for(sales1, Month(2026, 3)))
                if i.source == "appeal"]

    count = ob.escalate_overdue(now=datetime(2026, 3, 17, 2))
    db.session.commit()
    keys = set(db.session.scalars(select(ObligationEscalation.key)))
    assert any(k.startswith(f"one_on_one:mid:2026-03-01:{lead.id}:{sales1.id}") for k in keys)
    assert f"appeal:{appeal.id}" in keys
    assert count == len(keys)
    escalated = db.session.scalars(select(Notification.title).where(
        Notification.user_id == head.id, Notification.kind == "talk.overdue")).all()
    assert any(lead.name in t and sales1.name in t for t in escalated)
    assert ob.escalate_overdue(now=datetime(2026, 3, 17, 3)) == 0


def test_monthly_summary_generated_on_the_first_and_its_excel_matches_the_logs(org, client,
                                                                               login):
    lead, head = org["sales_lead"], org["sales_head"]
    log_talk("one_on_one", lead, org["sales1"], datetime(2026, 3, 14, 2), minutes=20)
    log_talk("one_on_one", lead, org["sales2"], datetime(2026, 3, 30, 2), minutes=15)
    log_talk("skip_level", head, org["sales1"], datetime(2026, 3, 5, 2), minutes=30)

    made = ob.generate_due_summary(now=datetime(2026, 4, 1, 1))
    db.session.commit()
    assert made is not None and made.month == "2026-03"
    assert ob.generate_due_summary(now=datetime(2026, 4, 1, 5)) is None
    stored = {r.department.name: (r.owed, r.held, r.overdue, r.talks_logged, r.minutes)
              for r in made.rows}
    # 华东销售组: sales_lead owes sales1 and sales2 two talks each; 2 held.
    assert stored["华东销售组"] == (4, 2, 2, 2, 35)
    # 市场部: sales_head owes sales_lead and new_lead two each, and sales1/sales2 the
    # quarter's skip-level talk.
    assert stored["市场部"] == (6, 1, 5, 1, 30)
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "talk.summary")) == 2  # gm and gmo

    login(client, org["gmo"])
    response = client.get("/talks/summary.xlsx?month=2026-03")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["华东销售组"] == (4, 2, 0, 2, 2, 35)
    logs = db.session.scalar(select(func.count()).select_from(TalkLog))
    assert rows["合计"][4] == logs
    detail = list(book.worksheets[1].iter_rows(values_only=True))
    held = [r for r in detail[1:] if r[6] == "已沟通"]
    assert len(held) == 3
    assert not any("只给自己看" in str(c) or "季度目标" in str(c) for r in detail for c in r)
    page = client.get("/talks/summary?month=2026-03")
    assert page.status_code == 200 and 'data-department="华东销售组"' in page.text
    # The GM office may generate a finished month again, never the running one.
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post("/talks/summary/generate?month=2026-03",
                       data={"csrf_token": token}).status_code == 302
    this_month = str(Month.of(utcnow()))
    assert client.post(f"/talks/summary/generate?month={this_month}",
                       data={"csrf_token": token}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(MonthlySummary)) == 1
    login(client, org["sales_head"])
    assert client.get("/talks/summary.xlsx?month=2026-03").status_code == 404


def test_the_periodic_jobs_run(org):
    """What ``flask tick`` runs: a failing job would only be logged there."""
    from hub.common.worker import JOBS

    names = ["meetings.onboarding_talks", "meetings.escalate_overdue_talks",
             "meetings.monthly_summary"]
    for name in names:
        JOBS[name].func()
    db.session.commit()
    assert ob.stored_summary(Month.of(utcnow()).previous) is not None
    assert db.session.scalar(select(func.count()).select_from(ObligationEscalation)) > 0
