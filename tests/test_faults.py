"""Faults and input nothing can handle, with real faults: never a 500.

- Text that cannot be stored (a lone surrogate, NUL) and dates near the ends of the
  calendar are a 400 that names the field, on pages and in the API.
- A full disk (a small tmpfs: these tests mount one, so they need root, as the hub's test
  machine has; elsewhere they are skipped) and a database that cannot be reached are a 503
  with ``Retry-After``, a page that needs no database or the API's ``unavailable`` error,
  and nothing of the request is written.
- The search writer lets go of its locks when writing fails, retries, and catches up once
  the space is back; ``search check`` reports instead of crashing; a query never queues a
  rebuild, an unreadable index at most once per ten minutes.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from hub import create_app
from hub.auth.models import ApiToken
from hub.extensions import db
from hub.org.models import User
from hub.search.models import SearchOutbox
from tests.api.conftest import API, assert_error
from tests.conftest import HubTestClient, csrf_token, make_config
from tests.support import factories

PASSWORD = "correct horse battery"


# --- input -------------------------------------------------------------------------------

def test_a_lone_surrogate_is_a_400_naming_the_field_even_before_sign_in(client, app):
    for body, field in (('{"username": "\\ud800x", "password": "x"}', "username"),
                        ('{"username": "li", "password": "\\udfff"}', "password"),
                        ('{"username": "li", "password": "x", "\\udc80": 1}', "\\udc80")):
        response = client.post(f"{API}/auth/token", data=body,
                               content_type="application/json")
        error = assert_error(response, 400, "validation_error")
        assert list(error["fields"]) == [field], body
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_a_lone_surrogate_deep_in_a_body_of_a_signed_in_call_is_a_400(client, create_user,
                                                                      bearer):
    user = create_user("zhang", name="张三")
    body = '{"subject": "ok", "body": "\\ud83d", "attachments": [{"name": "\\ud800"}]}'
    response = client.post(f"{API}/letters", data=body, content_type="application/json",
                           headers=bearer(user))
    error = assert_error(response, 400, "validation_error")
    assert list(error["fields"]) == ["body"]
    # a proper pair of surrogates is one character, and fine
    response = client.get(f"{API}/search", query_string={"q": "\U0001f600"},
                          headers=bearer(user))
    assert response.status_code == 200


def test_nul_in_an_api_query_string_is_a_400_naming_the_argument(client, create_user,
                                                                 bearer):
    user = create_user("zhang", name="张三")
    response = client.get(f"{API}/search?q=a%00b", headers=bearer(user))
    assert assert_error(response, 400, "validation_error")["fields"] == {
        "q": ["不能包含 NUL 字符。"]}


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=1899-12-31",
                                   "to=3000-01-01T00:00:00%2B14:00"])
def test_api_dates_outside_the_calendar_the_hub_handles_are_a_400(client, create_user,
                                                                  bearer, query):
    user = create_user("zhang", name="张三")
    response = client.get(f"{API}/search?q=%E9%A3%9F%E5%A0%82&{query}", headers=bearer(user))
    error = assert_error(response, 400, "validation_error")
    assert list(error["fields"]) == [query.split("=")[0]]


def test_api_dates_at_the_ends_of_the_allowed_range_are_searched(app, client, create_user,
                                                                  bearer):
    from hub.search.indexer import rebuild

    user = create_user("zhang", name="张三")
    headers = bearer(user)
    rebuild(app)
    response = client.get(f"{API}/search?q=%E9%A3%9F%E5%A0%82&from=1900-01-01&to=2999-12-31",
                          headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)
                             .where(SearchOutbox.kind == "*")) == 0


def test_a_page_with_an_out_of_range_date_is_a_400_page_naming_the_field(client,
                                                                         create_user, login):
    login(client, create_user("zhang", name="张三"))
    response = client.get("/search/?q=%E9%A3%9F%E5%A0%82&date_to=9999-12-31")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "date_to" in html and "2999" in html
    assert client.get("/search/?q=%E9%A3%9F%E5%A0%82&date_to=2026-12-31").status_code == 200


def test_a_password_may_look_like_any_date(client, create_user):
    factories.create_user("li", name="李四", password="0001-01-01")
    db.session.commit()
    response = client.post(f"{API}/auth/token",
                           json={"username": "li", "password": "0001-01-01"})
    assert response.status_code == 201, response.get_data(as_text=True)


# --- a query never rebuilds the index ----------------------------------------------------

def _rebuilds_queued() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(SearchOutbox)
                             .where(SearchOutbox.kind == "*"))


def test_a_query_with_dates_at_the_ends_of_the_calendar_never_queues_a_rebuild(app,
                                                                              create_user):
    from hub.search.indexer import apply_pending, rebuild
    from hub.search.query import search

    user = create_user("zhang", name="张三")
    db.session.commit()
    rebuild(app)
    apply_pending(app)
    for date_from, date_to in ((date.min, None), (None, date.max), (date.min, date.max)):
        results = search(user, "食堂", date_from=date_from, date_to=date_to)
        assert not results.unavailable
    assert _rebuilds_queued() == 0


def test_an_unreadable_index_queues_one_rebuild_in_ten_minutes(app, create_user):
    from hub.search import query
    from hub.search.index import current_generation, index_root
    from hub.search.indexer import rebuild
    from hub.search.query import search

    user = create_user("zhang", name="张三")
    db.session.commit()
    rebuild(app)
    root = index_root(app)
    for toc in current_generation(root).glob("*.toc"):
        toc.write_bytes(b"not an index")
    query.searcher_cache().forget()

    assert search(user, "食堂").unavailable
    assert _rebuilds_queued() == 1
    db.session.execute(SearchOutbox.__table__.delete())  # the writer took it, and failed
    db.session.commit()
    for _ in range(3):
        assert search(user, "食堂").unavailable
    assert _rebuilds_queued() == 0
    # the mark is on disk, so another process (a second worker) waits as well ...
    mark = root / "rebuild-requested"
    assert mark.exists()
    query._last_rebuild_request.clear()
    assert not query.rebuild_due(root)
    # ... and ten minutes later the next search asks again
    long_ago = time.time() - query.REBUILD_INTERVAL - 1
    os.utime(mark, (long_ago, long_ago))
    query._last_rebuild_request.clear()
    assert search(user, "食堂").unavailable
    assert _rebuilds_queued() == 1


# --- a full disk -------------------------------------------------------------------------

@pytest.fixture
def tmpfs(tmp_path):
    """``tmpfs(kilobytes)``: a folder on a tmpfs of that size, unmounted afterwards."""
    mounted = []

    def mount(kilobytes: int) -> Path:
        path = tmp_path / f"tmpfs-{len(mounted)}"
        path.mkdir()
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs",
                                 str(path)], capture_output=True, text=True, check=False)
        if result.returncode:
            pytest.skip(f"cannot mount a tmpfs (needs root): {result.stderr.strip()}")
        mounted.append(path)
        return path

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(folder: Path) -> Path:
    """Take every free byte of ``folder``'s file system; delete the file to give it back."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for size in (1 << 20, 4096, 1):
            try:
                while os.write(fd, b"\1" * size):
                    pass
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


@pytest.fixture
def sqlite_on_tmpfs(tmpfs, tmp_path):
    """An app on a SQLite database in a 4 MB tmpfs, migrated, with one person."""
    folder = tmpfs(4096)
    app = create_app(make_config(f"sqlite:///{folder / 'hub.sqlite3'}", tmp_path,
                                 SEARCH_INDEX_DIR=str(tmp_path / "index")))
    app.test_client_class = HubTestClient
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        upgrade()
        factories.create_user("zhang", name="张三", password=PASSWORD)
        db.session.commit()
        yield app, folder
        db.session.remove()
        db.engine.dispose()


def _tokens() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ApiToken))


def test_a_full_disk_is_a_503_with_retry_after_and_nothing_half_written(sqlite_on_tmpfs):
    app, folder = sqlite_on_tmpfs
    client = app.test_client()
    token = csrf_token(client)
    filler = fill(folder)

    response = client.post(f"{API}/auth/token", json={"username": "zhang",
                                                       "password": PASSWORD})
    assert_error(response, 503, "unavailable")
    assert int(response.headers["Retry-After"]) > 0

    response = client.post("/login", data={"username": "zhang", "password": PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "服务暂时不可用" in response.get_data(as_text=True)

    filler.unlink()
    assert _tokens() == 0  # the request's transaction was rolled back
    response = client.post(f"{API}/auth/token", json={"username": "zhang",
                                                       "password": PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert _tokens() == 1


def test_an_unreachable_database_is_a_503_page_and_json_error(tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://hub:hub@127.0.0.1:{port}/hub?connect_timeout=2"
    # no CSRF token to be had: the login page needs the database as well
    app = create_app(make_config(url, tmp_path, WTF_CSRF_ENABLED=False))
    app.test_client_class = HubTestClient
    with app.test_request_context("/", base_url=app.config["BASE_URL"]):
        client = app.test_client()
        response = client.post(f"{API}/auth/token", json={"username": "zhang",
                                                           "password": PASSWORD})
        assert_error(response, 503, "unavailable")
        assert response.headers["Retry-After"]

        response = client.get(f"{API}/auth/tokens",
                              headers={"Authorization": "Bearer abc"})
        assert_error(response, 503, "unavailable")

        response = client.post("/login", data={"username": "zhang", "password": PASSWORD})
        assert response.status_code == 503
        html = response.get_data(as_text=True)
        assert "服务暂时不可用" in html and 'lang="zh-CN"' in html
        assert response.headers["Retry-After"]


# --- the search writer on a full disk ----------------------------------------------------

@pytest.fixture
def index_on_tmpfs(app, tmpfs):
    """The test app's search index in a small tmpfs, built (empty)."""
    from hub.search.indexer import rebuild

    folder = tmpfs(2048)
    app.config["SEARCH_INDEX_DIR"] = str(folder / "index")
    rebuild(app)
    return folder


def _outbox() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(SearchOutbox))


def test_the_search_writer_releases_its_locks_on_a_full_disk_and_catches_up(
        app, create_user, index_on_tmpfs):
    from hub.mailbox.services import file_letter
    from hub.search.index import index_root, open_index
    from hub.search.indexer import rebuild, retry_delay, run_round
    from hub.search.query import search

    user = create_user("zhang", name="张三")
    rebuild(app)  # what the outbox holds so far: the next change is a small one
    filler = fill(index_on_tmpfs)
    letter_id = file_letter(user, subject="磁盘已满时的来信", body="写入器满盘测试",
                            category="other").letter.id
    user_id = user.id
    db.session.commit()
    failures = 0
    for _ in range(3):
        failures = run_round(app, failures)
    assert failures == 3
    assert _outbox() >= 1  # kept for later
    # none of the failed writers holds Whoosh's lock (MAIN_WRITELOCK)
    lock = open_index(index_root(app), check=False).lock("WRITELOCK")
    assert lock.acquire(blocking=False)
    lock.release()
    assert retry_delay(1) < retry_delay(2) < retry_delay(3) <= retry_delay(30) == 60

    filler.unlink()
    assert run_round(app, failures) == 0
    assert _outbox() == 0
    results = search(db.session.get(User, user_id), "写入器满盘测试")
    assert not results.unavailable
    assert [hit.id for hit in results.hits] == [letter_id]


def test_search_check_reports_a_locked_index_instead_of_crashing(app, create_user):
    from hub.search.index import index_root, open_index
    from hub.search.indexer import rebuild

    create_user("zhang", name="张三")
    db.session.commit()
    rebuild(app)
    db.session.add(SearchOutbox(kind="user", obj_id=1))
    db.session.commit()
    holder = open_index(index_root(app)).writer()  # as a writer stuck in another process
    try:
        result = app.test_cli_runner().invoke(args=["search", "check"])
    finally:
        holder.cancel()
    assert result.exit_code == 2, result.output
    assert "locked" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    result = app.test_cli_runner().invoke(args=["search", "check"])
    assert result.exit_code in (0, 1), result.output


def test_a_failed_rebuild_leaves_no_half_made_generation(app, create_user, index_on_tmpfs):
    from hub.search.index import current_generation, index_root
    from hub.search.indexer import rebuild

    create_user("zhang", name="张三")
    db.session.commit()
    root = index_root(app)
    before = current_generation(root)
    filler = fill(index_on_tmpfs)
    with pytest.raises(OSError):
        rebuild(app)
    assert sorted(p.name for p in root.glob("gen-*")) == [before.name]
    filler.unlink()
    shutil.disk_usage(root)
    rebuild(app)
    assert current_generation(root) != before
