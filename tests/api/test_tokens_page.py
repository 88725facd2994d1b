"""The web page ``/account/tokens``: list, create (secret shown once) and revoke tokens."""
from __future__ import annotations

import re

from hub.auth.services import create_api_token, revoke_token, tokens_of
from hub.extensions import db
from tests.api.conftest import API

SECRET_RE = re.compile(r'id="new-token-secret"[^>]*value="(hub_[^"]+)"')
PAGE = "/account/tokens"


def create_on_page(client, get_csrf, name: str):
    return client.post(PAGE, data={"csrf_token": get_csrf(client, PAGE), "name": name})


def test_page_needs_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_create_token_shows_the_secret_once(client, create_user, login, get_csrf):
    user = create_user("zhang")
    login(client, user)
    response = create_on_page(client, get_csrf, "钉钉机器人")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    secret = SECRET_RE.search(html).group(1)
    assert "这是唯一一次显示此令牌" in html
    assert "钉钉机器人" in html
    assert response.headers["Cache-Control"] == "no-store"

    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["username"] == "zhang"

    again = client.get(PAGE).get_data(as_text=True)
    assert secret not in again
    assert "钉钉机器人" in again and secret[:10] in again  # the recognisable prefix


def test_create_without_a_name_keeps_the_form(client, create_user, login, get_csrf):
    login(client, create_user("zhang"))
    response = create_on_page(client, get_csrf, "  ")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "请给令牌起个名字" in html
    assert not SECRET_RE.search(html)
    too_long = create_on_page(client, get_csrf, "长" * 101).get_data(as_text=True)
    assert "名称不能超过 100 个字符" in too_long
    assert "长" * 101 in too_long  # the form is re-rendered filled
    nul = create_on_page(client, get_csrf, "a\x00b")
    # Forged input with a NUL is refused before any form sees it (hub.common.security).
    assert nul.status_code == 400 and "请求无效" in nul.get_data(as_text=True)


def test_create_without_csrf_token_is_400(client, create_user, login):
    login(client, create_user("zhang"))
    assert client.post(PAGE, data={"name": "x"}).status_code == 400


def test_list_shows_only_my_tokens_with_their_state(client, create_user, login):
    me, other = create_user("zhang"), create_user("li")
    create_api_token(me, "仍在使用")
    old, _secret = create_api_token(me, "旧脚本")
    revoke_token(old)
    create_api_token(other, "别人的令牌")
    db.session.commit()
    login(client, me)
    html = client.get(PAGE).get_data(as_text=True)
    assert "仍在使用" in html and "旧脚本" in html
    assert "别人的令牌" not in html
    assert "已吊销" in html and "有效" in html
    assert "从未使用" in html


def test_revoke_my_token(client, create_user, login, get_csrf, bearer):
    user = create_user("zhang")
    headers = bearer(user)
    login(client, user)
    (token,) = tokens_of(user)
    response = client.post(f"{PAGE}/{token.id}/revoke",
                           data={"csrf_token": get_csrf(client, PAGE)})
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    assert "已吊销" in client.get(PAGE).get_data(as_text=True)
    assert client.get(f"{API}/me", headers=headers).status_code == 401


def test_revoke_needs_post_and_csrf(client, create_user, login, bearer):
    user = create_user("zhang")
    headers = bearer(user)
    login(client, user)
    (token,) = tokens_of(user)
    assert client.get(f"{PAGE}/{token.id}/revoke").status_code == 405
    assert client.post(f"{PAGE}/{token.id}/revoke").status_code == 400
    assert client.get(f"{API}/me", headers=headers).status_code == 200


def test_revoking_somebody_elses_token_is_404(client, create_user, login, get_csrf, bearer):
    me, other = create_user("zhang"), create_user("li")
    their_headers = bearer(other)
    (theirs,) = tokens_of(other)
    login(client, me)
    csrf = get_csrf(client, PAGE)
    assert client.post(f"{PAGE}/{theirs.id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"{PAGE}/999999/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"{PAGE}/99999999999/revoke",
                       data={"csrf_token": csrf}).status_code == 404
    assert client.get(f"{API}/me", headers=their_headers).status_code == 200
