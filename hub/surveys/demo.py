"""The demo company's surveys: the yearly satisfaction survey, open now, answered by the
production department (five, so its figures show) and three of R&D (too few: suppressed);
and the upward feedback, which the GM's direct reports answered (a team of five or more,
so the GM sees its aggregates)."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from hub.common import holding
from hub.common.time import utcnow
from hub.extensions import db
from hub.org.models import User
from hub.surveys import services as sv
from hub.surveys.access import Audience

SATISFACTION = [
    sv.QuestionSpec("你对公司整体工作环境的满意程度", "scale"),
    sv.QuestionSpec("你对部门内部沟通的满意程度", "scale"),
    sv.QuestionSpec("你对薪酬福利的满意程度", "scale"),
    sv.QuestionSpec("你最希望公司优先改进哪一方面？", "choice", ["培训与发展", "薪酬福利", "工作环境", "跨部门协作"]),
    sv.QuestionSpec("其他意见和建议", "text"),
]
#: (username, answers in question order)
SATISFACTION_ANSWERS = [
    ("prod_head", [4, 4, 3, "培训与发展", "希望增加技能培训。"]),
    ("prod1", [3, 4, 2, "薪酬福利", "夜班补贴偏低。"]),
    ("prod2", [4, 3, 3, "工作环境", ""]),
    ("prod3", [5, 4, 3, "培训与发展", "车间通风可以再改善。"]),
    ("prod4", [4, 5, 4, "跨部门协作", ""]),
    ("rd1", [4, 3, 4, "跨部门协作", "需求变更希望提前沟通。"]),
    ("rd2", [3, 3, 3, "培训与发展", ""]),
    ("rd3", [5, 4, 4, "工作环境", ""]),
]
UPWARD_ANSWERS = ["gmo", "hr_head", "safety_head", "cs_head", "sales_head"]


def _answers(survey, values) -> dict:
    return {q.id: v for q, v in zip(survey.questions, values) if v != ""}


def release_held_answers(now) -> None:
    """Record the held answers at once (the demo has nobody to protect), shuffled as the
    worker would."""
    rows = list(db.session.scalars(select(holding.HeldFiling).where(
        holding.HeldFiling.kind == sv.HELD_KIND)))
    random.shuffle(rows)
    for row in rows:
        holding.RELEASES[row.kind].record(dict(row.fields), row.receipt_hash, [], now)
        db.session.delete(row)
    db.session.flush()


def create_demo_surveys(people: dict[str, User]) -> None:
    now = utcnow()
    hr = people["hr1"]
    yearly = sv.create_survey(
        hr, title="2026年度员工满意度调查",
        description="本问卷匿名填写，结果仅按部门汇总，不足5人的部门不单独显示。",
        questions=SATISFACTION, audience=Audience(everyone=True),
        opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=10), now=now)
    for username, values in SATISFACTION_ANSWERS:
        sv.answer(yearly, people[username], _answers(yearly, values), now=now)
    upward = sv.create_survey(
        hr, title="2026年上半年上级管理风格反馈", kind="upward",
        description=str(sv.UPWARD_DESCRIPTION), audience=Audience(everyone=True),
        opens_at=now - timedelta(days=2), closes_at=now + timedelta(days=12), now=now)
    for number, username in enumerate(UPWARD_ANSWERS):
        values = [4, 3 + number % 2, 4, 5 - number % 2, "合适", ""]
        sv.answer(upward, people[username], _answers(upward, values), now=now)
    release_held_answers(now)
