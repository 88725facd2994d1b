"""The admin's routing page: which handling unit receives each kind, and the fallback unit."""
from __future__ import annotations

import pytest

from hub.extensions import db
from hub.suggestions import services as sv
from hub.suggestions.models import KINDS, Report

ROUTING = "/admin/routing"


def unit_id(code: str) -> int:
    return sv.unit_by_code(code).id


def form_data(csrf: str, **changes) -> dict:
    data = {f"route_{kind}": str(sv.route_for(kind).id) for kind in KINDS}
    data["fallback"] = str(sv.fallback_unit().id)
    data["csrf_token"] = csrf
    data.update(changes)
    return data


def file_hazard(client, headers, subject: str) -> Report:
    response = client.post("/api/v1/reports", headers=headers, json={
        "kind": "safety", "subject": subject, "body": "刹车踏板松动。", "anonymous": False})
    assert response.status_code == 201, response.get_data(as_text=True)
    return db.session.get(Report, response.get_json()["id"])


@pytest.fixture
def admin(client, demo, login):
    login(client, demo["admin"])
    return client


def test_the_page_shows_todays_routes(admin):
    html = admin.get(ROUTING).get_data(as_text=True)
    assert 'data-kind="safety"' in html
    assert f'<option selected value="{unit_id("safety")}">安全环保部</option>' in html
    assert f'<option selected value="{unit_id("customer_service")}">客服部</option>' in html
    assert f'<option selected value="{unit_id("gm_office")}">总经办</option>' in html


def test_a_hazard_lands_with_safety_until_the_admin_routes_it_to_hr(admin, demo, bearer,
                                                                   get_csrf):
    prod1 = bearer(demo["prod1"])
    first = file_hazard(admin, prod1, "叉车刹车失灵")
    assert first.unit.code == "safety"
    assert sv.can_view_report(demo["safety1"], first)
    assert not sv.can_view_report(demo["hr1"], first)

    response = admin.post(ROUTING, data=form_data(get_csrf(admin, ROUTING),
                                                  route_safety=str(unit_id("hr"))))
    assert response.status_code == 302 and response.headers["Location"].endswith(ROUTING)
    assert "受理路由已保存" in admin.get(ROUTING).get_data(as_text=True)

    second = file_hazard(admin, prod1, "二号叉车也有问题")
    assert second.unit.code == "hr"
    assert sv.can_view_report(demo["hr1"], second)
    assert not sv.can_view_report(demo["safety1"], second)
    db.session.refresh(first)
    assert first.unit.code == "safety"  # filed reports keep their unit


def test_the_fallback_unit_is_chosen_here(admin, get_csrf):
    response = admin.post(ROUTING, data=form_data(get_csrf(admin, ROUTING),
                                                  fallback=str(unit_id("hr"))))
    assert response.status_code == 302
    assert sv.fallback_unit().code == "hr"


@pytest.mark.parametrize("changes", [
    {"route_safety": "999999"}, {"route_safety": "abc"}, {"route_safety": ""},
    {"fallback": "-1"}, {"route_customer": "1" * 40}])
def test_bad_input_is_refused_and_changes_nothing(admin, get_csrf, changes):
    before = {kind: sv.route_for(kind).code for kind in KINDS}
    data = form_data(get_csrf(admin, ROUTING), route_complaint=str(unit_id("gm_office")),
                     **changes)
    response = admin.post(ROUTING, data=data)
    assert response.status_code == 400
    assert "is-invalid" in response.get_data(as_text=True)
    assert {kind: sv.route_for(kind).code for kind in KINDS} == before


def test_a_forged_form_is_refused(admin):
    data = {f"route_{kind}": str(unit_id("hr")) for kind in KINDS}
    assert admin.post(ROUTING, data=data).status_code == 400
    assert sv.route_for("safety").code == "safety"


@pytest.mark.parametrize("username", ["hr_head", "sales1", "gm"])
def test_only_the_admin_finds_the_page(client, demo, login, get_csrf, username):
    login(client, demo[username])
    assert client.get(ROUTING).status_code == 404
    token = get_csrf(client, "/suggestions/new")
    assert client.post(ROUTING, data={"csrf_token": token, "route_safety": "1"}
                       ).status_code == 404
    assert sv.route_for("safety").code == "safety"
