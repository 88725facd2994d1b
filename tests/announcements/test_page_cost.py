"""What the announcement pages cost the database: the same number of SQL statements at 5
and at 50 rows (at most 12), and only their page loaded whatever the number of
announcements in the database."""
from __future__ import annotations

from hub.announcements import services as an
from hub.extensions import db
from tests.support.factories import create_department, create_user, sign_in
from tests.support.sqlcount import loaded_objects, statements

MAX_STATEMENTS = 12


def cost(client, path: str) -> int:
    client.get(path)  # warm: first-request work is not the page's
    with statements() as found:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(found)


def test_statement_counts_do_not_grow_with_rows(app, client):
    office = create_department("总经办")
    gmo = create_user("gmo", department=office, roles=["gm_office"])
    sales = create_department("市场部")
    head = create_user("sales_head", department=sales, heads=True)
    reader = create_user("sales1", department=sales, manager=head)
    first = None
    counts: dict[str, list[int]] = {}
    for n in (5, 50):
        # People in the audience (the confirmation list's rows) and announcements (the
        # feed's), n of each; every other announcement asks to be confirmed.
        while db.session.query(an.User).filter_by(department_id=sales.id).count() < n:
            create_user(department=sales, manager=head)
        while db.session.query(an.Announcement).count() < n:
            made = an.publish(gmo, title="关于规范客户拜访记录的通知", body="请当天填写。",
                              kind="notice", audience=an.Audience(department_ids=(sales.id,)),
                              requires_confirmation=True)
            first = first or made
        db.session.commit()
        pages = [(reader, "/announcements/"), (reader, "/"), (gmo, "/announcements/mine"),
                 (gmo, f"/announcements/{first.id}/confirmations"),
                 (head, f"/announcements/{first.id}/confirmations")]
        for who, path in pages:
            sign_in(client, who)
            counts.setdefault(f"{who.username} {path}", []).append(cost(client, path))
    for page, (small, large) in counts.items():
        assert small == large, (page, small, large)
        assert large <= MAX_STATEMENTS, (page, large)


def bulk_announcements(author, n: int, start: int, days_ago: int) -> None:
    """``n`` announcements to the whole company straight into the tables (publishing them
    one by one would take minutes for 5 000), every other one to be confirmed."""
    from datetime import timedelta

    from sqlalchemy import insert, literal, select

    from hub.announcements.models import Announcement, AnnouncementAudience
    from hub.common.time import utcnow

    at = utcnow() - timedelta(days=days_ago, minutes=1)
    db.session.execute(insert(Announcement), [{
        "number": f"GG-2000-{i:06d}", "year": 2000, "seq": i, "kind": "notice",
        "title": f"公告 {i}", "body": "正文", "version": 1, "author_id": author.id,
        "created_at": at, "updated_at": at, "publish_at": at, "notified_at": at,
        "pinned": False, "requires_confirmation": i % 2 == 0} for i in range(start, start + n)])
    db.session.execute(insert(AnnouncementAudience).from_select(
        ["announcement_id", "kind"],
        select(Announcement.id, literal("all")).where(Announcement.seq >= start,
                                                      Announcement.seq < start + n)))
    db.session.commit()


def test_feed_pages_load_only_their_page(app, client):
    """With 100 and with 5 000 announcements in the database the feed, the home page and
    the GM office's list load the same announcements, at most a page of them."""
    from hub.org.models import User

    office = create_department("总经办")
    gmo = create_user("gmo", department=office, roles=["gm_office"])
    reader = create_user("sales1", department=create_department("市场部"))
    ids = {"gmo": gmo.id, "reader": reader.id}
    pages = [("reader", "/announcements/"), ("reader", "/"), ("gmo", "/announcements/mine")]
    loaded: dict[tuple, list] = {}
    bulk_announcements(gmo, 100, start=1, days_ago=0)
    for total in (100, 5000):
        if total == 5000:  # the 4 900 more are older: the first pages stay the same
            bulk_announcements(db.session.get(User, ids["gmo"]), 4900, start=101, days_ago=30)
        for who, path in pages:
            sign_in(client, db.session.get(User, ids[who]))
            client.get(path)
            db.session.commit()
            db.session.expunge_all()  # only the request's own session loads while counting
            with loaded_objects() as objects:
                assert client.get(path).status_code == 200
            loaded.setdefault((who, path), []).append(objects.count("Announcement"))
    for page, (small, large) in loaded.items():
        assert small == large <= 20, (page, small, large)
