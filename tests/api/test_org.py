"""``/me``, ``/departments`` and the people directory through the API."""
from __future__ import annotations

from hub.extensions import db
from hub.org.services import deactivate_user
from tests.api.conftest import API, assert_error
from tests.support.factories import create_unit

PERSON_KEYS = {"id", "username", "name", "title", "department"}


def person(user) -> dict:
    """A person object as API.md promises it (the keys it must have)."""
    return {"id": user.id, "username": user.username, "name": user.name, "title": user.title,
            "department": {"id": user.department.id, "name": user.department.name}}


def assert_person(got: dict, user) -> None:
    assert PERSON_KEYS <= set(got)
    expected = person(user)
    assert {k: got[k] for k in ("id", "username", "name", "title")} == \
        {k: expected[k] for k in ("id", "username", "name", "title")}
    assert {k: got["department"][k] for k in ("id", "name")} == expected["department"]


def test_me_gives_department_and_manager(client, demo, get_token):
    token = get_token("sales1")
    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    me = response.get_json()
    sales1 = demo["sales1"]
    assert_person(me, sales1)
    assert me["department"] == {"id": sales1.department_id, "name": "华东销售组",
                                "parent_id": sales1.department.parent_id}
    assert me["manager"]["username"] == "sales_lead"
    assert_person(me["manager"], demo["sales_lead"])
    assert me["email"] == "sales1@demo.example.com"
    assert me["roles"] == [] and me["units"] == []


def test_me_lists_roles_and_handling_units(client, demo, bearer):
    me = client.get(f"{API}/me", headers=bearer(demo["hr_head"])).get_json()
    assert me["roles"] == ["hr"]
    assert me["units"] == ["hr"]
    assert me["manager"]["username"] == "gm"
    gm = client.get(f"{API}/me", headers=bearer(demo["gm"])).get_json()
    assert gm["manager"] is None
    assert gm["units"] == ["gm_office"]


def test_me_lists_several_units_sorted(client, create_user, bearer):
    user = create_user("zhang")
    create_unit("safety", "安全环保部", members=[user])
    create_unit("customer_service", "客服部", head=user)
    me = client.get(f"{API}/me", headers=bearer(user)).get_json()
    assert me["units"] == ["customer_service", "safety"]


def test_departments_are_a_tree(client, demo, bearer):
    response = client.get(f"{API}/departments", headers=bearer(demo["sales1"]))
    assert response.status_code == 200
    roots = response.get_json()
    assert [d["name"] for d in roots][:5] == [
        "总经办", "人力资源部", "安全环保部", "客服部", "市场部"]
    assert all(d["parent_id"] is None for d in roots)
    sales = next(d for d in roots if d["name"] == "市场部")
    assert set(sales) >= {"id", "name", "parent_id", "head", "children"}
    assert sales["head"]["username"] == "sales_head"
    assert [c["name"] for c in sales["children"]] == ["华东销售组", "华南销售组"]
    east = sales["children"][0]
    assert east["parent_id"] == sales["id"]
    assert east["head"]["username"] == "sales_lead"
    assert east["children"] == []
    assert_person(east["head"], demo["sales_lead"])


def test_department_without_active_head_has_null_head(client, create_user, create_department,
                                                      bearer):
    dept = create_department("质量部")
    head = create_user("boss", department=dept, heads=True)
    viewer = create_user("zhang", department=dept)
    deactivate_user(head)
    db.session.commit()
    tree = client.get(f"{API}/departments", headers=bearer(viewer)).get_json()
    quality = next(d for d in tree if d["name"] == "质量部")
    assert quality["head"] is None


def test_people_directory_searches_and_pages(client, demo, bearer):
    headers = bearer(demo["prod1"])
    response = client.get(f"{API}/users", query_string={"q": "销售专员"}, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["total"] == 5
    assert {p["username"] for p in body["items"]} == {f"sales{i}" for i in range(1, 6)}
    for item in body["items"]:
        assert_person(item, demo[item["username"]])

    first = client.get(f"{API}/users", query_string={"per_page": 10}, headers=headers).get_json()
    second = client.get(f"{API}/users", query_string={"per_page": 10, "page": 2},
                        headers=headers).get_json()
    assert first["total"] == second["total"] == len(demo)
    assert (first["page"], first["per_page"], len(first["items"])) == (1, 10, 10)
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    beyond = client.get(f"{API}/users", query_string={"page": 99}, headers=headers).get_json()
    assert beyond["items"] == [] and beyond["total"] == len(demo)


def test_people_directory_by_department_includes_sub_departments(client, demo, bearer):
    sales = demo["sales_head"].department
    body = client.get(f"{API}/users", query_string={"department_id": sales.id, "per_page": 100},
                      headers=bearer(demo["prod1"])).get_json()
    names = {p["username"] for p in body["items"]}
    assert names == {"sales_head", "sales_lead", "sales1", "sales2", "sales3", "sales_lead2",
                     "sales4", "sales5"}


def test_people_directory_rejects_bad_paging_and_filters(client, demo, bearer):
    headers = bearer(demo["prod1"])
    for query, field in [({"per_page": 101}, "per_page"), ({"per_page": 0}, "per_page"),
                         ({"page": 0}, "page"), ({"page": -1}, "page"),
                         ({"page": "abc"}, "page"), ({"per_page": "1.5"}, "per_page"),
                         ({"page": "9" * 40}, "page"), ({"page": "NaN"}, "page"),
                         ({"department_id": "x"}, "department_id"),
                         ({"department_id": 2**31}, "department_id"),
                         ({"department_id": 999999}, "department_id"),
                         ({"q": "x" * 101}, "q"), ({"q": "a\x00b"}, "q")]:
        response = client.get(f"{API}/users", query_string=query, headers=headers)
        error = assert_error(response, 400, "validation_error")
        assert field in error["fields"], (query, error)


def test_people_who_left_are_hidden_except_from_the_admin(client, demo, bearer):
    deactivate_user(demo["prod2"])
    db.session.commit()
    prod2_id = demo["prod2"].id
    employee, admin = bearer(demo["prod1"]), bearer(demo["admin"])

    assert_error(client.get(f"{API}/users/{prod2_id}", headers=employee), 404, "not_found")
    assert client.get(f"{API}/users/{prod2_id}", headers=admin).get_json()["active"] is False

    query = {"q": "prod2", "include_inactive": "true"}
    assert client.get(f"{API}/users", query_string=query,
                      headers=employee).get_json()["total"] == 0
    assert client.get(f"{API}/users", query_string=query, headers=admin).get_json()["total"] == 1
    assert client.get(f"{API}/users", query_string={"q": "prod2"},
                      headers=admin).get_json()["total"] == 0


def test_a_person_with_manager_and_reports(client, demo, bearer):
    response = client.get(f"{API}/users/{demo['sales_lead'].id}", headers=bearer(demo["prod1"]))
    assert response.status_code == 200
    body = response.get_json()
    assert_person(body, demo["sales_lead"])
    assert_person(body["manager"], demo["sales_head"])
    assert sorted(p["username"] for p in body["reports"]) == ["sales1", "sales2", "sales3"]
    for report in body["reports"]:
        assert_person(report, demo[report["username"]])


def test_a_manager_who_left_is_not_shown_to_employees(client, create_user, bearer):
    boss = create_user("boss", active=False)
    worker = create_user("worker", manager=boss)
    colleague = create_user("colleague")
    admin = create_user("root", roles=["admin"])
    assert client.get(f"{API}/users/{worker.id}",
                      headers=bearer(colleague)).get_json()["manager"] is None
    assert client.get(f"{API}/users/{worker.id}",
                      headers=bearer(admin)).get_json()["manager"]["username"] == "boss"
    assert client.get(f"{API}/me", headers=bearer(worker)).get_json()["manager"] is None


def test_unknown_person_is_404(client, demo, bearer):
    headers = bearer(demo["prod1"])
    for path in ("/users/999999", "/users/2147483647", "/users/2147483648",
                 "/users/99999999999999999999", "/users/0", "/users/-1", "/users/abc",
                 "/users/01"):
        assert_error(client.get(API + path, headers=headers), 404, "not_found")
