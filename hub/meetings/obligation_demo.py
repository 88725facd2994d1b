"""Demo talk obligations: the organisation existed before the hub (so past months' talks are
owed by somebody), 协作岗位 pairs, appraisal dates, occasion talks in every state (a 转正面谈
opened by itself from sales3's probation end date), an appeal, a talk held early (before
its window: 已沟通 提前), a make-up meeting (补谈) for a missed window, the routine talks
most managers kept (``log_demo_routine_talks``: what the engine says is owed since the
demo's first month, less a deliberate few left overdue or still due) and the escalations of
what is already overdue.  Dates are relative to today, so the demo always
looks current."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import cache

from hub.common.models import set_setting
from hub.common.numbering import next_number
from hub.common.time import company_tz, utcnow
from hub.common.workdays import WorkCalendar, add_working_days, local_date
from hub.extensions import db
from hub.meetings import cadence
from hub.meetings import obligations as ob
from hub.meetings.demo import MONTHS_BACK, _month
from hub.meetings.models import TalkLog, TalkParticipant
from hub.meetings.services import PREFIX

#: How long before the demo's creation its reporting lines started.
HISTORY_DAYS = 200

PAIRS = [("市场部", "生产部"), ("客服部", "市场部"), ("研发部", "生产部")]

# (employee, kind, opened days ago, due in days from today, opened by, reason)
OCCASIONS = [
    ("prod3", "underperformance", 20, -6, "prod_head", "近两个月质检返工偏多。"),
    ("cs1", "commendation", 3, 7, "cs_head", "客户来信表扬服务周到。"),
    ("rd2", "family", 2, 5, "hr2", "家中有老人住院。"),
]


def backdate_demo_reporting_lines(people: dict) -> None:
    """The first demo step after the organisation: everybody's first reporting line starts
    ``HISTORY_DAYS`` earlier."""
    ob.demo_backdate_reporting_lines(HISTORY_DAYS)


def create_demo_obligations(people: dict) -> None:
    """The last demo step: it reads the talk logs the other steps made."""
    now = utcnow()
    today = local_date(now)
    set_setting(ob.ONBOARDING_SINCE, now.isoformat())  # the demo people are not newcomers
    admin = people["admin"]
    departments = {p.department.name: p.department for p in people.values()}
    for leading, partner in PAIRS:
        if leading in departments and partner in departments:
            ob.add_pair(departments[leading], departments[partner], by=admin)
    goal_day = today.replace(month=1, day=6) if today.month > 2 else today - timedelta(days=60)
    ob.add_appraisal_date(goal_day, "goal_setting", "年度目标设定", by=people["hr_head"])
    # The appraisal results came out on the 3rd working day of last month.
    appraisal_day = add_working_days((today.replace(day=1) - timedelta(days=1)).replace(day=1)
                                     - timedelta(days=1), 3)
    ob.add_appraisal_date(appraisal_day, "appraisal", "月度绩效考核结果", by=people["hr_head"])
    log_demo_early_talk(people, now)
    year, month = _month(today, MONTHS_BACK - 1)
    log_demo_routine_talks(people, date(year, month, 1), now)
    for username, kind, opened_ago, due_in, by, reason in OCCASIONS:
        ob.open_occasion(people[username], kind, today + timedelta(days=due_in), reason,
                         by=people[by], now=now - timedelta(days=opened_ago))
    # HR keeps sales3's probation end date: the 转正面谈 opens itself (the daily job's work).
    people["sales3"].probation_ends_on = today + timedelta(days=PROBATION_DUE_IN)
    db.session.flush()
    ob.open_probation_talks(now)
    propose_demo_makeup(people, now)
    ob.file_appeal(people["sales2"], "与主管就客户分配问题沟通过两次，仍未解决，希望与经理面谈。",
                   now=now - timedelta(days=2))
    ob.close_held_occasions(today)
    # What was overdue before today counts as told already: the demo's past, not news.
    ob.escalate_overdue(now, quiet=True)


#: sales3's probation ends this many days from the demo's today.
PROBATION_DUE_IN = 10
EARLY_PAIR = ("prod_head", "prod1")
MAKEUP_PAIR = ("rd_head", "rd2")


def log_demo_early_talk(people: dict, now: datetime) -> TalkLog:
    """prod_head talked with prod1 on a working day early last month, before the mid-month
    window (13–16): the talk counts for that window, held early (提前), and the routine step
    leaves the window alone."""
    today = local_date(now)
    year, month = _month(today, 1)
    cal = WorkCalendar(date(year, month, 1), date(year, month, 12))
    day = next((date(year, month, d) for d in range(5, 12)
                if cal.is_working(date(year, month, d))), date(year, month, 6))
    held_at = datetime.combine(day, time(10, 0), company_tz()).astimezone(timezone.utc) \
        .replace(tzinfo=None)
    senior, junior = people[EARLY_PAIR[0]], people[EARLY_PAIR[1]]
    talk = TalkLog(number=next_number(PREFIX, day.year), kind="one_on_one",
                   author_id=senior.id, held_at=held_at, duration_minutes=20,
                   topics="月中要出差，提前做本月的例行沟通：产线排班和夜班补贴。",
                   agreements="夜班补贴标准下周公布；排班表月底前定稿。",
                   created_at=held_at + timedelta(hours=2))
    talk.participants = [
        TalkParticipant(user_id=senior.id, acknowledged_at=talk.created_at),
        TalkParticipant(user_id=junior.id, acknowledged_at=held_at + timedelta(days=1))]
    db.session.add(talk)
    db.session.flush()
    return talk


def propose_demo_makeup(people: dict, now: datetime) -> None:
    """rd_head missed last month's month-end talk with rd2 and proposes a make-up (补谈) on
    the next working day outside any 上下级 window."""
    from hub.meetings.services import in_window, propose_meeting

    senior, junior = people[MAKEUP_PAIR[0]], people[MAKEUP_PAIR[1]]
    today = local_date(now)
    if ob.missed_obligation(senior, junior, "one_on_one", today=today) is None:
        return
    cal = WorkCalendar(today, today + timedelta(days=30))
    day = next((today + timedelta(days=i) for i in range(1, 30)
                if cal.is_working(today + timedelta(days=i))
                and not in_window("one_on_one", today + timedelta(days=i))), None)
    if day is None:
        return
    start = datetime.combine(day, time(15, 0), company_tz()).astimezone(timezone.utc) \
        .replace(tzinfo=None)
    propose_meeting(senior, kind="one_on_one", with_user_ids=[junior.id], start_at=start,
                    duration_minutes=20, location="研发部小会议室",
                    agenda="补谈：上月月末的例行沟通没有按时进行。", now=now)


# --- the routine talks most managers kept ---------------------------------------------------

#: Managers whose talks the other demo step tells in detail (missed and late ones included):
#: their routine talks are left as that step made them.
TOLD_ELSEWHERE = {"sales_lead"}
#: sales_head's skip-level talks of this quarter are the other step's story (one held, one
#: proposed, the rest still owed).
CURRENT_QUARTER_TOLD = {"sales_head"}

TALK_TEXTS = {
    "one_on_one": [
        ("回顾本月重点工作进度，讨论下阶段的优先级。", "本周内把延期事项列出来，下次沟通逐项过。"),
        ("近期加班较多，聊了工作量分配和休息安排。", "重复性工作交给新同事分担，月底前调整排班。"),
        ("上月问题的整改情况，以及需要部门协调的资源。", "设备采购申请由主管跟进，下周给答复。"),
        ("个人发展方向，想多参与跨部门项目。", "下季度安排参加一个跨部门改进小组。"),
        ("客户投诉处理情况和流程中的卡点。", "投诉升级标准写进操作手册，组内统一执行。"),
        ("培训需求和技能短板，讨论学习计划。", "报名公司内训课程，学完后在组内分享。"),
        ("本月目标完成情况良好，聊了团队协作中的小摩擦。", "有分歧先当面沟通，解决不了再找主管。"),
        ("年度计划的执行偏差和原因分析。", "下月起每周五提交一次简要进度。"),
    ],
    "skip_level": [
        ("了解在组里的工作感受，对直属主管的管理有什么建议。",
         "建议例会缩短时间，已转告主管参考。"),
        ("谈谈部门今年的方向，以及个人在其中的角色。", "鼓励多提改进建议，可直接发邮件给经理。"),
        ("工作环境和工具方面的困难。", "办公电脑更换申请由经理协调行政部处理。"),
        ("职业发展和晋升通道的疑问。", "下季度绩效沟通时一起讨论晋升条件。"),
        ("团队氛围和跨组配合情况。", "跨组事项先在周会上提出，经理帮助协调。"),
    ],
    "cross_team": [
        ("本月两个部门的交接事项和排期冲突。", "每周三对一次排期，变更提前两天通知对方。"),
        ("上月协作中出现的延误，分析原因。", "需求确认单双方签字后再开工。"),
        ("新产品上线前的准备工作和分工。", "各自指定一名对接人，建立共享进度表。"),
        ("客户反馈在两个部门之间的传递流程。", "反馈统一录入系统，两个工作日内回复。"),
    ],
    "performance": [
        ("说明上月考核结果，肯定了主要成绩，指出报表准确率有待提高。",
         "下月起报表提交前自查一遍，准确率目标百分之九十八。"),
        ("考核结果中等，一起分析了未完成指标的原因。", "制定改进计划，每两周回顾一次。"),
        ("考核结果优秀，讨论下一阶段的挑战目标。", "承担一个新项目的主要工作，经理提供支持。"),
        ("对考核评分有些疑问，逐项解释评分依据。", "疑问已说清楚，双方认可考核结果。"),
    ],
}
PRIVATE_NOTES = ["最近状态有些疲惫，下次多关心一下。", "有带新人的潜力，可以考虑给更多机会。",
                 "对加薪有想法，年底调薪时留意。"]


def _deliberate(o, username: dict, first_of_month: date, today: date) -> str:
    """What becomes of a routine obligation the other steps left open: "held", "late" or
    "missed" (left overdue, or pending while its window is open)."""
    senior, junior = username.get(o.senior_id), username.get(o.junior_id)
    this_month = o.window_end >= first_of_month
    last_month = (first_of_month - timedelta(days=1)).replace(day=1) <= o.window_end \
        < first_of_month
    if senior == "rd_head":  # 研发部: the head lets several talks slip
        if o.kind == "one_on_one" and (last_month and o.slot == "end"
                                       or this_month and junior in ("rd2", "rd3")):
            return "missed"
        if o.kind == "cross_team" and this_month:
            return "missed"
    if senior == "sales_lead2" and o.kind == "one_on_one" and junior == "sales5" \
            and o.slot == "mid" and this_month:
        return "late"  # held a few days after the window
    if o.kind == "skip_level":
        if o.window_end < today:
            return "missed" if (senior, junior) == ("gm", "prod4") else "held"
        # This quarter: about a third not held yet (still due).
        return "missed" if (senior in CURRENT_QUARTER_TOLD or o.junior_id % 3 == 0) else "held"
    if o.kind == "performance" and (senior, junior) == ("prod_head", "prod3"):
        return "missed"
    return "held"


def log_demo_routine_talks(people: dict, first: date, now: datetime) -> int:
    """Log the routine talks (owed since ``first`` as the engine works them out) that most
    managers kept, leaving the deliberate misses above; windows still to come stay pending.
    Made in bulk, numbered by the numbering service, without notifications (the past)."""
    today = local_date(now)
    username = {p.id: name for name, p in people.items()}
    manager_on = ob.reporting_lookup()
    cal = WorkCalendar(first - timedelta(days=100), today + timedelta(days=100))
    is_working = cache(cal.is_working)
    routine = ob._routine_owed(first, today, manager_on, is_working)
    talks = ob._talks_between(min(o.period_start for o in routine), today)
    held = [cadence.Held(t.kind, ids, local_date(t.held_at), t.id) for t, ids in talks]
    first_of_month = today.replace(day=1)
    rows = []
    for n, s in enumerate(sorted(cadence.settle(routine, held, [], today),
                                 key=lambda s: (s.owed.window_end, s.owed.key))):
        o = s.owed
        if s.status == "held" or username.get(o.senior_id) in TOLD_ELSEWHERE:
            continue
        fate = _deliberate(o, username, first_of_month, today)
        if fate == "missed":
            continue
        if fate == "late":
            days = [o.window_end + timedelta(days=i) for i in range(2, 6)]
        else:
            start = max(o.window_start, first)
            days = [start + timedelta(days=i) for i in range((o.window_end - start).days + 1)]
        days = [d for d in days if d < today and o.period_start <= d <= o.period_end]
        working = [d for d in days if is_working(d)] or days
        if not working:
            continue  # the window has not come yet: pending
        day = working[(n * 7) % len(working)] if o.kind == "skip_level" else \
            working[n % min(len(working), 3)]
        held_at = datetime.combine(day, time(9 + n % 8, 30 * (n % 2)), company_tz()) \
            .astimezone(timezone.utc).replace(tzinfo=None)
        rows.append((o, held_at, n))

    rows.sort(key=lambda r: r[1])
    # The numbers first: each one is an UPDATE that would otherwise flush the talk before.
    numbers = [next_number(PREFIX, local_date(min(held_at + timedelta(hours=3), now)).year)
               for _o, held_at, _n in rows]
    talks = []
    for (o, held_at, n), number in zip(rows, numbers):
        created = min(held_at + timedelta(hours=3), now)
        topics, agreements = TALK_TEXTS[o.kind][n % len(TALK_TEXTS[o.kind])]
        acked = None if held_at > now - timedelta(days=2) and n % 2 else \
            min(held_at + timedelta(days=1), now)
        talk = TalkLog(number=number, kind=o.kind,
                       author_id=o.senior_id, held_at=held_at,
                       duration_minutes=(20, 30, 25, 40, 15)[n % 5], topics=topics,
                       agreements=agreements,
                       private_note=PRIVATE_NOTES[n % 3] if n % 23 == 5 else "",
                       created_at=created)
        talk.participants = [TalkParticipant(user_id=o.senior_id, acknowledged_at=created),
                             TalkParticipant(user_id=o.junior_id, acknowledged_at=acked)]
        talks.append(talk)
    db.session.add_all(talks)
    db.session.flush()
    return len(talks)
