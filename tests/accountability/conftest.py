"""Lapses built through the features' own services, for the register's tests."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hub.accountability.models import AccountabilityEntry
from hub.extensions import db
from hub.mailbox import services as mailbox
from hub.org.models import Department
from hub.suggestions import services as reports
from tests.support.factories import company_today


def entries(kind: str | None = None, **where) -> list[AccountabilityEntry]:
    stmt = select(AccountabilityEntry).order_by(AccountabilityEntry.id)
    if kind:
        stmt = stmt.where(AccountabilityEntry.kind == kind)
    for name, value in where.items():
        stmt = stmt.where(getattr(AccountabilityEntry, name) == value)
    return list(db.session.scalars(stmt))


def department(name: str) -> Department:
    return db.session.scalar(select(Department).where(Department.name == name))


@pytest.fixture
def letter(demo):
    """A named letter of sales1's, waiting for the GM office to accept it."""
    filed = mailbox.file_letter(demo["sales1"], subject="食堂排队太久", body="中午排队半小时。",
                                category="issue")
    db.session.commit()
    return filed.letter


@pytest.fixture
def assigned_letter(demo, letter):
    """The letter accepted and assigned to 生产部 with prod1 as handler, due tomorrow."""
    mailbox.accept(letter, demo["gmo"])
    mailbox.assign(letter, demo["gmo"], department=department("生产部"), handler=demo["prod1"],
                   due_date=company_today() + timedelta(days=1))
    db.session.commit()
    return letter


@pytest.fixture
def report(demo):
    """A named suggestion of sales1's, accepted and assigned to hr1."""
    filed = reports.file_report(demo["sales1"], kind="suggestion", subject="简化报销流程",
                                body="报销要签五个字。", anonymous=False)
    found = filed.report
    reports.perform(found, demo["hr1"], "accept", {"text": ""})
    reports.perform(found, demo["hr1"], "assign", {"handler": demo["hr1"], "text": ""})
    db.session.commit()
    return found


@pytest.fixture
def whistle(demo):
    """A named whistle-blowing report of prod1's about prod_head, assigned to hr1: the GM
    (above prod_head) and the GM office secretary (not a handler) may not see it."""
    filed = reports.file_report(demo["prod1"], kind="whistleblowing", subject="虚报加班",
                                body="部门经理虚报加班费。", anonymous=False,
                                named_users=[demo["prod_head"]])
    found = filed.report
    reports.perform(found, demo["hr1"], "accept", {"text": ""})
    reports.perform(found, demo["hr1"], "assign", {"handler": demo["hr1"], "text": ""})
    db.session.commit()
    return found
