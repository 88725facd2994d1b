"""``POST /auth/token``, token listing and revocation, and which tokens stop working."""
from __future__ import annotations

from hub.auth.services import set_password
from hub.extensions import db
from hub.org.services import deactivate_user
from tests.api.conftest import API, assert_error


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_for_username_and_password(client, demo):
    response = client.post(f"{API}/auth/token",
                           json={"username": "sales1", "password": "hub-demo", "name": "脚本"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["token"].startswith("hub_")
    assert body["user"] == {
        "id": demo["sales1"].id, "username": "sales1", "name": "何磊", "title": "销售专员",
        "department": {"id": demo["sales1"].department_id, "name": "华东销售组",
                       "parent_id": demo["sales1"].department.parent_id},
    }
    assert body["details"]["name"] == "脚本"
    assert body["token"].startswith(body["details"]["prefix"])
    me = client.get(f"{API}/me", headers=auth(body["token"]))
    assert me.status_code == 200
    assert me.get_json()["username"] == "sales1"


def test_username_is_not_case_sensitive(client, demo):
    response = client.post(f"{API}/auth/token", json={"username": " Sales1 ",
                                                      "password": "hub-demo"})
    assert response.status_code == 201


def test_wrong_password_and_unknown_user_get_the_same_401(client, demo):
    wrong = client.post(f"{API}/auth/token", json={"username": "sales1", "password": "nope"})
    unknown = client.post(f"{API}/auth/token", json={"username": "nobody", "password": "x"})
    assert assert_error(wrong, 401, "unauthorized") == assert_error(unknown, 401, "unauthorized")
    assert "token" not in wrong.get_data(as_text=True)


def test_deactivated_account_gets_no_token(client, create_user):
    create_user("zhang", password="correct-horse", active=False)
    response = client.post(f"{API}/auth/token",
                           json={"username": "zhang", "password": "correct-horse"})
    assert_error(response, 401, "unauthorized")


def test_missing_fields_are_a_validation_error(client):
    response = client.post(f"{API}/auth/token", json={"username": "sales1"})
    error = assert_error(response, 400, "validation_error")
    assert "password" in error["fields"]


def test_sixth_failure_in_a_minute_is_429_even_with_the_right_password(client, create_user):
    create_user("zhang", password="correct-horse")
    create_user("li", password="correct-horse")
    for _ in range(5):
        response = client.post(f"{API}/auth/token",
                               json={"username": "zhang", "password": "wrong"})
        assert response.status_code == 401
    response = client.post(f"{API}/auth/token",
                           json={"username": "zhang", "password": "correct-horse"})
    assert_error(response, 429, "rate_limited")
    # Another account is not affected.
    response = client.post(f"{API}/auth/token", json={"username": "li",
                                                      "password": "correct-horse"})
    assert response.status_code == 201


def test_failures_on_the_login_page_and_the_api_share_one_count(client, create_user, get_csrf):
    create_user("zhang", password="correct-horse")
    for _ in range(3):
        page = client.post("/login", data={"csrf_token": get_csrf(client), "username": "zhang",
                                           "password": "wrong"})
        assert page.status_code == 200
    for _ in range(2):
        response = client.post(f"{API}/auth/token",
                               json={"username": "zhang", "password": "wrong"})
        assert response.status_code == 401
    response = client.post(f"{API}/auth/token",
                           json={"username": "zhang", "password": "correct-horse"})
    assert_error(response, 429, "rate_limited")
    page = client.post("/login", data={"csrf_token": get_csrf(client), "username": "zhang",
                                       "password": "correct-horse"})
    assert page.status_code == 429


def test_successful_token_requests_do_not_count_towards_the_limit(client, create_user):
    create_user("zhang", password="correct-horse")
    for _ in range(8):
        response = client.post(f"{API}/auth/token",
                               json={"username": "zhang", "password": "correct-horse"})
        assert response.status_code == 201


def test_list_my_tokens_without_secrets(client, create_user, get_token):
    create_user("zhang", password="correct-horse")
    other = create_user("li", password="correct-horse")
    first = get_token("zhang", "correct-horse", name="钉钉机器人")
    second = get_token("zhang", "correct-horse", name="人事脚本")
    get_token("li", "correct-horse", name="别人的")

    response = client.get(f"{API}/auth/tokens", headers=auth(first))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2 and body["page"] == 1
    assert {t["name"] for t in body["items"]} == {"钉钉机器人", "人事脚本"}
    text = response.get_data(as_text=True)
    assert first not in text and second not in text
    assert "token" not in body["items"][0] and "token_hash" not in body["items"][0]
    assert body["items"][0]["created_at"].endswith("+08:00")
    assert other.username not in text


def test_token_list_pages(client, create_user, get_token):
    create_user("zhang", password="correct-horse")
    token = get_token("zhang", "correct-horse")
    for _ in range(2):
        get_token("zhang", "correct-horse")
    body = client.get(f"{API}/auth/tokens?per_page=2&page=2", headers=auth(token)).get_json()
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (3, 2, 2, 1)


def test_revoke_my_token(client, create_user, get_token):
    create_user("zhang", password="correct-horse")
    keep = get_token("zhang", "correct-horse", name="keep")
    drop = get_token("zhang", "correct-horse", name="drop")
    items = client.get(f"{API}/auth/tokens", headers=auth(keep)).get_json()["items"]
    drop_id = next(t["id"] for t in items if t["name"] == "drop")

    response = client.delete(f"{API}/auth/tokens/{drop_id}", headers=auth(keep))
    assert response.status_code == 204
    assert_error(client.get(f"{API}/me", headers=auth(drop)), 401, "unauthorized")
    assert client.get(f"{API}/me", headers=auth(keep)).status_code == 200
    # Revoking twice is harmless; the list shows when it was revoked.
    assert client.delete(f"{API}/auth/tokens/{drop_id}", headers=auth(keep)).status_code == 204
    items = client.get(f"{API}/auth/tokens", headers=auth(keep)).get_json()["items"]
    assert next(t for t in items if t["id"] == drop_id)["revoked_at"] is not None


def test_somebody_elses_token_is_404(client, create_user, get_token):
    create_user("zhang", password="correct-horse")
    create_user("li", password="correct-horse")
    mine = get_token("zhang", "correct-horse")
    theirs = get_token("li", "correct-horse")
    their_id = client.get(f"{API}/auth/tokens", headers=auth(theirs)).get_json()["items"][0]["id"]
    assert_error(client.delete(f"{API}/auth/tokens/{their_id}", headers=auth(mine)),
                 404, "not_found")
    assert client.get(f"{API}/me", headers=auth(theirs)).status_code == 200


def test_no_token_is_401(client):
    assert_error(client.get(f"{API}/me"), 401, "unauthorized")
    assert_error(client.get(f"{API}/auth/tokens"), 401, "unauthorized")


def test_bad_tokens_are_401(client, demo):
    for header in ("Bearer ", "Bearer hub_not-a-real-token", "Basic c2FsZXMxOmh1Yi1kZW1v",
                   "hub_not-a-real-token", "Bearer " + "x" * 5000):
        assert_error(client.get(f"{API}/me", headers={"Authorization": header}),
                     401, "unauthorized")


def test_browser_session_cookie_is_not_accepted(client, demo, login):
    login(client, demo["sales1"])
    assert client.get("/").status_code == 200
    assert_error(client.get(f"{API}/me"), 401, "unauthorized")


def test_bearer_requests_need_no_csrf_token(client, demo, bearer, get_token):
    token = get_token("sales1")
    token_id = client.get(f"{API}/auth/tokens", headers=auth(token)).get_json()["items"][0]["id"]
    assert client.delete(f"{API}/auth/tokens/{token_id}",
                         headers=bearer(demo["sales1"])).status_code == 204


def test_deactivation_revokes_tokens(client, demo, get_token):
    token = get_token("sales1")
    deactivate_user(demo["sales1"])
    db.session.commit()
    assert_error(client.get(f"{API}/me", headers=auth(token)), 401, "unauthorized")


def test_token_of_a_user_marked_inactive_stops_working(client, create_user, bearer):
    user = create_user("zhang")
    headers = bearer(user)
    user.active = False
    db.session.commit()
    assert_error(client.get(f"{API}/me", headers=headers), 401, "unauthorized")


def test_logout_keeps_api_tokens_and_a_password_change_revokes_them(
        app, client, create_user, get_token, get_csrf):
    user = create_user("zhang", password="correct-horse")
    token = get_token("zhang", "correct-horse")
    browser = app.test_client()
    browser.post("/login", data={"csrf_token": get_csrf(browser), "username": "zhang",
                                 "password": "correct-horse"})
    browser.post("/logout", data={"csrf_token": get_csrf(browser, "/")})
    assert client.get(f"{API}/me", headers=auth(token)).status_code == 200
    set_password(user, "battery-staple")
    db.session.commit()
    assert_error(client.get(f"{API}/me", headers=auth(token)), 401, "unauthorized")


def test_password_change_on_the_page_revokes_every_token_and_other_session(
        app, create_user, login, get_token, get_csrf):
    """Whoever knew the old password may have made a token or a session with it: the
    change ends both; the browser that made the change stays signed in."""
    user = create_user("zhang", password="correct-horse")
    token = get_token("zhang", "correct-horse")
    laptop, phone, api = app.test_client(), app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    assert api.get(f"{API}/me", headers=auth(token)).status_code == 200
    response = laptop.post("/account/password", data={
        "csrf_token": get_csrf(laptop, "/account/password"),
        "current_password": "correct-horse", "new_password": "battery-staple",
        "confirm": "battery-staple"})
    assert response.status_code == 302
    assert_error(api.get(f"{API}/me", headers=auth(token)), 401, "unauthorized")
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
    new_token = get_token("zhang", "battery-staple")
    assert api.get(f"{API}/me", headers=auth(new_token)).status_code == 200


def test_admin_password_reset_revokes_tokens_and_keeps_a_self_reset_signed_in(
        app, create_user, login, get_token, get_csrf):
    admin = create_user("root", password="correct-horse", roles=["admin"])
    user = create_user("zhang", password="correct-horse")
    user_token, admin_token = get_token("zhang", "correct-horse"), get_token("root", "correct-horse")
    console, other_console = app.test_client(), app.test_client()
    login(console, admin)
    login(other_console, admin)
    for target in (user, admin):
        response = console.post(f"/admin/users/{target.id}/password", data={
            "csrf_token": get_csrf(console, f"/admin/users/{target.id}/password"),
            "mode": "generate"})
        assert response.status_code == 200
    assert_error(console.get(f"{API}/me", headers=auth(user_token)), 401, "unauthorized")
    assert_error(console.get(f"{API}/me", headers=auth(admin_token)), 401, "unauthorized")
    assert other_console.get("/").status_code == 302
    assert console.get("/admin/users").status_code == 200