"""Helpers of the feedback tests: a small 市场部 (a head who collects, reporting to the GM,
a sales group with two reps) and 客服部, with the policy's obligations installed."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from hub.extensions import db
from hub.feedback.services import install_presets
from tests.support.factories import company_today, create_department, create_user


@pytest.fixture
def company(app):
    office = create_department("总经办")
    gm = create_user("gm", department=office, heads=True, roles=["gm_office"])
    sales = create_department("市场部")
    head = create_user("sales_head", department=sales, manager=gm, heads=True)
    east = create_department("华东销售组", parent=sales)
    lead = create_user("sales_lead", department=east, manager=head, heads=True)
    rep1 = create_user("sales1", department=east, manager=lead)
    rep2 = create_user("sales2", department=east, manager=lead)
    cs = create_department("客服部")
    cs_head = create_user("cs_head", department=cs, manager=gm, heads=True)
    cs1 = create_user("cs1", department=cs, manager=cs_head)
    hr = create_user("hr1", department=create_department("人力资源部"), roles=["hr"])
    admin = create_user("admin", department=office, roles=["admin"])
    other = create_user("prod1", department=create_department("生产部"))
    return SimpleNamespace(gm=gm, head=head, lead=lead, rep1=rep1, rep2=rep2, cs_head=cs_head,
                           cs1=cs1, hr=hr, admin=admin, other=other, sales=sales)


@pytest.fixture
def obligations(company):
    """The policy's set, owed from six weeks ago; the people were in the hub before."""
    today = company_today()
    made = {o.code: o for o in install_presets(today, starts_on=today - timedelta(days=42))}
    db.session.commit()
    return made


def backdate_people(*people, days: int = 400) -> None:
    from hub.common.time import utcnow

    for person in people:
        person.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def last_week_start(today: date) -> date:
    return today - timedelta(days=today.weekday() + 7)
