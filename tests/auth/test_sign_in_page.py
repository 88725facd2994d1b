"""What a newcomer meets on the sign-in page (issue 14, problems 5 and 14): the way to the
receipt lookup, the demo people with their roles, "请先登录" after a deep link, and a 429
that stays a sign-in page and says how long to wait."""
from __future__ import annotations

import re

from tests.conftest import csrf_token


def post_login(client, username, password):
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"),
                                       "username": username, "password": password})


def test_the_sign_in_page_leads_signed_out_filers_to_the_receipt_lookup(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'data-testid="receipt-lookup-link"' in html
    assert 'href="/receipt/"' in html
    assert client.get("/receipt/").status_code == 200  # and it opens without signing in


def test_the_demo_people_are_listed_with_their_roles(client, demo):
    html = client.get("/login").get_data(as_text=True)
    rows = re.findall(r'data-testid="demo-account" data-username="([a-z_0-9]+)"', html)
    assert rows[:4] == ["admin", "gm", "gmo", "hr_head"] and "sales1" in rows
    row = html[html.index('data-username="gmo"'):]
    row = row[:row.index("</tr>")]
    assert "李秀梅" in row and "总经办秘书" in row and "总经办" in row
    row = html[html.index('data-username="hr1"'):]
    assert "人事专员" in row[:row.index("</tr>")] and "人力资源" in row[:row.index("</tr>")]


def test_without_the_demo_no_accounts_are_listed(client, create_user):
    create_user("zhang")
    html = client.get("/login").get_data(as_text=True)
    assert 'data-testid="demo-accounts"' not in html and "hub-demo" not in html


def test_a_deep_link_while_signed_out_says_to_sign_in_first(client):
    response = client.get("/mailbox/write")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "请先登录" in html
    # the bare address of the hub is no deep link: no message there
    fresh = client.application.test_client()
    home = fresh.get("/")
    assert "请先登录" not in fresh.get(home.headers["Location"]).get_data(as_text=True)


def test_too_many_failures_keep_the_sign_in_form_and_say_how_long_to_wait(
        client, create_user):
    create_user("zhang", password="correct-horse")
    for _ in range(5):
        assert post_login(client, "zhang", "wrong").status_code == 200
    response = post_login(client, "zhang", "correct-horse")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert re.search(r"请在 1 分钟后再试", html)  # the limit is 5 per minute
    assert 'data-testid="throttled"' in html
    assert 'action="/login"' in html and 'name="password"' in html
    assert 'value="zhang"' in html  # the username kept
    assert 'href="/receipt/"' in html
    assert response.headers["Retry-After"] == "60"
