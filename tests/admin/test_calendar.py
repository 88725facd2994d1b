"""The admin corrects the working-day calendar, and deadlines follow."""
from __future__ import annotations

from datetime import date

from hub.common.workdays import add_working_days, is_working_day


def test_only_admins_see_the_calendar(client, demo, login):
    login(client, demo["gmo"])
    assert client.get("/admin/calendar").status_code == 404


def test_admin_declares_a_company_day_off(client, demo, login, get_csrf):
    login(client, demo["admin"])
    page = client.get("/admin/calendar?year=2026").get_data(as_text=True)
    assert "2026-10-10" in page  # the packaged 调休 Saturday is listed
    response = client.post("/admin/calendar?year=2026", data={
        "csrf_token": get_csrf(client, "/admin/calendar"), "day": "2026-11-30",
        "kind": "off", "note": "公司年会"})
    assert response.status_code == 302
    assert not is_working_day(date(2026, 11, 30))
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 12, 1)
    assert "公司年会" in client.get("/admin/calendar?year=2026").get_data(as_text=True)

    client.post("/admin/calendar/clear", data={
        "csrf_token": get_csrf(client, "/admin/calendar"), "day": "2026-11-30"})
    assert is_working_day(date(2026, 11, 30))


def test_a_year_the_package_does_not_know_is_flagged(client, demo, login, get_csrf):
    login(client, demo["admin"])
    page = client.get("/admin/calendar?year=2031").get_data(as_text=True)
    assert 'data-testid="not-covered"' in page
    client.post("/admin/calendar?year=2031", data={
        "csrf_token": get_csrf(client, "/admin/calendar"), "day": "2031-01-04",
        "kind": "working", "note": "调休上班"})
    assert is_working_day(date(2031, 1, 4))  # a Saturday


def test_bad_input_keeps_the_form(client, demo, login, get_csrf):
    login(client, demo["admin"])
    response = client.post("/admin/calendar", data={
        "csrf_token": get_csrf(client, "/admin/calendar"), "day": "2026-02-30",
        "kind": "off", "note": "x" * 50})
    assert response.status_code == 200
    assert "请填写有效的日期" in response.get_data(as_text=True)
    assert client.get("/admin/calendar?year=99999").status_code == 200
    forged = client.post("/admin/calendar/clear", data={
        "csrf_token": get_csrf(client, "/admin/calendar"), "day": "not-a-date"})
    assert forged.status_code == 302
