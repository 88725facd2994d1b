"""Chinese queries find the right items with highlights; filters, order and pages; syntax
errors become plain searches; the page and the header box."""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from hub import create_app
from hub.common.workdays import local_date
from hub.extensions import db
from hub.mailbox.services import accept, file_letter
from tests.conftest import make_config


@pytest.fixture
def office(create_user):
    return create_user(roles=["gm_office"])


@pytest.fixture
def letters(office, create_user, index_now):
    writer = create_user()
    texts = {
        "canteen": ("饭菜意见", "最近食堂的红烧肉太咸了，希望改进。"),
        "vpn": ("远程办公", "请连接VPN后再访问内网系统，出差时很不方便。"),
        "both": ("加班晚餐", "加班到很晚，食堂已经关门，希望提供晚餐。"),
        "other": ("停车位", "公司停车位不够用，建议错峰停车。"),
    }
    made = {key: file_letter(writer, subject=subject, body=body, category="other").letter
            for key, (subject, body) in texts.items()}
    accept(made["other"], office)
    index_now()
    return made


def ids(results):
    return [hit.id for hit in results.hits]


def test_chinese_queries_find_the_right_items_with_highlights(office, letters, find):
    one = find(office, "食堂")  # a word inside a sentence
    assert sorted(ids(one)) == sorted([letters["canteen"].id, letters["both"].id])
    assert all("<mark>食堂</mark>" in str(hit.snippet) for hit in one.hits)
    two = find(office, "食堂 红烧肉")  # two words: both required
    assert ids(two) == [letters["canteen"].id]
    assert "<mark>红烧肉</mark>" in str(two.hits[0].snippet)
    assert ids(find(office, "食堂红烧肉")) == [letters["canteen"].id]  # unsegmented
    phrase = find(office, '"食堂的红烧肉"')  # a phrase (the stop-word 的 inside)
    assert ids(phrase) == [letters["canteen"].id]
    assert find(office, '"红烧肉 食堂"').total == 0  # phrase order matters
    english = find(office, "vpn")  # English inside Chinese, any case
    assert ids(english) == [letters["vpn"].id]
    assert "<mark>VPN</mark>" in str(english.hits[0].snippet)
    number = letters["other"].number
    by_number = find(office, number)  # the registration number, exactly
    assert ids(by_number) == [letters["other"].id] and by_number.hits[0].number == number
    assert find(office, number.lower()).total == 1
    assert find(office, "食堂 -红烧肉").total == 1  # exclusion
    # a shape hub.search.matching leaves to Whoosh (AND MAYBE): found and ranked all the same
    maybe = find(office, "食堂 ANDMAYBE 红烧肉")
    assert ids(maybe) == [letters["canteen"].id, letters["both"].id] and maybe.total == 2
    assert find(office, "红烧肉 OR 停车位").total == 2


SYNTAX_ERRORS = ['"食堂', "食堂)", "((食堂", "食堂 AND", "title:食堂", "食堂^", "食*", "[a TO",
                 "~食堂", "\\", ":", "-", "OR", "NOT", "食堂 OR OR", "access:all 食堂"]


def test_syntax_errors_become_plain_searches(office, letters, find, create_user):
    for text in SYNTAX_ERRORS:
        results = find(office, text)
        assert not results.unavailable, text
        if "食堂" in text and "access" not in text:
            assert letters["canteen"].id in ids(results), text
    # nobody can address the access terms from the query
    stranger = create_user()
    for text in ("access:all 食堂", "access:role:gm_office", "食堂 OR access:all", "kind:letter"):
        assert find(stranger, text).total == 0, text


def test_filters_order_and_pages(office, letters, find):
    assert find(office, "希望", kinds=["report"]).total == 0
    assert find(office, "希望", kinds=["letter"]).total == 2
    assert ids(find(office, "建议", status="accepted")) == [letters["other"].id]
    assert find(office, "建议", status="submitted").total == 0
    today = local_date(letters["other"].filed_at)
    assert find(office, "希望", date_from=today, date_to=today).total == 2
    assert find(office, "希望", date_to=today - timedelta(days=1)).total == 0
    status_facet = dict(find(office, "希望 OR 建议").facets["status"])
    assert status_facet == {"submitted": 2, "accepted": 1}
    # a chosen facet still shows the other values' counts
    chosen = find(office, "希望 OR 建议", status="accepted")
    assert chosen.total == 1 and dict(chosen.facets["status"]) == status_facet
    by_date = find(office, "希望 OR 建议 OR 远程", sort="date")
    assert ids(by_date) == sorted(ids(by_date), reverse=True)  # filed one after another
    first = find(office, "希望 OR 建议 OR 远程", sort="date", per_page=2)
    second = find(office, "希望 OR 建议 OR 远程", sort="date", per_page=2, page=2)
    assert first.total == second.total == 4 and first.pages == 2
    assert ids(first) + ids(second) == ids(by_date)
    beyond = find(office, "希望 OR 建议 OR 远程", sort="date", per_page=2, page=99)
    assert beyond.page == 2 and ids(beyond) == ids(second)


def test_the_page_and_the_header_box(office, letters, client, login):
    login(client, office)
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="header-search"' in home
    html = client.get("/search/?q=食堂").get_data(as_text=True)
    assert html.count('data-testid="search-hit"') == 2
    assert "<mark>食堂</mark>" in html and letters["canteen"].number in html
    assert 'data-testid="facet-kind-letter"' in html
    html = client.get("/search/?q=食堂&kind=bogus&department=x&date_from=yesterday"
                      "&page=0&sort=nonsense").get_data(as_text=True)
    assert html.count('data-testid="search-hit"') == 2  # bad filters filter nothing
    assert client.get("/search/?q=" + "食" * 5000).status_code == 200
    assert 'data-testid="search-hint"' in client.get("/search/").get_data(as_text=True)


def test_a_new_item_is_searchable_within_two_seconds(database_url, tmp_path, create_user):
    """The embedded default: the writer thread is woken by the commit."""
    live = create_app(make_config(database_url, tmp_path / "live", SEARCH_INDEXER=True,
                                  SEARCH_POLL_SECONDS=30))
    writer = create_user(roles=["gm_office"])
    thread = live.extensions["hub_search_indexer"]
    try:
        with live.test_request_context("/", base_url=live.config["BASE_URL"]):
            from hub.search.indexer import rebuild
            from hub.search.query import search

            rebuild(live)
            file_letter(db.session.merge(writer), subject="秒级可查",
                        body="刚写的来信马上能查到", category="other")
            started = time.monotonic()
            db.session.commit()
            while time.monotonic() - started < 2.0:
                if search(db.session.merge(writer), "马上能查到").total == 1:
                    break
                time.sleep(0.05)
            elapsed = time.monotonic() - started
            thread.stop()  # before the engine goes: the thread holds connections too
            db.session.remove()
            db.engine.dispose()
    finally:
        thread.stop()
    assert elapsed < 2.0, elapsed


def test_a_new_department_name_is_one_word_in_old_and_new_documents(office, create_user,
                                                                    create_department,
                                                                    index_now, find):
    from hub.search.analysis import segment
    from hub.search.index import load_user_words
    from hub.search.models import SearchOutbox

    # the segmenter lives as long as the process (tests of both databases share it)
    name = next(n for n in ("蓝鲸数智部", "青鸾数智部", "玄鸟数智部", "白泽数智部")
                if segment(n) != [n])  # not a word yet
    writer = create_user()
    old = file_letter(writer, subject="组织调整", body=f"听说要成立{name}，谁来负责？",
                      category="other").letter
    index_now()
    create_department(name=name)
    assert db.session.scalar(db.select(SearchOutbox.id).where(SearchOutbox.kind == "*"))
    index_now()  # the queued rebuild reads the names again and cuts everything again
    load_user_words(max_age=0)  # what every other process does within 30 s
    assert segment(name) == [name]
    new = file_letter(writer, subject="新部门", body=f"{name}下周开始办公。",
                      category="other").letter
    index_now()
    assert sorted(ids(find(office, name))) == sorted([old.id, new.id])
    # a department whose name is already a word queues no rebuild
    create_department(name="研发部")
    assert db.session.scalar(db.select(SearchOutbox.id).where(SearchOutbox.kind == "*")) \
        is None


def test_date_filters_read_the_date_column_and_leave_undated_items_out(app, tmp_path):
    from datetime import datetime

    from whoosh import index

    from hub.search.index import make_schema
    from hub.search.query import _in_dates

    ix = index.create_in(str(tmp_path), make_schema())
    with ix.writer() as writer:
        writer.add_document(key="t:0", kind="t", content="甲")  # no date
        for day in (1, 2, 3):  # noon in Shanghai: 04:00 UTC
            writer.add_document(key=f"t:{day}", kind="t", content="甲",
                                date=datetime(2026, 3, day, 4, 0))
    with app.app_context(), ix.searcher() as s:  # company days: Asia/Shanghai
        everything = set(range(4))
        assert _in_dates(s, everything, date(2026, 3, 2), None) == {2, 3}
        assert _in_dates(s, everything, None, date(2026, 3, 2)) == {1, 2}
        assert _in_dates(s, everything, date(2026, 3, 2), date(2026, 3, 2)) == {2}
        assert _in_dates(s, {0, 3}, date(2020, 1, 1), None) == {3}
