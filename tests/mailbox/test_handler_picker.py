"""The assign form's handler picker follows the chosen department (issue 14, problem 9): the
form refuses a handler from elsewhere with a clear message, and the page then offers only
that department's people; each option names its department line for the searchable picker."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from hub.common.time import utcnow
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox import services as mb
from hub.mailbox.models import Letter
from tests.conftest import csrf_token


def handler_options(html: str) -> dict[str, str]:
    """value → data-departments of the assign form's handler options."""
    select_html = html[html.index('id="assign-handler"'):]
    select_html = select_html[:select_html.index("</select>")]
    return {m.group(2): m.group(1) for m in re.finditer(
        r'<option data-departments="([\d ]+)"[^>]*value="(\d+)"', select_html)}


def test_a_handler_outside_the_department_is_refused_and_only_its_people_are_offered(
        app, demo, login):
    mb.file_letter(demo["sales1"], subject="仓库照明", body="灯坏了。", category="suggestion")
    letter = db.session.scalar(select(Letter))
    mb.accept(letter, demo["gmo"])
    db.session.commit()
    office = app.test_client()
    login(office, demo["gmo"])
    page = f"/mailbox/letters/{letter.id}"
    production = demo["prod_head"].department

    before = handler_options(office.get(page).get_data(as_text=True))
    assert str(demo["sales2"].id) in before and str(demo["prod1"].id) in before
    assert str(production.id) in before[str(demo["prod1"].id)].split()

    response = office.post(f"/mailbox/letters/{letter.id}/actions/assign", data={
        "assign-csrf_token": csrf_token(office, page), "assign-department": production.id,
        "assign-handler": demo["sales2"].id,
        "assign-due_date": (local_date(utcnow()) + timedelta(days=5)).isoformat()})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "承办人必须是承办部门（含下级部门）的在职人员" in html
    offered = handler_options(html)
    assert str(demo["prod1"].id) in offered and str(demo["prod_head"].id) in offered
    assert str(demo["sales2"].id) not in offered
    assert all(str(production.id) in line.split() for line in offered.values())
    db.session.refresh(letter)
    assert letter.status == "accepted"
