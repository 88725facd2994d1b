"""Signing in and out, throttling, revocable sessions."""
from __future__ import annotations

from hub.auth.services import set_password
from hub.extensions import db
from hub.org.services import deactivate_user


def post_login(client, get_csrf, username, password, **extra):
    token = get_csrf(client)
    return client.post("/login", data={"csrf_token": token, "username": username,
                                       "password": password, **extra})


def test_login_page_is_chinese_and_carries_csrf_token(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "登录内部沟通中心" in html
    assert 'name="csrf_token"' in html
    assert 'lang="zh-CN"' in html


def test_login_without_csrf_token_is_400(client, create_user):
    create_user("zhang", password="correct-horse")
    response = client.post("/login", data={"username": "zhang", "password": "correct-horse"})
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)


def test_login_and_logout(client, create_user, get_csrf):
    create_user("zhang", name="张三", password="correct-horse")
    response = post_login(client, get_csrf, "zhang", "correct-horse")
    assert response.status_code == 302
    assert "张三" in client.get("/").get_data(as_text=True)
    logout = client.post("/logout", data={"csrf_token": get_csrf(client, "/")})
    assert logout.status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


def test_logout_by_get_is_not_allowed(client, create_user, login):
    user = create_user("zhang")
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_wrong_password_gives_generic_message(client, create_user, get_csrf):
    create_user("zhang", password="correct-horse")
    wrong = post_login(client, get_csrf, "zhang", "wrong-horse").get_data(as_text=True)
    unknown = post_login(client, get_csrf, "nobody", "wrong-horse").get_data(as_text=True)
    assert "用户名或密码错误" in wrong
    assert "用户名或密码错误" in unknown


def test_sixth_failure_in_a_minute_is_429_even_with_the_right_password(
        client, create_user, get_csrf):
    create_user("zhang", password="correct-horse")
    for _ in range(5):
        assert post_login(client, get_csrf, "zhang", "wrong").status_code == 200
    assert post_login(client, get_csrf, "zhang", "correct-horse").status_code == 429
    # Another account is not affected.
    create_user("li", password="correct-horse")
    assert post_login(client, get_csrf, "li", "correct-horse").status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(client, create_user, get_csrf):
    create_user("zhang", password="correct-horse")
    for _ in range(7):
        assert post_login(client, get_csrf, "zhang", "correct-horse").status_code == 302
        client.post("/logout", data={"csrf_token": get_csrf(client, "/")})


def test_cookie_replayed_after_logout_lands_on_login(app, create_user, get_csrf):
    create_user("zhang", password="correct-horse")
    browser = app.test_client()
    post_login(browser, get_csrf, "zhang", "correct-horse")
    stolen = browser.get_cookie("hub_session").value
    browser.post("/logout", data={"csrf_token": get_csrf(browser, "/")})

    attacker = app.test_client()
    attacker.set_cookie("hub_session", stolen)
    response = attacker.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_password_change_ends_other_sessions(app, create_user, login, get_csrf):
    user = create_user("zhang", password="correct-horse")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    response = laptop.post("/account/password", data={
        "csrf_token": get_csrf(laptop, "/account/password"),
        "current_password": "correct-horse", "new_password": "battery-staple",
        "confirm": "battery-staple"})
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # the browser that changed it stays in
    assert phone.get("/").status_code == 302


def test_password_change_with_wrong_current_password_keeps_the_form(
        client, create_user, login, get_csrf):
    user = create_user("zhang", password="correct-horse")
    login(client, user)
    response = client.post("/account/password", data={
        "csrf_token": get_csrf(client, "/account/password"),
        "current_password": "nope", "new_password": "battery-staple",
        "confirm": "battery-staple"})
    assert response.status_code == 200
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_deactivation_ends_sessions(app, client, create_user, login):
    user = create_user("zhang")
    login(client, user)
    assert client.get("/").status_code == 200
    deactivate_user(user)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_admin_password_reset_ends_sessions(client, create_user, login):
    user = create_user("zhang")
    login(client, user)
    set_password(user, "a-new-password")
    db.session.commit()
    assert client.get("/").status_code == 302


def test_idle_timeout(app, client, create_user, login):
    from datetime import timedelta

    from hub.auth.models import UserSession
    user = create_user("zhang")
    login(client, user)
    row = db.session.scalar(db.select(UserSession))
    row.last_seen_at -= timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_absolute_timeout(app, client, create_user, login):
    from datetime import timedelta

    from hub.auth.models import UserSession
    user = create_user("zhang")
    login(client, user)
    row = db.session.scalar(db.select(UserSession))
    row.created_at -= timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_next_parameter_only_goes_to_this_site(client, create_user, get_csrf):
    create_user("zhang", password="correct-horse")
    response = post_login(client, get_csrf, "zhang", "correct-horse",
                          next="https://evil.example.com/")
    assert response.headers["Location"] == "/"


def test_pages_need_login(client):
    response = client.get("/people/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_every_demo_account_logs_in(app, demo, get_csrf):
    for username in demo:
        c = app.test_client()
        assert post_login(c, get_csrf, username, "hub-demo").status_code == 302, username


def test_production_hashes_are_argon2id_with_rfc_9106_parameters(app):
    from argon2 import extract_parameters

    from hub.auth.services import hash_password
    app.config["PASSWORD_HASH_PROFILE"] = "RFC_9106_LOW_MEMORY"
    app.extensions.pop("hub.password_hasher", None)
    hashed = hash_password("correct-horse")
    params = extract_parameters(hashed)
    assert hashed.startswith("$argon2id$")
    assert (params.time_cost, params.memory_cost, params.parallelism) == (3, 65536, 4)
