"""What people and API clients see when something goes wrong: a page in the hub's style (in
Chinese by default) or the JSON error shape of API.md, never a traceback; and the security
headers on every response."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.extensions import db
from hub.org.models import Department

BROKEN_DEPARTMENT = "半途而废的部门"


@pytest.fixture
def employee(create_user):
    return create_user("zhang", name="张三")


@pytest.fixture
def broken_app(app):
    """The test app with two routes that fail halfway through a change to the database."""

    def fail_halfway():
        db.session.add(Department(name=BROKEN_DEPARTMENT))
        db.session.flush()
        raise RuntimeError("boom")

    app.add_url_rule("/test-broken", "test_broken", fail_halfway)
    app.add_url_rule("/api/v1/test-broken", "test_broken_api", fail_halfway)
    return app


def test_unknown_page_is_a_chinese_404_page(client, employee, login):
    login(client, employee)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "页面不存在" in html
    assert "返回首页" in html
    assert 'lang="zh-CN"' in html


def test_unknown_page_is_a_404_for_anonymous_visitors_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/unknown")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert response.get_json()["error"]["message"]


def test_out_of_range_id_is_a_404_not_a_500(client, employee, login):
    login(client, employee)
    for path in ("/people/99999999999", "/people/2147483648", "/people/0", "/people/-1",
                 "/people/01"):
        assert client.get(path).status_code == 404, path


def test_security_headers_on_pages(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_security_headers_on_error_pages_and_api(client):
    for path in ("/no-such-page", "/api/v1/unknown"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Content-Security-Policy" in response.headers, path


def test_static_files_may_be_cached(client):
    with client.get("/static/css/hub.css") as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_failing_view_gives_the_500_page_and_saves_nothing(broken_app, client, employee,
                                                             login, caplog):
    login(client, employee)
    response = client.get("/test-broken")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "服务器出错了" in html
    assert "RuntimeError" not in html and "Traceback" not in html
    assert "Unhandled error on GET /test-broken" in caplog.text
    assert db.session.scalar(select(Department).filter_by(name=BROKEN_DEPARTMENT)) is None
    # The next request is served normally: nothing half-done is left in the session.
    assert client.get("/").status_code == 200


def test_a_failing_api_call_gives_a_json_500_and_saves_nothing(broken_app, client, employee,
                                                               bearer):
    response = client.get("/api/v1/test-broken", headers=bearer(employee))
    assert response.status_code == 500
    assert response.get_json()["error"]["message"]
    assert "boom" not in response.get_data(as_text=True)
    assert db.session.scalar(select(Department).filter_by(name=BROKEN_DEPARTMENT)) is None


def test_logout_by_get_is_405(client, employee, login):
    login(client, employee)
    response = client.get("/logout")
    assert response.status_code == 405
    assert "不支持此请求方法" in response.get_data(as_text=True)


def test_wrong_method_on_the_api_is_a_json_405(client):
    response = client.get("/api/v1/auth/token")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_nul_bytes_in_form_or_query_are_a_400_not_a_500(client, get_csrf):
    response = client.post("/login", data={"csrf_token": get_csrf(client),
                                           "username": "sales1\x00", "password": "x"})
    assert response.status_code == 400
    assert client.get("/login?next=%00").status_code == 400
