"""What the announcement pages cost the database: the same number of SQL statements at 5
and at 50 rows (at most 12)."""
from __future__ import annotations

from hub.announcements import services as an
from hub.extensions import db
from tests.support.factories import create_department, create_user, sign_in
from tests.support.sqlcount import statements

MAX_STATEMENTS = 12


def cost(client, path: str) -> int:
    client.get(path)  # warm: first-request work is not the page's
    with statements() as found:
        response = client.get(path)
    if "DEBUG" in __import__("os").environ:
        print("=====", path)
        for text in found:
            print("   ", " ".join(text.split())[:200])
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
    print(counts)
    for page, (small, large) in counts.items():
        assert small == large, (page, small, large)
        assert large <= MAX_STATEMENTS, (page, large)
