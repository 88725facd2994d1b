"""The department tree through the real admin forms."""
from __future__ import annotations

from sqlalchemy import func, select

from hub.extensions import db
from hub.org.models import Department


def department_named(name: str) -> Department | None:
    return db.session.scalar(select(Department).where(Department.name == name))


def dept_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Department))


def test_tree_shows_indentation_heads_and_headcounts(admin_client, demo):
    html = admin_client.get("/admin/departments").get_data(as_text=True)
    east = department_named("华东销售组")
    assert html.index("市场部") < html.index("华东销售组") < html.index("华南销售组")
    assert 'class="tree-depth-1"><span class="text-muted">└ </span><a href="/admin/departments/' \
        f'{east.id}">华东销售组' in html
    assert "冯涛" in html  # the head of 华东销售组
    row = html[html.index(f'/admin/departments/{east.id}"'):]
    assert '<td class="text-end">4</td>' in row[:600]  # 冯涛, 何磊, 韩雪, 曹阳


def test_create_department_with_parent_and_head(admin_client, demo, post_form):
    sales = department_named("市场部")
    response = post_form(admin_client, "/admin/departments/new", {
        "name": " 华北销售组 ", "parent": str(sales.id), "head": str(demo["sales3"].id)})
    assert response.status_code == 302
    north = department_named("华北销售组")
    assert north.parent == sales and north.head == demo["sales3"]
    assert "已创建部门 华北销售组" in admin_client.get("/admin/departments").get_data(as_text=True)


def test_create_refuses_duplicate_names_and_separators(admin_client, demo, post_form):
    before = dept_count()
    top = post_form(admin_client, "/admin/departments/new",
                    {"name": "财务部", "parent": "0", "head": "0"})
    assert "已有名为“财务部”的部门" in top.get_data(as_text=True)
    sub = post_form(admin_client, "/admin/departments/new", {
        "name": "华东销售组", "parent": str(department_named("市场部").id), "head": "0"})
    assert "已有名为“华东销售组”的部门" in sub.get_data(as_text=True)
    slash = post_form(admin_client, "/admin/departments/new",
                      {"name": "市场部/新组", "parent": "0", "head": "0"})
    html = slash.get_data(as_text=True)
    assert "不能包含" in html and 'value="市场部/新组"' in html
    # The same name under another parent is fine.
    other = post_form(admin_client, "/admin/departments/new", {
        "name": "华东销售组", "parent": str(department_named("生产部").id), "head": "0"})
    assert other.status_code == 302
    assert dept_count() == before + 1


def test_rename_move_and_set_head(admin_client, demo, post_form):
    south, prod = department_named("华南销售组"), department_named("生产部")
    response = post_form(admin_client, f"/admin/departments/{south.id}", {
        "name": "南方销售组", "parent": str(prod.id), "head": str(demo["sales4"].id)})
    assert response.status_code == 302
    db.session.refresh(south)
    assert (south.name, south.parent, south.head) == ("南方销售组", prod, demo["sales4"])
    top = post_form(admin_client, f"/admin/departments/{south.id}",
                    {"name": "南方销售组", "parent": "0", "head": "0"})
    assert top.status_code == 302
    db.session.refresh(south)
    assert south.parent is None and south.head is None


def test_moving_under_itself_or_its_subtree_is_refused(admin_client, demo, post_form):
    sales, east = department_named("市场部"), department_named("华东销售组")
    for target in (sales, east):
        response = post_form(admin_client, f"/admin/departments/{sales.id}", {
            "name": "市场部", "parent": str(target.id), "head": str(demo["sales_head"].id)})
        assert response.status_code == 200
        assert "不能把部门移到它自己或它的下级部门之下" in response.get_data(as_text=True)
    db.session.refresh(sales)
    assert sales.parent is None


def test_delete_only_empty_departments(admin_client, demo, post_form, create_department,
                                       create_user):
    east = department_named("华东销售组")
    shell = create_department("事业部")
    empty = create_department("临时项目组", parent=shell)
    for dept, message in ((shell, "还有下级部门"), (east, "还有 4 名人员")):
        post_form(admin_client, f"/admin/departments/{dept.id}/delete", {},
                  page="/admin/departments")
        assert message in admin_client.get("/admin/departments").get_data(as_text=True)
    left = create_department("撤销组")
    create_user("gone", department=left, active=False)
    post_form(admin_client, f"/admin/departments/{left.id}/delete", {}, page="/admin/departments")
    assert "含已停用人员" in admin_client.get("/admin/departments").get_data(as_text=True)

    before, empty_id = dept_count(), empty.id
    post_form(admin_client, f"/admin/departments/{empty_id}/delete", {},
              page="/admin/departments")
    assert dept_count() == before - 1
    assert department_named("临时项目组") is None
    assert admin_client.get(f"/admin/departments/{empty_id}").status_code == 404


def test_department_of_a_handling_unit_is_not_deleted(admin_client, demo, post_form):
    hr = department_named("人力资源部")
    for user in demo.values():
        if user.department_id == hr.id:
            user.department = department_named("总经办")
    db.session.commit()
    post_form(admin_client, f"/admin/departments/{hr.id}/delete", {}, page="/admin/departments")
    assert "受理单位" in admin_client.get("/admin/departments").get_data(as_text=True)
    assert department_named("人力资源部") is not None
