"""The demo's monthly summary loop for last month: 市场部's summary waiting for the GM,
生产部's returned for more detail, 客服部's approved and waiting for the GM office to publish
it; and a spot check of three talk logs by the GM office, one of them with a finding."""
from __future__ import annotations

import random
from datetime import timedelta

from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings import summaries as sm


def create_demo_summaries(people: dict) -> None:
    """A step of ``hub.demo`` (after the demo's talks)."""
    now = utcnow()
    month = Month.of(now).previous
    opened = month.next.bounds_utc()[0] + timedelta(hours=1)
    at = min(opened, now - timedelta(hours=6))
    drafts = {s.department.head.username: s for s in sm.open_month(month, now=at)
              if s.department.head is not None}
    gm = people["gm"]
    steps = [
        ("sales_head", "本月各销售组均按时完成月中、月末沟通，一名新员工的入职面谈已补谈。",
         None),
        ("prod_head", "生产部本月例行沟通基本完成。", ("return", "请补充超期未谈的原因和补谈安排。")),
        ("cs_head", "客服部本月沟通全部按时完成，客户投诉处理中的问题已在沟通中跟进。",
         ("approve", "同意，月例会公布。")),
    ]
    for offset, (head, comment, review) in enumerate(steps):
        summary = drafts.get(head)
        if summary is None:
            continue
        sm.act(summary, people[head], "submit", comment, now=at + timedelta(minutes=10 + offset))
        if review is not None:
            sm.act(summary, gm, review[0], review[1], now=at + timedelta(hours=2 + offset))
    try:
        check = sm.start_spot_check(people["gmo"], month, 3, now=at + timedelta(hours=3),
                                    rng=random.Random(15))
    except sm.SummaryError:  # no talk logs last month
        return
    sm.record_finding(check.items[0], people["gmo"], "ok", "", now=at + timedelta(hours=4))
    db.session.flush()
