"""公告 through /api/v1 (API.md): publish, feed, read, confirm, confirmation lists."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hub.extensions import db
from hub.org.models import Department
from tests.api.conftest import API, assert_error


def dept_id(name: str) -> int:
    return db.session.scalar(db.select(Department.id).where(Department.name == name))


def test_publish_read_confirm_and_the_confirmation_list(app, client, demo, bearer):
    head, sales1, sales2, prod1 = (bearer(demo[u]) for u in
                                   ("sales_head", "sales1", "sales2", "prod1"))
    response = client.post(f"{API}/announcements", headers=head, json={
        "title": "关于客户回访的规定", "body": "每位客户**三日内**回访。", "kind": "policy",
        "audience": {"department_ids": [dept_id("市场部")]}, "requires_confirmation": True})
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert created["number"].startswith("GG-") and created["published"] is True
    assert created["audience"] == {"all": False, "department_ids": [dept_id("市场部")],
                                   "roles": []}
    url = f"{API}/announcements/{created['id']}"

    feed = client.get(f"{API}/announcements", headers=sales2).get_json()
    assert feed["total"] == 1 and feed["items"][0]["needs_confirmation"] is True
    assert feed["items"][0]["unread"] is True
    assert client.get(f"{API}/announcements", headers=prod1).get_json()["total"] == 0
    assert_error(client.get(url, headers=prod1), 404, "not_found")
    assert_error(client.post(f"{url}/confirm", headers=prod1), 404, "not_found")

    assert client.get(url, headers=sales1).get_json()["confirmed_by_me"] is False
    first = client.post(f"{url}/confirm", headers=sales1)
    again = client.post(f"{url}/confirm", headers=sales1)
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json()
    assert client.get(url, headers=sales1).get_json()["confirmed_by_me"] is True

    listing = client.get(f"{url}/confirmations", headers=head).get_json()
    assert [p["person"]["username"] for p in listing["confirmed"]] == ["sales1"]
    pending = {p["person"]["username"] for p in listing["not_confirmed"]}
    assert "sales2" in pending and "prod1" not in pending and listing["total"] == 7
    assert "sales_head" not in pending  # the publisher is not asked to confirm
    east = client.get(f"{url}/confirmations?department_id={dept_id('华东销售组')}",
                      headers=head).get_json()
    assert east["total"] == 4 and east["confirmed_count"] == 1 and east["percent"] == 25
    assert_error(client.get(f"{url}/confirmations", headers=sales1), 404, "not_found")
    lead = client.get(f"{url}/confirmations", headers=bearer(demo["sales_lead"])).get_json()
    assert {p["person"]["department"]["name"] for p in lead["confirmed"] + lead["not_confirmed"]} \
        == {"华东销售组"}


def test_refusals(app, client, demo, bearer):
    sales1 = bearer(demo["sales1"])
    error = assert_error(client.post(f"{API}/announcements", headers=sales1, json={
        "title": "全员通知", "body": "内容", "kind": "notice", "audience": {"all": True}}),
        403, "forbidden")
    assert "没有发布公告的权限" in error["message"]
    head = bearer(demo["sales_head"])
    error = assert_error(client.post(f"{API}/announcements", headers=head, json={
        "title": "全员通知", "body": "内容", "kind": "notice", "audience": {"all": True}}),
        403, "forbidden")
    assert "本部门及下级部门" in error["message"]
    gmo = bearer(demo["gmo"])
    for body, field in (({"audience": {}}, "audience"),
                        ({"audience": {"department_ids": [999999]}}, "audience"),
                        ({"audience": {"roles": ["boss"]}}, "audience"),
                        ({"kind": "memo"}, "kind"), ({"title": ""}, "title"),
                        ({"publish_at": "0001-01-01T00:00:00+08:00"}, "publish_at"),
                        ({"publish_at": "2026-12-01T08:00:00"}, "publish_at"),
                        ({"expires_at": "2000-01-01T00:00:00+08:00"}, "expires_at"),
                        ({"title": "a\x00b"}, "title")):
        payload = {"title": "标题", "body": "内容", "kind": "notice",
                   "audience": {"all": True}, **body}
        error = assert_error(client.post(f"{API}/announcements", headers=gmo, json=payload),
                             400, "validation_error")
        assert field in error.get("fields", {}), (body, error)
    assert client.get(f"{API}/announcements", headers=gmo).get_json()["total"] == 0


def test_a_scheduled_announcement_is_in_no_feed_before_its_time(app, client, demo, bearer):
    gmo = bearer(demo["gmo"])
    at = (datetime.now(timezone.utc) + timedelta(hours=2)).isoformat()
    response = client.post(f"{API}/announcements", headers=gmo, json={
        "title": "年终总结会", "body": "周五下午召开。", "kind": "notice",
        "audience": {"all": True}, "publish_at": at})
    assert response.status_code == 201 and response.get_json()["published"] is False
    sales1 = bearer(demo["sales1"])
    assert client.get(f"{API}/announcements", headers=sales1).get_json()["total"] == 0
    assert_error(client.get(f"{API}/announcements/{response.get_json()['id']}",
                            headers=sales1), 404, "not_found")
    managed = client.get(f"{API}/announcements?managed=true", headers=gmo).get_json()
    assert [a["title"] for a in managed["items"]] == ["年终总结会"]
    assert client.get(f"{API}/announcements?managed=true", headers=sales1).get_json()[
        "total"] == 0


def test_a_new_version_through_the_api_and_the_difference(app, client, demo, bearer):
    gmo, sales1 = bearer(demo["gmo"]), bearer(demo["sales1"])
    created = client.post(f"{API}/announcements", headers=gmo, json={
        "title": "差旅报销制度", "body": "住宿：每晚 300 元。\n时限：30 天。", "kind": "policy",
        "audience": {"all": True}, "requires_confirmation": True}).get_json()
    url = f"{API}/announcements/{created['id']}"
    assert client.post(f"{url}/confirm", headers=sales1).get_json()["version"] == 1
    assert_error(client.patch(url, headers=sales1, json={"title": "x", "body": "y"}),
                 404, "not_found")
    changed = client.patch(url, headers=gmo, json={
        "title": "差旅报销制度", "body": "住宿：每晚 400 元。\n时限：30 天。"})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["new_version"] is True and changed.get_json()["version"] == 2
    mine = client.get(url, headers=sales1).get_json()
    assert mine["confirmed_by_me"] is False
    assert mine["changes"]["since"] == 1
    assert "<del>住宿：每晚 300 元。</del>" in mine["changes"]["diff"]
    assert "<ins>住宿：每晚 400 元。</ins>" in mine["changes"]["diff"]
    assert client.post(f"{url}/confirm", headers=sales1).get_json()["version"] == 2
    assert client.get(url, headers=sales1).get_json()["changes"] is None

    reminded = client.post(f"{url}/remind", headers=gmo).get_json()["reminded"]
    assert reminded == len(demo) - 2  # everybody but sales1, who confirmed, and gmo
    assert_error(client.post(f"{url}/remind", headers=sales1), 404, "not_found")


def test_the_digest_preference(app, client, demo, bearer):
    sales1 = bearer(demo["sales1"])
    assert client.get(f"{API}/announcements/digest", headers=sales1).get_json() == {
        "digest": False}
    assert client.put(f"{API}/announcements/digest", headers=sales1,
                      json={"digest": True}).get_json() == {"digest": True}
    assert client.get(f"{API}/announcements/digest", headers=sales1).get_json() == {
        "digest": True}
    assert_error(client.put(f"{API}/announcements/digest", headers=sales1, json={}),
                 400, "validation_error")
