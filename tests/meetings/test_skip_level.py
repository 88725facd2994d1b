"""A skip-level talk, and an appeal (申诉), are never visible to the manager(s) they go
around: not on the page, in the API and its totals, in the search, nor in the compliance
figures and lists.  Everybody else keeps what the oversight rule gives them."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from hub.common.months import Month
from hub.common.time import utcnow
from hub.extensions import db
from hub.meetings import obligations as ob
from hub.meetings.access import bypassed_ids, can_view_talk, visible_talks_query
from hub.meetings.services import NewActionItem, log_talk
from tests.api.conftest import API
from tests.meetings.test_meetings import org  # noqa: F401

WORDS = "员工反映主管分配任务不公"


def skip_level_talk(senior, junior):
    talk = log_talk(senior, kind="skip_level", with_user_ids=[junior.id],
                    held_at=utcnow() - timedelta(hours=2), duration_minutes=20,
                    topics=WORDS, agreements="下周再谈",
                    action_items=[NewActionItem("整理具体事例", junior.id)])
    db.session.commit()
    return talk


def routine_talk(manager, person):
    talk = log_talk(manager, kind="one_on_one", with_user_ids=[person.id],
                    held_at=utcnow() - timedelta(hours=3), duration_minutes=20,
                    topics="本月目标")
    db.session.commit()
    return talk


@pytest.fixture
def index_now(app):
    from hub.search.indexer import apply_pending

    def run() -> int:
        db.session.commit()
        return apply_pending(app)

    return run


def found(user, q: str) -> int:
    from hub.search.query import search

    db.session.commit()
    return search(user, q).total


def test_the_bypassed_manager_sees_nothing(app, client, org, bearer, login, index_now,
                                           get_csrf):
    """head (the skip-level superior) talks with one around lead: lead gets 404s, and
    lists, totals and the search leave the talk out; one, head, HR and the GM office see it."""
    routine = routine_talk(org.lead, org.one)
    skip = skip_level_talk(org.head, org.one)
    assert bypassed_ids(skip) == {org.lead.id}
    item_id = skip.action_items[0].id
    index_now()

    lead = bearer(org.lead)
    assert client.get(f"{API}/talks/{skip.id}", headers=lead).status_code == 404
    listed = client.get(f"{API}/talks", headers=lead).get_json()
    assert [t["id"] for t in listed["items"]] == [routine.id] and listed["total"] == 1
    by_person = client.get(f"{API}/talks", headers=lead,
                           query_string={"user_id": org.one.id}).get_json()
    assert by_person["total"] == 1
    assert client.post(f"{API}/talks/{skip.id}/acknowledge", headers=lead,
                       json={}).status_code == 404
    assert found(org.lead, "反映主管") == 0 and found(org.lead, skip.number) == 0
    assert not can_view_talk(org.lead, skip)
    assert skip.id not in {t.id for t in db.session.scalars(visible_talks_query(org.lead))}
    assert routine.id in {t.id for t in db.session.scalars(visible_talks_query(org.lead))}

    login(client, org.lead)
    assert client.get(f"/talks/logs/{skip.id}").status_code == 404
    index = client.get("/talks/").get_data(as_text=True)
    assert skip.number not in index and routine.number in index
    token = get_csrf(client, "/talks/logs/new")
    assert client.post(f"/talks/items/{item_id}/done",
                       data={"csrf_token": token}).status_code == 404

    for person in (org.one, org.head, org.hr, org.office):
        headers = bearer(person)
        answer = client.get(f"{API}/talks/{skip.id}", headers=headers)
        assert answer.status_code == 200 and answer.get_json()["topics"] == WORDS
        assert found(person, "反映主管") == 1
    # The other people below the skip-level superior keep their rules: two sees nothing of
    # it (not above one), the outsider neither.
    for person in (org.two, org.outsider):
        assert client.get(f"{API}/talks/{skip.id}",
                          headers=bearer(person)).status_code == 404


@pytest.fixture
def office_in_between(create_user, create_department):
    """A bypassed manager who holds both overseeing roles: boss → mid (HR, GM office) →
    junior; another GM-office member who is not in the line."""
    dept = create_department("总经办")
    boss = create_user("boss", name="总经理", department=dept, heads=True)
    mid = create_user("mid", name="主任", department=dept, manager=boss,
                      roles=["hr", "gm_office"])
    junior = create_user("junior", name="秘书", department=dept, manager=mid)
    other = create_user("other", name="另一秘书", department=dept, roles=["gm_office"])
    return SimpleNamespace(boss=boss, mid=mid, junior=junior, other=other)


def test_roles_do_not_let_the_bypassed_manager_in(app, client, bearer, login, index_now,
                                                  office_in_between):
    """mid oversees every talk as HR and GM office, but not the one that goes around them;
    the search lists the role's other holders by name instead of the role term."""
    o = office_in_between
    skip = skip_level_talk(o.boss, o.junior)
    index_now()
    from hub.meetings.search import access_terms

    terms = access_terms(skip)
    assert f"user:{o.mid.id}" not in terms and "role:gm_office" not in terms
    assert "role:hr" not in terms and f"user:{o.other.id}" in terms

    assert client.get(f"{API}/talks/{skip.id}", headers=bearer(o.mid)).status_code == 404
    assert client.get(f"{API}/talks", headers=bearer(o.mid)).get_json()["total"] == 0
    assert found(o.mid, "反映主管") == 0
    login(client, o.mid)
    assert client.get(f"/talks/logs/{skip.id}").status_code == 404
    assert client.get(f"{API}/talks/{skip.id}", headers=bearer(o.other)).status_code == 200
    assert found(o.other, "反映主管") == 1

    # Compliance: the whole skip-level obligation boss → junior is left out for mid (a GM
    # office member follows everybody), held or not, and kept for the other member.
    month = Month.of(utcnow())

    def skip_items(viewer, person):
        return [i for i in ob.visible_items(viewer, ob.due_for(person, month))
                if i.kind == "skip_level" and i.junior.id == o.junior.id]

    assert skip_items(o.other, o.boss) and not skip_items(o.mid, o.boss)
    assert [i.status for i in skip_items(o.other, o.boss)] == ["held"]

    def boss_row(viewer):
        return next(r for r in ob.compliance(viewer, month) if r.manager.id == o.boss.id)

    seen_by_other, seen_by_mid = boss_row(o.other), boss_row(o.mid)
    assert seen_by_mid.quarter.owed == seen_by_other.quarter.owed - 1
    assert seen_by_mid.quarter.held == seen_by_other.quarter.held - 1

    due = client.get(f"{API}/talks/due", headers=bearer(o.mid),
                     query_string={"user_id": o.boss.id}).get_json()
    assert due["total"] >= 1  # mid owes/is owed other talks with boss …
    assert not [i for i in due["items"] if i["kind"] == "skip_level"
                and i["junior"]["id"] == o.junior.id]  # … but not this one
    login(client, o.mid)
    page = client.get(f"/talks/compliance/{o.boss.id}").get_data(as_text=True)
    assert skip.number not in page
    login(client, o.other)
    assert skip.number in client.get(f"/talks/compliance/{o.boss.id}").get_data(as_text=True)


def test_an_appeal_is_seen_by_its_two_sides_only(app, client, org, bearer, login):
    """one appeals to head around lead: lead, HR and the GM office see no trace of it in
    the lists of one's talks; one and head do."""
    appeal = ob.file_appeal(org.one, "主管分配任务不公，多次沟通无果")
    db.session.commit()
    month = Month.of(utcnow())

    def appeals_in(viewer, person) -> list:
        response = client.get(f"{API}/talks/due", headers=bearer(viewer),
                              query_string={"user_id": person.id,
                                            "period": str(month)})
        assert response.status_code == 200
        return [i for i in response.get_json()["items"] if i["source"] == "appeal"]

    assert len(appeals_in(org.one, org.one)) == 1
    assert len(appeals_in(org.head, org.head)) == 1
    assert appeals_in(org.lead, org.one) == []
    assert appeals_in(org.office, org.one) == [] and appeals_in(org.office, org.head) == []
    login(client, org.head)
    assert 'data-source="appeal"' in client.get("/talks/due").get_data(as_text=True)
    login(client, org.lead)
    page = client.get(f"/talks/compliance/{org.one.id}").get_data(as_text=True)
    assert 'data-source="appeal"' not in page and appeal.reason not in page
    assert 'data-source="appeal"' not in client.get("/talks/due").get_data(as_text=True)
    # The appeal's talk, once held, is a skip-level talk: hidden from lead like any other.
    talk = skip_level_talk(org.head, org.one)
    assert client.get(f"/talks/logs/{talk.id}").status_code == 404
    assert [r for r in ob.compliance(org.lead, month) if r.manager.id == org.head.id] == []
