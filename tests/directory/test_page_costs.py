"""The directory and the administration's lists cost a fixed number of SQL statements
whatever their length: the same at 5 rows as at 50, and at most 12.

Every row differs from the others where a page could load something per row: each person
has their own manager, sits in their own department, and each department its own head."""
from __future__ import annotations

import pytest

from hub.extensions import db
from tests.support import factories
from tests.support.sqlcount import statements

MAX_STATEMENTS = 12


def company(n: int) -> dict:
    """A company with ``n`` of everything a list shows: ``n`` departments under 集团 (three
    levels deep), each with its own head; ``n`` people in 销售部, each reporting to a
    different head; ``n`` people who left, also each with their own manager."""
    root = factories.create_department("总部")
    admin = factories.create_user("root", department=root, roles=["admin"])
    group = factories.create_department("集团", parent=root)
    sales = factories.create_department("销售部", parent=group)
    heads = []
    for i in range(n):
        dept = factories.create_department(f"分公司{i:02d}", parent=group)
        head = factories.create_user(f"head{i:02d}", name=f"负责人{i:02d}", department=dept,
                                     roles=["hr"] if i % 2 else [])
        dept.head = head
        heads.append(head)
    for i, head in enumerate(heads):
        factories.create_user(f"sales{i:02d}", name=f"销售{i:02d}", department=sales,
                              manager=head, title="销售专员")
        factories.create_user(f"left{i:02d}", name=f"离职{i:02d}", department=head.department,
                              manager=heads[-1 - i], active=False)
    employee = factories.create_user("zhang", department=sales, manager=heads[0])
    db.session.commit()
    return {"admin": admin, "employee": employee, "group": group, "sales": sales}


def pages(org: dict) -> dict[str, tuple[str, str, list[str]]]:
    """Page → (its address, who looks, what must be on it)."""
    return {
        "directory": ("/people/", "employee", ["销售00", "分公司00"]),
        "directory search": ("/people/?q=销售", "employee", ["销售01"]),
        "department with sub-departments": (
            f"/people/departments/{org['group'].id}", "employee", ["分公司00", "负责人00"]),
        "department with members": (
            f"/people/departments/{org['sales'].id}", "employee", ["销售00"]),
        "accounts": ("/admin/users", "admin", ["销售00", "负责人00"]),
        "accounts who left": ("/admin/users?status=inactive", "admin", ["离职00"]),
        "all accounts": ("/admin/users?status=all", "admin", ["销售00"]),
        "departments": ("/admin/departments", "admin", ["分公司00", "负责人00"]),
        "administration": ("/admin/", "admin", []),
        "handling units": ("/admin/routing", "admin", []),
        "urgency timers": ("/admin/timers", "admin", []),
        "working calendar": ("/admin/calendar", "admin", []),
    }


def cost(app, login, n: int) -> dict[str, int]:
    org = company(n)
    clients = {}
    for who in ("admin", "employee"):
        clients[who] = app.test_client()
        login(clients[who], org[who])
        clients[who].get("/")  # the session's first request is not the one measured
    found = {}
    for page, (path, who, shown) in pages(org).items():
        with statements() as run:
            response = clients[who].get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert all(text in html for text in shown), path
        found[page] = len(run)
    return found


@pytest.fixture
def small(app, login):
    return cost(app, login, 5)


def test_list_pages_cost_the_same_at_5_and_at_50_rows(app, login, small):
    from hub.demo import wipe_data

    wipe_data()
    db.session.commit()
    large = cost(app, login, 50)
    assert large == small
    assert {page: n for page, n in large.items() if n > MAX_STATEMENTS} == {}
