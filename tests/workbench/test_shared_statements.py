"""The header's and the workbench's statements are built once per process for every shape of
person and run with the person's id, department, manager and the moment as bound parameters
(issue 13: building them cost several times what running them did, on every page).  Each
person still gets exactly what a statement built for them alone gives; the moment is the
request's, not the one the statement was built at."""
from __future__ import annotations

from datetime import timedelta

from hub.announcements import services as an
from hub.announcements.access import Audience
from hub.common.time import utcnow
from hub.extensions import db
from hub.mailbox import services as mb
from hub.main.header import header_query
from hub.meetings.services import propose_meeting
from hub.notifications.services import notify
from hub.suggestions import services as sv
from hub.workbench.services import (
    _UNSHARED,
    STATEMENTS,
    shaped,
    stored_todo,
    viewer_of,
    workbench_of,
)
from tests.meetings.test_meetings import window_start


def own_header(user, now):
    """The header's row from a statement built for ``user`` alone (as before the sharing)."""
    return dict(db.session.execute(header_query(user, now)).one()._mapping)


def shared_header(user, now):
    stmt, params = shaped("header", user, now, header_query)
    assert params, "the header's statement was not shared"
    return dict(db.session.execute(stmt, params).one()._mapping)


def own_todo(user, now):
    return sorted(tuple(row) for row in db.session.execute(stored_todo(user, now)))


def shared_todo(user, now):
    stmt, params = shaped("workbench", user, now, stored_todo)
    assert params, "the workbench's statement was not shared"
    return sorted(tuple(row) for row in db.session.execute(stmt, params))


def test_every_demo_person_gets_from_the_shared_statements_what_their_own_would_give(
        app, demo):
    mb.file_letter(demo["sales1"], subject="食堂菜品单一", body="希望增加菜品。",
                   category="suggestion")
    sv.file_report(demo["sales1"], kind="whistleblowing", subject="销售主管虚报差旅费",
                   body="多次虚报。", anonymous=True, named_users=[demo["sales_lead"]])
    sv.file_report(demo["prod1"], kind="suggestion", subject="车间照明不足", body="请加灯。")
    an.publish(demo["hr_head"], title="考勤管理制度", body="请阅读。", kind="policy",
               audience=Audience(everyone=True), requires_confirmation=True)
    db.session.commit()
    STATEMENTS.clear()
    now = utcnow()
    people = [user for user in demo.values() if user.active]
    waiting = 0
    for user in people:
        header, todo = shared_header(user, now), shared_todo(user, now)
        assert header == own_header(user, now), user.username
        assert todo == own_todo(user, now), user.username
        # the header counts the rows the workbench lists (announcements apart)
        assert header["todo"] == sum(1 for row in todo if row[0] != "announcement_confirm")
        assert header["unconfirmed"] == len(todo) - header["todo"]
        waiting += len(todo)
    assert waiting > len(people)  # the tasks above wait for somebody
    # fewer statements than people: they are shared by shape, and every feature's part
    # could be shared (none read more of the person than a Viewer holds)
    shapes = {viewer_of(user).key for user in people}
    assert len(shapes) < len(people)
    assert STATEMENTS.built == 2 * len(shapes)
    assert not [key for key, stmt in STATEMENTS._items.items() if stmt is _UNSHARED]


def test_people_of_one_shape_share_one_statement_and_each_sees_their_own(app, demo):
    sales1, sales2 = demo["sales1"], demo["sales2"]
    assert viewer_of(sales1).key == viewer_of(sales2).key
    notify(sales1, kind="test", title="只给销售一", email=False)
    db.session.commit()
    STATEMENTS.clear()
    now = utcnow()
    first, second = shared_header(sales1, now), shared_header(sales2, now)
    assert STATEMENTS.built == 1
    assert first["unread"] == own_header(sales1, now)["unread"] == 1
    assert second["unread"] == own_header(sales2, now)["unread"] == 0


def test_the_shared_statement_reads_the_moment_it_is_run_at(app, demo):
    lead, sales1 = demo["sales_lead"], demo["sales1"]
    start = window_start("one_on_one")
    meeting = propose_meeting(lead, kind="one_on_one", with_user_ids=[sales1.id],
                              start_at=start, duration_minutes=20)
    db.session.commit()
    STATEMENTS.clear()
    before = workbench_of(sales1, start - timedelta(hours=1))
    after = workbench_of(sales1, start + timedelta(hours=1))
    assert STATEMENTS.built == 1
    assert ("meeting_answer", meeting.id) in [(t.kind, t.item_id) for t in before.items]
    assert "meeting_answer" not in [t.kind for t in after.items]


def test_the_companys_date_is_a_parameter_of_a_shared_statement(app):
    from datetime import datetime

    from hub.common.todo import NOW, TODAY, today_of

    assert today_of(NOW) is TODAY
    # 17:00 UTC is already the next day in Asia/Shanghai
    assert today_of(datetime(2026, 3, 1, 17, 0)).isoformat() == "2026-03-02"
