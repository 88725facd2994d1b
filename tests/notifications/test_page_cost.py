"""/notifications/ costs the same statements with 3 and 30 notifications (at most 12)."""
from __future__ import annotations

from hub.extensions import db
from hub.notifications.services import notify
from tests.support.sqlcount import statements

MAX_STATEMENTS = 12


def test_the_notifications_page_costs_the_same_with_few_and_many(app, client, demo, login):
    sales1 = demo["sales1"]
    login(client, sales1)
    counts = []
    for n in (3, 30):
        for i in range(n - (3 if n == 30 else 0)):
            notify(sales1, kind="letter.writer", title=f"通知 {i}", email=False,
                   item=f"letter:{i % 4}", task="accept" if i % 2 else None)
        db.session.commit()
        for path in ("/notifications/", "/notifications/?state=unread&kind=letter"):
            client.get(path)
            with statements() as found:
                assert client.get(path).status_code == 200
            counts.append((path, n, len(found)))
    by_path: dict[str, list[int]] = {}
    for path, _n, count in counts:
        by_path.setdefault(path, []).append(count)
    for path, (few, many) in by_path.items():
        assert few == many, (path, few, many)
        assert many <= MAX_STATEMENTS, (path, many)
