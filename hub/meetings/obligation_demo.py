"""Demo talk obligations: the organisation existed before the hub (so past months' talks are
owed by somebody), 协作岗位 pairs, appraisal dates, occasion talks in every state, an appeal,
and the escalations of what is already overdue.  Dates are relative to today, so the demo
always looks current."""
from __future__ import annotations

from datetime import timedelta

from hub.common.models import set_setting
from hub.common.time import utcnow
from hub.common.workdays import add_working_days, local_date
from hub.meetings import obligations as ob

#: How long before the demo's creation its reporting lines started.
HISTORY_DAYS = 200

PAIRS = [("市场部", "生产部"), ("客服部", "市场部"), ("研发部", "生产部")]

# (employee, kind, opened days ago, due in days from today, opened by, reason)
OCCASIONS = [
    ("sales3", "probation", 5, 10, "hr1", "试用期将于本月届满，请做转正面谈。"),
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
    for username, kind, opened_ago, due_in, by, reason in OCCASIONS:
        ob.open_occasion(people[username], kind, today + timedelta(days=due_in), reason,
                         by=people[by], now=now - timedelta(days=opened_ago))
    ob.file_appeal(people["sales2"], "与主管就客户分配问题沟通过两次，仍未解决，希望与经理面谈。",
                   now=now - timedelta(days=2))
    ob.close_held_occasions(today)
    # What was overdue before today counts as told already: the demo's past, not news.
    ob.escalate_overdue(now, quiet=True)
