"""The register's lists cost their page, not the register: the same number of SQL
statements at 5 and at 50 entries, at most 12 — people, departments and deciders come
joined with the page, the numbers each viewer may see are one statement per kind of item,
and a head's departments one per request.

Seed: 沟通管理办法 五、执行责任 2(1) "负责对各部门的执行情况进行监督"
"""
from __future__ import annotations

from sqlalchemy import insert

from hub.accountability.models import AccountabilityEntry
from hub.common.time import utcnow
from hub.extensions import db
from tests.support.sqlcount import statements

PAGES = [
    ("gmo", "/accountability/"),
    ("hr1", "/accountability/?status=penalised"),
    ("prod_head", "/accountability/"),
    ("prod1", "/accountability/"),
    ("gmo", "/accountability/bulletin"),
    ("hr1", "/api/v1/accountability?per_page=100"),
]


def add_entries(demo, letter, report, count: int, start: int) -> None:
    """``count`` entries, in one statement: letters and reports of the production staff,
    penalised this month by hr_head, and missed talks of prod_head's."""
    now = utcnow()
    people = [demo["prod1"], demo["prod2"], demo["prod_head"]]
    rows = []
    for n in range(start, start + count):
        person = people[n % 3]
        kind, source_kind, source_id, number = (
            ("letter_overdue", "letter", letter.id, letter.number),
            ("report_overdue", "report", report.id, report.number),
            ("talk_missed", "talk_obligation", None, None))[n % 3]
        rows.append({"person_id": person.id, "department_id": person.department_id,
                     "kind": kind, "source_kind": source_kind, "source_id": source_id,
                     "source_ref": f"cost-{n}", "number": number, "since": now,
                     "opened_at": now, "status": "penalised", "decision": "通报批评。",
                     "decided_at": now, "decided_by_id": demo["hr_head"].id,
                     "detail": {"junior": "某人", "talk_kind": "one_on_one",
                                "window_start": "2026-11-13", "window_end": "2026-11-16"}
                     if source_kind == "talk_obligation" else None})
    db.session.execute(insert(AccountabilityEntry), rows)
    db.session.commit()


def cost(app, demo, login, bearer) -> dict:
    found = {}
    for username, path in PAGES:
        client = app.test_client()
        headers = bearer(demo[username]) if path.startswith("/api/") else {}
        if not headers:
            login(client, demo[username])
        assert client.get(path, headers=headers).status_code == 200, path
        with statements() as sql:
            assert client.get(path, headers=headers).status_code == 200, path
        found[(username, path)] = len(sql)
    return found


def test_every_list_runs_the_same_statements_at_5_and_50_entries(app, demo, letter, report,
                                                                 login, bearer):
    add_entries(demo, letter, report, 5, 0)
    few = cost(app, demo, login, bearer)
    add_entries(demo, letter, report, 45, 5)
    many = cost(app, demo, login, bearer)
    assert few == many
    assert max(many.values()) <= 12, many
