"""The urgency timers fit each kind: minutes for a customer complaint's first response,
working days for everything else, configurable per kind, and escalated when they run out."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import select

from hub.common.time import company_tz
from hub.common.workdays import end_of_day_utc
from hub.extensions import db
from hub.notifications.models import Notification
from hub.suggestions import services as sv
from hub.suggestions import timers
from hub.suggestions.models import ReportEvent, UrgencyTimer
from tests.conftest import csrf_token

FRIDAY = date(2026, 3, 6)  # a working Friday; Monday 9 March is the next working day
TIMERS = "/admin/timers"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A company-local time, as stored (naive UTC)."""
    local = datetime.combine(day, time(hour, minute), tzinfo=company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def filed(demo, kind: str, handler: str, *, day: date = FRIDAY):
    """A named report filed at 15:00 and accepted by ``handler`` at 15:10."""
    report = sv.file_report(demo["sales1"], kind=kind, subject="客户反映电梯停运",
                            body="三号楼电梯停运两小时。", anonymous=False,
                            now=at(day, 15)).report
    sv.accept(report, demo[handler], at=at(day, 15, 10))
    db.session.commit()
    return report


def escalations(report) -> list[ReportEvent]:
    return list(db.session.scalars(select(ReportEvent).where(
        ReportEvent.report_id == report.id, ReportEvent.action == "escalate")))


def test_a_whistleblowing_report_marked_urgent_on_friday_afternoon_is_due_monday_night(
        app, demo):
    """Seed, 客户服务规程 2.5: "按照特急(10分钟内到场或处理)、急(15分钟内到场或处理)和一般(当日或与客户约定
    时间内到场或处理)的三级处理原则" — for customers' repairs and complaints only; a 举报 marked
    特急 at 15:20 on a Friday is due at the end of the next working day, not at 15:30."""
    report = filed(demo, "whistleblowing", "hr1")
    sv.set_urgency(report, demo["hr1"], "urgent", at=at(FRIDAY, 15, 20))
    db.session.commit()
    assert report.handle_due_at == end_of_day_utc(date(2026, 3, 9))
    assert report.handle_rule == "working_days"
    assert sv.overdue_reasons(report, at(FRIDAY, 15, 31)) == []
    assert sv.escalate_overdue(at(FRIDAY, 15, 31)) == 0

    sv.set_urgency(report, demo["hr1"], "high", at=at(FRIDAY, 15, 40))
    assert report.handle_due_at == end_of_day_utc(date(2026, 3, 11))  # 3 working days
    sv.set_urgency(report, demo["hr1"], "normal", at=at(FRIDAY, 15, 50))
    assert report.handle_due_at is None and report.handle_rule is None  # the 7-day rule
    db.session.commit()


def test_a_working_day_timer_runs_out_and_is_escalated_until_the_handling_ends(app, demo):
    """Seed, 公司信息沟通管理制度 四: "对市场和客户反映的问题不及时上报，出现严重问题的，要通报批评，追究
    责任" — a 投诉 marked 特急 is escalated once its working day has passed; a reply alone does
    not end a working-day timer, the outcome does."""
    report = filed(demo, "complaint", "hr1")
    sv.set_urgency(report, demo["hr1"], "urgent", at=at(FRIDAY, 15, 20))
    sv.reply(report, demo["hr1"], "已转交行政部。", at=at(date(2026, 3, 9), 9))
    db.session.commit()
    assert report.handle_met_at is None
    tuesday = at(date(2026, 3, 10), 0, 1)
    assert sv.overdue_reasons(report, tuesday) == ["urgency"]
    assert sv.escalate_overdue(tuesday) == 1
    db.session.commit()
    [event] = escalations(report)
    assert event.text == "urgency" and report.escalation_level == 1
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "report.overdue")))
    assert told == {demo["hr_head"].id}  # the head of the unit: no handler assigned yet
    sv.resolve(report, demo["hr1"], "已更换热水器。", at=at(date(2026, 3, 10), 10))
    db.session.commit()
    assert report.handle_met_at == at(date(2026, 3, 10), 10)
    assert "urgency" not in sv.overdue_reasons(report, at(date(2026, 3, 10), 11))


def test_a_customer_complaint_marked_urgent_must_be_answered_within_ten_minutes(app, demo):
    """Seed, 客户服务规程 2.5: "特急(10分钟内到场或处理)" — the first response to a customer
    complaint marked 特急 at 15:20 is due at 15:30; at 15:31 the handlers are told and the
    history records the escalation."""
    report = filed(demo, "customer", "cs1")
    sv.assign(report, demo["cs_head"], demo["cs1"], at=at(FRIDAY, 15, 15))
    sv.set_urgency(report, demo["cs1"], "urgent", at=at(FRIDAY, 15, 20))
    db.session.commit()
    assert report.handle_due_at == at(FRIDAY, 15, 30)
    assert report.handle_rule == "minutes"
    assert sv.escalate_overdue(at(FRIDAY, 15, 29)) == 0
    assert sv.escalate_overdue(at(FRIDAY, 15, 31)) == 1
    db.session.commit()
    assert [e.text for e in escalations(report)] == ["urgency"]
    told = set(db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "report.overdue")))
    assert told == {demo["cs1"].id}  # the handler
    assert sv.escalate_overdue(at(FRIDAY, 15, 45)) == 0  # once per level


def test_the_first_response_meets_a_customer_complaints_timer(app, demo):
    """Seed, 客户服务规程 2.5: "急(15分钟内到场或处理)" and 1.4.3 "有求必应，有应必解，有解必答" — the
    first reply within 15 minutes meets the timer though the handling goes on."""
    report = filed(demo, "customer", "cs1")
    sv.set_urgency(report, demo["cs1"], "high", at=at(FRIDAY, 15, 20))
    assert report.handle_due_at == at(FRIDAY, 15, 35)
    sv.reply(report, demo["cs1"], "维修人员已出发。", at=at(FRIDAY, 15, 30))
    db.session.commit()
    assert report.handle_met_at == at(FRIDAY, 15, 30) and report.status == "accepted"
    assert sv.overdue_reasons(report, at(FRIDAY, 15, 40)) == []
    assert sv.escalate_overdue(at(FRIDAY, 15, 40)) == 0
    # Raising it to 特急 afterwards: the response was already given.
    sv.set_urgency(report, demo["cs1"], "urgent", at=at(FRIDAY, 15, 50))
    assert report.handle_met_at == at(FRIDAY, 15, 30)
    assert sv.overdue_reasons(report, at(FRIDAY, 16, 30)) == []


def test_a_normal_customer_complaint_is_due_the_same_day_or_at_the_agreed_time(app, demo):
    """Seed, 客户服务规程 2.5: "一般(当日或与客户约定时间内到场或处理)"."""
    report = filed(demo, "customer", "cs1")
    sv.set_urgency(report, demo["cs1"], "normal", at=at(FRIDAY, 15, 20))
    assert report.handle_due_at == end_of_day_utc(FRIDAY)
    agreed = at(date(2026, 3, 9), 10)
    sv.set_urgency(report, demo["cs1"], "normal", agreed_at=agreed, at=at(FRIDAY, 15, 25))
    assert report.handle_due_at == agreed and report.handle_rule == "end_of_day"
    with pytest.raises(sv.ReportError) as past:
        sv.set_urgency(report, demo["cs1"], "normal", agreed_at=at(FRIDAY, 9),
                       at=at(FRIDAY, 15, 30))
    assert past.value.fields == {"agreed_at": ["约定时间必须晚于现在。"]}
    with pytest.raises(sv.ReportError) as minutes:
        sv.set_urgency(report, demo["cs1"], "urgent", agreed_at=agreed, at=at(FRIDAY, 15, 30))
    assert "agreed_at" in minutes.value.fields
    other = filed(demo, "complaint", "hr1")
    with pytest.raises(sv.ReportError):
        sv.set_urgency(other, demo["hr1"], "normal", agreed_at=agreed, at=at(FRIDAY, 15, 30))
    db.session.rollback()


def test_the_admin_sets_a_kinds_timers_and_new_urgencies_follow_them(
        app, client, demo, login, get_csrf):
    """Seed, 客户服务规程 2.6: "物业公司服务时间承诺，见下表(略)" — the table is left to the company:
    the admin sets each kind's timers; bad input is refused with the reason, nothing saved."""
    login(client, demo["admin"])
    page = client.get(TIMERS)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-kind="customer"' in html
    assert "默认：10 分钟内首次响应" in html

    data = {"csrf_token": get_csrf(client, TIMERS)}
    for (kind, urgency), timer in timers.DEFAULT_TIMERS.items():
        data[f"rule_{kind}_{urgency}"] = timer.rule
        data[f"amount_{kind}_{urgency}"] = str(timer.amount or "")
    bad = dict(data, rule_complaint_urgent="minutes", amount_complaint_urgent="")
    refused = client.post(TIMERS, data=bad)
    assert refused.status_code == 400
    assert "请填写分钟数或工作日数。" in refused.get_data(as_text=True)
    assert db.session.scalar(select(UrgencyTimer)) is None

    good = dict(data, rule_complaint_urgent="minutes", amount_complaint_urgent="30",
                rule_safety_normal="working_days", amount_safety_normal="5")
    saved = client.post(TIMERS, data=good)
    assert saved.status_code == 302 and saved.headers["Location"].endswith(TIMERS)
    stored = {(row.kind, row.urgency): (row.rule, row.amount)
              for row in db.session.scalars(select(UrgencyTimer))}
    assert stored == {("complaint", "urgent"): ("minutes", 30),
                      ("safety", "normal"): ("working_days", 5)}

    report = filed(demo, "complaint", "hr1")
    sv.set_urgency(report, demo["hr1"], "urgent", at=at(FRIDAY, 15, 20))
    assert report.handle_due_at == at(FRIDAY, 15, 50)
    # Back to the default: the row goes.
    client.post(TIMERS, data=dict(data, csrf_token=get_csrf(client, TIMERS)))
    assert db.session.scalar(select(UrgencyTimer)) is None
    db.session.rollback()


def test_the_api_sets_an_agreed_time_and_shows_how_the_timer_stands(app, client, demo,
                                                                   bearer):
    """Seed, 客户服务规程 2.5: "一般(当日或与客户约定时间内到场或处理)" — through the API too."""
    report = sv.file_report(demo["sales1"], kind="customer", subject="客户要求上门调试",
                            body="约周一上午。", anonymous=False).report
    sv.accept(report, demo["cs1"])
    db.session.commit()
    url = f"/api/v1/reports/{report.id}/actions"
    cs1 = bearer(demo["cs1"])
    answer = client.post(url, headers=cs1, json={
        "action": "set_urgency", "urgency": "normal", "agreed_at": "2099-03-09T10:00:00+08:00"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    got = answer.get_json()["timers"]
    assert got["handle_due_at"] == "2099-03-09T10:00:00+08:00"
    assert got["handle_rule"] == "end_of_day" and got["handle_met_at"] is None
    refused = client.post(url, headers=cs1, json={
        "action": "set_urgency", "urgency": "urgent", "agreed_at": "2099-03-09T10:00:00+08:00"})
    assert refused.status_code == 400
    assert "agreed_at" in refused.get_json()["error"]["fields"]
    replied = client.post(url, headers=cs1, json={"action": "reply", "text": "已约好时间。"})
    assert replied.get_json()["timers"]["handle_met_at"] is not None


def test_the_report_page_names_each_levels_timer_and_takes_the_agreed_time(
        app, client, demo, login):
    """Seed, 客户服务规程 2.5: "一般(当日或与客户约定时间内到场或处理)" — the page says what each level
    means for the report's kind; only a customer complaint takes an agreed time, and a bad
    one is refused with the reason."""
    customer = filed(demo, "customer", "cs1")
    complaint = filed(demo, "complaint", "hr1")
    login(client, demo["cs1"])
    page = client.get(f"/suggestions/reports/{customer.id}").get_data(as_text=True)
    assert "特急（10 分钟内首次响应）" in page and 'name="set_urgency-agreed_at"' in page
    token = csrf_token(client, f"/suggestions/reports/{customer.id}")
    url = f"/suggestions/reports/{customer.id}/actions/set_urgency"
    bad = client.post(url, data={"set_urgency-csrf_token": token,
                                 "set_urgency-urgency": "urgent",
                                 "set_urgency-agreed_at": "2099-03-09T10:00"})
    assert bad.status_code == 400
    assert "只有“当日或与客户约定时间内”的时限可以填写约定时间。" in bad.get_data(as_text=True)
    good = client.post(url, data={"set_urgency-csrf_token": token,
                                  "set_urgency-urgency": "normal",
                                  "set_urgency-agreed_at": "2099-03-09T10:00"})
    assert good.status_code == 302
    db.session.refresh(customer)
    assert customer.handle_due_at == datetime(2099, 3, 9, 2, 0)  # 10:00 company time
    assert "已于" not in client.get(f"/suggestions/reports/{customer.id}").get_data(
        as_text=True)
    login(client, demo["hr1"])
    other = client.get(f"/suggestions/reports/{complaint.id}").get_data(as_text=True)
    assert "特急（1 个工作日内办结）" in other and "一般（按一般受理期限）" in other
    assert "set_urgency-agreed_at" not in other
