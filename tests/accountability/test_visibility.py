"""Who sees which entries: HR and the GM office all, a department head the departments they
head (and below), the person their own, nobody else (404, and in no list).  A whistle-blowing
report's number reaches nobody in its conflict set.

Seed: 沟通管理办法 五、执行责任 1(2) "各部门负责人并对本部门人员的执行情况负监督检查责任" and
2(1) "负责对各部门的执行情况进行监督"
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from hub.accountability.services import open_entries
from hub.common.time import utcnow
from hub.extensions import db
from tests.accountability.conftest import entries


@pytest.fixture
def register(demo, assigned_letter, whistle):
    """prod1's overdue letter and hr1's overdue whistle-blowing report."""
    assigned_letter.due_at = utcnow() - timedelta(hours=1)
    whistle.feedback_due_at = utcnow() - timedelta(hours=1)
    open_entries()
    db.session.commit()
    return {"letter": entries("letter_overdue", source_id=assigned_letter.id)[0],
            "report": entries("report_overdue", source_id=whistle.id)[0]}


SEES = {
    "hr_head": {"letter", "report"},
    "hr1": {"letter", "report"},   # HR sees all (and the report entry is hr1's own)
    "gmo": {"letter", "report"},
    "gm": {"letter", "report"},
    "prod_head": {"letter"},       # heads 生产部, where prod1 works
    "prod1": {"letter"},
    "prod2": set(),
    "sales_head": set(),
    "sales1": set(),
}


def test_each_role_sees_its_entries_and_404_for_the_rest(app, demo, register, login, bearer):
    """Seed: 五、执行责任 1(2) "各部门负责人并对本部门人员的执行情况负监督检查责任" """
    for who in sorted(SEES):
        check_role(app, demo[who], SEES[who], register, login, bearer)


def check_role(app, user, sees, register, login, bearer):
    who = user.username
    listed = app.test_client().get("/api/v1/accountability", headers=bearer(user)).get_json()
    ids = {item["id"] for item in listed["items"]}
    assert ids == {register[k].id for k in sees} and listed["total"] == len(ids), who
    page = app.test_client()
    login(page, user)
    html = page.get("/accountability/").get_data(as_text=True)
    assert html.count('data-testid="entry"') == len(sees)
    for key, entry in register.items():
        expected = 200 if key in sees else 404
        assert page.get(f"/accountability/{entry.id}").status_code == expected
        api = app.test_client().get(f"/api/v1/accountability/{entry.id}", headers=bearer(user))
        assert api.status_code == expected


def test_a_whistleblowing_reports_number_only_for_who_may_see_the_report(
        app, demo, register, whistle, login, bearer):
    """The GM is above the person the report names, the secretary handles no report: the
    register tells them a report was overdue, never which one."""
    for who, shown in (("hr_head", True), ("hr1", True), ("gm", False), ("gmo", False)):
        check_number(app, demo, register["report"], whistle, login, bearer, who, shown)


def check_number(app, demo, entry, whistle, login, bearer, who, shown):
    got = app.test_client().get(f"/api/v1/accountability/{entry.id}",
                                headers=bearer(demo[who])).get_json()
    assert got["source"]["kind"] == "report"
    assert (got["source"]["number"] == whistle.number) is shown
    assert (whistle.number in got["source"]["label"]) is shown
    page = app.test_client()
    login(page, demo[who])
    assert (whistle.number in page.get(f"/accountability/{entry.id}").get_data(as_text=True)) \
        is shown
    assert (whistle.number in page.get("/accountability/").get_data(as_text=True)) is shown


def test_the_navigation_offers_the_register_to_hr_the_gm_office_and_heads(app, demo, login,
                                                                         register):
    for who, shown in (("hr1", True), ("gmo", True), ("prod_head", True), ("prod1", False)):
        client = app.test_client()
        login(client, demo[who])
        html = client.get("/").get_data(as_text=True)
        assert ('data-testid="nav-accountability"' in html) is shown, who
