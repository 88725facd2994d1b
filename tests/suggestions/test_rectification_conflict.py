"""Conflict of interest wherever a report travels: a rectification (整改) is never asked of
a department headed by somebody in the report's conflict set (page and API refuse it and
say what to do instead), and nobody who may not see a 举报 learns its kind or number from a
notice or a rectification page."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from hub.common.time import utcnow
from hub.extensions import db
from hub.notifications.models import Notification, OutboxMail
from hub.suggestions import services as sv
from hub.suggestions.models import Rectification
from tests.suggestions.test_pages import Person


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _due() -> str:
    return (utcnow().date() + timedelta(days=7)).isoformat()


def test_a_rectification_never_goes_to_a_conflicted_head(app, demo, login, bearer):
    # an anonymous 举报 naming the head of 华东销售组 (sales_lead), accepted by HR
    report = sv.file_report(demo["sales1"], kind="whistleblowing", subject="主管虚报差旅费",
                            body="主管多次虚报差旅费。", anonymous=True,
                            named_users=[demo["sales_lead"]]).report
    sv.accept(report, demo["hr1"])
    db.session.commit()
    conflicted = demo["sales_lead"].department_id
    above = demo["sales_head"].department_id  # headed by sales_lead's manager: conflicted too
    assert demo["sales_head"].id in sv.conflicted_ids(report)
    before = {name: _count(model) for name, model in
              (("notices", Notification), ("mails", OutboxMail))}

    hr1 = Person(app, login, demo["hr1"])
    for department in (conflicted, above):
        response = hr1.act(report.id, "request_rectification", department=department,
                           due_date=_due(), text="请整改")
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "有利害关系" in page and "请向其上级单位或其他部门提出整改要求" in page

    response = hr1.client.post(f"/api/v1/reports/{report.id}/actions",
                               headers=bearer(demo["hr1"]),
                               json={"action": "request_rectification", "text": "请整改",
                                     "department_id": conflicted, "due_date": _due()})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "department_id" in error["fields"] and "利害关系" in error["message"]

    db.session.expire_all()
    assert _count(Rectification) == 0
    assert _count(Notification) == before["notices"] and _count(OutboxMail) == before["mails"]

    # another department is fine; its head is told of the request, never of the 举报
    other = demo["prod_head"]
    assert hr1.act(report.id, "request_rectification", department=other.department_id,
                   due_date=_due(), text="请核查报销流程").status_code == 302
    rect = db.session.scalars(select(Rectification)).one()
    notices = db.session.scalars(select(Notification).where(
        Notification.user_id == other.id)).all()
    assert notices
    for notice in notices:
        assert report.number not in notice.title + notice.body
        assert "举报" not in notice.title + notice.body
    page = Person(app, login, other).page(f"/suggestions/rectifications/{rect.id}")
    assert "请核查报销流程" in page
    assert report.number not in page and "JB-" not in page and "whistleblowing" not in page
    assert f"/suggestions/reports/{report.id}" not in page
    # nobody in the conflict set was told anything
    for person_id in sv.conflicted_ids(report):
        assert _count(Notification, Notification.user_id == person_id) == 0
