"""People's probation end date (试用期满日期): kept by the admin form, the organisation
import and its export, and shown in the API to HR, the admin, the person and their
manager only — the date from which the 转正面谈 opens itself."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from hub.extensions import db
from hub.org.importer import (
    Organisation,
    organisation_csv,
    parse_sheet_date,
    plan_import,
    read_sheet,
)
from tests.support.factories import bearer


@pytest.fixture
def people(create_user, create_department):
    dept = create_department("市场部")
    lead = create_user("lead", department=dept, employee_no="E1", heads=True)
    return {
        "admin": create_user("admin", roles=("admin",), employee_no="A1"),
        "hr": create_user("hr", roles=("hr",), employee_no="H1"),
        "lead": lead,
        "new": create_user("newbie", department=dept, manager=lead, employee_no="E2"),
        "peer": create_user("peer", department=dept, manager=lead, employee_no="E3"),
    }


def post(client, get_csrf, path, data, **kwargs):
    return client.post(path, data={"csrf_token": get_csrf(client, path), **data}, **kwargs)


def test_the_admin_form_keeps_the_probation_end_date(people, client, login, get_csrf):
    """“在员工试工期满转正时，要通过面谈，对其试用期的表现做出评价”: the hub has to know when
    the probation ends; the admin enters it with the person."""
    new = people["new"]
    login(client, people["admin"])
    path = f"/admin/users/{new.id}"
    data = {"username": new.username, "employee_no": new.employee_no, "name": new.name,
            "title": "", "email": new.email, "department": str(new.department_id),
            "manager": str(new.manager_id)}
    saved = post(client, get_csrf, path, {**data, "probation_ends_on": "2026-03-31"})
    assert saved.status_code == 302
    db.session.refresh(new)
    assert new.probation_ends_on == date(2026, 3, 31)
    assert 'value="2026-03-31"' in client.get(path).text
    bad = post(client, get_csrf, path, {**data, "probation_ends_on": "明天"})
    assert bad.status_code == 200 and "is-invalid" in bad.text and new.name in bad.text
    assert re.search(r"[\u4e00-\u9fff]", bad.text.split("is-invalid", 1)[1][:600])
    db.session.refresh(new)
    assert new.probation_ends_on == date(2026, 3, 31)


def test_import_and_export_carry_the_probation_end_date(people, client, login, get_csrf):
    """“在员工试工期满转正时，要通过面谈”: the date comes with the organisation sheet
    (试用期满日期, empty: none; a wrong date is a problem of its row) and goes out with the
    export in the same columns."""
    org = Organisation(people=[], departments=[])
    sheet = read_sheet("\r\n".join([
        "工号,姓名,部门,试用期满日期",
        "N1,赵一,市场部,2026-03-31",
        "N2,钱二,市场部,2026/4/30",
        "N3,孙三,市场部,",
        "N4,李四,市场部,下个月",
    ]).encode("utf-8-sig"))
    plan = plan_import(sheet, org)
    assert [p.probation_ends_on for p in plan.people] == [
        date(2026, 3, 31), date(2026, 4, 30), None, None]
    assert [(p.row, "试用期满日期" in p.message) for p in plan.problems] == [(5, True)]
    assert parse_sheet_date("2026年3月1日") == date(2026, 3, 1)
    with pytest.raises(ValueError):
        parse_sheet_date("2026-02-30")

    # Through the admin pages: the dry run names the change, applying it stores it.
    people["new"].probation_ends_on = date(2026, 1, 15)
    db.session.commit()
    login(client, people["admin"])
    exported = client.get("/admin/import/export.csv")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][-1] == "试用期满日期"
    by_no = {r[0]: r for r in rows[1:]}
    assert by_no["E2"][-1] == "2026-01-15" and by_no["E3"][-1] == ""
    assert organisation_csv(Organisation()).decode("utf-8-sig").startswith("工号,")
    by_no["E2"][-1] = "2026-02-28"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([rows[0], *by_no.values()])
    token = get_csrf(client, "/admin/import")
    preview = client.post("/admin/import", data={
        "csrf_token": token,
        "file": (io.BytesIO(buffer.getvalue().encode("utf-8-sig")), "org.csv")},
        content_type="multipart/form-data")
    assert preview.status_code == 200 and "2026-01-15 → 2026-02-28" in preview.text
    apply = re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', preview.text).group(1)
    done = client.post("/admin/import/apply", data={
        "csrf_token": get_csrf(client, "/admin/import"), "token": apply})
    assert done.status_code == 200
    db.session.refresh(people["new"])
    assert people["new"].probation_ends_on == date(2026, 2, 28)


def test_the_api_shows_the_probation_end_date_to_those_who_keep_or_owe_it(people, client):
    """“在员工试工期满转正时，要通过面谈”: HR and the admin keep the date, the manager owes
    the talk and the person may know it; a colleague does not see it."""
    new = people["new"]
    new.probation_ends_on = date(2026, 3, 31)
    db.session.commit()
    for who, shown in (("hr", True), ("admin", True), ("lead", True), ("new", True),
                       ("peer", False)):
        body = client.get(f"/api/v1/users/{new.id}", headers=bearer(people[who])).json
        assert ("probation_ends_on" in body) is shown, who
        if shown:
            assert body["probation_ends_on"] == "2026-03-31"
