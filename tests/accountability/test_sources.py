"""Each lapse the features report opens exactly one entry against the person responsible,
however often the register's job runs.

Seed: 信息反馈制度 四、信息沟通工作责任追究制度 "凡对信息沟通工作不重视、弄虚作假、敷衍塞责的,
对市场和客户反映的问题不及时上报,出现严重问题的,要通报批评,追究责任。"
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.accountability.services import open_entries
from hub.announcements.access import Audience
from hub.announcements.models import AnnouncementNudge
from hub.announcements.services import confirm, publish, send_reminders
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings.obligations import demo_backdate_reporting_lines
from hub.notifications.models import Notification
from hub.suggestions import services as reports
from tests.accountability.conftest import department, entries
from tests.support.factories import company_today


def run_twice(now):
    first = open_entries(now)
    db.session.commit()
    second = open_entries(now + timedelta(minutes=30))
    db.session.commit()
    assert second == [] or all(e.id not in {f.id for f in first} for e in second)
    return first


def test_a_letter_not_accepted_in_time_is_the_gm_office_secretarys(demo, letter):
    """Seed: 沟通管理办法 五、执行责任 2(2) "如发现执行不力问题,依本办法对相关责任人进行处罚。"
    — the GM office accepts letters: the secretary answers for a letter left unaccepted;
    the GM, who heads the office, does not."""
    open_entries(letter.accept_due_at - timedelta(minutes=1))
    assert entries("letter_overdue", source_id=letter.id) == []
    run_twice(letter.accept_due_at + timedelta(minutes=1))
    found = entries("letter_overdue", source_id=letter.id)
    assert [e.person.username for e in found] == ["gmo"]
    assert found[0].since == letter.accept_due_at and found[0].number == letter.number
    assert found[0].department.name == "总经办"
    # the person is told, once, with a link to the entry
    notes = db.session.scalars(select(Notification).where(
        Notification.user_id == demo["gmo"].id,
        Notification.kind == "accountability.opened")).all()
    assert len(notes) == 1 and notes[0].url == f"/accountability/{found[0].id}"


def test_an_assigned_letter_past_its_deadline_is_the_handlers(demo, assigned_letter):
    """Seed: 沟通管理办法 五、执行责任 1(2) "对违反本办法者有按本办法相关规定进行处罚的权力" —
    the named handler answers for the assignment's deadline."""
    run_twice(assigned_letter.due_at + timedelta(minutes=1))
    found = entries("letter_overdue", source_id=assigned_letter.id)
    assert {e.person.username for e in found} == {"prod1"}
    assert [e.since for e in found if e.person.username == "prod1"] == [assigned_letter.due_at]


def test_a_report_past_its_handling_deadline_is_its_handlers(demo, report):
    """Seed: 信息反馈制度 四 "对市场和客户反映的问题不及时上报,出现严重问题的,要通报批评,追究责任。" """
    run_twice(report.feedback_due_at + timedelta(hours=1))
    found = entries("report_overdue", source_id=report.id)
    assert len(found) == 1 and found[0].person.username == "hr1"
    assert found[0].since <= report.feedback_due_at and found[0].number == report.number


def test_a_rectification_past_due_is_the_department_heads(demo, report):
    """Seed: 沟通管理办法 五、执行责任 1(2) "同时对监管不力者按本制度相关规定进行处罚" — the head
    of the department asked to rectify."""
    rect = reports.request_rectification(report, demo["hr1"], department=department("生产部"),
                                         due_date=company_today() + timedelta(days=2),
                                         text="整改报销签字环节。")
    db.session.commit()
    run_twice(rect.due_at + timedelta(minutes=1))
    found = entries("rectification_overdue", source_id=rect.id)
    assert len(found) == 1 and found[0].person.username == "prod_head"
    # done in time: no lapse
    other = reports.request_rectification(report, demo["hr1"], department=department("生产部"),
                                          due_date=company_today() + timedelta(days=2),
                                          text="第二项。")
    reports.complete_rectification(other, demo["prod_head"], "已完成。")
    db.session.commit()
    open_entries(other.due_at + timedelta(days=1))
    assert entries("rectification_overdue", source_id=other.id) == []


def test_a_missed_routine_talk_is_the_superiors(demo):
    """Seed: 沟通管理办法 二、细则 一、1(1) "上下级之间每月进行2次例行沟通……由上级主动邀请下级。"
    — a window that passed without a talk is the superior's lapse, once per obligation."""
    demo_backdate_reporting_lines(120)
    db.session.commit()
    now = utcnow()
    run_twice(now)
    found = entries("talk_missed")
    assert found, "the backdated organisation owes talks in the last weeks"
    refs = [(e.person_id, e.source_ref) for e in found]
    assert len(refs) == len(set(refs))
    lead = [e for e in found if e.person.username == "sales_lead"]
    assert lead and all(e.detail["junior"] and e.detail["window_end"] for e in lead)
    assert all(e.since < now and e.number is None and e.source_id is None for e in found)
    assert not any(e.person.username == "sales1" for e in found)  # juniors owe nothing


def test_an_announcement_unconfirmed_after_escalation_is_the_persons(demo):
    """Seed: 沟通管理办法 五、执行责任 1(1) "本部门全体人员在本办法的“员工确认签字”栏签字" — still
    not confirmed some working days after the manager was told, it is the person's lapse."""
    start = utcnow() - timedelta(days=40)
    notice = publish(demo["hr1"], title="考勤制度修订", body="请阅读并确认。", kind="policy",
                     audience=Audience(department_ids=(department("生产部").id,)),
                     requires_confirmation=True, now=start)
    db.session.commit()
    confirm(notice, demo["prod2"], now=start + timedelta(days=1))
    send_reminders(start + timedelta(days=15))
    db.session.commit()
    escalated = {n.user_id for n in db.session.scalars(select(AnnouncementNudge).where(
        AnnouncementNudge.kind == "escalate"))}
    assert demo["prod1"].id in escalated
    # one working day after the escalation: not yet
    open_entries(start + timedelta(days=16))
    assert entries("announcement_unconfirmed") == []
    run_twice(start + timedelta(days=30))
    found = entries("announcement_unconfirmed", source_id=notice.id)
    production = {u.username for u in demo.values()
                  if u.department_id == department("生产部").id}
    assert {e.person.username for e in found} == production - {"prod2"}
    assert all(e.number == notice.number for e in found)



def test_a_customer_complaint_answered_within_its_minutes_is_late_only_from_its_feedback(demo):
    """Seed, 客户服务规程 2.5 "急(15分钟内到场或处理)": the first reply within the 15 minutes
    meets the timer, so the register opens nothing at the timer's end; a lapse later (the
    feedback due) counts from that deadline, not from the met timer.  The same complaint
    left unanswered is the handler's lapse from the timer's end."""
    from tests.suggestions.test_timers import FRIDAY, at, filed

    answered = filed(demo, "customer", "cs1")
    reports.assign(answered, demo["cs_head"], demo["cs1"], at=at(FRIDAY, 15, 12))
    reports.set_urgency(answered, demo["cs1"], "high", at=at(FRIDAY, 15, 20))
    reports.reply(answered, demo["cs1"], "维修人员已出发。", at=at(FRIDAY, 15, 30))
    silent = filed(demo, "customer", "cs1")
    reports.assign(silent, demo["cs_head"], demo["cs1"], at=at(FRIDAY, 15, 12))
    reports.set_urgency(silent, demo["cs1"], "high", at=at(FRIDAY, 15, 20))
    db.session.commit()
    assert answered.handle_met_at is not None and silent.handle_met_at is None

    run_twice(at(FRIDAY, 15, 40))
    assert entries("report_overdue", source_id=answered.id) == []
    [entry] = entries("report_overdue", source_id=silent.id)
    assert entry.person.username == "cs1" and entry.since == at(FRIDAY, 15, 35)

    assert answered.feedback_due_at > at(FRIDAY, 15, 35)
    run_twice(answered.feedback_due_at + timedelta(hours=1))
    [late] = entries("report_overdue", source_id=answered.id)
    assert late.since == answered.feedback_due_at
