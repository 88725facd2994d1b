"""What the talk pages cost the database: the same number of SQL statements at 5 rows and at
50 (at most ``LIMIT``), and a list loads only its page whatever the number of talk logs.

Each test grows one world from 5 rows to 50 between two measurements of the same page, so
that every row brings its own people (a lazy load per row would show as a difference)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings.models import ActionItem, TalkLog, TalkParticipant
from hub.meetings.obligations import add_pair
from hub.meetings.services import NewActionItem, log_talk, propose_meeting
from tests.meetings.test_meetings import window_start
from tests.support.sqlcount import loaded_objects, statements

LIMIT = 12


class World:
    """A department head (``boss``) above a manager (``lead``) with ``n`` reports; each
    report has a talk log with the lead (an action item on it), a meeting proposed by the
    lead, a 协作岗位 talk they logged with the lead (waiting for the lead's acknowledgement)
    and a skip-level talk with the boss; each report's team is a 协作岗位 pair with the
    department."""

    def __init__(self, create_user, create_department):
        self.create_user = create_user
        self.dept = create_department("销售部")
        self.boss = create_user("boss", name="部长", department=self.dept, heads=True)
        self.lead = create_user("lead", name="主管", department=self.dept, manager=self.boss)
        self.hr = create_user("hr", name="人事", roles=["hr"])
        self.office = create_user("office", name="总经办", roles=["gm_office"])
        self.people = []

    def grow(self, n: int) -> None:
        start = window_start()
        while len(self.people) < n:
            i = len(self.people)
            team = self.create_department(f"小组{i}", parent=self.dept)
            person = self.create_user(f"p{i}", name=f"员工{i}", department=team,
                                      manager=self.lead)
            self.people.append(person)
            held = utcnow() - timedelta(hours=2, minutes=i)
            log_talk(self.lead, kind="one_on_one", with_user_ids=[person.id], held_at=held,
                     duration_minutes=20, topics=f"第{i}次沟通", private_note="备注",
                     action_items=[NewActionItem(f"事项{i}", person.id)])
            log_talk(person, kind="cross_team", with_user_ids=[self.lead.id], held_at=held,
                     duration_minutes=15, topics="协作")
            log_talk(self.boss, kind="skip_level", with_user_ids=[person.id], held_at=held,
                     duration_minutes=20, topics="隔级")
            add_pair(team, self.dept, by=self.hr)  # a 协作岗位 pair per team (config page)
            propose_meeting(self.lead, kind="one_on_one", with_user_ids=[person.id],
                            start_at=start + timedelta(minutes=30 * (i % 14)),
                            duration_minutes=20)
            db.session.commit()

    def create_department(self, name, parent=None):
        from tests.support.factories import create_department

        return create_department(name, parent=parent)


@pytest.fixture
def world(app, create_user, create_department):
    return World(create_user, create_department)


def cost(client, path: str) -> int:
    client.get(path)  # warm: the first request of a session loads what later ones reuse
    with statements() as found:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(found)


PAGES = [
    ("lead", "/talks/"),
    ("lead", "/talks/due"),
    ("lead", "/talks/compliance"),
    ("boss", "/talks/compliance"),
    ("office", "/talks/compliance"),
    ("boss", "/talks/compliance?department={dept}"),
    ("office", "/talks/compliance?department={dept}"),
    ("boss", "/talks/compliance/{lead}"),
    ("office", "/talks/summary?month={month}"),
    ("office", "/talks/summary.xlsx?month={month}"),
    ("hr", "/talks/"),
    ("hr", "/talks/config"),
]


def test_statements_do_not_grow_with_the_rows(app, client, world, login):
    month = str(Month.of(utcnow()))
    measured: dict[tuple[str, str], list[int]] = {}
    for n in (5, 50):
        world.grow(n)
        for who, path in PAGES:
            login(client, getattr(world, who))
            url = path.format(lead=world.lead.id, month=month, dept=world.dept.id)
            measured.setdefault((who, path), []).append(cost(client, url))
    for page, (small, large) in measured.items():
        assert small == large, (page, measured)
        assert large <= LIMIT, (page, measured)


def test_a_list_loads_only_its_page(app, client, world, login, backend):
    """``/talks/`` at 100 and at 5 000 talk logs: the same objects loaded."""
    world.grow(5)
    login(client, world.lead)
    loaded = []
    for total in (100, 5000):
        add_talks(world, total)
        client.get("/talks/")
        with loaded_objects() as found:
            assert client.get("/talks/").status_code == 200
        loaded.append(sorted(found))
    assert loaded[0] == loaded[1]
    assert len(loaded[1]) <= 200


def add_talks(world, total: int) -> None:
    """Talk logs of the lead with the first report, inserted in bulk up to ``total``."""
    have = db.session.scalar(select(db.func.count()).select_from(TalkLog))
    person = world.people[0]
    now = utcnow()
    first = db.session.scalar(select(db.func.max(TalkLog.id))) + 1
    rows = [{"id": first + k, "number": f"GT-BULK-{first + k:06d}", "kind": "one_on_one",
             "author_id": world.lead.id, "held_at": now - timedelta(days=30, minutes=k),
             "duration_minutes": 20, "topics": "批量", "agreements": "", "private_note": "",
             "created_at": now} for k in range(max(total - have, 0))]
    if rows:
        db.session.execute(insert(TalkLog), rows)
        db.session.execute(insert(TalkParticipant), [
            {"talk_id": r["id"], "user_id": uid, "comment": "",
             "acknowledged_at": now} for r in rows for uid in (world.lead.id, person.id)])
        db.session.execute(insert(ActionItem), [
            {"talk_id": r["id"], "text": "批量事项", "owner_id": person.id, "done_at": now}
            for r in rows])
    db.session.commit()
