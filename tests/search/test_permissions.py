"""Marker words as every demo role: each person finds exactly the items the pages let them
open — named and anonymous letters, a letter assigned to a department, a named suggestion
(its reviewing head), an anonymous whistle-blowing report naming a team lead, a report with
a conflict-of-interest exclusion, a department-scoped and a scheduled announcement, a talk
log with a private note — and totals and facet counts agree.  Then permissions change
(exclusion, reporting line) and the index follows."""
from __future__ import annotations

from datetime import timedelta

from flask import g

from hub.announcements.services import Audience, publish
from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox import services as mailbox
from hub.meetings.services import log_talk
from hub.org.models import Department, User
from hub.org.services import set_manager
from hub.search.query import search
from hub.search.registry import PROVIDERS
from hub.suggestions import services as inbox

COMMON = "qzmarker"


def _items(demo) -> dict[str, tuple[str, object]]:
    """marker word → (kind, item), each made through the feature's own services."""
    prod = db.session.scalar(db.select(Department).where(Department.name == "生产部"))
    now = utcnow()
    items = {}

    def letter(marker, writer, anonymous=False):
        filed = mailbox.file_letter(writer, subject=f"来信{marker}",
                                    body=f"正文 {COMMON} {marker} 食堂", category="other",
                                    anonymous=anonymous)
        items[marker] = ("letter", filed.letter)
        return filed.letter

    letter("甲标记", demo["prod1"])
    letter("乙标记", demo["sales1"], anonymous=True)
    assigned = letter("丙标记", demo["sales2"])
    mailbox.accept(assigned, demo["gmo"])
    mailbox.assign(assigned, demo["gmo"], department=prod, handler=demo["prod2"],
                   due_date=local_date(now) + timedelta(days=7))

    def report(marker, filer, kind, anonymous, named=()):
        filed = inbox.file_report(filer, kind=kind, subject=f"事项{marker}",
                                  body=f"正文 {COMMON} {marker}", anonymous=anonymous,
                                  named_users=named)
        items[marker] = ("report", filed.report)
        return filed.report

    report("丁标记", demo["sales1"], "suggestion", False)
    report("戊标记", demo["prod1"], "whistleblowing", True, named=[demo["sales_lead"]])
    excluded = report("己标记", demo["cs1"], "complaint", False)
    inbox.exclude_handler(excluded, demo["hr_head"], demo["hr1"], "利益相关")

    items["庚标记"] = ("announcement", publish(
        demo["prod_head"], title="生产部公告庚标记", body=f"{COMMON} 庚标记", kind="notice",
        audience=Audience(department_ids=(prod.id,))))
    items["辛标记"] = ("announcement", publish(
        demo["gm"], title="定时公告辛标记", body=f"{COMMON} 辛标记", kind="notice",
        audience=Audience(everyone=True), publish_at=now + timedelta(days=3)))
    items["壬标记"] = ("talk", log_talk(
        demo["prod_head"], kind="one_on_one", with_user_ids=[demo["prod1"].id],
        held_at=now - timedelta(hours=2), duration_minutes=20,
        topics=f"{COMMON} 壬标记 工作进展", private_note="癸私密 只有作者能看"))
    db.session.commit()
    return items


def _opens(user, kind, item) -> bool:
    return PROVIDERS[kind].can_view(user, item)


def test_every_demo_person_finds_exactly_what_they_may_open(demo, client, login, bearer,
                                                            index_now):
    items = _items(demo)
    index_now()
    people = list(db.session.scalars(db.select(User).order_by(User.id)))
    assert len(people) >= 30
    seen_by_somebody = set()
    for person in people:
        expected = {(kind, item.id) for kind, item in items.values()
                    if _opens(person, kind, item)}
        # the index's access terms alone (no re-check with the page rules) …
        results = search(person, COMMON, per_page=100, recheck=False)
        found = {(hit.kind, hit.id) for hit in results.hits}
        assert found == expected, person.username
        assert results.total == len(expected), person.username
        # … and the belt-and-braces re-check never disagrees with them
        rechecked = search(person, COMMON, per_page=100, recheck=True)
        assert [(h.kind, h.id) for h in rechecked.hits] == [(h.kind, h.id) for h in results.hits]
        assert rechecked.total == results.total
        assert sum(n for _v, n in results.facets.get("kind", [])) == results.total
        assert sum(n for _v, n in results.facets.get("status", [])) <= results.total
        for marker, (kind, item) in items.items():
            hits = search(person, marker, recheck=False).hits
            assert [(h.kind, h.id) for h in hits] == (
                [(kind, item.id)] if (kind, item.id) in expected else []), (person.username,
                                                                         marker)
        # the private note is never indexed, not even for its author
        assert search(person, "癸私密").total == 0
        seen_by_somebody |= expected
    assert len(seen_by_somebody) == len(items)

    # the rules the index spelled out, as the demo makes them
    def finds(username, marker):
        return search(demo[username], marker, recheck=False).total == 1

    assert finds("gmo", "乙标记") and not finds("sales1", "乙标记")  # anonymous: no author
    assert finds("prod_head", "丙标记") and finds("prod2", "丙标记")
    assert finds("sales_lead", "丁标记") and not finds("sales_head", "丁标记")
    assert not finds("sales_lead", "戊标记") and not finds("sales_head", "戊标记")
    assert finds("hr_head", "戊标记") and not finds("prod1", "戊标记")
    assert not finds("hr1", "己标记") and finds("hr2", "己标记") and finds("cs1", "己标记")
    assert finds("prod2", "庚标记") and not finds("sales1", "庚标记")
    assert finds("gm", "辛标记") and finds("gmo", "辛标记") and not finds("prod1", "辛标记")
    assert finds("prod1", "壬标记") and finds("gm", "壬标记") and not finds("sales_lead", "壬标记")

    # the pages agree, for a few roles (the page rule is the provider's can_view)
    for username in ("gmo", "hr1", "prod_head", "prod1", "sales_lead", "sales1"):
        login(client, demo[username])
        for kind, item in items.values():
            url = PROVIDERS[kind].to_document(item)["url"]
            status = client.get(url).status_code
            assert (status == 200) == _opens(demo[username], kind, item), (username, url)
        client.post("/logout", data={})
    # the API gives the same total
    answer = client.get(f"/api/v1/search?q={COMMON}", headers=bearer(demo["hr2"])).get_json()
    hr2_expected = [k for k, item in items.values() if _opens(demo["hr2"], k, item)]
    assert answer["total"] == len(hr2_expected)

    # permissions change → the affected documents follow
    report = items["丁标记"][1]
    inbox.exclude_handler(report, demo["hr_head"], demo["hr2"], "回避")
    set_manager(demo["prod1"], demo["sales_lead"])
    db.session.commit()
    index_now()
    assert not finds("hr2", "丁标记")
    assert finds("sales_lead", "壬标记") and finds("sales_head", "壬标记")

    # audiences match who people are at query time: a move needs no re-indexing
    demo["prod2"].department = demo["sales1"].department
    db.session.commit()
    g.pop("_search_held_terms", None)  # held terms are computed once per request
    assert not finds("prod2", "庚标记") and finds("prod1", "庚标记")
