"""Helpers of the announcement tests."""
from __future__ import annotations

import pytest

from hub.announcements import services as an
from hub.extensions import db
from hub.org.models import Department


def department(name: str) -> Department:
    return db.session.scalar(db.select(Department).where(Department.name == name))


@pytest.fixture
def announce():
    """``announce(author, **fields)``: publish (committed) with sensible defaults; the
    audience defaults to 市场部."""
    def make(author, *, departments=("市场部",), everyone=False, roles=(), **fields):
        values = {"title": "关于规范客户拜访记录的通知", "body": "各位同事：\n\n请在拜访客户后当天填写拜访记录。",
                  "kind": "notice"}
        values.update(fields)
        audience = an.Audience(everyone=everyone,
                               department_ids=tuple(department(d).id for d in departments),
                               roles=tuple(roles))
        announcement = an.publish(author, audience=audience, **values)
        db.session.commit()
        return announcement
    return make
