"""GET /api/v1/search (API.md): total and items (kind, id, number, title, snippet, url) of
exactly what the caller may open; bad filters are 400s, odd queries plain searches."""
from __future__ import annotations

from hub.extensions import db
from hub.mailbox.services import file_letter
from hub.search.indexer import apply_pending
from tests.api.conftest import API, assert_error


def test_search_through_the_api(app, client, bearer, create_user):
    writer, other = create_user(), create_user()
    office = create_user(roles=["gm_office"])
    mine = file_letter(writer, subject="食堂饭菜", body="最近食堂的红烧肉太咸了",
                       category="other").letter
    file_letter(other, subject="别人的来信", body="食堂排队太久", category="other")
    db.session.commit()
    apply_pending(app)

    answer = client.get(f"{API}/search?q=食堂", headers=bearer(writer))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert {"kind", "id", "number", "title", "snippet", "url"} <= set(item)
    assert (item["kind"], item["id"], item["number"]) == ("letter", mine.id, mine.number)
    assert item["title"] == "食堂饭菜"
    assert "<mark>食堂</mark>" in item["snippet"] and item["url"] == f"/mailbox/letters/{mine.id}"
    assert body["facets"]["kind"] == [{"value": "letter", "count": 1}]

    everything = client.get(f"{API}/search?q=食堂&kind=letter&per_page=1&page=2",
                            headers=bearer(office)).get_json()
    assert everything["total"] == 2 and len(everything["items"]) == 1
    assert client.get(f"{API}/search?q=食堂&from=2000-01-01&to=2000-01-02",
                      headers=bearer(office)).get_json()["total"] == 0
    assert client.get(f"{API}/search?q=\"食堂 AND (", headers=bearer(office)).status_code == 200
    assert client.get(f"{API}/search", headers=bearer(office)).get_json()["total"] == 0

    assert_error(client.get(f"{API}/search?q=x&kind=memo", headers=bearer(office)), 400,
                 "validation_error")
    assert_error(client.get(f"{API}/search?q=x&from=yesterday", headers=bearer(office)), 400,
                 "validation_error")
    assert_error(client.get(f"{API}/search?q=x&per_page=500", headers=bearer(office)), 400,
                 "validation_error")
    assert_error(client.get(f"{API}/search?q=食堂"), 401, "unauthorized")
