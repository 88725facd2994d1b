"""The demo company's register shows something real: open entries (a letter the GM office
did not accept in time, a talk a manager missed), one penalised entry with the manager's
appeal answered, one excused — opened by the register's own job, without telling anybody.

Seed: 沟通管理办法 五、执行责任 1(2) "同时对监管不力者按本制度相关规定进行处罚"
"""
from __future__ import annotations

from sqlalchemy import select

from hub.demo import create_demo_company
from hub.extensions import db
from hub.notifications.models import Notification
from hub.org.models import User
from tests.accountability.conftest import entries


def test_the_demo_has_open_and_decided_entries(app, login):
    create_demo_company()
    db.session.commit()
    found = entries()
    open_ = [e for e in found if e.status == "open"]
    assert any(e.kind == "letter_overdue" and e.person.username == "gmo" for e in open_)
    assert any(e.kind == "talk_missed" for e in open_)
    penalised = [e for e in found if e.status == "penalised"]
    assert len(penalised) == 1 and penalised[0].appeal_state == "upheld"
    assert [e.action for e in penalised[0].events] == ["open", "penalise", "appeal", "uphold"]
    assert sum(e.status == "excused" for e in found) == 1
    assert not db.session.scalars(select(Notification).where(
        Notification.kind == "accountability.opened")).all()
    hr = db.session.scalar(select(User).where(User.username == "hr1"))
    client = app.test_client()
    login(client, hr)
    html = client.get("/accountability/").get_data(as_text=True)
    assert html.count('data-testid="entry"') == min(len(found), 30)
