"""Only admins see the admin area; for everybody else it does not exist (404)."""
from __future__ import annotations

import pytest


def admin_routes(app, user_id: int, dept_id: int):
    """Every admin URL with every method it answers, ids filled in."""
    values = {"user_id": user_id, "dept_id": dept_id}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("admin."):
                url = app.url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    yield method, url


def test_the_admin_area_has_the_pages_of_the_brief(app, demo):
    urls = {url for _method, url in admin_routes(app, 1, 1)}
    for expected in ("/admin/", "/admin/users", "/admin/users/new", "/admin/users/1",
                     "/admin/users/1/password", "/admin/users/1/deactivate",
                     "/admin/users/1/reactivate", "/admin/departments",
                     "/admin/departments/new", "/admin/departments/1",
                     "/admin/departments/1/delete", "/admin/import", "/admin/import/apply",
                     "/admin/import/template.csv"):
        assert expected in urls


@pytest.mark.parametrize("username", ["sales1", "hr1", "hr_head", "gm", "gmo"])
def test_non_admins_get_404_on_every_admin_url(app, demo, login, get_csrf, username):
    browser = app.test_client()
    login(browser, demo[username])
    token = get_csrf(browser, "/")
    target = demo["sales2"]
    for method, url in admin_routes(app, target.id, target.department_id):
        response = browser.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 404, (username, method, url)
    # Nothing was changed on the way.
    assert target.active


def test_anonymous_visitors_are_sent_to_the_login_page(client, demo):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_admins_see_the_area_and_the_navigation_link(admin_client):
    home = admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' in home
    page = admin_client.get("/admin/").get_data(as_text=True)
    for link in ("/admin/users", "/admin/departments", "/admin/import"):
        assert f'href="{link}"' in page
