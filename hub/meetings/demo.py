"""Demo talks: four months of the demo company's talk logs and the meetings ahead.

Made through the feature's own services, dated in the past (``now=``), relative to today so
the demo always looks current.  sales_lead talks with sales1–3 twice a month, though not
always (some windows are missed, one talk was held late); sales_head holds skip-level talks
with some of the sales people and still owes the others this quarter; sales_lead2 and
prod_head log a few talks; action items are open, carried over, or done.  Ahead: meetings
proposed and accepted in the next window.  Deterministic: no randomness, only today's date.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from hub.common.time import company_tz, utcnow
from hub.common.workdays import is_working_day, local_date
from hub.extensions import db
from hub.meetings import cadence
from hub.meetings.services import (
    NewActionItem,
    acknowledge,
    log_talk,
    propose_meeting,
    respond,
    windows_of,
)

MONTHS_BACK = 4

#: one_on_one talks that did not happen: (junior, months ago, slot)
MISSED = {("sales3", 1, "end"), ("sales2", 2, "mid"), ("sales3", 3, "mid"),
          ("sales2", 0, "mid")}
#: one_on_one talks held after their window (late): (junior, months ago, slot)
LATE = {("sales1", 2, "mid")}

TOPICS = [
    ("本月销售目标完成情况，重点客户跟进进度。", "月底前完成华东三家重点客户回访。"),
    ("回顾上半月工作，讨论报价流程中遇到的问题。", "报价审批改为当天处理，有问题直接找主管。"),
    ("新产品培训安排和客户反馈。", "下周参加产品培训，整理客户常见问题。"),
    ("工作量和出差安排，个人发展方向。", "下月起轮流负责周例会纪要。"),
]
NOTES = ["状态不错，可以考虑让他带新人。", "最近情绪有些低落，下次多问问家里情况。", "", ""]


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    local = datetime.combine(day, time(hour, minute), company_tz())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _working_day_in(start: date, end: date, offset: int = 0) -> date:
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    working = [d for d in days if is_working_day(d)] or days
    return working[min(offset, len(working) - 1)]


def _month(today: date, back: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - back
    return index // 12, index % 12 + 1


def create_demo_talks(people: dict) -> None:
    now = utcnow()
    today = local_date(now)
    counter = 0

    def talk(author, junior, kind, held_at, items=(), ack=True, comment="", done=()):
        nonlocal counter
        if held_at >= now:
            return None
        topics, agreements = TOPICS[counter % len(TOPICS)]
        note = NOTES[counter % len(NOTES)]
        counter += 1
        logged = log_talk(people[author], kind=kind, with_user_ids=[people[junior].id],
                          held_at=held_at, duration_minutes=15 + counter % 6,
                          topics=topics, agreements=agreements, private_note=note,
                          action_items=[NewActionItem(text, people[owner].id, due)
                                        for text, owner, due in items],
                          done_item_ids=done, now=min(held_at + timedelta(hours=2), now))
        if ack:
            acknowledge(logged, people[junior], comment,
                        now=min(held_at + timedelta(days=1), now))
        return logged

    # 上下级: sales_lead with sales1–3, twice a month.
    open_items: dict[str, list[int]] = {}
    for back in range(MONTHS_BACK - 1, -1, -1):
        year, month = _month(today, back)
        for slot, start, end in cadence.one_on_one_windows(year, month):
            for offset, junior in enumerate(("sales1", "sales2", "sales3")):
                if (junior, back, slot) in MISSED:
                    continue
                day = _working_day_in(start, end, offset)
                if (junior, back, slot) in LATE:
                    day = end + timedelta(days=2)
                due = day + timedelta(days=10)
                items = [(f"整理{month}月客户拜访记录", junior, due)] if slot == "mid" else []
                done = open_items.pop(junior, [])[:1] if slot == "end" else []
                logged = talk("sales_lead", junior, "one_on_one", _at(day, 10 + offset),
                              items=items, ack=(back > 0 or offset != 2), done=done,
                              comment="客户名单已经整理了一半。" if junior == "sales1"
                              and slot == "mid" and back == 1 else "")
                if logged is not None and logged.action_items:
                    open_items.setdefault(junior, []).extend(i.id for i in logged.action_items)

    # sales_lead2 with sales4 and sales5 last month; prod_head with prod1 and prod2.
    year, month = _month(today, 1)
    for slot, start, end in cadence.one_on_one_windows(year, month):
        talk("sales_lead2", "sales4", "one_on_one", _at(_working_day_in(start, end), 14))
        if slot == "mid":
            talk("sales_lead2", "sales5", "one_on_one", _at(_working_day_in(start, end, 1), 15))
            talk("prod_head", "prod1", "one_on_one", _at(_working_day_in(start, end), 9),
                 items=[("整理三号线设备点检记录", "prod1", start + timedelta(days=7))])
            talk("prod_head", "prod2", "one_on_one", _at(_working_day_in(start, end, 1), 9),
                 ack=False)

    # 隔级: sales_head with sales1 last quarter and sales4 this quarter; the rest still owed.
    quarter = cadence.quarter_of(today)
    q_start, _q_end = cadence.quarter_bounds(today.year, quarter)
    prev = q_start - timedelta(days=20)
    talk("sales_head", "sales1", "skip_level",
         _at(_working_day_in(prev, prev + timedelta(days=5)), 16),
         items=[("提交大客户开发计划", "sales1", prev + timedelta(days=30))],
         comment="谢谢钱经理的建议。")
    first_week = _working_day_in(q_start, q_start + timedelta(days=10), 3)
    talk("sales_head", "sales4", "skip_level", _at(first_week, 16))

    # An onboarding talk: rd_head with it1 two months ago.
    year, month = _month(today, 2)
    talk("rd_head", "it1", "onboarding", _at(_working_day_in(date(year, month, 3),
                                                          date(year, month, 9)), 11),
         items=[("熟悉机房巡检流程", "it1", date(year, month, 20))])

    # Ahead: the next 上下级 window — sales_lead proposes to sales1 (waiting for an answer)
    # and to sales2 (accepted); sales_head proposes a skip-level talk to sales3, who asks
    # for another time.
    windows = [w for w in windows_of("one_on_one", today) if w[0] > today]
    if windows:
        start, end = windows[0]
        day = _working_day_in(start, end)
        propose_meeting(people["sales_lead"], kind="one_on_one",
                        with_user_ids=[people["sales1"].id], start_at=_at(day, 10),
                        duration_minutes=20, location="华东销售组小会议室",
                        agenda="月度例行沟通：目标进度、客户跟进、需要的支持。", now=now)
        accepted = propose_meeting(people["sales_lead"], kind="one_on_one",
                                   with_user_ids=[people["sales2"].id], start_at=_at(day, 11),
                                   duration_minutes=20, location="华东销售组小会议室", now=now)
        respond(accepted, people["sales2"], "accept", now=now)
    soon = today + timedelta(days=3)
    skip = propose_meeting(people["sales_head"], kind="skip_level",
                           with_user_ids=[people["sales3"].id], start_at=_at(soon, 15),
                           duration_minutes=20, location="市场部经理办公室", now=now)
    respond(skip, people["sales3"], "propose", _at(soon, 16, 30), now=now)
    db.session.flush()
