"""Accounts through the real admin forms: list, create, edit, manager, deactivate,
reactivate, reset password."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from hub.auth.services import authenticate
from hub.extensions import db
from hub.org.models import HandlingUnit, ReportingLine, User


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def form_data(user: User | None = None, **changes) -> dict:
    """What the edit form would send for ``user`` unchanged, with ``changes`` applied."""
    data = {}
    if user is not None:
        data = {"username": user.username, "employee_no": user.employee_no or "",
                "name": user.name, "title": user.title, "email": user.email or "",
                "department": str(user.department_id),
                "manager": str(user.manager_id or 0),
                "roles": sorted(user.roles),
                "units": [str(m.unit_id) for m in user.unit_memberships],
                "unit_heads": [str(m.unit_id) for m in user.unit_memberships if m.is_head]}
    data.update(changes)
    return data


def flashes(client) -> str:
    return client.get("/admin/").get_data(as_text=True)


# --- the list --------------------------------------------------------------------------

def test_list_searches_by_name_username_and_employee_no(admin_client, demo):
    html = admin_client.get("/admin/users?q=何磊").get_data(as_text=True)
    assert "sales1" in html and "sales2" not in html
    html = admin_client.get("/admin/users?q=SALES_LEAD2").get_data(as_text=True)
    assert "许文博" in html and "冯涛" not in html
    html = admin_client.get(f"/admin/users?q={demo['prod4'].employee_no}").get_data(as_text=True)
    assert "谢红" in html and "共 1 人" in html


def test_list_filters_by_department_including_sub_departments(admin_client, demo):
    sales = demo["sales_head"].department
    html = admin_client.get(f"/admin/users?department={sales.id}").get_data(as_text=True)
    assert "钱伟明" in html and "何磊" in html and "邓琳" in html
    assert "黄海" not in html


def test_list_filters_active_and_inactive(admin_client, demo, post_form):
    page = f"/admin/users/{demo['prod3'].id}"
    post_form(admin_client, f"{page}/deactivate", {}, page=page)
    admin_client.get(page)  # shows (and so clears) the confirmation
    active = admin_client.get("/admin/users").get_data(as_text=True)
    inactive = admin_client.get("/admin/users?status=inactive").get_data(as_text=True)
    everyone = admin_client.get("/admin/users?status=all").get_data(as_text=True)
    assert "罗军" not in active
    assert "罗军" in inactive and "共 1 人" in inactive
    assert "罗军" in everyone and "黄海" in everyone


def test_list_pages_and_ignores_nonsense_filters(admin_client, demo, create_user):
    for n in range(30):
        create_user(f"extra{n:02d}", name=f"临时工{n:02d}", department=demo["prod1"].department)
    first = admin_client.get("/admin/users").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "page=2" in first
    second = admin_client.get("/admin/users?page=2").get_data(as_text=True)
    assert "第 2 / 2 页" in second
    assert admin_client.get("/admin/users?department=abc&status=x&page=-3").status_code == 200


# --- create ----------------------------------------------------------------------------

def test_create_user_with_roles_units_and_manager(admin_client, demo, post_form):
    hr_unit = db.session.scalar(select(HandlingUnit).where(HandlingUnit.code == "hr"))
    safety = db.session.scalar(select(HandlingUnit).where(HandlingUnit.code == "safety"))
    response = post_form(admin_client, "/admin/users/new", form_data(
        username="  Zhao.Lei ", employee_no="E9001", name="赵磊", title="招聘专员",
        email="zhao.lei@demo.example.com", department=str(demo["hr1"].department_id),
        manager=str(demo["hr_head"].id), roles=["hr"],
        units=[str(hr_unit.id)], unit_heads=[str(safety.id)]))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "zhao.lei"))
    assert response.headers["Location"] == f"/admin/users/{user.id}/password"
    assert (user.name, user.employee_no, user.title) == ("赵磊", "E9001", "招聘专员")
    assert user.manager == demo["hr_head"] and user.roles == {"hr"}
    assert user.password_hash is None and user.active
    assert {(m.unit.code, m.is_head) for m in user.unit_memberships} == {
        ("hr", False), ("safety", True)}
    line = db.session.scalar(select(ReportingLine).where(ReportingLine.user_id == user.id))
    assert line.manager_id == demo["hr_head"].id and line.changed_by_id == demo["admin"].id
    assert "还没有密码" in admin_client.get(response.headers["Location"]).get_data(as_text=True)


def test_create_refuses_taken_username_and_employee_no_keeping_the_input(
        admin_client, demo, post_form):
    before = user_count()
    response = post_form(admin_client, "/admin/users/new", form_data(
        username="SALES1", employee_no=demo["prod1"].employee_no, name="新同事",
        department=str(demo["prod1"].department_id), manager="0"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "用户名 sales1 已被 何磊 使用" in html
    assert f"工号 {demo['prod1'].employee_no} 已被 黄海 使用" in html
    assert 'value="新同事"' in html
    assert user_count() == before


def test_create_refuses_bad_input_with_chinese_messages(admin_client, demo, post_form):
    before = user_count()
    response = post_form(admin_client, "/admin/users/new", form_data(
        username="张三 zhang", name="", email="not-an-address",
        department="999999", manager="0"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "用户名只能用小写字母" in html
    assert "邮箱地址格式不正确" in html
    assert 'value="not-an-address"' in html
    assert user_count() == before


# --- edit and the reporting line -------------------------------------------------------

def test_edit_user_changes_details_and_keeps_reporting_history(admin_client, demo, post_form):
    sales1, south_lead = demo["sales1"], demo["sales_lead2"]
    path = f"/admin/users/{sales1.id}"
    response = post_form(admin_client, path, form_data(
        sales1, title="高级销售", department=str(south_lead.department_id),
        manager=str(south_lead.id)))
    assert response.status_code == 302
    db.session.refresh(sales1)
    assert sales1.title == "高级销售" and sales1.manager == south_lead
    assert sales1.department == south_lead.department
    lines = db.session.scalars(select(ReportingLine).where(ReportingLine.user_id == sales1.id)
                               .order_by(ReportingLine.id)).all()
    assert [line.manager_id for line in lines] == [demo["sales_lead"].id, south_lead.id]
    assert lines[0].valid_to is not None and lines[1].valid_to is None
    html = admin_client.get(path).get_data(as_text=True)
    assert "已保存 何磊 的资料" in html and "汇报关系历史" in html and "冯涛" in html


def test_manager_loop_is_refused_with_a_chinese_message(admin_client, demo, post_form):
    gm, sales1 = demo["gm"], demo["sales1"]  # sales1 → sales_lead → sales_head → gm
    response = post_form(admin_client, f"/admin/users/{gm.id}",
                         form_data(gm, manager=str(sales1.id), title="董事长"))
    assert response.status_code == 200
    assert "汇报环路" in response.get_data(as_text=True)
    db.session.refresh(gm)
    assert gm.manager is None and gm.title == "总经理"  # nothing of the form was saved


def test_admin_cannot_remove_own_admin_role(admin_client, demo, post_form):
    admin = demo["admin"]
    response = post_form(admin_client, f"/admin/users/{admin.id}", form_data(admin, roles=[]))
    assert "不能移除自己的管理员角色" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.roles == {"admin"}


def test_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/999999").status_code == 404
    assert admin_client.get("/admin/users/99999999999").status_code == 404


# --- deactivate, reactivate ------------------------------------------------------------

def test_deactivate_moves_reports_and_ends_sessions(app, admin_client, demo, login, post_form):
    lead = demo["sales_lead"]  # heads 华东销售组, manages sales1..3, reports to sales_head
    lead_browser = app.test_client()
    login(lead_browser, lead)
    response = post_form(admin_client, f"/admin/users/{lead.id}/deactivate", {},
                         page=f"/admin/users/{lead.id}")
    assert response.status_code == 302
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已停用 冯涛，3 名直属下级已转给 钱伟明" in html
    for name in ("sales1", "sales2", "sales3"):
        db.session.refresh(demo[name])
        assert demo[name].manager == demo["sales_head"]
    db.session.refresh(lead)
    assert not lead.active and lead.department.head is None
    assert lead_browser.get("/").status_code == 302  # signed out everywhere


def test_reactivate(admin_client, demo, post_form):
    person = demo["prod2"]
    page = f"/admin/users/{person.id}"
    post_form(admin_client, f"{page}/deactivate", {}, page=page)
    html = admin_client.get(page).get_data(as_text=True)
    assert "没有需要转移的直属下级" in html and "重新启用" in html
    response = post_form(admin_client, f"{page}/reactivate", {}, page=page)
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.active
    assert "已重新启用 林强" in admin_client.get(page).get_data(as_text=True)


def test_admin_cannot_deactivate_themself(admin_client, demo, post_form):
    admin = demo["admin"]
    post_form(admin_client, f"/admin/users/{admin.id}/deactivate", {},
              page=f"/admin/users/{admin.id}")
    assert "不能停用自己的账号" in flashes(admin_client)
    db.session.refresh(admin)
    assert admin.active


def test_state_changes_need_the_csrf_token(admin_client, demo):
    response = admin_client.post(f"/admin/users/{demo['prod1'].id}/deactivate")
    assert response.status_code == 400
    db.session.refresh(demo["prod1"])
    assert demo["prod1"].active


# --- reset password --------------------------------------------------------------------

def test_generated_password_is_shown_once_and_works(app, admin_client, demo, login, post_form):
    person = demo["cs1"]
    old_browser = app.test_client()
    login(old_browser, person)
    path = f"/admin/users/{person.id}/password"
    response = post_form(admin_client, path, {"mode": "generate"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "只显示这一次" in html
    password = re.search(r'data-testid="new-password">([^<]+)<', html).group(1)
    assert len(password) == 14
    assert authenticate("cs1", password) == person
    assert authenticate("cs1", "hub-demo") is None
    assert old_browser.get("/").status_code == 302
    assert password not in admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)


def test_typed_password(admin_client, demo, post_form):
    path = f"/admin/users/{demo['cs2'].id}/password"
    short = post_form(admin_client, path, {"mode": "manual", "new_password": "short",
                                           "confirm": "short"})
    assert "密码至少 8 个字符" in short.get_data(as_text=True)
    mismatch = post_form(admin_client, path, {"mode": "manual", "new_password": "long-enough-1",
                                              "confirm": "long-enough-2"})
    assert "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    assert authenticate("cs2", "hub-demo") is not None
    done = post_form(admin_client, path, {"mode": "manual", "new_password": "long-enough-1",
                                          "confirm": "long-enough-1"})
    assert "已设置您输入的新密码" in done.get_data(as_text=True)
    assert authenticate("cs2", "long-enough-1") == demo["cs2"]
