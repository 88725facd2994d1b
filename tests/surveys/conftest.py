"""Fixtures of the survey tests: a small company (HR, a department of ``n`` people with
their manager, another department) and a survey factory."""
from __future__ import annotations

from datetime import timedelta

import pytest

from hub.common import holding
from hub.common.time import utcnow
from hub.extensions import db
from hub.surveys import services as sv
from hub.surveys.access import Audience
from tests.support.factories import create_department, create_user

QUESTIONS = [
    sv.QuestionSpec("你对部门内部沟通的满意程度", "scale"),
    sv.QuestionSpec("最希望改进哪一方面？", "choice", ["培训", "薪酬", "环境"]),
    sv.QuestionSpec("其他意见", "text"),
]


class Company:
    def __init__(self):
        self.hr_dept = create_department("人力资源部")
        self.hr = create_user("hr1", department=self.hr_dept, roles=["hr"])
        self.office = create_department("总经办")
        self.gmo = create_user("gmo", department=self.office, roles=["gm_office"])
        self.prod = create_department("生产部")
        self.prod_head = create_user("prod_head", department=self.prod, heads=True)
        self.workers = []
        self.rd = create_department("研发部")
        self.rd_people = []

    def add_workers(self, n: int):
        while len(self.workers) < n:
            self.workers.append(create_user(department=self.prod, manager=self.prod_head))
        return self.workers[:n]

    def add_rd(self, n: int):
        while len(self.rd_people) < n:
            self.rd_people.append(create_user(department=self.rd))
        return self.rd_people[:n]

    def survey(self, *, kind="standard", questions=QUESTIONS, audience=None, days=10,
               opens_in=None, title="2026年度员工满意度调查"):
        now = utcnow()
        survey = sv.create_survey(
            self.hr, title=title, kind=kind, questions=questions,
            audience=audience or Audience(everyone=True),
            opens_at=(now + opens_in) if opens_in else now - timedelta(minutes=1),
            closes_at=now + timedelta(days=days))
        db.session.commit()
        return survey


@pytest.fixture
def company(app):
    return Company()


def answers_for(survey, score=4, choice="培训", text=""):
    found = {}
    for q in survey.questions:
        found[q.id] = score if q.kind == "scale" else choice if q.kind == "choice" else text
    return found


def release_all():
    """Release every held answer as the worker does (a moment after any window)."""
    released = holding.release_due(utcnow() + timedelta(days=1))
    db.session.commit()
    return released
