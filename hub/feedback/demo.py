"""Demo feedback reports: the policy's obligations (市场部's weekly, monthly and quarterly
销售信息反馈, 顾客意见征询表, 客户回访征询表; 客服部's monthly 客户沟通总结), owed since six
weeks ago, most periods filed (one late), 市场部's summaries to the GM, and some not filed:
``sales1`` owes the newest open report (the workbench shows it), ``sales2`` missed one
(overdue, for the accountability register)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hub.common.time import utcnow
from hub.common.workdays import end_of_day_utc, local_date
from hub.extensions import db
from hub.feedback.models import FeedbackReport
from hub.feedback.services import install_presets, open_period, periods_open

BODIES = [
    "本期拜访客户 12 家，新签代销商 1 家；华东区竞品降价约 5%，客户询问促销政策。",
    "本期销量较上期增长 8%；两家酒店客户反映送货时间不稳定，已与物流部沟通。",
    "客户普遍关注新品包装与价格；建议下期增加试饮活动。",
]
SUMMARY = ("本期共收到反馈 {n} 份。主要情况：竞品降价、送货时效、促销需求。"
           "建议：调整华东区促销方案，督促物流部确定送货时段。请主管副总经理批示。")


def create_demo_feedback(people: dict) -> None:
    today = local_date(utcnow())
    obligations = install_presets(today, starts_on=today - timedelta(days=42))
    for obligation in obligations:
        for period in periods_open(obligation, today):
            open_period(obligation, period, joined_check=False)
    rows = list(db.session.scalars(select(FeedbackReport).order_by(
        FeedbackReport.due_on.desc(), FeedbackReport.id)))
    sales1, sales2, sales4 = (people.get(u) for u in ("sales1", "sales2", "sales4"))
    left_for_sales1 = left_for_sales2 = False
    for n, row in enumerate(rows):
        if sales1 is not None and row.person_id == sales1.id and not left_for_sales1:
            left_for_sales1 = True  # the newest report sales1 owes stays open
            continue
        if row.due_on >= today:
            continue  # the current periods are still being written
        if sales2 is not None and row.person_id == sales2.id and not left_for_sales2 \
                and row.role == "report":
            left_for_sales2 = True  # missed: overdue
            continue
        late = sales4 is not None and row.person_id == sales4.id and n % 3 == 0
        day = row.due_on + timedelta(days=2) if late else row.due_on
        row.filed_at = end_of_day_utc(day) - timedelta(hours=6)
        row.body = (SUMMARY.format(n=7) if row.role == "summary"
                    else BODIES[n % len(BODIES)])
    db.session.flush()
